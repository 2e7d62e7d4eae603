"""Reads for directives: the department inbox and the weekly / per-department figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.cases.models import Attachment, Case, CaseEvent
from pishkhan.directives.models import Directive, DirectiveEvent
from pishkhan.meetings.models import Decision
from pishkhan.visits.models import VisitPhoto

ACTIVE = ("issued", "acknowledged", "in_progress", "overdue", "awaiting")


def directive_scope(user: User) -> QuerySet[Directive]:
    """What ``user`` may see: department staff only their department's orders."""
    qs = Directive.objects.filter(municipality_id=user.municipality_id or 0)
    if user.role in (Role.DEPARTMENT_HEAD, Role.DEPARTMENT_STAFF):
        return qs.filter(department_id=user.department_id or 0)
    return qs


def directive_inbox(user: User, *, status: str = "active") -> QuerySet[Directive]:
    qs = directive_scope(user).select_related("department", "decision", "decision__item")
    if status == "active":
        qs = qs.filter(status__in=ACTIVE)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("deadline", "id")


def directive_detail(user: User, pk: int) -> Directive | None:
    return (
        directive_scope(user)
        .select_related("department", "decision", "decision__item", "decision__item__meeting")
        .filter(pk=pk)
        .first()
    )


def directive_events(directive: Directive) -> list[DirectiveEvent]:
    labels = dict(Directive.Status.choices)
    events = list(
        directive.events.select_related("actor").prefetch_related("evidence").order_by("at", "id")
    )
    for e in events:  # display labels for the timeline
        e.old_label = labels.get(e.old_status, e.old_status)  # type: ignore[attr-defined]
        e.new_label = labels.get(e.new_status, e.new_status)  # type: ignore[attr-defined]
    return events


@dataclass
class WeekRow:
    week_start: dt.date
    decided: int
    directives: int
    done_on_time: int
    done_late: int
    overdue_open: int
    avg_days_to_decision: float | None


def _avg_days(decided_events: QuerySet[CaseEvent]) -> float | None:
    value = decided_events.annotate(
        wait=ExpressionWrapper(F("at") - F("case__created_at"), output_field=DurationField())
    ).aggregate(avg=Avg("wait"))["avg"]
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 86400, 1)
    return round(float(value) / 86400 / 1_000_000, 1)  # SQLite returns microseconds


DECIDED_STATES = ("decided", "rejected", "deferred")


def weekly_report(
    municipality_id: int, *, weeks: int = 8, today: dt.date | None = None
) -> list[WeekRow]:
    """Per meeting week: decided, directives on time / late / overdue, average days to decision."""
    from pishkhan.core.jalali import week_start

    today = today or timezone.localdate()
    first = week_start(today) - dt.timedelta(days=7 * (weeks - 1))
    rows = []
    decisions = (
        Decision.objects.filter(
            item__meeting__municipality_id=municipality_id, item__meeting__week_start__gte=first
        )
        .values("item__meeting__week_start")
        .annotate(n=Count("id"))
    )
    decided_by_week = {r["item__meeting__week_start"]: r["n"] for r in decisions}
    directives = (
        Directive.objects.filter(
            municipality_id=municipality_id, decision__item__meeting__week_start__gte=first
        )
        .values("decision__item__meeting__week_start")
        .annotate(
            total=Count("id"),
            on_time=Count("id", filter=Q(status="done", completed_at__date__lte=F("deadline"))),
            late=Count("id", filter=Q(status="done", completed_at__date__gt=F("deadline"))),
            overdue=Count("id", filter=Q(status="overdue")),
        )
    )
    by_week = {r["decision__item__meeting__week_start"]: r for r in directives}
    for i in range(weeks):
        start = first + dt.timedelta(days=7 * i)
        d: dict[str, Any] = dict(by_week.get(start, {}))
        events = CaseEvent.objects.filter(
            case__municipality_id=municipality_id,
            new_status__in=DECIDED_STATES,
            old_status="on_agenda",
            at__date__gte=start,
            at__date__lt=start + dt.timedelta(days=7),
        )
        rows.append(
            WeekRow(
                week_start=start,
                decided=decided_by_week.get(start, 0),
                directives=d.get("total", 0),
                done_on_time=d.get("on_time", 0),
                done_late=d.get("late", 0),
                overdue_open=d.get("overdue", 0),
                avg_days_to_decision=_avg_days(events),
            )
        )
    return rows


