from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pishkhan.reports"
    label = "reports"
    verbose_name = "گزارش‌ها"
