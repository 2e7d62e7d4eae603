from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pishkhan.accounts.access import staff_required
from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.directives.promise import latest_off_path
from pishkhan.office import selectors

# Who sees the cases the promise check could not put back (on their home page).
PROMISE_ROLES = (Role.SECRETARY, Role.MAYOR)


@staff_required()
def office_home(request: HttpRequest) -> HttpResponse:
    """The landing page of the back office: what this person has to do now. The mayor sees
    what needs him, the secretary her week as a to-do list, a deputy his departments' orders."""
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    context: dict[str, Any] = {"today": today}
    if user.role in PROMISE_ROLES and user.municipality_id:
        checked_at, off_path = latest_off_path(user.municipality_id)
        context.update(promise_checked_at=checked_at, off_path=off_path, show_promise=True)
    if user.role == Role.MAYOR:
        context["mayor"] = selectors.mayor_desk(user, today)
    elif user.role == Role.SECRETARY:
        context["secretary"] = selectors.secretary_desk(user, today)
    if user.role in (Role.BOARD_MEMBER, Role.MAYOR) and user.supervised_departments.exists():
        context["deputy"] = selectors.deputy_desk(user, today)
    return render(request, "office/office_home.html", context)


@staff_required("reports.view_reports")
def reports(request: HttpRequest) -> HttpResponse:
    """Execution reports by week, department and district, and every overdue directive;
    filtered by period, district and department; all tables in one XLSX."""
    user: User = request.user  # type: ignore[assignment]
    mid: int = user.municipality_id  # type: ignore[assignment]
    filters = selectors.ReportFilters.from_query(request.GET)
    today = timezone.localdate()
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            selectors.report_xlsx(mid, filters, today),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="pishkhan-reports.xlsx"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    return render(
        request,
        "office/reports.html",
        {
            "filters": filters,
            "choices": selectors.report_choices(mid),
            "weeks": selectors.report_by_week(mid, filters, today),
            "departments": selectors.report_by_department(mid, filters, today),
            "districts": selectors.report_by_district(mid, filters, today),
            "overdue": selectors.overdue_list(mid, filters, today),
            "xlsx_query": query.urlencode(),
        },
    )
