from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import AppConfig

OVERDUE_SCAN_TIME = dt.time(0, 5)


def _daily(day: int) -> Callable[[Any], dt.datetime]:
    def due(week: Any) -> dt.datetime:
        from pishkhan.core.jalali import combine

        return combine(week.start + dt.timedelta(days=day), OVERDUE_SCAN_TIME)

    return due


class DirectivesConfig(AppConfig):
    name = "pishkhan.directives"
    label = "directives"
    verbose_name = "ابلاغیه‌ها"

    def ready(self) -> None:
        from pishkhan.cycle.clock import register_step
        from pishkhan.directives import services
        from pishkhan.meetings.sources import register_agenda_source

        register_agenda_source("directives", services.agenda_source)
        register_step(
            "dispatch",
            due=lambda week: week.dispatch_at,
            run=services.dispatch_step,
            order=60,
            label="ابلاغ مصوبات به واحدها",
        )
        # The overdue scan runs once a day (a step per day of the week: each runs once, and a
        # late tick catches up); a directive turns overdue once: only open ones are scanned.
        for day in range(7):
            register_step(
                f"mark_overdue_{day}",
                due=_daily(day),
                run=services.overdue_step,
                order=70,
                label="بررسی روزانهٔ ابلاغیه‌های معوق",
            )
