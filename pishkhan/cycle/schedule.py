"""Phase times of a week from a municipality's Schedule, shifted around holidays.

Holiday shift policy (also in docs/CYCLE.md). A *working day* is any day that is not a Friday
(the weekend) and not in the municipality's Holiday table (official days seeded from the
``holidays`` package, edited by the admin).

1. **Intake** is never shifted. Requests arrive online and by phone on any day; the cut-off
   is a promise to citizens and stays where the schedule puts it.
2. **Visit days** are the schedule's visit days (e.g. Monday–Tuesday). A visit day that is not
   a working day is dropped; for each dropped day the next working day *after* the visit window
   and *before the scheduled meeting day* is added instead. If no visit day is left at all, the
   first working day after the window is used (the meeting then follows it, see 3).
   Visits start at the schedule's start time on the first visit day and end at its end time
   on the last one.
3. **Meeting**: on a non-working day it moves to the nearest *earlier* working day, unless that
   would be before the visits end — then to the next *later* working day. A meeting that would
   fall before the visits end (because visits moved) moves to the first working day after the
   last visit day. The agenda freezes ``agenda_freeze_minutes`` before the (shifted) meeting.
4. **Dispatch** on a non-working day, or not after the meeting, moves to the next working day
   after the meeting, at the schedule's dispatch time.

Every move is recorded in ``Week.shifts`` as ``{"phase", "from", "to", "reason"}``, the reason
being the holiday's name (or «جمعه» for the weekend, or the phase that pushed it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from pishkhan.accounts.models import Municipality
from pishkhan.core.jalali import TEHRAN, combine, week_start
from pishkhan.core.memo import process_memo
from pishkhan.cycle.models import Holiday, Schedule, Week

FRIDAY_REASON = "جمعه (تعطیل آخر هفته)"  # record: stored in the week's shifts
# A search for a working day never looks further than this (a whole Nowruz fortnight fits).
MAX_LOOKAHEAD_DAYS = 21


def schedule_for(municipality: Municipality) -> Schedule:
    schedule = Schedule.objects.filter(municipality=municipality).first()
    return schedule or Schedule(municipality=municipality)


def holidays_between(
    municipality: Municipality, first: dt.date, last: dt.date
) -> dict[dt.date, str]:
    rows = Holiday.objects.filter(municipality=municipality, date__range=(first, last))
    return {h.date: h.name for h in rows}


def is_working(day: dt.date, holidays: dict[dt.date, str]) -> bool:
    return day.weekday() != 4 and day not in holidays


def closed_reason(day: dt.date, holidays: dict[dt.date, str]) -> str:
    if day in holidays:
        return holidays[day]
    return FRIDAY_REASON if day.weekday() == 4 else ""


@dataclass
class WeekTimes:
    start: dt.date
    intake_opens_at: dt.datetime
    intake_closes_at: dt.datetime
    visit_days: list[dt.date]
    visits_start_at: dt.datetime
    visits_end_at: dt.datetime
    meeting_at: dt.datetime
    agenda_freeze_at: dt.datetime
    dispatch_at: dt.datetime
    shifts: list[dict[str, Any]] = field(default_factory=list)


def _next_working(day: dt.date, holidays: dict[dt.date, str]) -> dt.date:
    for _ in range(MAX_LOOKAHEAD_DAYS):
        day += dt.timedelta(days=1)
        if is_working(day, holidays):
            return day
    return day


def _prev_working(day: dt.date, holidays: dict[dt.date, str]) -> dt.date:
    for _ in range(MAX_LOOKAHEAD_DAYS):
        day -= dt.timedelta(days=1)
        if is_working(day, holidays):
            return day
    return day


def compute_week(start: dt.date, schedule: Schedule, holidays: dict[dt.date, str]) -> WeekTimes:
    """The phase times of the week starting on Saturday ``start`` (pure: no database)."""
    s = schedule
    shifts: list[dict[str, Any]] = []

    def day(offset: int) -> dt.date:
        return start + dt.timedelta(days=offset)

    def shift(phase: str, old: dt.datetime | dt.date, new: dt.datetime | dt.date, why: str) -> None:
        shifts.append(
            {"phase": phase, "from": old.isoformat(), "to": new.isoformat(), "reason": why}
        )

    intake_opens = combine(day(s.intake_start_day), dt.time(0, 0))
    intake_closes = combine(day(s.intake_end_day), s.intake_end_time)

    # 2. visit days
    window = [day(i) for i in range(s.visit_start_day, max(s.visit_end_day, s.visit_start_day) + 1)]
    visit_days = [d for d in window if is_working(d, holidays)]
    dropped = [d for d in window if not is_working(d, holidays)]
    candidate = window[-1]
    meeting_day = day(s.meeting_day)
    for lost in dropped:
        replacement = None
        probe = candidate
        while True:
            probe = _next_working(probe, holidays)
            if probe >= meeting_day:
                break
            if probe not in visit_days:
                replacement = probe
                break
        if replacement is not None:
            visit_days.append(replacement)
            candidate = replacement
            shift("visits", lost, replacement, closed_reason(lost, holidays))
        else:
            shift(
                "visits", lost, lost, closed_reason(lost, holidays) + " — روز بازدید حذف شد"
            )  # record: stored in the week's shifts
    if not visit_days:
        first = _next_working(window[-1], holidays)
        visit_days = [first]
        shifts[-1]["to"] = first.isoformat()
        shifts[-1]["reason"] = closed_reason(dropped[-1], holidays)
    visit_days.sort()
    visits_start = combine(visit_days[0], s.visit_start_time)
    visits_end = combine(visit_days[-1], s.visit_end_time)

    # 3. meeting
    planned_meeting = combine(meeting_day, s.meeting_time)
    meeting = planned_meeting
    if not is_working(meeting_day, holidays):
        why = closed_reason(meeting_day, holidays)
        earlier = combine(_prev_working(meeting_day, holidays), s.meeting_time)
        if earlier >= visits_end:
            meeting = earlier
        else:
            meeting = combine(_next_working(meeting_day, holidays), s.meeting_time)
        shift("meeting", planned_meeting, meeting, why)
    if meeting < visits_end:
        moved = combine(_next_working(visits_end.date(), holidays), s.meeting_time)
        shift(
            "meeting", meeting, moved, "پس از پایان بازدیدها"
        )  # record: stored in the week's shifts
        meeting = moved
    freeze = meeting - dt.timedelta(minutes=s.agenda_freeze_minutes)

    # 4. dispatch
    planned_dispatch = combine(day(s.dispatch_day), s.dispatch_time)
    dispatch = planned_dispatch
    if not is_working(dispatch.date(), holidays) or dispatch <= meeting:
        why = (
            closed_reason(dispatch.date(), holidays) or "پس از جلسه"
        )  # record: stored in the week's shifts
        target = dispatch.date()
        if target <= meeting.date():
            target = meeting.date()
        target = _next_working(target, holidays)
        dispatch = combine(target, s.dispatch_time)
        shift("dispatch", planned_dispatch, dispatch, why)

    return WeekTimes(
        start=start,
        intake_opens_at=intake_opens,
        intake_closes_at=intake_closes,
        visit_days=visit_days,
        visits_start_at=visits_start,
        visits_end_at=visits_end,
        meeting_at=meeting,
        agenda_freeze_at=freeze,
        dispatch_at=dispatch,
        shifts=shifts,
    )


def week_times(municipality: Municipality, start: dt.date) -> WeekTimes:
    """Phase times of a municipality's week, with its holidays from the database."""
    return weeks_times(municipality, [start])[start]


