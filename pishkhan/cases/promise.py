"""The one-week promise of a case: the week whose meeting must decide it.

``Case.due_week`` holds the promise (the intake week; the current cycle for a case accepted
late; the next meeting after a deferral, an unheld meeting or an objection). ``promised_week`` is
the first promise given and ``answered_week`` the week whose meeting first answered the case
(decided or explicitly deferred): the promise was kept when ``answered_week <= promised_week``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import Municipality
from pishkhan.core.jalali import TEHRAN, active_lang, combine, format_date, week_start
from pishkhan.core.text import local_number
from pishkhan.cycle.models import ClockStep, Week
from pishkhan.cycle.schedule import schedule_for, week_times, weeks_times

# Statuses in which a case waits for a meeting's answer: the promise applies.
WAITING = ("accepted", "visited", "on_agenda", "deferred", "reopened")

# A meeting may run late; a case still waiting this long after its meeting's time is late.
LATE_GRACE = dt.timedelta(hours=12)

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


@dataclass(frozen=True)
class Promise:
    """Where a case stands against its promise at ``now``."""

    week: dt.date | None  # the week whose meeting must decide it (None: answered / not promised)
    meeting_at: dt.datetime | None
    days_left: int | None  # whole days from today to the meeting day (negative: passed)
    late: bool  # the due meeting has passed and the case still waits
    state: str  # "waiting" | "late" | "kept" | "broken" | "none"

    @property
    def late_at(self) -> dt.datetime | None:
        """When a waiting case turns late (None: it is not waiting, or late already)."""
        if self.state != "waiting" or self.meeting_at is None:
            return None
        return self.meeting_at + LATE_GRACE

    @property
    def phrase(self) -> str:
        """A plain Persian countdown for the citizen and the desk."""
        if self.meeting_at is None or self.days_left is None:
            return ""
        when = format_date(self.meeting_at, lang=active_lang(), long=True)
        if self.state == "late":
            return _("موعد تصمیم جلسهٔ %(when)s بود؛ درخواست در جلسهٔ بعد بررسی می‌شود") % {
                "when": when
            }
        if self.days_left == 0:
            return _("در جلسهٔ امروز، %(when)s، تصمیم‌گیری می‌شود") % {"when": when}
        if self.days_left == 1:
            return _("در جلسهٔ %(when)s، فردا، تصمیم‌گیری می‌شود") % {"when": when}
        return _("در جلسهٔ %(when)s، %(n)s روز دیگر، تصمیم‌گیری می‌شود") % {
            "when": when,
            "n": local_number(self.days_left),
        }


NO_PROMISE = Promise(week=None, meeting_at=None, days_left=None, late=False, state="none")


def _due_week_of(case: Any, late_weeks: set[dt.date]) -> dt.date | None:
    if case.status in WAITING:
        return case.due_week or case.week_start
    if case.status in ("submitted", "info_requested"):
        # if accepted now: its own week, unless that week's plan already ran
        return (
            case.week_start + dt.timedelta(days=7)
            if case.week_start in late_weeks
            else case.week_start
        )
    return None


def promises_for(cases: Sequence[Any], now: dt.datetime | None = None) -> dict[int, Promise]:
    """The promise of each case (by pk), in two queries whatever the number of cases."""
    now = now or timezone.now()
    if not cases:
        return {}
    municipality_id = cases[0].municipality_id
    starts = {c.week_start for c in cases} | {c.due_week for c in cases if c.due_week}
    starts |= {d + dt.timedelta(days=7) for d in starts}
    # One query: each week's meeting time, and whether its visit plan already ran.
    rows = (
        Week.objects.filter(municipality_id=municipality_id, start__in=starts)
        .annotate(
            planned=Exists(ClockStep.objects.filter(week_id=OuterRef("pk"), step="plan_visits"))
        )
        .values_list("start", "meeting_at", "planned")
    )
    meetings: dict[dt.date, dt.datetime] = {}
    late_weeks: set[dt.date] = set()
    for start, meeting_at, planned in rows:
        meetings[start] = meeting_at
        if planned:
            late_weeks.add(start)
    dues = {c.pk: _due_week_of(c, late_weeks) for c in cases}
    # Weeks the clock has not made yet (ahead, or before the city started): computed, all at once.
    unmade = {due for due in dues.values() if due is not None and due not in meetings}
    if unmade:
        computed = weeks_times(_city(municipality_id), unmade)
        meetings.update({start: week.meeting_at for start, week in computed.items()})
    today = now.astimezone(TEHRAN).date()
    result: dict[int, Promise] = {}
    for case in cases:
        due = dues[case.pk]
        if due is None:
            kept = (
                case.answered_week
                and case.promised_week
                and case.answered_week <= case.promised_week
            )
            state = "none" if not case.answered_week else "kept" if kept else "broken"
            result[case.pk] = Promise(None, None, None, False, state)
            continue
        meeting_at = meetings[due]
        late = now > meeting_at + LATE_GRACE and case.status in WAITING
        days = (meeting_at.astimezone(TEHRAN).date() - today).days
        result[case.pk] = Promise(due, meeting_at, days, late, "late" if late else "waiting")
    return result


def _city(municipality_id: int) -> Municipality:
    return Municipality.objects.get(pk=municipality_id)


def promise_of(case: Any, now: dt.datetime | None = None) -> Promise:
    return promises_for([case], now).get(case.pk, NO_PROMISE)
