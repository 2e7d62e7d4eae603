"""Writes of the meeting floor: the item on the table, the consent agenda, members' own
positions, reopening the minutes before sealing and declining to sign.

Every write: keyword-only, ``actor=``, atomic with the meeting row locked, checked against the
meeting's status, a MeetingEvent (and audit entry) in the same transaction. A refused write
raises ApplicationError with a Persian message and leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pishkhan.accounts.models import Department, User
from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.core.text import clean_input, local_number, ltr_isolate
from pishkhan.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Position,
    Signature,
    SignatureDecline,
)
from pishkhan.meetings.services.state import _event

CONSENT_NOTE = "تصویب یکجا"  # record: the position's stored note (matched, not shown)


def numbers_text(numbers: Sequence[int]) -> str:
    """Item numbers for a sentence: in the page's digits, joined by the Persian comma."""
    return gettext("، ").join(local_number(n) for n in sorted(numbers))


def _lock(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _require_secretary(actor: User, meeting: Meeting) -> None:
    if (
        not actor.has_perm("meetings.run_meeting")
        or actor.municipality_id != meeting.municipality_id
    ):
        raise PermissionDeniedError()


def _in_session(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CLOSED:
        raise ApplicationError(
            gettext("جلسه پایان یافته است؛ برای اصلاح، صورتجلسه را بازگشایی کنید.")
        )
    if meeting.status != Meeting.Status.IN_SESSION:
        raise ApplicationError(gettext("جلسه در حال برگزاری نیست."))


def _voting_attendance(meeting: Meeting, member: User) -> Attendance:
    row = Attendance.objects.filter(meeting=meeting, member=member).first()
    if row is None or not row.present:
        raise ApplicationError(
            gettext("%(name)s در این جلسه حاضر نیست؛ نظر او ثبت نمی‌شود.")
            % {"name": member.full_name}
        )
    if not row.votes:
        raise ApplicationError(
            gettext("%(name)s عضو دارای رأی این جلسه نیست.") % {"name": member.full_name}
        )
    return row


# ---------------------------------------------------------------- the item on the table


@transaction.atomic
def meeting_set_current(*, item: AgendaItem, actor: User) -> Meeting:
    """The item under discussion: members' devices follow it."""
    meeting = _lock(item.meeting_id)
    _require_secretary(actor, meeting)
    _in_session(meeting)
    if meeting.current_item_id != item.pk:
        meeting.current_item = item
        meeting.save(update_fields=["current_item", "updated_at"])
    return meeting


# ---------------------------------------------------------------- members' positions


@transaction.atomic
def position_record(
    *, decision: Decision, member: User, stance: str, actor: User, note: str = ""
) -> Position:
    """A member's own position (from their device), or the secretary's entry for a member
    without one (recorded as such). Once recorded, a position is not replaced."""
    meeting = _lock(decision.item.meeting_id)
    if actor.pk != member.pk:
        _require_secretary(actor, meeting)
    elif member.municipality_id != meeting.municipality_id:
        raise PermissionDeniedError()
    _in_session(meeting)
    if stance not in Position.Stance.values:
        raise ApplicationError(gettext("نظر نامعتبر است؛ موافق، مخالف یا ممتنع را برگزینید."))
    _voting_attendance(meeting, member)
    if Position.objects.filter(decision=decision, member=member).exists():
        raise ApplicationError(
            gettext("نظر %(name)s دربارهٔ مصوبهٔ %(number)s پیش‌تر ثبت شده است.")
            % {"name": member.full_name, "number": ltr_isolate(decision.number)}
        )
    now = timezone.now()
    position = Position.objects.create(
        decision=decision,
        member=member,
        stance=stance,
        note=clean_input(note)[:500],
        recorded_by=actor,
        recorded_at=now,
    )
    _event(
        meeting,
        kind="position",
        actor=actor,
        now=now,
        data={
            "decision": decision.number,
            "member": member.pk,
            "stance": stance,
            "proxy": actor.pk != member.pk,
        },
    )
    return position


# ---------------------------------------------------------------- the consent agenda


@transaction.atomic
def consent_mark(*, meeting: Meeting, item_ids: Sequence[int], actor: User) -> int:
    """The secretary's consent list: exactly these undecided, not pulled items."""
    meeting = _lock(meeting.pk)
    _require_secretary(actor, meeting)
    if meeting.status not in (Meeting.Status.FROZEN, Meeting.Status.IN_SESSION):
        raise ApplicationError(gettext("فهرست تصویب یکجا پیش از پایان جلسه تنظیم می‌شود."))
    wanted = set(item_ids)
    items = meeting.items.filter(decision__isnull=True)
    pulled = list(
        items.filter(pk__in=wanted, pulled_by__isnull=False).values_list("number", flat=True)
    )
    if pulled:
        raise ApplicationError(
            gettext("دستورهای %(numbers)s برای بحث بیرون کشیده شده‌اند.")
            % {"numbers": numbers_text(pulled)}
        )
    items.exclude(pk__in=wanted).filter(consent=True).update(consent=False)
    n = items.filter(pk__in=wanted).update(consent=True)
    _event(meeting, kind="consent_marked", actor=actor, now=timezone.now(), data={"items": n})
    return n


@transaction.atomic
def consent_pull(*, item: AgendaItem, actor: User, note: str = "") -> AgendaItem:
    """Any present voting member (or the secretary) takes an item off the consent list."""
    meeting = _lock(item.meeting_id)
    if actor.municipality_id != meeting.municipality_id:
        raise PermissionDeniedError()
    if not actor.has_perm("meetings.run_meeting"):
        if not actor.has_perm("meetings.sign_minutes"):
            raise PermissionDeniedError()
        if meeting.status == Meeting.Status.IN_SESSION:
            _voting_attendance(meeting, actor)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if Decision.objects.filter(item=item).exists():
        raise ApplicationError(
            gettext("دستور %(number)s پیش‌تر تصمیم گرفته شده است.")
            % {"number": local_number(item.number)}
        )
    if item.pulled_by_id is None:
        item.pulled_by = actor
        item.pulled_note = clean_input(note)[:300]
        item.consent = False
        item.save(update_fields=["pulled_by", "pulled_note", "consent"])
        _event(
            meeting,
            kind="consent_pulled",
            actor=actor,
            now=timezone.now(),
            data={"item": item.number},
            note=item.pulled_note,
        )
    return item


@transaction.atomic
def consent_decide(*, meeting: Meeting, item_ids: Sequence[int], actor: User) -> list[Decision]:
    """Decide the given consent items together, each as its visit proposed (exceptions are
    simply left out). All or nothing: one pulled, decided or proposal-less item refuses all."""
    from pishkhan.meetings import services
    from pishkhan.meetings.selectors import item_proposals

    meeting = _lock(meeting.pk)
    _require_secretary(actor, meeting)
    _in_session(meeting)
    if not item_ids:
        raise ApplicationError(gettext("هیچ دستوری برای تصویب یکجا انتخاب نشده است."))
    items = list(
        meeting.items.filter(pk__in=set(item_ids))
        .select_related("meeting", "decision")
        .order_by("number")
    )
    if len(items) != len(set(item_ids)):
        raise ApplicationError(gettext("برخی دستورهای انتخاب‌شده از این جلسه نیستند."))
    pulled = [i.number for i in items if i.pulled_by_id is not None]
    if pulled:
        raise ApplicationError(
            gettext(
                "دستورهای %(numbers)s برای بحث بیرون کشیده شده‌اند و یکجا تصویب نمی‌شوند؛"
                " آن‌ها را از فهرست بردارید."
            )
            % {"numbers": numbers_text(pulled)}
        )
    decided = [i.number for i in items if getattr(i, "decision", None) is not None]
    if decided:
        raise ApplicationError(
            gettext("دستورهای %(numbers)s پیش‌تر تصمیم گرفته شده‌اند.")
            % {"numbers": numbers_text(decided)}
        )
    proposals = item_proposals(items)
    missing = [i.number for i in items if i.pk not in proposals]
    if missing:
        raise ApplicationError(
            gettext("دستورهای %(numbers)s پیشنهاد بازدید ندارند و یکجا تصویب نمی‌شوند.")
            % {"numbers": numbers_text(missing)}
        )
    voters = [
        a.member
        for a in Attendance.objects.filter(meeting=meeting, present=True, votes=True)
        .exclude(member__isnull=True)
        .select_related("member")
    ]
    departments = {
        d.pk: d for d in Department.objects.filter(municipality_id=meeting.municipality_id)
    }
    now = timezone.now()
    result = []
    for item in items:
        p = proposals[item.pk]
        decision = services.decision_record(
            item=item,
            outcome=p.outcome,
            text=p.text,
            actor=actor,
            lead_department=departments.get(p.lead_department_id or 0),
            deadline=p.deadline,
            refer_until=p.refer_until,
        )
        Position.objects.bulk_create(
            [
                Position(
                    decision=decision,
                    member=m,
                    stance=Position.Stance.AGREE,
                    note=CONSENT_NOTE,
                    recorded_by=actor,
                    recorded_at=now,
                )
                for m in voters
                if m is not None
            ]
        )
        result.append(decision)
    AgendaItem.objects.filter(pk__in=[i.pk for i in items]).update(consent=False)
    _event(
        meeting,
        kind="consent_decided",
        actor=actor,
        now=now,
        data={"items": [i.number for i in items]},
    )
    return result


# ---------------------------------------------------------------- before sealing


@transaction.atomic
def minutes_reopen(*, meeting: Meeting, reason: str, actor: User) -> Meeting:
    """Back into session to correct the minutes: signatures already given are voided (kept in
    the meeting's history) and their signers told; declines are cleared."""
    from pishkhan.notify.services import message_enqueue

    meeting = _lock(meeting.pk)
    _require_secretary(actor, meeting)
    if meeting.status == Meeting.Status.SIGNED:
        raise ApplicationError(
            gettext("صورتجلسهٔ مهرشده بازگشایی نمی‌شود؛ اصلاح با مصوبهٔ تازه در جلسهٔ بعد انجام می‌شود.")
        )
    if meeting.status != Meeting.Status.CLOSED:
        raise ApplicationError(gettext("فقط صورتجلسهٔ در انتظار امضا بازگشایی می‌شود."))
    reason = clean_input(reason)
    if len(reason) < 5:
        raise ApplicationError(gettext("علت بازگشایی صورتجلسه را بنویسید."))
    now = timezone.now()
    signatures = list(Signature.objects.filter(meeting=meeting).select_related("member"))
    voided = [
        {"member": s.member_id, "signature": s.signature, "at": s.signed_at.isoformat()}
        for s in signatures
    ]
    Signature.objects.filter(meeting=meeting).delete()
    SignatureDecline.objects.filter(meeting=meeting).delete()
    old_hash = meeting.content_hash
    meeting.status = Meeting.Status.IN_SESSION
    meeting.content_hash = ""
    meeting.sealed_content = ""
    meeting.closed_at = None
    meeting.save(
        update_fields=["status", "content_hash", "sealed_content", "closed_at", "updated_at"]
    )
    _event(
        meeting,
        kind="status",
        actor=actor,
        now=now,
        old="closed",
        new="in_session",
        note=reason,
        data={"reopened": True, "voided": voided, "hash": old_hash},
    )
    for s in signatures:
        message_enqueue(
            template="meetings/messages/reopened",
            context={"user": s.member, "meeting": meeting, "reason": reason},
            mobile=s.member.mobile,
            email=s.member.email,
            municipality_id=meeting.municipality_id,
            dedupe_key=f"meeting:{meeting.pk}:reopened:{old_hash[:16]}:{s.member_id}",
        )
    return meeting


@transaction.atomic
def minutes_decline(*, meeting: Meeting, member: User, reason: str) -> SignatureDecline:
    """A present member will not sign; the reason is printed on the minutes. When every other
    present member has signed (the mayor last), the minutes are sealed without them."""
    from pishkhan.meetings import services

    meeting = _lock(meeting.pk)
    if member.municipality_id != meeting.municipality_id or not member.has_perm(
        "meetings.sign_minutes"
    ):
        raise PermissionDeniedError()
    if meeting.status != Meeting.Status.CLOSED:
        raise ApplicationError(gettext("این صورتجلسه آمادهٔ امضا نیست."))
    _voting_attendance(meeting, member)
    if Signature.objects.filter(meeting=meeting, member=member).exists():
        raise ApplicationError(gettext("شما این صورتجلسه را امضا کرده‌اید."))
    if SignatureDecline.objects.filter(meeting=meeting, member=member).exists():
        raise ApplicationError(gettext("امتناع شما از امضا پیش‌تر ثبت شده است."))
    reason = clean_input(reason)
    if len(reason) < 5:
        raise ApplicationError(gettext("علت امضانکردن را بنویسید."))
    now = timezone.now()
    decline = SignatureDecline.objects.create(meeting=meeting, member=member, reason=reason, at=now)
    _event(
        meeting,
        kind="sign_declined",
        actor=member,
        now=now,
        note=reason,
        data={"member": member.pk},
    )
    services.minutes_seal_if_complete(meeting=meeting, actor=member, now=now)
    return decline
