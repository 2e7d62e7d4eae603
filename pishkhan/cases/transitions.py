"""The case's life: which status may follow which (every arrow is recorded as a CaseEvent)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pishkhan.cases.models import Case

St = Case.Status
ALLOWED: dict[str, set[str]] = {
    St.SUBMITTED: {St.ACCEPTED, St.REJECTED, St.MERGED, St.INFO_REQUESTED},
    St.INFO_REQUESTED: {St.SUBMITTED, St.REJECTED, St.MERGED},
    St.ACCEPTED: {St.VISITED, St.ON_AGENDA, St.MERGED, St.REJECTED},
    St.VISITED: {St.ON_AGENDA, St.MERGED},
    St.ON_AGENDA: {St.DECIDED, St.DEFERRED, St.REJECTED, St.MERGED},
    St.DEFERRED: {St.ON_AGENDA, St.MERGED},
    St.DECIDED: {St.DISPATCHED, St.ON_AGENDA, St.CLOSED},
    # A re-decision of an overdue order may reject it: the case leaves execution, told why.
    St.DISPATCHED: {St.IN_PROGRESS, St.DONE, St.ON_AGENDA, St.REJECTED},
    St.IN_PROGRESS: {St.DONE, St.ON_AGENDA, St.REJECTED},
    St.DONE: {St.CLOSED, St.REOPENED},
    St.REOPENED: {St.ON_AGENDA},
    St.REJECTED: set(),
    St.MERGED: set(),
    St.CLOSED: set(),
}

# Phases shown to the citizen (tracking page), in order.
PUBLIC_PHASES = [
    (St.SUBMITTED, _("ثبت درخواست")),
    (St.ACCEPTED, _("پذیرش در نوبت هفتگی")),
    (St.VISITED, _("بازدید میدانی")),
    (St.ON_AGENDA, _("طرح در جلسهٔ پیشخوان")),
    (St.DECIDED, _("تصمیم‌گیری")),
    (St.DISPATCHED, _("ابلاغ به واحد مسئول")),
    (St.DONE, _("انجام کار")),
    (St.CLOSED, _("بسته‌شدن پرونده")),
]
CLOSED_STATES = {St.REJECTED, St.MERGED, St.CLOSED}
