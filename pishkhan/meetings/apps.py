from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "pishkhan.meetings"
    label = "meetings"
    verbose_name = "جلسات پیشخوان"

    def ready(self) -> None:
        from pishkhan.cycle.clock import register_step
        from pishkhan.meetings import services

        register_step(
            "build_agenda",
            due=lambda week: week.visits_end_at,
            run=services.agenda_build_step,
            order=40,
            label="ساختن دستور جلسه",
        )
        register_step(
            "freeze_agenda",
            due=lambda week: week.agenda_freeze_at,
            run=services.agenda_freeze_step,
            order=45,
            label="نهایی‌کردن دستور جلسه",
        )
