from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "pishkhan.meetings"
    label = "meetings"
    verbose_name = "جلسات پیشخوان"
