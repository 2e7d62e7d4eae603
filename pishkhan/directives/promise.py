"""The promise check (#14): every open case is on the path of its promise, or explicitly
deferred with a reason. Run by the clock after each phase and by ``manage.py promise_check``.

What has a clear rule is put back on the path (and recorded on the case); the rest is listed
with its reason, on the secretary's and the mayor's home (the latest check's ClockStep result)
and by the command, which exits non-zero while anything is off the path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from pishkhan.accounts.models import Municipality
from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.cases.promise import LATE_GRACE, WAITING, next_meeting_week
from pishkhan.core.jalali import TEHRAN, format_date
from pishkhan.cycle.clocksteps import end_of_dispatch_day
from pishkhan.cycle.models import ClockStep, Schedule, Week
from pishkhan.cycle.schedule import week_times_of
from pishkhan.directives.models import Directive
from pishkhan.meetings.models import Meeting
from pishkhan.meetings.unheld import NOT_HELD_GRACE

STEP_PREFIX = "promise_check_"
OPEN_ORDERS = ("issued", "acknowledged", "in_progress", "overdue")


@dataclass(frozen=True)
class OffPath:
    code: str
    status: str
    reason: str
    fixed: bool = False


def _meetings(municipality_id: int, weeks: set[dt.date]) -> dict[dt.date, Meeting]:
    return {
        m.week_start: m
        for m in Meeting.objects.filter(municipality_id=municipality_id, week_start__in=weeks)
    }


def promise_check(*, municipality: Municipality, now: dt.datetime, fix: bool) -> list[OffPath]:
    """Every open case of the city against its promise. With ``fix``, clear cases are put
    back (their promise moves to the next meeting, a done case past its window closes)."""
    found: list[OffPath] = []
    mid = municipality.pk
    weeks = dict(Week.objects.filter(municipality_id=mid).values_list("start", "meeting_at"))
    waiting = list(
        Case.objects.filter(municipality_id=mid, status__in=WAITING, merged_into__isnull=True)
        .only("pk", "tracking_code", "status", "due_week", "week_start", "municipality_id")
        .order_by("pk")
    )
    meetings = _meetings(mid, {c.due_week or c.week_start for c in waiting})
    nxt = next_meeting_week(municipality, now)
    for case in waiting:
        due = case.due_week
        if due is None:
            found.append(
                _put_back(case, nxt, "بی‌موعد: موعد جلسهٔ بعد برایش ثبت شد", fix, now)
            )  # record: stored
            continue
        meeting_at = weeks.get(due)
        if meeting_at is None or now <= meeting_at + LATE_GRACE:
            continue  # its meeting is ahead: on the path
        meeting = meetings.get(due)
        when = format_date(meeting_at, long=True)
        if (
            meeting is None
            or meeting.not_held_at is not None
            or meeting.status in ("draft", "frozen")
        ):
            reason = f"جلسهٔ {when} برگزار نشد؛ به جلسهٔ بعد منتقل شد"  # record: stored
            found.append(_put_back(case, nxt, reason, fix, now))
        elif meeting.status == "in_session":
            found.append(
                OffPath(case.tracking_code, case.status, f"جلسهٔ {when} هنوز باز است")
            )  # record: stored
        elif case.status == "on_agenda":
            reason = f"در دستور جلسهٔ {when} بود ولی تصمیمی برایش ثبت نشد"  # record: stored
            found.append(OffPath(case.tracking_code, case.status, reason))
        else:
            reason = f"در دستور جلسهٔ {when} نبود؛ به جلسهٔ بعد منتقل شد"  # record: stored
            found.append(_put_back(case, nxt, reason, fix, now))
    found += _untriaged(municipality, weeks, now)
    found += _info_waiting(mid, now)
    found += _undispatched(mid, now)
    found += _without_order(mid)
    found += _done_past_window(municipality, now, fix)
    return found


def _put_back(case: Case, due: dt.date, reason: str, fix: bool, now: dt.datetime) -> OffPath:
    if fix:
        case_services.case_carry_over(case=case, due_week=due, note=reason, now=now)
    return OffPath(case.tracking_code, case.status, reason, fixed=fix)


def _untriaged(
    municipality: Municipality, weeks: dict[dt.date, dt.datetime], now: dt.datetime
) -> list[OffPath]:
    """Requests nobody triaged although their week's meeting has passed — the week's stored
    meeting time, or the schedule's for a week the clock never created (an outage, a city
    whose clock started late): those cases were missed when only stored weeks counted."""
    starts = set(
        Case.objects.filter(municipality_id=municipality.pk, status="submitted")
        .order_by()
        .values_list("week_start", flat=True)
        .distinct()
    )
    passed = [
        start
        for start in starts
        if (weeks.get(start) or week_times_of(municipality, start).meeting_at) + LATE_GRACE < now
    ]
    if not passed:
        return []
    rows = Case.objects.filter(
        municipality_id=municipality.pk, status="submitted", week_start__in=passed
    ).values_list("tracking_code", "status")
    return [
        OffPath(code, status, "بررسی‌نشده به‌دست مدیر منطقه پس از جلسهٔ هفته‌اش")  # record: stored
        for code, status in rows
    ]


def _info_waiting(mid: int, now: dt.datetime) -> list[OffPath]:
    wait = (
        Schedule.objects.filter(municipality_id=mid)
        .values_list("info_wait_days", flat=True)
        .first()
    )
    limit = now - dt.timedelta(days=(wait or 7) + 1)
    rows = Case.objects.filter(
        municipality_id=mid, status="info_requested", updated_at__lt=limit
    ).values_list("tracking_code", "status")
    return [
        OffPath(code, status, "منتظر اطلاعات شهروند بیش از مهلت شهر") for code, status in rows
    ]  # record: stored


def _undispatched(mid: int, now: dt.datetime) -> list[OffPath]:
    """Approved decisions whose week's dispatch day has passed without an order."""
    late_weeks = [
        w.start
        for w in Week.objects.filter(
            municipality_id=mid, dispatch_at__lt=now - dt.timedelta(days=1)
        )
    ]
    rows = (
        Case.objects.filter(
            municipality_id=mid, status="decided", agenda_items__meeting__week_start__in=late_weeks
        )
        .exclude(agenda_items__decision__outcome="refer")
        .values_list("tracking_code", "status")
        .distinct()
    )
    return [
        OffPath(code, status, "مصوب شده ولی ابلاغ نشده (صورتجلسه امضا نشده؟)")  # record: stored
        for code, status in rows
    ]


