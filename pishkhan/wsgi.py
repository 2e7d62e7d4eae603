import gc
import os

from django.core.wsgi import get_wsgi_application

from pishkhan.core.warmup import FreezeAfterWarmup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.settings")
django_application = get_wsgi_application()
gc.freeze()  # what start-up loaded; what the first requests load follows (FreezeAfterWarmup)
application = FreezeAfterWarmup(django_application)
