from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "pishkhan.cycle"
    label = "cycle"
    verbose_name = _("چرخهٔ هفتگی")

    def ready(self) -> None:
        from pishkhan.cycle.phases import register_phase_steps

        register_phase_steps()
