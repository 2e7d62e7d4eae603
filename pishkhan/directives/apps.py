from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "pishkhan.directives"
    label = "directives"
    verbose_name = "ابلاغیه‌ها"
