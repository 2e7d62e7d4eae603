from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pishkhan.core"
    label = "core"
    verbose_name = _("هسته")

    def ready(self) -> None:
        from pishkhan.core.checks import rate_settings_check

        checks.register(rate_settings_check)
