from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pishkhan.core"
    label = "core"
    verbose_name = "هسته"
