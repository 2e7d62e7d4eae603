"""The meetings' steps of the weekly clock (registered in MeetingsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from pishkhan.cycle.clock import register_step
from pishkhan.meetings import services, unheld


def register() -> None:
    register_step(
        "build_agenda",
        due=lambda week: week.visits_end_at,
        run=services.agenda_build_step,
        order=40,
        label=gettext_lazy("ساختن دستور جلسه"),
    )
    register_step(
        "freeze_agenda",
        due=lambda week: week.agenda_freeze_at,
        run=services.agenda_freeze_step,
        order=45,
        label=gettext_lazy("نهایی‌کردن دستور جلسه"),
    )
    register_step(
        "meeting_not_held",
        due=unheld.not_held_due,
        run=unheld.not_held_step,
        order=50,
        label=gettext_lazy("بررسی برگزاری جلسه (برگزارنشده: انتقال موارد به جلسهٔ بعد)"),
    )
