from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "pishkhan.meetings"
    label = "meetings"
    verbose_name = _("جلسات پیشخوان")

    def ready(self) -> None:
        from pishkhan.meetings import clocksteps

        clocksteps.register()
