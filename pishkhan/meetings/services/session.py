"""The session: attendance and quorum, decisions, members' positions, closing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pishkhan.accounts.models import Department, User
from pishkhan.accounts.roles import Role
from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.core.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from pishkhan.core.text import clean_input, fa_number, local_number
from pishkhan.cycle.schedule import schedule_for
from pishkhan.meetings import signing
from pishkhan.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Position,
)
from pishkhan.meetings.selectors import board_members
from pishkhan.meetings.services.state import CARRY_KINDS, _event, _lock, _require, _set_status


def _title(user: User) -> str:
    return str(user.title or user.get_role_display())


@transaction.atomic
def meeting_start(
    *,
    meeting: Meeting,
    present: Iterable[User],
    actor: User | None,
    now: dt.datetime,
    guests: Sequence[tuple[str, str]] = (),
) -> Meeting:
    """Record attendance (everyone on the roll, with titles; guests by name and title); the
    session opens only with the city's quorum of present voting members."""
    _require(actor, "meetings.run_meeting", meeting.municipality_id)
    meeting = _lock(meeting)
    if meeting.status == Meeting.Status.DRAFT:
        raise ApplicationError(gettext("ابتدا دستور جلسه را نهایی کنید."))
    if meeting.not_held_at is not None:
        raise ApplicationError(
            gettext("این جلسه برگزارنشده اعلام شده و موارد آن به دستور جلسهٔ بعد رفته است.")
        )
    members = board_members(meeting.municipality_id)
    present_ids = {u.pk for u in present}
    if not present_ids <= {m.pk for m in members}:
        raise ApplicationError(gettext("حاضران باید از اعضای پیشخوان باشند."))
    schedule = schedule_for(meeting.municipality)
    voting_roles = set(schedule.voting_roles())
    voters = {m.pk for m in members if m.role in voting_roles}
    if len(present_ids & voters) < schedule.quorum:
        raise ApplicationError(
            gettext("حد نصاب (%(n)s نفر از اعضای دارای رأی) حاضر نیست.")
            % {"n": local_number(schedule.quorum)}
        )
    for m in members:
        Attendance.objects.update_or_create(
            meeting=meeting,
            member=m,
            defaults={"present": m.pk in present_ids, "votes": m.pk in voters, "title": _title(m)},
        )
    for name, title in guests:
        name, title = clean_input(name)[:150], clean_input(title)[:150]
        if name:
            Attendance.objects.create(
                meeting=meeting,
                member=None,
                guest_name=name,
                title=title or "مهمان",  # record: the roll's stored title
                votes=False,
                present=True,
            )
    note = f"حاضران: {fa_number(len(present_ids))}"  # record: the event's stored note
    _set_status(meeting, Meeting.Status.IN_SESSION, actor=actor, now=now, note=note)
    meeting.started_at = now
    meeting.save(update_fields=["started_at"])
    return meeting


@transaction.atomic
def decision_record(
    *,
    item: AgendaItem,
    outcome: str,
    text: str,
    actor: User | None,
    lead_department: Department | None = None,
    supporting_departments: Sequence[Department] = (),
    deadline: dt.date | None = None,
    refer_until: dt.date | None = None,
    cost_note: str = "",
) -> Decision:
    """Record (or correct, while the session runs) the decision on one agenda item."""
    meeting = _lock(item.meeting)
    _require(actor, "meetings.run_meeting", meeting.municipality_id)
    if meeting.status != Meeting.Status.IN_SESSION:
        raise ApplicationError(gettext("تصمیم فقط در جلسهٔ در حال برگزاری ثبت می‌شود."))
    if outcome not in Decision.Outcome.values:
        raise ApplicationError(gettext("نتیجهٔ تصمیم نامعتبر است."))
    text = clean_input(text)
    if len(text) < 3:
        raise ApplicationError(gettext("متن مصوبه را بنویسید."))
    meeting_day = meeting.scheduled_at.date()
    if outcome == Decision.Outcome.APPROVE:
        if lead_department is None or deadline is None:
            raise ApplicationError(gettext("برای تصویب، واحد مجری و مهلت اجرا لازم است."))
        if deadline < meeting_day:
            raise ApplicationError(gettext("مهلت اجرا نمی‌تواند پیش از تاریخ جلسه باشد."))
    if outcome == Decision.Outcome.REFER and (refer_until is None or refer_until <= meeting_day):
        raise ApplicationError(gettext("برای ارجاع، تاریخ بازگشت پس از جلسه را وارد کنید."))
    departments = [d for d in [lead_department, *supporting_departments] if d is not None]
    if any(d.municipality_id != meeting.municipality_id for d in departments):
        raise ApplicationError(gettext("واحد نامعتبر است."))
    if outcome not in (Decision.Outcome.APPROVE, Decision.Outcome.REFER):
        deadline = None
    if outcome != Decision.Outcome.REFER:
        refer_until = None
    values = {
        "outcome": outcome,
        "text": text,
        "lead_department": lead_department,
        "deadline": deadline,
        "refer_until": refer_until,
        "cost_note": clean_input(cost_note)[:300],
        "recorded_by": actor,
        "lat": item.lat,
        "lon": item.lon,
        "municipality_id": meeting.municipality_id,
        "corrects_id": item.corrects_id,
    }
    lead_id = lead_department.pk if lead_department else None
    supporting = {d.pk for d in supporting_departments if d.pk != lead_id}
    decision = Decision.objects.filter(item=item).first()
    if decision is None:
        if actor is None:
            raise ApplicationError(gettext("ثبت‌کنندهٔ تصمیم مشخص نیست."))
        decision = Decision.objects.create(
            item=item, number=f"{meeting.number}-{item.number:02d}", **values
        )
    else:
        before = _terms(decision)
        for key, value in values.items():
            setattr(decision, key, value)
        decision.save()
        if before != _terms(decision, supporting):
            _positions_clear(meeting, decision, actor=actor)
    decision.supporting_departments.set(sorted(supporting))
    _event(
        meeting,
        kind="decision",
        actor=actor,
        now=timezone.now(),
        data={"decision": decision.number, "outcome": outcome},
    )
    return decision


