"""The back office's navigation, built from what the user may do (routes that exist only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# (permission or "" for any staff, url name, label: a Persian msgid, translated lazily)
NAV: list[tuple[str, str, str | Promise]] = [
    ("", "office:home", _("پیشخوان من")),
    ("cases.triage_case", "cases:inbox", _("صندوق منطقه")),
    ("cases.register_case", "cases:register", _("ثبت درخواست")),
    ("cases.view_case_list", "cases:list", _("درخواست‌ها")),
    ("cycle.see_week", "cycle:week", _("هفتهٔ جاری")),
    ("visits.file_visit_report", "visits:today", _("مسیر امروز")),
    ("visits.plan_visits", "visits:plan", _("برنامهٔ بازدید")),
    ("meetings.view_agenda", "meetings:list", _("جلسات")),
    ("directives.view_directive", "directives:inbox", _("ابلاغیه‌ها")),
    ("portal.moderate_comment", "portal_office:moderation", _("نظرات")),
    ("portal.publish_article", "portal_office:articles", _("اخبار")),
    ("reports.view_reports", "reports:index", _("گزارش‌ها")),
]


def office_nav(request: HttpRequest) -> dict[str, Any]:
    if not request.path.startswith("/office/") or not request.user.is_authenticated:
        return {}
    items = []
    for perm, name, label in NAV:
        if perm and not request.user.has_perm(perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url if name == "office:home" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    return {"office_nav": items}
