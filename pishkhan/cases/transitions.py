"""The case's life: which status may follow which (every arrow is recorded as a CaseEvent)."""

from __future__ import annotations

S = {
    "submitted", "info_requested", "accepted", "rejected", "merged", "visited", "on_agenda",
    "decided", "deferred", "dispatched", "in_progress", "done", "closed", "reopened",
}  # fmt: skip

ALLOWED: dict[str, set[str]] = {
    "submitted": {"accepted", "rejected", "merged", "info_requested"},
    "info_requested": {"submitted", "rejected", "merged"},
    "accepted": {"visited", "on_agenda", "merged", "rejected"},
    "visited": {"on_agenda", "merged"},
    "on_agenda": {"decided", "deferred", "rejected", "merged"},
    "deferred": {"on_agenda", "merged"},
    "decided": {"dispatched", "on_agenda", "closed"},
    # A re-decision of an overdue order may reject it: the case leaves execution, told why.
    "dispatched": {"in_progress", "done", "on_agenda", "rejected"},
    "in_progress": {"done", "on_agenda", "rejected"},
    "done": {"closed", "reopened"},
    "reopened": {"on_agenda"},
    "rejected": set(),
    "merged": set(),
    "closed": set(),
}

# Phases shown to the citizen (tracking page), in order.
PUBLIC_PHASES = [
    ("submitted", "ثبت درخواست"),
    ("accepted", "پذیرش در نوبت هفتگی"),
    ("visited", "بازدید میدانی"),
    ("on_agenda", "طرح در جلسهٔ پیشخوان"),
    ("decided", "تصمیم‌گیری"),
    ("dispatched", "ابلاغ به واحد مسئول"),
    ("done", "انجام کار"),
    ("closed", "بسته‌شدن پرونده"),
]
CLOSED_STATES = {"rejected", "merged", "closed"}
