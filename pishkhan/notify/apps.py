from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "pishkhan.notify"
    label = "notify"
    verbose_name = "اعلان‌ها"