def department_report(municipality_id: int) -> list[dict[str, Any]]:
    """Per department: directives open, done on time, done late, overdue now, superseded."""
    rows: Any = (
        Directive.objects.filter(municipality_id=municipality_id)
        .values("department__name")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=("issued", "acknowledged", "in_progress"))),
            on_time=Count("id", filter=Q(status="done", completed_at__date__lte=F("deadline"))),
            late=Count("id", filter=Q(status="done", completed_at__date__gt=F("deadline"))),
            overdue=Count("id", filter=Q(status="overdue")),
            superseded=Count("id", filter=Q(status="superseded")),
        )
        .order_by("department__name")
    )
    return [dict(r) for r in rows]


def report_xlsx(municipality_id: int) -> bytes:
    import io

    from openpyxl import Workbook

    from pishkhan.core.jalali import format_date

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = _("هفته‌ها")
    sheet.sheet_view.rightToLeft = True
    sheet.append(
        [
            _("هفته"),
            _("مصوبات"),
            _("ابلاغیه‌ها"),
            _("انجام به‌موقع"),
            _("انجام با تأخیر"),
            _("معوق"),
            _("میانگین روز تا تصمیم"),
        ]
    )
    for r in weekly_report(municipality_id):
        sheet.append(
            [
                format_date(r.week_start),
                r.decided,
                r.directives,
                r.done_on_time,
                r.done_late,
                r.overdue_open,
                r.avg_days_to_decision,
            ]
        )
    dept = book.create_sheet(_("واحدها"))
    dept.sheet_view.rightToLeft = True
    dept.append(
        [_("واحد"), _("کل"), _("باز"), _("به‌موقع"), _("با تأخیر"), _("معوق"), _("جایگزین‌شده")]
    )
    for d in department_report(municipality_id):
        dept.append(
            [
                d["department__name"],
                d["total"],
                d["open"],
                d["on_time"],
                d["late"],
                d["overdue"],
                d["superseded"],
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def open_case_count(municipality_id: int) -> int:
    return Case.objects.filter(
        municipality_id=municipality_id, status__in=("accepted", "visited")
    ).count()


@dataclass
class DirectiveSite:
    """One place a directive is about: the citizen's case with its photos and the visit's."""

    case: Case
    citizen_photos: list[Attachment]
    visit_photos: list[VisitPhoto]


def directive_sites(directive: Directive) -> list[DirectiveSite]:
    """The cases of the directive's decision, for the phone page: address, point, photos
    (three queries whatever the number of cases)."""
    cases = list(
        Case.objects.filter(agenda_items=directive.decision.item_id)
        .select_related("district")
        .order_by("pk")
    )
    ids = [c.pk for c in cases]
    citizen: dict[int, list[Attachment]] = {}
    for a in Attachment.objects.filter(case_id__in=ids, content_type__startswith="image/").order_by(
        "pk"
    ):
        citizen.setdefault(a.case_id, []).append(a)
    visit: dict[int, list[VisitPhoto]] = {}
    for p in (
        VisitPhoto.objects.filter(visit__case_id__in=ids).select_related("visit").order_by("pk")
    ):
        visit.setdefault(p.visit.case_id, []).append(p)
    return [DirectiveSite(c, citizen.get(c.pk, []), visit.get(c.pk, [])) for c in cases]


def directive_photo(directive: Directive, kind: str, pk: int) -> tuple[Any, str] | None:
    """A photo of one of the directive's cases (file, content type), or None."""
    item_id = directive.decision.item_id
    if kind == "citizen":
        a = Attachment.objects.filter(pk=pk, case__agenda_items=item_id).first()
        return (a.file, a.content_type) if a else None
    p = VisitPhoto.objects.filter(pk=pk, visit__case__agenda_items=item_id).first()
    return (p.file, "image/jpeg") if p else None
