from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "pishkhan.cases"
    label = "cases"
    verbose_name = "درخواست‌ها"
