"""The directives' steps of the weekly clock (registered in DirectivesConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from pishkhan.cycle.clock import register_step
from pishkhan.directives import services

OVERDUE_SCAN_TIME = dt.time(0, 5)


def register() -> None:
    register_step(
        "dispatch",
        due=lambda week: week.dispatch_at,
        run=services.dispatch_step,
        order=60,
        label=gettext_lazy("ابلاغ مصوبات به واحدها"),
    )
    # Daily: a late tick catches up every missed day; a directive turns overdue once, and only
    # open ones are scanned.
    register_step(
        "mark_overdue",
        daily_at=OVERDUE_SCAN_TIME,
        run=services.overdue_step,
        order=70,
        label=gettext_lazy("بررسی روزانهٔ ابلاغیه‌های معوق"),
    )
    from pishkhan.directives.promise import PROMISE_STEPS, STEP_PREFIX, promise_check_step

    # After each phase: every open case on the path of its promise (or listed).
    for phase, due in PROMISE_STEPS:
        register_step(
            f"{STEP_PREFIX}{phase}",
            due=due,
            run=promise_check_step,
            order=90,
            label=gettext_lazy("بررسی وعدهٔ یک‌هفته‌ای همهٔ درخواست‌های باز"),
        )
