"""The one-week promise of a case: the week whose meeting must decide it.

``Case.due_week`` holds the promise (the intake week; the current cycle for a case accepted
late; the next meeting after a deferral, an unheld meeting or an objection). ``promised_week`` is
the first promise given and ``answered_week`` the week whose meeting first answered the case
(decided or explicitly deferred): the promise was kept when ``answered_week <= promised_week``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from pishkhan.accounts.models import Municipality
from pishkhan.core.jalali import TEHRAN, combine, week_start
from pishkhan.cycle.models import Week
from pishkhan.cycle.schedule import schedule_for, week_times

# Statuses in which a case waits for a meeting's answer: the promise applies.
WAITING = ("accepted", "visited", "on_agenda", "deferred", "reopened")

# Called when a case joins a week after that week was planned (a late urgent case): upper apps
# (visits) register here, as they register clock steps; cases imports none of them.
JOINED_HOOKS: list[Callable[[Any, dt.datetime], None]] = []


def register_joined_hook(hook: Callable[[Any, dt.datetime], None]) -> None:
    if hook not in JOINED_HOOKS:
        JOINED_HOOKS.append(hook)


def week_row(municipality: Municipality | int, start: dt.date) -> Week | None:
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    return Week.objects.filter(municipality_id=municipality_id, start=start).first()


def meeting_time(municipality: Municipality, start: dt.date) -> dt.datetime:
    """When the meeting of the week starting ``start`` is held (holiday-shifted; rescheduled)."""
    week = week_row(municipality, start)
    if week is not None:
        return week.meeting_at
    return week_times(municipality, start).meeting_at


def freeze_time(municipality: Municipality, start: dt.date) -> dt.datetime:
    week = week_row(municipality, start)
    if week is not None:
        return week.agenda_freeze_at
    return week_times(municipality, start).agenda_freeze_at


def next_meeting_week(municipality: Municipality, now: dt.datetime | None = None) -> dt.date:
    """The week whose meeting can still take a case now: this week until its agenda freezes,
    else the next one."""
    now = now or timezone.now()
    current = week_start(now.astimezone(TEHRAN).date())
    if now < freeze_time(municipality, current):
        return current
    return current + dt.timedelta(days=7)


def fallback_meeting(municipality: Municipality, start: dt.date) -> dt.datetime:
    schedule = schedule_for(municipality)
    return combine(start + dt.timedelta(days=schedule.meeting_day), schedule.meeting_time)
