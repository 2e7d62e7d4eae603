from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "pishkhan.visits"
    label = "visits"
    verbose_name = "بازدیدهای میدانی"

    def ready(self) -> None:
        from pishkhan.visits.clocksteps import register

        register()
