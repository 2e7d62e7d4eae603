"""What the desks at the top read: the mayor's home, the secretary's week, a deputy's
departments, and the execution reports (by week, department, district; overdue directives)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import Department, District, User
from pishkhan.accounts.roles import Role
from pishkhan.cases.models import CaseEvent
from pishkhan.core.jalali import active_lang, format_date, week_start
from pishkhan.directives.models import Directive
from pishkhan.directives.services import OPEN
from pishkhan.meetings.models import AgendaItem, Meeting, Signature

SIGNERS = (Role.BOARD_MEMBER, Role.MAYOR)


@dataclass
class ReportFilters:
    """Period (last ``weeks`` meeting weeks), district and department of a report."""

    weeks: int = 12
    district_id: int | None = None
    department_id: int | None = None

    @classmethod
    def from_query(cls, data: Any) -> ReportFilters:
        def number(name: str) -> int | None:
            from pishkhan.core.text import to_ascii_digits

            value = to_ascii_digits(str(data.get(name, "") or "")).strip()
            return int(value) if value.isdigit() else None

        weeks = number("weeks") or 12
        return cls(
            weeks=min(max(weeks, 1), 104),
            district_id=number("district"),
            department_id=number("department"),
        )

    def first_week(self, today: dt.date) -> dt.date:
        return week_start(today) - dt.timedelta(days=7 * (self.weeks - 1))


def _directives(
    municipality_id: int, filters: ReportFilters, today: dt.date
) -> QuerySet[Directive]:
    qs = Directive.objects.filter(
        municipality_id=municipality_id,
        decision__item__meeting__week_start__gte=filters.first_week(today),
    )
    if filters.district_id:
        qs = qs.filter(decision__item__district_id=filters.district_id)
    if filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    return qs


_COUNTS = {
    "total": Count("id", filter=~Q(status="superseded")),
    "open": Count("id", filter=Q(status__in=("issued", "acknowledged", "in_progress"))),
    "on_time": Count("id", filter=Q(status="done", completed_at__date__lte=F("deadline"))),
    "late": Count("id", filter=Q(status="done", completed_at__date__gt=F("deadline"))),
    "overdue": Count("id", filter=Q(status="overdue")),
}


def _kept(row: dict[str, Any]) -> int | None:
    """Share (%) of the finished or due directives done on time; None when nothing was due."""
    due = row["on_time"] + row["late"] + row["overdue"]
    return round(100 * row["on_time"] / due) if due else None


def report_by_department(
    municipality_id: int, filters: ReportFilters, today: dt.date | None = None
) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    rows: Any = (
        _directives(municipality_id, filters, today)
        .values("department_id", "department__name", "department__deputy__full_name")
        .annotate(**_COUNTS)
        .order_by("department__name")
    )
    return [{**r, "kept": _kept(r)} for r in rows]


def report_by_district(
    municipality_id: int, filters: ReportFilters, today: dt.date | None = None
) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    rows: Any = (
        _directives(municipality_id, filters, today)
        .values("decision__item__district_id", "decision__item__district__name")
        .annotate(**_COUNTS)
        .order_by("decision__item__district__number")
    )
    out = []
    for r in rows:
        name = r["decision__item__district__name"] or _("کل شهر")
        out.append({**r, "district": name, "kept": _kept(r)})
    return out


def report_by_week(
    municipality_id: int, filters: ReportFilters, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """One row per week of the period. A week without a meeting or without decisions has
    ``held``/``decided`` empty: it is shown as such, never as a week of zero."""
    today = today or timezone.localdate()
    first = filters.first_week(today)
    meetings = dict(
        Meeting.objects.filter(municipality_id=municipality_id, week_start__gte=first).values_list(
            "week_start", "status"
        )
    )
    items = AgendaItem.objects.filter(
        meeting__municipality_id=municipality_id, meeting__week_start__gte=first
    )
    if filters.district_id:
        items = items.filter(district_id=filters.district_id)
    decided = {
        r["meeting__week_start"]: r
        for r in items.values("meeting__week_start").annotate(
            approved=Count("decision", filter=Q(decision__outcome="approve")),
            rejected=Count("decision", filter=Q(decision__outcome="reject")),
            deferred=Count("decision", filter=Q(decision__outcome="defer")),
            referred=Count("decision", filter=Q(decision__outcome="refer")),
        )
    }
    grouped: Any = (
        _directives(municipality_id, filters, today)
        .values("decision__item__meeting__week_start")
        .annotate(**_COUNTS)
    )
    directives = {r["decision__item__meeting__week_start"]: r for r in grouped}
    rows = []
    for i in range(filters.weeks):
        start = first + dt.timedelta(days=7 * i)
        d = decided.get(start)
        held = meetings.get(start) in ("closed", "signed")
        # "Decisions" of output: approvals and rejections only; a deferral decides nothing.
        signed = (d["approved"] + d["rejected"]) if (d and held) else None
        x = directives.get(start)
        rows.append(
            {
                "week_start": start,
                "held": held,
                "decided": signed,
                "deferred": d["deferred"] if (d and held) else None,
                "referred": d["referred"] if (d and held) else None,
                "directives": x["total"] if x else None,
                "on_time": x["on_time"] if x else None,
                "late": x["late"] if x else None,
                "overdue": x["overdue"] if x else None,
                "kept": _kept(x) if x else None,
            }
        )
    return rows


def overdue_list(
    municipality_id: int, filters: ReportFilters | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every overdue directive: number, department, deputy, deadline, how many days late."""
    today = today or timezone.localdate()
    qs = Directive.objects.filter(municipality_id=municipality_id, status="overdue").select_related(
        "department", "department__deputy", "decision__item__district"
    )
    if filters and filters.district_id:
        qs = qs.filter(decision__item__district_id=filters.district_id)
    if filters and filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    return [
        {
            "directive": d,
            "number": d.number,
            "department": d.department.name,
            "deputy": d.department.deputy.get_full_name() if d.department.deputy else "",
            "district": d.decision.item.district.name if d.decision.item.district else "",
            "deadline": d.deadline,
            "days_late": max((today - d.deadline).days, 0),
            "progress": d.progress,
        }
        for d in qs.order_by("deadline", "id")
    ]


