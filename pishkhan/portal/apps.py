from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "pishkhan.portal"
    label = "portal"
    verbose_name = _("سایت عمومی")

    def ready(self) -> None:
        from pishkhan.portal import clocksteps

        clocksteps.register()
