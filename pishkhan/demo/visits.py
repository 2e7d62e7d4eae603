"""Demo: plan the field visits of the current week and file a few reports (through services)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.accounts.models import Municipality
from pishkhan.core.jalali import TEHRAN, week_start
from pishkhan.cycle.services import week_get_or_create
from pishkhan.visits.models import Visit
from pishkhan.visits.services import visit_report_file, visits_plan

FINDINGS = [
    (
        "approve",
        "چالهٔ عمیق به قطر حدود یک متر در مسیر عبور خودروها؛ خطر برای موتورسواران.",
        {"قطر": "۱ متر", "عمق": "۱۵ سانتی‌متر"},
        45_000_000,
        3,
    ),
    (
        "defer",
        "درخت کهنسال کج شده ولی ریشه سالم است؛ نیاز به بررسی کارشناس فضای سبز.",
        {"ارتفاع": "۱۲ متر"},
        None,
        2,
    ),
    (
        "approve",
        "تیر چراغ برق خاموش؛ کابل فرسوده. تعویض لامپ و کابل لازم است.",
        {"تعداد تیر": "۲"},
        18_000_000,
        2,
    ),
    ("reject", "انسداد جوی مربوط به ملک خصوصی است و باید مالک اقدام کند.", {}, None, 1),
]


def seed(municipality: Municipality) -> None:
    now = timezone.now()
    week = week_get_or_create(municipality, week_start(now.astimezone(TEHRAN).date()))
    visits_plan(week=week, now=min(now, week.visits_start_at - dt.timedelta(minutes=1)))
    planned = list(
        Visit.objects.filter(municipality=municipality, week_start=week.start)
        .select_related("manager")
        .order_by("day", "manager_id", "order")
    )
    for visit, (rec, text, measures, cost, urgency) in zip(
        planned[: len(FINDINGS)], FINDINGS, strict=False
    ):
        visit_report_file(
            visit=visit,
            actor=visit.manager,
            findings=text,
            recommendation=rec,
            measurements=measures,
            estimated_cost=cost,
            urgency=urgency,
            proposed_text=text if rec == "approve" else "",
            now=now,
        )
