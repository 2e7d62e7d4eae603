"""Phase times of a week from a municipality's Schedule (holiday shifts: see shift policy)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.accounts.models import Municipality
from pishkhan.core.jalali import TEHRAN, combine, week_start
from pishkhan.cycle.models import Schedule


def schedule_for(municipality: Municipality) -> Schedule:
    schedule = Schedule.objects.filter(municipality=municipality).first()
    return schedule or Schedule(municipality=municipality)


def intake_close(start: dt.date, schedule: Schedule) -> dt.datetime:
    return combine(start + dt.timedelta(days=schedule.intake_end_day), schedule.intake_end_time)


def intake_week_start(municipality: Municipality, at: dt.datetime | None = None) -> dt.date:
    """The week (its Saturday) whose cycle handles a request arriving at ``at``:
    this week until the intake cut-off, the next week after it."""
    at = (at or timezone.now()).astimezone(TEHRAN)
    start = week_start(at.date())
    if at > intake_close(start, schedule_for(municipality)):
        start += dt.timedelta(days=7)
    return start
