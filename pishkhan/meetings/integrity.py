"""Nothing unverified goes out: what leaves the office (directives, letters, the bulletin, the
public register) is checked against the sealed minutes first.

``meeting_intact`` is the read; ``integrity_refusal_record`` the write that tells the secretary
and the mayor (outbox) and leaves the reason on the meeting's history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.core.audit import audit_record
from pishkhan.core.errors import ApplicationError
from pishkhan.meetings.models import Meeting, MeetingEvent
from pishkhan.meetings.selectors import meeting_verification

WHAT_LABELS = {
    "dispatch": gettext_lazy("ابلاغ مصوبات"),
    "letter": gettext_lazy("نامهٔ ابلاغ"),
    "bulletin": gettext_lazy("بولتن مصوبات"),
    "register": gettext_lazy("فهرست عمومی مصوبات"),
}


class UnverifiedMinutes(ApplicationError):
    """The signed minutes do not match the database: nothing of them goes out."""

    def __init__(self, meeting: Meeting, problems: list[str], what: str) -> None:
        label = WHAT_LABELS.get(what, what)
        super().__init__(
            gettext("%(what)s انجام نشد: صورتجلسهٔ %(meeting)s با نسخهٔ امضاشده نمی‌خواند — ")
            % {"what": label, "meeting": meeting.number}
            + gettext("؛ ").join(problems[:5])
        )
        self.meeting = meeting
        self.problems = problems
        self.what = what


def meeting_problems(meeting: Meeting) -> list[str]:
    """Empty when the meeting's minutes are signed and intact."""
    if meeting.status != Meeting.Status.SIGNED:
        return [gettext("صورتجلسهٔ %(meeting)s امضا و مهر نشده است") % {"meeting": meeting.number}]
    return meeting_verification(meeting).problems


def meeting_require_intact(meeting: Meeting, *, what: str) -> None:
    problems = meeting_problems(meeting)
    if problems:
        raise UnverifiedMinutes(meeting, problems, what)


def meetings_tampered(meeting_ids: Iterable[int]) -> dict[int, list[str]]:
    """Of these signed meetings, the ones whose minutes no longer verify (with the problems)."""
    bad: dict[int, list[str]] = {}
    for meeting in Meeting.objects.filter(pk__in=set(meeting_ids)).select_related("municipality"):
        problems = meeting_problems(meeting)
        if problems:
            bad[meeting.pk] = problems
    return bad


def _alert_targets(municipality_id: int) -> list[User]:
    return list(
        User.objects.filter(
            municipality_id=municipality_id,
            role__in=[Role.SECRETARY, Role.MAYOR],
            is_active=True,
        ).order_by("role", "id")
    )


@transaction.atomic
def integrity_refusal_record(*, refusal: UnverifiedMinutes, now: dt.datetime | None = None) -> None:
    """Record why something was not issued or published, and alert the secretary and the mayor
    (once per meeting, kind of output and altered state)."""
    from pishkhan.notify.services import message_enqueue

    now = now or timezone.now()
    meeting = refusal.meeting
    state = meeting_verification(meeting).current_hash[:16] or "unsigned"
    if MeetingEvent.objects.filter(
        meeting=meeting, kind="integrity_refused", data__what=refusal.what, data__state=state
    ).exists():
        return  # already recorded and alerted for this altered state
    MeetingEvent.objects.create(
        meeting=meeting,
        kind="integrity_refused",
        actor=None,
        at=now,
        note=refusal.message[:2000],
        data={"what": refusal.what, "state": state, "problems": refusal.problems[:20]},
    )
    audit_record(
        municipality_id=meeting.municipality_id,
        actor_id=None,
        action="meeting.integrity_refused",
        object_type="meeting",
        object_id=meeting.number,
        data={"what": refusal.what, "problems": refusal.problems[:20]},
        at=now.astimezone(dt.UTC),
    )
    for user in _alert_targets(meeting.municipality_id):
        message_enqueue(
            template="meetings/messages/integrity",
            context={
                "user": user,
                "meeting": meeting,
                "what": WHAT_LABELS.get(refusal.what, ""),
                "problems": refusal.problems[:5],
            },
            mobile=user.mobile,
            email=user.email,
            municipality_id=meeting.municipality_id,
            dedupe_key=f"integrity:{meeting.pk}:{refusal.what}:{state}:{user.pk}",
        )