def _without_order(mid: int) -> list[OffPath]:
    """Cases being carried out with no open order left to carry them out: an open order of a
    decision on the case's item, or of a re-decision of such an order (an overdue/extension
    item names its source order). Three queries whatever the number of cases (it ran one more
    per executing case): the cases the city's open orders cover, directly or through the order
    they re-decide, then the executing cases; the difference is made in Python. (A single
    query with two NOT EXISTS was as fast on SQLite and three times slower on PostgreSQL,
    whose planner walked the whole table by primary key: bench/promise_check_scale.py.)"""
    open_orders = Directive.objects.filter(municipality_id=mid, status__in=OPEN_ORDERS)
    covered = set(open_orders.values_list("decision__item__cases", flat=True))
    redecided = open_orders.filter(decision__item__source_directive_id__isnull=False).values(
        "decision__item__source_directive_id"
    )
    covered |= set(
        Directive.objects.filter(pk__in=redecided).values_list("decision__item__cases", flat=True)
    )
    rows = (
        Case.objects.filter(municipality_id=mid, status__in=["dispatched", "in_progress"])
        .order_by("pk")
        .values_list("pk", "tracking_code", "status")
    )
    return [
        OffPath(code, status, "در حال اجرا بدون ابلاغیهٔ باز")  # record: stored
        for pk, code, status in rows
        if pk not in covered
    ]


def _done_past_window(municipality: Municipality, now: dt.datetime, fix: bool) -> list[OffPath]:
    days = case_services.objection_window_days(municipality.pk)
    limit = now - dt.timedelta(days=days)
    rows = list(
        Case.objects.filter(
            municipality_id=municipality.pk, status="done", done_at__lte=limit
        ).values_list("tracking_code", "status")
    )
    if rows and fix:
        case_services.case_close_expired(now=now, municipality_id=municipality.pk)
    return [
        OffPath(code, status, "مهلت اعتراض گذشته؛ بسته شد", fixed=fix) for code, status in rows
    ]  # record: stored


def promise_check_step(week: Week, now: dt.datetime) -> dict[str, Any]:
    found = promise_check(municipality=week.municipality, now=now, fix=True)
    left = [asdict(f) for f in found if not f.fixed]
    return {"fixed": sum(f.fixed for f in found), "off_path": len(left), "cases": left[:200]}


