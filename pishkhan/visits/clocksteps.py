"""The visit steps of the weekly clock (registered in VisitsConfig.ready)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from pishkhan.core.jalali import combine
from pishkhan.cycle.clock import register_step
from pishkhan.cycle.models import Week
from pishkhan.visits import services

REMINDER_TIME = dt.time(18, 0)  # the evening before a visit day
MAX_VISIT_DAYS = 3


def _plan(week: Week, now: dt.datetime) -> dict[str, Any]:
    return services.visits_plan(week=week, now=now)


def _flag(week: Week, now: dt.datetime) -> dict[str, Any]:
    return services.visits_flag_unvisited(week=week, now=now)


def reminder_due(index: int) -> Any:
    """Evening before the index-th visit day, but never before the plan exists (intake close).
    A week with fewer visit days has no such step (None)."""

    def due(week: Week) -> dt.datetime | None:
        days = week.visit_dates()
        if index >= len(days):
            return None
        evening = combine(days[index] - dt.timedelta(days=1), REMINDER_TIME)
        return max(evening, week.intake_closes_at)

    return due


def reminder_run(index: int) -> Any:
    def run(week: Week, now: dt.datetime) -> dict[str, Any]:
        days = week.visit_dates()
        if index >= len(days):
            return {"reminders": 0}
        return services.visit_reminders_send(week=week, day=days[index])

    return run


def plan_late_case(case: Any, now: dt.datetime) -> None:
    """A case that joined a week after its visit plan was made (an urgent one) is planned at
    once, while the week's visits are still ahead: no button press."""
    from pishkhan.cycle.models import ClockStep

    if not case.needs_visit or case.status != "accepted":
        return
    week = Week.objects.filter(municipality_id=case.municipality_id, start=case.week_start).first()
    if week is None or now >= week.visits_end_at:
        return
    if not ClockStep.objects.filter(week=week, step="plan_visits").exists():
        return  # the plan, when it runs, takes the case
    services.visits_plan(week=week, now=now)


def register() -> None:
    from pishkhan.cases.promise import register_joined_hook

    register_joined_hook(plan_late_case)
    register_step(
        "plan_visits",
        due=lambda w: w.intake_closes_at,
        run=_plan,
        order=10,
        label=gettext_lazy("برنامه‌ریزی بازدیدها"),
    )
    day_names = [
        gettext_lazy("نخست"),
        gettext_lazy("دوم"),
        gettext_lazy("سوم"),
        gettext_lazy("چهارم"),
        gettext_lazy("پنجم"),
    ]
    for i in range(MAX_VISIT_DAYS):
        register_step(
            f"visit_reminders_{i + 1}",
            due=reminder_due(i),
            run=reminder_run(i),
            order=20,
            label=format_lazy(
                gettext_lazy("یادآوری بازدید روز {day}"),
                day=day_names[i] if i < len(day_names) else i + 1,
            ),
        )
    register_step(
        "flag_unvisited",
        due=lambda w: w.visits_end_at,
        run=_flag,
        order=10,
        label=gettext_lazy("علامت‌گذاری درخواست‌های بازدیدنشده"),
    )