def report_xlsx(
    municipality_id: int, filters: ReportFilters, today: dt.date | None = None
) -> bytes:
    """Every table of the reports page, one sheet each, right-to-left, Jalali dates."""
    from openpyxl import Workbook

    today = today or timezone.localdate()
    book = Workbook()
    counts = [_("کل"), _("باز"), _("به‌موقع"), _("با تأخیر"), _("معوق"), _("درصد به‌موقع")]

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        ws = book.create_sheet()
        ws.title = title[:31]
        ws.sheet_view.rightToLeft = True
        ws.append(header)
        for row in rows:
            ws.append(row)

    def numbers(r: dict[str, Any]) -> list[Any]:
        return [r["total"], r["open"], r["on_time"], r["late"], r["overdue"], r["kept"]]

    sheet(
        _("هفته‌ها"),
        [
            _("هفته"),
            _("جلسه برگزار شد"),
            _("مصوبات (تصویب و رد)"),
            _("موکول"),
            _("ارجاع"),
            _("ابلاغیه‌ها"),
            _("به‌موقع"),
            _("با تأخیر"),
            _("معوق"),
            _("درصد به‌موقع"),
        ],
        [
            [
                format_date(r["week_start"]),
                _("بله") if r["held"] else _("خیر"),
                r["decided"],
                r["deferred"],
                r["referred"],
                r["directives"],
                r["on_time"],
                r["late"],
                r["overdue"],
                r["kept"],
            ]
            for r in report_by_week(municipality_id, filters, today)
        ],
    )
    sheet(
        _("واحدها"),
        [_("واحد"), _("معاون مسئول"), *counts],
        [
            [r["department__name"], r["department__deputy__full_name"] or "", *numbers(r)]
            for r in report_by_department(municipality_id, filters, today)
        ],
    )
    sheet(
        _("مناطق"),
        [_("منطقه"), *counts],
        [[r["district"], *numbers(r)] for r in report_by_district(municipality_id, filters, today)],
    )
    sheet(
        _("ابلاغیه‌های معوق"),
        [
            _("شماره"),
            _("واحد"),
            _("معاون مسئول"),
            _("منطقه"),
            _("مهلت"),
            _("روز تأخیر"),
            _("پیشرفت"),
        ],
        [
            [
                r["number"],
                r["department"],
                r["deputy"],
                r["district"],
                format_date(r["deadline"]),
                r["days_late"],
                r["progress"],
            ]
            for r in overdue_list(municipality_id, filters, today)
        ],
    )
    book.remove(book.worksheets[0])  # the empty sheet a new workbook starts with
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- desks


