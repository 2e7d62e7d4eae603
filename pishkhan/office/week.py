"""The week page (cycle:week): phases with their shifts, counts, who is behind, what comes next."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from pishkhan.accounts.access import scope_cases, staff_required
from pishkhan.accounts.models import District, User
from pishkhan.accounts.roles import Role
from pishkhan.cases.models import Case
from pishkhan.core.jalali import TEHRAN, active_lang, format_date, format_datetime, week_start
from pishkhan.cycle.clock import week_steps
from pishkhan.cycle.models import Week
from pishkhan.cycle.services import week_get_or_create
from pishkhan.meetings.models import Meeting
from pishkhan.visits.models import Visit

# Case statuses grouped by the phase of the cycle they belong to.
PHASE_GROUPS: list[tuple[str, str | Promise, list[str]]] = [
    ("intake", gettext_lazy("در انتظار بررسی منطقه"), ["submitted", "info_requested"]),
    ("visits", gettext_lazy("پذیرفته، در انتظار بازدید"), ["accepted"]),
    ("meeting", gettext_lazy("بازدیدشده / در دستور جلسه"), ["visited", "on_agenda"]),
    ("decided", gettext_lazy("تصمیم‌گیری‌شده"), ["decided", "deferred", "rejected", "merged"]),
    (
        "dispatch",
        gettext_lazy("ابلاغ و اجرا"),
        ["dispatched", "in_progress", "done", "closed", "reopened"],
    ),
]
PHASE_ROWS: list[tuple[str, str | Promise, str]] = [
    ("intake", gettext_lazy("پذیرش"), "intake_opens_at"),
    ("visits", gettext_lazy("بازدید میدانی"), "visits_start_at"),
    ("meeting", gettext_lazy("جلسه"), "meeting_at"),
    ("dispatch", gettext_lazy("ابلاغ"), "dispatch_at"),
]


def _jalali(value: str) -> str:
    if "T" in value:
        return format_datetime(dt.datetime.fromisoformat(value), lang=active_lang(), long=True)
    return format_date(dt.date.fromisoformat(value), lang=active_lang(), long=True)


def _shift_display(shift: dict[str, Any]) -> dict[str, Any]:
    return {
        **shift,
        "from_fa": _jalali(shift["from"]),
        "to_fa": _jalali(shift["to"]),
        "moved": shift["from"] != shift["to"],
    }


def week_summary(*, user: User, week: Week, now: dt.datetime) -> dict[str, Any]:
    cases = scope_cases(user, Case.objects.filter(week_start=week.start))
    by_district = {
        row["district_id"]: row
        for row in cases.values("district_id").annotate(
            total=Count("id"),
            **{key: Count("id", filter=Q(status__in=sts)) for key, _, sts in PHASE_GROUPS},
        )
    }
    districts = District.objects.filter(municipality_id=week.municipality_id)
    if user.role == Role.DISTRICT_MANAGER:
        districts = districts.filter(pk=user.district_id or 0)
    district_rows = [
        {
            "district": d,
            "counts": [by_district.get(d.pk, {}).get(k, 0) for k, _, _ in PHASE_GROUPS],
            "total": by_district.get(d.pk, {}).get("total", 0),
        }
        for d in districts
    ]
    totals = [sum(r["counts"][i] for r in district_rows) for i in range(len(PHASE_GROUPS))]
    pending_triage = {
        row["district_id"]: row["n"]
        for row in cases.filter(status__in=["submitted", "info_requested"])
        .values("district_id")
        .annotate(n=Count("id"))
    }
    triage_behind = [
        {"user": u, "count": pending_triage.get(u.district_id, 0)}
        for u in User.objects.filter(
            municipality_id=week.municipality_id,
            role=Role.DISTRICT_MANAGER,
            is_active=True,
            district_id__in=list(pending_triage),
        ).select_related("district")
    ]
    visits_behind = list(
        Visit.objects.filter(
            municipality_id=week.municipality_id,
            week_start=week.start,
            status__in=[Visit.Status.PLANNED, Visit.Status.CHECKED_IN],
        )
        .values("manager_id", "manager__full_name")
        .annotate(n=Count("id"))
        .order_by("manager__full_name")
    )
    done = {s.step: s for s in week.steps.all()}
    upcoming: list[dict[str, Any]] = sorted(
        (
            {"name": step.label, "due": due}
            for step, due in week_steps(week)
            if step.name not in done and due is not None
        ),
        key=lambda r: cast(dt.datetime, r["due"]),
    )
    phases = [
        {
            "key": key,
            "label": label,
            "at": getattr(week, field),
            "current": week.phase_at(now) == key,
            "shifts": [_shift_display(s) for s in week.shifts if s["phase"] == key],
        }
        for key, label, field in PHASE_ROWS
    ]
    meeting = Meeting.objects.filter(
        municipality_id=week.municipality_id, week_start=week.start
    ).first()
    return {
        "week": week,
        "meeting": meeting,
        "phase_now": week.phase_at(now),
        "phase_now_label": Week.Phase(week.phase_at(now)).label,
        "phases": phases,
        "visit_days": week.visit_dates(),
        "groups": [label for _, label, _ in PHASE_GROUPS],
        "district_rows": district_rows,
        "totals": totals,
        "triage_behind": triage_behind,
        "visits_behind": visits_behind,
        "upcoming": upcoming,
        "done": sorted(done.values(), key=lambda s: s.due_at),
    }


@staff_required("cycle.see_week")
def week_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    start = week_start(now.astimezone(TEHRAN).date())
    if request.GET.get("start"):
        try:
            start = week_start(dt.date.fromisoformat(request.GET["start"]))
        except ValueError:
            pass
    user = cast(User, request.user)
    if user.municipality is None:
        raise PermissionDenied
    week = week_get_or_create(user.municipality, start)
    context = week_summary(user=user, week=week, now=now)
    context.update(
        prev_start=start - dt.timedelta(days=7),
        next_start=start + dt.timedelta(days=7),
        shift_labels={k: label for k, label, _ in PHASE_ROWS},
    )
    return render(request, "office/week.html", context)