def _terms(decision: Decision, supporting: set[int] | None = None) -> tuple[object, ...]:
    """What the members voted on: the decision's terms (not who recorded it)."""
    if supporting is None:
        supporting = {d.pk for d in decision.supporting_departments.all()}
    return (
        decision.outcome,
        decision.text,
        decision.lead_department_id,
        decision.deadline,
        decision.refer_until,
        decision.cost_note,
        frozenset(supporting),
    )


def _positions_clear(meeting: Meeting, decision: Decision, *, actor: User | None) -> None:
    """The decision's terms changed after members took positions on them: those positions no
    longer stand. They are removed (kept in the meeting's history) and their members asked
    again, by message and on their devices (the form shows again)."""
    from pishkhan.notify.services import message_enqueue

    positions = list(decision.positions.select_related("member").order_by("id"))
    if not positions:
        return
    now = timezone.now()
    decision.positions.all().delete()
    _event(
        meeting,
        kind="positions_cleared",
        actor=actor,
        now=now,
        data={
            "decision": decision.number,
            "positions": [
                {"member": p.member_id, "stance": p.stance, "note": p.note} for p in positions
            ],
        },
    )
    stamp = hashlib.sha256(now.isoformat().encode()).hexdigest()[:12]
    for p in positions:
        message_enqueue(
            template="meetings/messages/positions_cleared",
            context={"user": p.member, "meeting": meeting, "decision": decision},
            mobile=p.member.mobile,
            email=p.member.email,
            municipality_id=meeting.municipality_id,
            dedupe_key=f"decision:{decision.pk}:cleared:{stamp}:{p.member_id}",
        )


@transaction.atomic
def position_set(*, decision: Decision, member: User, stance: str, actor: User | None) -> Position:
    """The REST API's and the demo's way to record a member's position: the floor's rule
    (``meetings.floor.position_record``: the member's own entry or the secretary's entry for
    them, marked as such; a voting member present; never replaced). The same position sent
    again (a retried request) is answered with the one recorded; a different one is refused."""
    from pishkhan.meetings.floor import position_record  # floor records through services.state

    if actor is None:
        raise PermissionDeniedError()
    existing = Position.objects.filter(decision=decision, member=member).first()
    if existing is not None and existing.stance == stance:
        return existing
    return position_record(decision=decision, member=member, stance=stance, actor=actor)


@transaction.atomic
def meeting_close(
    *, meeting: Meeting, actor: User | None, now: dt.datetime, defer_remaining: bool = False
) -> Meeting:
    """End the session: every item has a decision (or is explicitly deferred), the cases learn
    their outcome, and the minutes' content hash is fixed for signing."""
    meeting = _lock(meeting)
    _require(actor, "meetings.run_meeting", meeting.municipality_id)
    if meeting.status != Meeting.Status.IN_SESSION:
        raise InvalidTransition(meeting.status, "closed")
    open_items = list(meeting.items.filter(decision__isnull=True).order_by("number"))
    if open_items and not defer_remaining:
        numbers = gettext("، ").join(local_number(i.number) for i in open_items[:10])
        raise ApplicationError(gettext("دستورهای بدون تصمیم: %(numbers)s") % {"numbers": numbers})
    recorder = (
        actor
        or User.objects.filter(municipality_id=meeting.municipality_id, role=Role.SECRETARY).first()
    )
    for item in open_items:
        if recorder is None:
            raise ApplicationError(gettext("ثبت‌کنندهٔ تصمیم مشخص نیست."))
        Decision.objects.create(
            item=item,
            number=f"{meeting.number}-{item.number:02d}",
            municipality_id=meeting.municipality_id,
            outcome=Decision.Outcome.DEFER,
            text="به علت کمبود وقت به جلسهٔ هفتهٔ بعد موکول شد.",  # record: the decision text
            recorded_by=recorder,
            lat=item.lat,
            lon=item.lon,
        )
    for item in (
        meeting.items.exclude(kind__in=CARRY_KINDS)
        .select_related("decision", "decision__lead_department")
        .prefetch_related("cases")
    ):
        d = item.decision
        for case in item.cases.all():
            if case.status != Case.Status.ON_AGENDA:
                continue
            case_services.case_record_decision(
                case=case,
                outcome=d.outcome,
                text=d.text,
                actor=actor,
                lead_department=d.lead_department,
                deadline=d.deadline or d.refer_until,
                decision_number=d.number,
                meeting_week=meeting.week_start,
            )
    _set_status(meeting, Meeting.Status.CLOSED, actor=actor, now=now)
    meeting.closed_at = now
    sealed = signing.canonical_bytes(signing.minutes_content(meeting))
    meeting.sealed_content = sealed.decode()
    meeting.content_hash = hashlib.sha256(sealed).hexdigest()
    meeting.save(update_fields=["closed_at", "content_hash", "sealed_content"])
    _event(meeting, kind="content_hash", actor=actor, now=now, data={"hash": meeting.content_hash})
    return meeting