@dataclass
class Todo:
    text: str
    url: str = ""
    count: int | None = None
    urgent: bool = False


@dataclass
class Desk:
    todos: list[Todo] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def chronic_deferrals(municipality_id: int, *, times: int = 2) -> list[dict[str, Any]]:
    """Open cases deferred at least ``times`` times by the meeting."""
    rows = (
        CaseEvent.objects.filter(case__municipality_id=municipality_id, new_status="deferred")
        .exclude(case__status__in=("done", "closed", "rejected", "merged"))
        .values("case_id", "case__tracking_code", "case__service__name", "case__district__name")
        .annotate(n=Count("id"), first=Min("at"))
        .filter(n__gte=times)
        .order_by("-n", "first")[:20]
    )
    return [dict(r) for r in rows]


def minutes_awaiting(user: User) -> list[Meeting]:
    """Closed meetings of the user's city whose minutes the user has not signed yet."""
    signed = Signature.objects.filter(member=user).values("meeting_id")
    return list(
        Meeting.objects.filter(municipality_id=user.municipality_id or 0, status="closed")
        .exclude(pk__in=signed)
        .order_by("week_start")
    )


def this_week_promise(municipality_id: int, today: dt.date) -> dict[str, Any]:
    """Directives due this week: how many, how many done by their deadline (kept)."""
    start = week_start(today)
    due = Directive.objects.filter(
        municipality_id=municipality_id,
        deadline__gte=start,
        deadline__lt=start + dt.timedelta(days=7),
    ).exclude(status="superseded")
    counts = due.aggregate(
        due=Count("id"),
        kept=Count("id", filter=Q(status="done", completed_at__date__lte=F("deadline"))),
    )
    counts["percent"] = round(100 * counts["kept"] / counts["due"]) if counts["due"] else None
    return counts


def mayor_desk(user: User, today: dt.date | None = None) -> Desk:
    today = today or timezone.localdate()
    mid = user.municipality_id or 0
    filters = ReportFilters(weeks=12)
    overdue = overdue_list(mid, today=today)
    by_department: dict[str, dict[str, Any]] = {}
    for r in overdue:
        row = by_department.setdefault(
            r["department"],
            {"department": r["department"], "deputy": r["deputy"], "count": 0, "worst": 0},
        )
        row["count"] += 1
        row["worst"] = max(row["worst"], r["days_late"])
    by_deputy: dict[str, int] = {}
    for r in overdue:
        key = r["deputy"] or _("بدون معاون مسئول")
        by_deputy[key] = by_deputy.get(key, 0) + 1
    weeks = report_by_week(mid, filters, today)
    awaiting = minutes_awaiting(user)
    desk = Desk(
        data={
            "promise": this_week_promise(mid, today),
            "overdue": overdue,
            "overdue_by_department": sorted(by_department.values(), key=lambda r: -r["count"]),
            "overdue_by_deputy": sorted(by_deputy.items(), key=lambda kv: -kv[1]),
            "awaiting": awaiting,
            "chronic": chronic_deferrals(mid),
            "weeks": weeks,
            "chart": {
                "labels": [format_date(w["week_start"], lang=active_lang()) for w in weeks],
                # null, not 0, for a week without a meeting: Chart.js leaves a gap.
                "kept": [w["kept"] for w in weeks],
                "decided": [w["decided"] for w in weeks],
            },
        }
    )
    for m in awaiting:
        desk.todos.append(
            Todo(
                _("امضای صورتجلسهٔ %(number)s") % {"number": m.number},
                f"/office/meetings/{m.pk}/sign/",
                urgent=True,
            )
        )
    return desk


