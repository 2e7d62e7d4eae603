"""Writes for the weekly clock: schedules and holidays."""

from __future__ import annotations

import datetime as dt

import jdatetime
from django.db import transaction

from pishkhan.accounts.models import Municipality
from pishkhan.cycle.holidays import official_holidays
from pishkhan.cycle.models import Holiday, Schedule


def schedule_get_or_create(*, municipality: Municipality) -> Schedule:
    schedule, _ = Schedule.objects.get_or_create(municipality=municipality)
    return schedule


@transaction.atomic
def holidays_seed(*, municipality: Municipality, today: dt.date) -> int:
    """Add the official holidays of the current and next Jalali year. Keeps admin edits:
    days an admin already has (added, moved or renamed) are left alone."""
    year = jdatetime.date.fromgregorian(date=today).year
    existing = set(Holiday.objects.filter(municipality=municipality).values_list("date", flat=True))
    rows = [
        Holiday(
            municipality=municipality, date=day, name=name[:200], source=Holiday.Source.OFFICIAL
        )
        for day, name in official_holidays([year, year + 1]).items()
        if day not in existing
    ]
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() != 4 and day not in holidays  # Friday is the weekend
