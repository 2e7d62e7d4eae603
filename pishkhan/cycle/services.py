"""Writes for the weekly clock: schedules and holidays."""

from __future__ import annotations

import datetime as dt

import jdatetime
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pishkhan.accounts.models import Municipality
from pishkhan.core.errors import ApplicationError
from pishkhan.core.jalali import sat_weekday, week_label
from pishkhan.cycle.holidays import official_holidays
from pishkhan.cycle.models import ClockStep, Holiday, Schedule, Week
from pishkhan.cycle.schedule import WeekTimes, intake_cache_key, week_times


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


def _apply_times(week: Week, times: WeekTimes) -> list[str]:
    """Copy computed times onto ``week``; returns the changed field names."""
    changed = []
    values: dict[str, object] = {
        "intake_opens_at": times.intake_opens_at,
        "intake_closes_at": times.intake_closes_at,
        "visits_start_at": times.visits_start_at,
        "visits_end_at": times.visits_end_at,
        "agenda_freeze_at": times.agenda_freeze_at,
        "meeting_at": times.meeting_at,
        "dispatch_at": times.dispatch_at,
        "visit_days": [d.isoformat() for d in times.visit_days],
        "shifts": times.shifts,
    }
    for name, value in values.items():
        if getattr(week, name) != value:
            setattr(week, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def week_get_or_create(municipality: Municipality, start: dt.date) -> Week:
    """The Week starting on Saturday ``start``, created with holiday-shifted phase times."""
    if sat_weekday(start) != 0:
        raise ApplicationError(_("هفته باید از شنبه آغاز شود."))
    week = Week.objects.filter(municipality=municipality, start=start).first()
    if week is not None:
        return week
    year, number = week_label(start)
    week = Week(municipality=municipality, start=start, jalali_year=year, jalali_week=number)
    _apply_times(week, week_times(municipality, start))
    try:
        with transaction.atomic():
            week.save()
    except IntegrityError:  # created meanwhile by another worker
        return Week.objects.get(municipality=municipality, start=start)
    key = intake_cache_key(municipality.pk, start)
    transaction.on_commit(lambda: cache.delete(key))
    return week


@transaction.atomic
def week_reschedule(*, week: Week, now: dt.datetime) -> list[str]:
    """Recompute the times of a week that has not begun (after a holiday or schedule edit).
    A started week keeps its times: its steps may already have run on them."""
    week = Week.objects.select_for_update().get(pk=week.pk)
    if now >= week.intake_opens_at:
        return []
    changed = _apply_times(week, week_times(week.municipality, week.start))
    if changed:
        week.save(update_fields=changed)
        key = intake_cache_key(week.municipality_id, week.start)
        transaction.on_commit(lambda: cache.delete(key))
    return changed


@transaction.atomic
def clock_step_rerun_record(
    *, week: Week, step: str, result: dict[str, object], actor_name: str, now: dt.datetime
) -> ClockStep:
    """A refused clock step done again by hand (a person, once the reason is gone): the step's
    result now says what the re-run did, keeping why the clock's run was refused."""
    row = ClockStep.objects.select_for_update().get(week=week, step=step)
    previous = dict(row.result or {})
    row.result = {
        **result,
        "refused_before": previous.get("refused", []),
        "rerun_at": now.isoformat(),
        "rerun_by": actor_name,
    }
    row.save(update_fields=["result"])
    return row
