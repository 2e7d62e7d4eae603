"""Template helpers for citizen requests."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from pishkhan.cases.models import Case

register = template.Library()
STATUS_LABELS = dict(Case.Status.choices)
EVENT_LABELS = {
    "merge_in": _("درخواست مشابهی در این درخواست ادغام شد"),
    "move_district": _("انتقال به منطقهٔ دیگر"),
    "change_service": _("تغییر خدمت"),
    "urgent": _("فوری شد"),
    "unvisited": _("بازدید نشد"),
}


@register.filter
def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


@register.filter
def event_label(event: object) -> str:
    kind = getattr(event, "kind", "status")
    if kind != "status":
        return str(EVENT_LABELS.get(kind, kind))
    old, new = getattr(event, "old_status", ""), getattr(event, "new_status", "")
    return f"{status_label(old)} ← {status_label(new)}" if old else status_label(new)