def secretary_desk(user: User, today: dt.date | None = None) -> Desk:
    """Her week as a to-do list, in the order the week runs."""
    today = today or timezone.localdate()
    mid = user.municipality_id or 0
    desk = Desk()
    meeting = Meeting.objects.filter(municipality_id=mid, week_start=week_start(today)).first()
    now = timezone.now()
    if meeting is None:
        desk.todos.append(Todo(_("جلسهٔ این هفته هنوز ساخته نشده است."), "/office/meetings/"))
    else:
        agenda = f"/office/meetings/{meeting.pk}/"
        if meeting.status == "draft":
            desk.todos.append(Todo(_("نهایی‌کردن دستور جلسه"), agenda, urgent=True))
        bare = (
            meeting.items.filter(kind__in=("new", "deferred", "objection", "unvisited"))
            .exclude(cases__visits__proposed_text__gt="")
            .distinct()
            .count()
        )
        if bare and meeting.status in ("draft", "frozen"):
            desk.todos.append(Todo(_("بندهای بدون متن پیشنهادی"), agenda, count=bare))
        if meeting.status in ("draft", "frozen") and meeting.scheduled_at < now:
            desk.todos.append(Todo(_("جلسه در زمان خود برگزار نشده است."), agenda, urgent=True))
    board = User.objects.filter(municipality_id=mid, role__in=SIGNERS, is_active=True)
    for m in Meeting.objects.filter(municipality_id=mid, status="closed").order_by("week_start"):
        signed = set(m.signatures.values_list("member_id", flat=True))
        missing = [u.get_full_name() for u in board if u.pk not in signed]
        if missing:
            desk.todos.append(
                Todo(
                    _("امضاهای مانده برای صورتجلسهٔ %(number)s: %(names)s")
                    % {"number": m.number, "names": "، ".join(missing)},
                    f"/office/meetings/{m.pk}/sign/",
                    count=len(missing),
                    urgent=True,
                )
            )
    undispatched = Meeting.objects.filter(
        municipality_id=mid, status="signed", dispatched_at__isnull=True
    )
    for m in undispatched:
        desk.todos.append(
            Todo(
                _("ابلاغ مصوبات جلسهٔ %(number)s") % {"number": m.number},
                f"/office/meetings/{m.pk}/",
                urgent=True,
            )
        )
    unrendered = Directive.objects.filter(municipality_id=mid, letter_pdf="").exclude(
        status="superseded"
    )
    n = unrendered.count()
    if n:
        desk.todos.append(Todo(_("نامه‌های ابلاغ ساخته‌نشده"), "/office/directives/", count=n))
    extensions = Directive.objects.filter(
        municipality_id=mid, status__in=OPEN, extension_requested_until__isnull=False
    ).count()
    if extensions:
        desk.todos.append(
            Todo(_("درخواست‌های تمدید برای جلسهٔ بعد"), "/office/directives/", count=extensions)
        )
    desk.data["overdue"] = overdue_list(mid, today=today)[:10]
    return desk


def deputy_desk(user: User, today: dt.date | None = None) -> Desk:
    """The orders of the departments this deputy answers for, latest deadline last."""
    departments = list(Department.objects.filter(deputy=user).order_by("name"))
    orders = list(
        Directive.objects.filter(department__in=departments, status__in=OPEN)
        .select_related("department")
        .order_by("deadline", "id")
    )
    return Desk(data={"departments": departments, "orders": orders})


def report_choices(municipality_id: int) -> dict[str, Any]:
    return {
        "districts": list(
            District.objects.filter(municipality_id=municipality_id).order_by("number")
        ),
        "departments": list(
            Department.objects.filter(municipality_id=municipality_id).order_by("name")
        ),
        "periods": [4, 8, 12, 26, 52],
    }
