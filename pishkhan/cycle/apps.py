from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "pishkhan.cycle"
    label = "cycle"
    verbose_name = "چرخهٔ هفتگی"

    def ready(self) -> None:
        from pishkhan.cycle.phases import register_phase_steps

        register_phase_steps()
