from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "pishkhan.visits"
    label = "visits"
    verbose_name = _("بازدیدهای میدانی")

    def ready(self) -> None:
        from pishkhan.visits import clocksteps

        clocksteps.register()