def latest_off_path(municipality_id: int) -> tuple[dt.datetime | None, list[dict[str, Any]]]:
    """What the latest clock check left for people to decide (for the home pages)."""
    row = (
        ClockStep.objects.filter(
            week__municipality_id=municipality_id, step__startswith=STEP_PREFIX
        )
        .order_by("-done_at", "-id")
        .values_list("done_at", "result")
        .first()
    )
    if row is None:
        return None, []
    return row[0], list((row[1] or {}).get("cases", []))


PROMISE_STEPS: list[tuple[str, Callable[[Week], dt.datetime]]] = [
    ("intake", lambda w: w.intake_closes_at + dt.timedelta(minutes=10)),
    ("visits", lambda w: w.visits_end_at + dt.timedelta(minutes=10)),
    ("meeting", lambda w: w.meeting_at + NOT_HELD_GRACE + dt.timedelta(minutes=10)),
    ("dispatch", lambda w: w.dispatch_at + dt.timedelta(hours=2)),
    ("execution", lambda w: end_of_dispatch_day(w) + dt.timedelta(minutes=10)),
]


def local_today(now: dt.datetime | None = None) -> dt.date:
    return (now or timezone.now()).astimezone(TEHRAN).date()


# ---------------------------------------------------------------- the promise report


def _figures(row: dict[str, Any]) -> dict[str, Any]:
    answered = row["kept"] + row["late"]
    pct: float | None = round(100 * row["kept"] / answered, 1) if answered else None
    return {**row, "kept_pct": int(pct) if pct is not None and pct.is_integer() else pct}


def promise_report(
    municipality_id: int, *, weeks: int = 8, now: dt.datetime | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The promise per week, district and department (service's department) over the last
    ``weeks`` promised weeks: promised, kept (first answered at the promised meeting or
    before), late (answered later, or still unanswered after it), waiting, deferred twice or
    more. Counts only: no citizen data (the public /stats/ shows the same figures)."""
    from django.db.models import Count, F

    from pishkhan.core.jalali import week_start

    now = now or timezone.now()
    first = week_start(local_today(now)) - dt.timedelta(days=7 * (weeks - 1))
    passed = list(
        Week.objects.filter(
            municipality_id=municipality_id, start__gte=first, meeting_at__lt=now - LATE_GRACE
        ).values_list("start", flat=True)
    )
    base = Case.objects.filter(
        municipality_id=municipality_id, promised_week__gte=first, merged_into__isnull=True
    )
    answered_late = Q(answered_week__gt=F("promised_week"))
    unanswered_late = Q(answered_week__isnull=True, promised_week__in=passed)
    counts = {
        "promised": Count("id"),
        "kept": Count("id", filter=Q(answered_week__lte=F("promised_week"))),
        "late": Count("id", filter=answered_late | unanswered_late),
        "waiting": Count("id", filter=Q(answered_week__isnull=True) & ~Q(promised_week__in=passed)),
        "deferred_twice": Count("id", filter=Q(deferrals__gte=2)),
    }
    week_q: Any = base.values("promised_week").annotate(**counts)
    by_week = {r["promised_week"]: r for r in week_q}
    week_rows = []
    for i in range(weeks):
        start = first + dt.timedelta(days=7 * i)
        row = by_week.get(start) or dict.fromkeys(counts, 0)
        week_rows.append(_figures({"week": start, **{k: row[k] for k in counts}}))
    district_q: Any = (
        base.values("district__number", "district__name")
        .annotate(**counts)
        .order_by("district__number")
    )
    districts = [
        _figures({"name": r["district__name"], **{k: r[k] for k in counts}}) for r in district_q
    ]
    department_q: Any = (
        base.values("service__department__name")
        .annotate(**counts)
        .order_by("service__department__name")
    )
    departments = [
        _figures({"name": r["service__department__name"], **{k: r[k] for k in counts}})
        for r in department_q
    ]
    total = dict.fromkeys(counts, 0)
    for row in week_rows:
        for k in counts:
            total[k] += row[k]
    return {
        "weeks": week_rows,
        "districts": districts,
        "departments": departments,
        "total": [_figures(total)],
    }


def promise_sections(
    report: dict[str, list[dict[str, Any]]],
) -> list[tuple[Any, list[dict[str, Any]], str]]:
    """The report's tables in the order the pages show them (_promise_tables.html)."""
    from django.utils.translation import gettext_lazy

    return [
        (gettext_lazy("همهٔ هفته‌ها"), report["total"], "total"),
        (gettext_lazy("به تفکیک هفته"), report["weeks"], "week"),
        (gettext_lazy("به تفکیک منطقه"), report["districts"], "district"),
        (gettext_lazy("به تفکیک واحد"), report["departments"], "department"),
    ]
