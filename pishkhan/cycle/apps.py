from django.apps import AppConfig


class CycleConfig(AppConfig):
    name = "pishkhan.cycle"
    label = "cycle"
    verbose_name = "چرخهٔ هفتگی"