def weeks_times(municipality: Municipality, starts: Iterable[dt.date]) -> dict[dt.date, WeekTimes]:
    """The computed times of several weeks, with the schedule and the holidays of their whole
    span read once (a list of old cases, each in a week the clock never created, cost two
    queries a week: 72 of the 80 queries of an inbox page on the 5M city)."""
    wanted = sorted(set(starts))
    if not wanted:
        return {}
    holidays = holidays_between(
        municipality,
        wanted[0] - dt.timedelta(days=MAX_LOOKAHEAD_DAYS),
        wanted[-1] + dt.timedelta(days=7 + MAX_LOOKAHEAD_DAYS),
    )
    schedule = schedule_for(municipality)
    return {start: compute_week(start, schedule, holidays) for start in wanted}


def week_times_of(municipality: Municipality, start: dt.date) -> WeekTimes:
    """The one source for a week's times: the stored Week's when the clock has created it (they
    were shifted around holidays then, and a started week keeps them), else computed from the
    schedule and the city's holidays. Every reader of a week's times asks here."""
    week = Week.objects.filter(municipality_id=municipality.pk, start=start).first()
    if week is None:
        # A week the clock has not created yet (next week, for a request after the cut-off):
        # computed from the schedule and holidays, held a minute like the city's other lists
        # (the tracking page asks on every view). The clock creates weeks from week_times().
        computed = process_memo(
            f"week-times:{municipality.pk}:{start.isoformat()}",
            lambda: week_times(municipality, start),
            60,
        )
        return dataclasses.replace(computed, shifts=list(computed.shifts))
    return WeekTimes(
        start=week.start,
        intake_opens_at=week.intake_opens_at,
        intake_closes_at=week.intake_closes_at,
        visit_days=week.visit_dates(),
        visits_start_at=week.visits_start_at,
        visits_end_at=week.visits_end_at,
        meeting_at=week.meeting_at,
        agenda_freeze_at=week.agenda_freeze_at,
        dispatch_at=week.dispatch_at,
        shifts=list(week.shifts),
    )


def intake_cache_key(municipality_id: int, start: dt.date) -> str:
    return f"intake-closes:{municipality_id}:{start.isoformat()}"


def intake_week_start(municipality: Municipality, at: dt.datetime | None = None) -> dt.date:
    """The week (its Saturday) whose cycle handles a request arriving at ``at``:
    this week until the intake cut-off, the next week after it. Uses the stored Week when it
    exists (its times are the holiday-shifted ones), else computes them."""
    at = (at or timezone.now()).astimezone(TEHRAN)
    start = week_start(at.date())
    # Every submission asks this: the cut-off is cached for a minute per city and week.
    key = intake_cache_key(municipality.pk, start)
    closes = cache.get(key)
    if closes is None:
        closes = week_times_of(municipality, start).intake_closes_at
        cache.set(key, closes, 60)
    if at > closes:
        start += dt.timedelta(days=7)
    return start


def urgent_week_start(municipality: Municipality, at: dt.datetime | None = None) -> dt.date:
    """The week an *urgent* case joins when marked at ``at``: the current week until its agenda
    freezes (even after the intake cut-off), otherwise the next week."""
    at = (at or timezone.now()).astimezone(TEHRAN)
    start = week_start(at.date())
    freeze = week_times_of(municipality, start).agenda_freeze_at
    if at >= freeze:
        start += dt.timedelta(days=7)
    return start
