"""What every meeting write shares: the status table, the row lock, the event record, the
permission check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pishkhan.accounts.models import User
from pishkhan.core.audit import actor_id_of, audit_record
from pishkhan.core.errors import InvalidTransition, PermissionDeniedError
from pishkhan.meetings.models import (
    Meeting,
    MeetingEvent,
)

MS = Meeting.Status
ALLOWED: dict[str, set[str]] = {
    MS.DRAFT: {MS.FROZEN},
    MS.FROZEN: {MS.IN_SESSION, MS.DRAFT},
    MS.IN_SESSION: {MS.CLOSED},
    MS.CLOSED: {MS.SIGNED, MS.IN_SESSION},  # back into session: floor.minutes_reopen
    MS.SIGNED: set(),
}
CARRY_KINDS = {"overdue", "extension"}  # items about directives, not about case status


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _set_status(
    meeting: Meeting, to: str, *, actor: User | None, now: dt.datetime, note: str = ""
) -> None:
    if to not in ALLOWED[meeting.status]:
        raise InvalidTransition(meeting.status, to)
    old = meeting.status
    meeting.status = to
    meeting.save(update_fields=["status", "updated_at"])
    _event(meeting, kind="status", old=old, new=to, actor=actor, now=now, note=note)


def _event(
    meeting: Meeting,
    *,
    kind: str,
    actor: User | None,
    now: dt.datetime,
    old: str = "",
    new: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    MeetingEvent.objects.create(
        meeting=meeting,
        kind=kind,
        old_status=old,
        new_status=new,
        actor=actor,
        at=now,
        note=note,
        data=data or {},
    )
    audit_record(
        municipality_id=meeting.municipality_id,
        actor_id=actor_id_of(actor),
        action=f"meeting.{kind}",
        object_type="meeting",
        object_id=meeting.number,
        data={"from": old, "to": new, "note": note, **(data or {})},
        at=now.astimezone(dt.UTC),  # audit digests use UTC isoformat
    )


def _require(actor: User | None, perm: str, municipality_id: int) -> None:
    if actor is None:
        return
    if not actor.has_perm(perm) or actor.municipality_id != municipality_id:
        raise PermissionDeniedError()
