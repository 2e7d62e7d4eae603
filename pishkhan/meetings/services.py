"""Writes for the Wednesday meeting: agenda, session, decisions, positions, signatures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from pishkhan.accounts.models import Department, Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.core.audit import actor_id_of, audit_record
from pishkhan.core.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from pishkhan.core.jalali import week_label
from pishkhan.core.text import clean_input
from pishkhan.cycle.models import Week
from pishkhan.cycle.schedule import schedule_for
from pishkhan.meetings import signing
from pishkhan.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    MeetingEvent,
    Position,
    Signature,
    SigningKey,
)
from pishkhan.meetings.sources import SOURCES, ItemSpec
from pishkhan.visits.models import Visit

ALLOWED: dict[str, set[str]] = {
    "draft": {"frozen"},
    "frozen": {"in_session", "draft"},
    "in_session": {"closed"},
    "closed": {"signed"},
    "signed": set(),
}
KIND_ORDER = {"overdue": 0, "objection": 1, "extension": 2, "deferred": 3, "new": 4,
              "unvisited": 5, "committee": 6}  # fmt: skip
CARRY_KINDS = {"overdue", "extension"}  # items about directives, not about case status
MEMBER_ROLES = (Role.BOARD_MEMBER, Role.MAYOR)


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
    MeetingEvent.objects.create(meeting=meeting, kind=kind, old_status=old, new_status=new,
                                actor=actor, at=now, note=note, data=data or {})  # fmt: skip
    audit_record(
        municipality_id=meeting.municipality_id, actor_id=actor_id_of(actor),
        action=f"meeting.{kind}", object_type="meeting", object_id=meeting.number,
        data={"from": old, "to": new, "note": note, **(data or {})}, at=now.astimezone(dt.UTC),  # audit digests use UTC isoformat
    )  # fmt: skip


def _require(actor: User | None, perm: str, municipality_id: int) -> None:
    if actor is None:
        return
    if not actor.has_perm(perm) or actor.municipality_id != municipality_id:
        raise PermissionDeniedError()


# ---------------------------------------------------------------- the agenda


def meeting_for_week(*, week: Week) -> Meeting:
    """The week's meeting (created on first use)."""
    year, number = week_label(week.start)
    meeting, _ = Meeting.objects.get_or_create(
        municipality=week.municipality,
        week_start=week.start,
        defaults={"scheduled_at": week.meeting_at, "number": f"{year}-{number:02d}"},
    )
    return meeting


def meeting_for_date(*, municipality: Municipality, week_start: dt.date) -> Meeting:
    """A meeting for a week without a Week row (tests, imports): Wednesday 13:30 by schedule."""
    from pishkhan.core.jalali import combine

    schedule = schedule_for(municipality)
    year, number = week_label(week_start)
    meeting, _ = Meeting.objects.get_or_create(
        municipality=municipality,
        week_start=week_start,
        defaults={
            "scheduled_at": combine(
                week_start + dt.timedelta(days=schedule.meeting_day), schedule.meeting_time
            ),
            "number": f"{year}-{number:02d}",
        },
    )
    return meeting


def _visit_summary(visit: dict[str, Any] | None) -> str:
    if not visit:
        return ""
    labels = dict(Visit.Recommendation.choices)
    parts = []
    if visit["findings"]:
        parts.append(f"یافته‌های بازدید: {visit['findings']}")
    if visit["recommendation"]:
        parts.append(f"پیشنهاد: {labels.get(visit['recommendation'], '')}")
    if visit["proposed_text"]:
        parts.append(f"متن پیشنهادی: {visit['proposed_text']}")
    if visit["estimated_cost"]:
        parts.append(f"هزینهٔ برآوردی: {visit['estimated_cost']:,} ریال")
    return "\n".join(parts)


def case_candidates(meeting: Meeting) -> list[ItemSpec]:
    """Items about citizens' cases: this week's and every carry-over (three queries)."""
    now_day = meeting.scheduled_at.date()
    rows = list(
        Case.objects.filter(municipality_id=meeting.municipality_id, merged_into__isnull=True)
        .filter(
            Q(status__in=["accepted", "visited"], week_start__lte=meeting.week_start)
            | Q(status__in=["deferred", "reopened"])
            | Q(pk__in=_referred_back(meeting.municipality_id, now_day))
        )
        .values(
            "id",
            "status",
            "week_start",
            "needs_visit",
            "urgent",
            "description",
            "address",
            "lat",
            "lon",
            "district_id",
            "district__number",
            "district__name",
            "service_id",
            "service__name",
            "origin_committee_id",
            "origin_committee__name",
            "tracking_code",
        )  # fmt: skip
    )
    ids = [r["id"] for r in rows]
    visits: dict[int, dict[str, Any]] = {}
    for v in (
        Visit.objects.filter(case_id__in=ids, status=Visit.Status.REPORTED)
        .order_by("case_id", "week_start")
        .values(
            "case_id",
            "findings",
            "recommendation",
            "proposed_text",
            "estimated_cost",
            "urgency",
            "lead_department__name",
        )  # fmt: skip
    ):
        visits[v["case_id"]] = dict(v)
    merged: dict[int, list[int]] = defaultdict(list)
    for primary_id, case_id in Case.objects.filter(merged_into_id__in=ids).values_list(
        "merged_into_id", "id"
    ):
        merged[primary_id].append(case_id)
    specs = []
    for r in rows:
        visit = visits.get(r["id"])
        if r["status"] == "reopened":
            kind = "objection"
        elif r["status"] in ("deferred", "decided"):
            kind = "deferred"
        elif r["origin_committee_id"]:
            kind = "committee"
        elif r["status"] == "accepted" and r["needs_visit"] and not visit:
            kind = "unvisited"
        else:
            kind = "new"
        urgency = visit["urgency"] if visit else 2
        if r["urgent"] or kind == "objection":
            urgency = 3
        place = r["address"] or r["district__name"]
        title = f"{r['service__name']} — {place}"[:300]
        extra = [r["description"][:400]]
        if r["origin_committee__name"]:
            extra.append(f"کمیتهٔ مبدأ: {r['origin_committee__name']}")
        if visit:
            extra.append(_visit_summary(visit))
            if visit["lead_department__name"]:
                extra.append(f"واحد پیشنهادی: {visit['lead_department__name']}")
        covered = [r["id"], *merged.get(r["id"], [])]
        if len(covered) > 1:
            extra.append(f"شامل {len(covered)} درخواست ادغام‌شده")
        specs.append(
            ItemSpec(
                kind=kind,
                title=title,
                summary="\n".join(p for p in extra if p),
                district_id=r["district_id"],
                service_id=r["service_id"],
                urgency=urgency,
                case_ids=covered,
                lat=r["lat"],
                lon=r["lon"],
                sort_key=(r["district__number"] or 0, r["service_id"] or 0, r["id"]),
            )  # fmt: skip
        )
    return specs


def _referred_back(municipality_id: int, day: dt.date) -> list[int]:
    """Decided cases whose latest decision referred them for study until ``day`` or before."""
    latest: dict[int, tuple[str, dt.date | None]] = {}
    for case_id, outcome, until in (
        Decision.objects.filter(
            item__meeting__municipality_id=municipality_id,
            item__cases__status=Case.Status.DECIDED,
        )
        .order_by("created_at", "id")
        .values_list("item__cases__id", "outcome", "refer_until")
    ):
        latest[case_id] = (outcome, until)
    return [
        pk for pk, (outcome, until) in latest.items()
        if outcome == Decision.Outcome.REFER and until is not None and until <= day
    ]  # fmt: skip


def _ordered(specs: list[ItemSpec]) -> list[ItemSpec]:
    """Grouped by district and service; groups and items by urgency (most urgent first)."""
    group_max: dict[tuple[int, int], int] = defaultdict(int)
    for s in specs:
        key = (s.sort_key[0], s.sort_key[1])
        group_max[key] = max(group_max[key], s.urgency)
    return sorted(
        specs,
        key=lambda s: (
            -group_max[(s.sort_key[0], s.sort_key[1])],
            s.sort_key[0],
            s.sort_key[1],
            -s.urgency,
            KIND_ORDER.get(s.kind, 9),
            s.sort_key[2],
        ),
    )


def _clear_draft_items(meeting: Meeting) -> None:
    """A draft agenda has no decisions: its items and their case links go without the ORM's
    cascade collection (which would load every row)."""
    if Decision.objects.filter(item__meeting=meeting).exists():
        raise ApplicationError("این دستور جلسه تصمیم ثبت‌شده دارد.")
    links = AgendaItem.cases.through.objects.filter(agendaitem__meeting=meeting)
    links._raw_delete(links.db)  # type: ignore[attr-defined]
    items = AgendaItem.objects.filter(meeting=meeting)
    items._raw_delete(items.db)  # type: ignore[attr-defined]


@transaction.atomic
def agenda_build(*, meeting: Meeting, now: dt.datetime, actor: User | None = None) -> Meeting:
    """(Re)build the draft agenda from the cases and every registered source."""
    _require(actor, "meetings.prepare_agenda", meeting.municipality_id)
    meeting = _lock(meeting)
    if meeting.status != Meeting.Status.DRAFT:
        raise ApplicationError("دستور جلسه نهایی شده است و دوباره ساخته نمی‌شود.")
    specs = case_candidates(meeting)
    for source in SOURCES.values():
        specs.extend(source(meeting))
    specs = _ordered(specs)
    _clear_draft_items(meeting)
    # Thousands of rows on a big week: plain executemany, then one read back of the new ids.
    items_table = AgendaItem._meta.db_table
    through = AgendaItem.cases.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {items_table} (meeting_id, number, kind, title, summary, district_id, service_id,"  # noqa: S608
            " urgency, source_directive_id, lat, lon) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(meeting.pk, n, s.kind, s.title[:300], s.summary, s.district_id, s.service_id, s.urgency,
              s.source_directive_id, s.lat, s.lon) for n, s in enumerate(specs, start=1)],
        )  # fmt: skip
        ids = dict(AgendaItem.objects.filter(meeting=meeting).values_list("number", "id"))
        cursor.executemany(
            f"INSERT INTO {through} (agendaitem_id, case_id) VALUES (%s, %s)",  # noqa: S608
            [
                (ids[n], case_id)
                for n, spec in enumerate(specs, start=1)
                for case_id in spec.case_ids
            ],
        )
    count = len(specs)
    _event(meeting, kind="agenda_built", actor=actor, now=now, data={"items": count})
    return meeting


def agenda_build_step(week: Week, now: dt.datetime) -> dict[str, Any]:
    """Clock step "build_agenda" (when the visits end)."""
    meeting = meeting_for_week(week=week)
    if meeting.status != Meeting.Status.DRAFT:
        return {"meeting": meeting.number, "skipped": meeting.status}
    agenda_build(meeting=meeting, now=now)
    return {"meeting": meeting.number, "items": meeting.items.count()}


def agenda_freeze_step(week: Week, now: dt.datetime) -> dict[str, Any]:
    """Clock step "freeze_agenda" (before the meeting)."""
    meeting = meeting_for_week(week=week)
    if meeting.status != Meeting.Status.DRAFT:
        return {"meeting": meeting.number, "skipped": meeting.status}
    if not meeting.items.exists():
        agenda_build(meeting=meeting, now=now)
    agenda_freeze(meeting=meeting, now=now)
    return {"meeting": meeting.number, "frozen": True}


@transaction.atomic
def agenda_freeze(*, meeting: Meeting, now: dt.datetime, actor: User | None = None) -> Meeting:
    """Final agenda: its cases are now "on the agenda" (the citizen sees it)."""
    _require(actor, "meetings.prepare_agenda", meeting.municipality_id)
    meeting = _lock(meeting)
    _set_status(meeting, Meeting.Status.FROZEN, actor=actor, now=now)
    for item in meeting.items.exclude(kind__in=CARRY_KINDS).prefetch_related("cases"):
        for case in item.cases.all():
            if case.status in ("accepted", "visited", "deferred", "reopened", "decided"):
                case_services.case_put_on_agenda(
                    case=case, actor=actor, note=f"دستور {item.number} جلسهٔ {meeting.number}"
                )
    return meeting


def _renumber(meeting: Meeting, ordered: Sequence[AgendaItem]) -> None:
    offset = (meeting.items.aggregate(m=Max("number"))["m"] or 0) + 1
    for item in ordered:  # two passes keep (meeting, number) unique all the way
        item.number = item.number + offset
        item.save(update_fields=["number"])
    for n, item in enumerate(ordered, start=1):
        item.number = n
        item.save(update_fields=["number"])


def _draft_items(meeting: Meeting, actor: User | None) -> list[AgendaItem]:
    _require(actor, "meetings.prepare_agenda", meeting.municipality_id)
    if meeting.status != Meeting.Status.DRAFT:
        raise ApplicationError("فقط دستور جلسهٔ پیش‌نویس را می‌توان تغییر داد.")
    return list(meeting.items.order_by("number"))


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, position: int, actor: User | None) -> AgendaItem:
    meeting = _lock(item.meeting)
    items = _draft_items(meeting, actor)
    moving = next(i for i in items if i.pk == item.pk)
    items.remove(moving)
    position = max(1, min(position, len(items) + 1))
    items.insert(position - 1, moving)
    _renumber(meeting, items)
    _event(meeting, kind="agenda_reorder", actor=actor, now=timezone.now(),
           data={"item": moving.pk, "to": position})  # fmt: skip
    return moving


@transaction.atomic
def agenda_items_merge(*, items: Sequence[AgendaItem], actor: User | None) -> AgendaItem:
    """Merge several items into the first: one item covering all their cases."""
    if len(items) < 2:
        raise ApplicationError("برای ادغام دست‌کم دو دستور را انتخاب کنید.")
    meeting = _lock(items[0].meeting)
    current = _draft_items(meeting, actor)
    ids = {i.pk for i in items}
    if any(i.meeting_id != meeting.pk for i in items) or not ids <= {i.pk for i in current}:
        raise ApplicationError("دستورها از یک جلسه نیستند.")
    chosen = sorted((i for i in current if i.pk in ids), key=lambda i: i.number)
    target, rest = chosen[0], chosen[1:]
    for other in rest:
        target.cases.add(*other.cases.all())
        target.urgency = max(target.urgency, other.urgency)
        target.summary = f"{target.summary}\n— {other.title}".strip()
    target.save(update_fields=["urgency", "summary"])
    AgendaItem.objects.filter(pk__in=[o.pk for o in rest]).delete()
    _renumber(meeting, [i for i in current if i.pk not in {o.pk for o in rest}])
    _event(meeting, kind="agenda_merge", actor=actor, now=timezone.now(),
           data={"into": target.pk, "merged": [o.pk for o in rest]})  # fmt: skip
    return target


@transaction.atomic
def agenda_item_split(
    *, item: AgendaItem, case_ids: Iterable[int], actor: User | None
) -> AgendaItem:
    """Move some cases of an item into a new item right after it."""
    meeting = _lock(item.meeting)
    current = _draft_items(meeting, actor)
    item = next(i for i in current if i.pk == item.pk)
    own = set(item.cases.values_list("id", flat=True))
    moving = set(case_ids) & own
    if not moving or moving == own:
        raise ApplicationError("بخشی از درخواست‌های این دستور را برای جداکردن انتخاب کنید.")
    top = max(i.number for i in current) + 1
    moved_cases = list(Case.objects.filter(pk__in=moving).select_related("service", "district"))
    first = moved_cases[0]
    new = AgendaItem.objects.create(
        meeting=meeting, number=top, kind=item.kind, urgency=item.urgency,
        title=f"{first.service.name} — {first.address or first.district.name}"[:300],
        summary=first.description[:400], district_id=first.district_id, service_id=first.service_id,
        lat=first.lat, lon=first.lon,
    )  # fmt: skip
    new.cases.add(*moved_cases)
    item.cases.remove(*moved_cases)
    ordered = []
    for i in current:
        ordered.append(i)
        if i.pk == item.pk:
            ordered.append(new)
    _renumber(meeting, ordered)
    _event(meeting, kind="agenda_split", actor=actor, now=timezone.now(),
           data={"from": item.pk, "new": new.pk, "cases": sorted(moving)})  # fmt: skip
    return new


# ---------------------------------------------------------------- the session


def board_members(municipality_id: int) -> list[User]:
    return list(
        User.objects.filter(
            municipality_id=municipality_id, role__in=MEMBER_ROLES, is_active=True
        ).order_by("role", "id")
    )


@transaction.atomic
def meeting_start(
    *, meeting: Meeting, present: Iterable[User], actor: User | None, now: dt.datetime
) -> Meeting:
    """Record attendance; the session opens only with a quorum."""
    _require(actor, "meetings.run_meeting", meeting.municipality_id)
    meeting = _lock(meeting)
    if meeting.status == Meeting.Status.DRAFT:
        raise ApplicationError("ابتدا دستور جلسه را نهایی کنید.")
    members = board_members(meeting.municipality_id)
    present_ids = {u.pk for u in present}
    if not present_ids <= {m.pk for m in members}:
        raise ApplicationError("حاضران باید از اعضای پیشخوان باشند.")
    quorum = schedule_for(meeting.municipality).quorum
    if len(present_ids) < quorum:
        raise ApplicationError(f"حد نصاب ({quorum} نفر) حاضر نیست.")
    for m in members:
        Attendance.objects.update_or_create(
            meeting=meeting, member=m, defaults={"present": m.pk in present_ids}
        )
    _set_status(meeting, Meeting.Status.IN_SESSION, actor=actor, now=now,
                note=f"حاضران: {len(present_ids)}")  # fmt: skip
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
        raise ApplicationError("تصمیم فقط در جلسهٔ در حال برگزاری ثبت می‌شود.")
    if outcome not in Decision.Outcome.values:
        raise ApplicationError("نتیجهٔ تصمیم نامعتبر است.")
    text = clean_input(text)
    if len(text) < 3:
        raise ApplicationError("متن مصوبه را بنویسید.")
    meeting_day = meeting.scheduled_at.date()
    if outcome == Decision.Outcome.APPROVE:
        if lead_department is None or deadline is None:
            raise ApplicationError("برای تصویب، واحد مجری و مهلت اجرا لازم است.")
        if deadline < meeting_day:
            raise ApplicationError("مهلت اجرا نمی‌تواند پیش از تاریخ جلسه باشد.")
    if outcome == Decision.Outcome.REFER and (refer_until is None or refer_until <= meeting_day):
        raise ApplicationError("برای ارجاع، تاریخ بازگشت پس از جلسه را وارد کنید.")
    departments = [d for d in [lead_department, *supporting_departments] if d is not None]
    if any(d.municipality_id != meeting.municipality_id for d in departments):
        raise ApplicationError("واحد نامعتبر است.")
    if outcome not in (Decision.Outcome.APPROVE, Decision.Outcome.REFER):
        deadline = None
    if outcome != Decision.Outcome.REFER:
        refer_until = None
    values = {
        "outcome": outcome, "text": text, "lead_department": lead_department, "deadline": deadline,
        "refer_until": refer_until, "cost_note": clean_input(cost_note)[:300], "recorded_by": actor,
        "lat": item.lat, "lon": item.lon, "municipality_id": meeting.municipality_id,
    }  # fmt: skip
    decision = Decision.objects.filter(item=item).first()
    if decision is None:
        if actor is None:
            raise ApplicationError("ثبت‌کنندهٔ تصمیم مشخص نیست.")
        decision = Decision.objects.create(
            item=item, number=f"{meeting.number}-{item.number:02d}", **values
        )
    else:
        for key, value in values.items():
            setattr(decision, key, value)
        decision.save()
    lead_id = lead_department.pk if lead_department else None
    decision.supporting_departments.set([d for d in supporting_departments if d.pk != lead_id])
    _event(meeting, kind="decision", actor=actor, now=timezone.now(),
           data={"decision": decision.number, "outcome": outcome})  # fmt: skip
    return decision


@transaction.atomic
def position_set(*, decision: Decision, member: User, stance: str, actor: User | None) -> Position:
    meeting = _lock(decision.item.meeting)
    _require(actor, "meetings.run_meeting", meeting.municipality_id)
    if meeting.status != Meeting.Status.IN_SESSION:
        raise ApplicationError("نظر اعضا فقط در جلسهٔ در حال برگزاری ثبت می‌شود.")
    if stance not in Position.Stance.values:
        raise ApplicationError("نظر نامعتبر است.")
    if not Attendance.objects.filter(meeting=meeting, member=member, present=True).exists():
        raise ApplicationError("این عضو در جلسه حاضر نیست.")
    position, _ = Position.objects.update_or_create(
        decision=decision, member=member, defaults={"stance": stance}
    )
    _event(meeting, kind="position", actor=actor, now=timezone.now(),
           data={"decision": decision.number, "member": member.pk, "stance": stance})  # fmt: skip
    return position


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
        numbers = "، ".join(str(i.number) for i in open_items[:10])
        raise ApplicationError(f"دستورهای بدون تصمیم: {numbers}")
    recorder = (
        actor
        or User.objects.filter(municipality_id=meeting.municipality_id, role=Role.SECRETARY).first()
    )
    for item in open_items:
        if recorder is None:
            raise ApplicationError("ثبت‌کنندهٔ تصمیم مشخص نیست.")
        Decision.objects.create(
            item=item, number=f"{meeting.number}-{item.number:02d}", municipality_id=meeting.municipality_id,
            outcome=Decision.Outcome.DEFER, text="به علت کمبود وقت به جلسهٔ هفتهٔ بعد موکول شد.",
            recorded_by=recorder, lat=item.lat, lon=item.lon,
        )  # fmt: skip
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
                case=case, outcome=d.outcome, text=d.text, actor=actor,
                lead_department=d.lead_department, deadline=d.deadline or d.refer_until,
                decision_number=d.number,
            )  # fmt: skip
    _set_status(meeting, Meeting.Status.CLOSED, actor=actor, now=now)
    meeting.closed_at = now
    meeting.content_hash = signing.content_hash_of(meeting)
    meeting.save(update_fields=["closed_at", "content_hash"])
    _event(meeting, kind="content_hash", actor=actor, now=now, data={"hash": meeting.content_hash})
    return meeting


# ---------------------------------------------------------------- signatures


def _signing_key(member: User, password: str) -> tuple[SigningKey, Any]:
    key = SigningKey.objects.select_for_update().filter(member=member).first()
    if key is not None:
        private = signing.key_unlock(key.encrypted_private_key, password, member_id=member.pk)
        if private is not None:
            return key, private
    # First signature, or the password changed since: a new key pair (old signatures keep
    # their own public key and stay verifiable).
    public, encrypted = signing.key_generate(password, member_id=member.pk)
    key, _ = SigningKey.objects.update_or_create(
        member=member, defaults={"public_key": public, "encrypted_private_key": encrypted}
    )
    audit_record(municipality_id=member.municipality_id, actor_id=member.pk, action="signing_key.create",
                 object_type="user", object_id=member.pk, data={"public_key": public})  # fmt: skip
    private = signing.key_unlock(encrypted, password, member_id=member.pk)
    return key, private


@transaction.atomic
def minutes_sign(*, meeting: Meeting, member: User, password: str, now: dt.datetime) -> Signature:
    """A present member signs the minutes with the password; the mayor signs last; the last
    signature seals the minutes and links them into the ledger."""
    meeting = _lock(meeting)
    if member.municipality_id != meeting.municipality_id or not member.has_perm(
        "meetings.sign_minutes"
    ):
        raise PermissionDeniedError()
    if meeting.status != Meeting.Status.CLOSED:
        raise ApplicationError("این صورتجلسه آمادهٔ امضا نیست.")
    if not member.check_password(password):
        raise ApplicationError("گذرواژه درست نیست.")
    present = list(
        Attendance.objects.filter(meeting=meeting, present=True).select_related("member")
    )
    present_ids = {a.member_id for a in present}
    if member.pk not in present_ids:
        raise ApplicationError("فقط اعضای حاضر در جلسه امضا می‌کنند.")
    signed_ids = set(meeting.signatures.values_list("member_id", flat=True))
    if member.pk in signed_ids:
        raise ApplicationError("شما این صورتجلسه را پیش‌تر امضا کرده‌اید.")
    others = present_ids - signed_ids - {member.pk}
    if member.role == Role.MAYOR and others:
        raise ApplicationError("شهردار پس از امضای همهٔ اعضای حاضر امضا می‌کند.")
    if signing.content_hash_of(meeting) != meeting.content_hash:
        raise ApplicationError("محتوای صورتجلسه پس از پایان جلسه تغییر کرده است؛ امضا ممکن نیست.")
    key, private = _signing_key(member, password)
    signature = Signature.objects.create(
        meeting=meeting, member=member, content_hash=meeting.content_hash,
        public_key=key.public_key, signature=signing.sign_hash(private, meeting.content_hash),
        signed_at=now,
    )  # fmt: skip
    _event(meeting, kind="signature", actor=member, now=now,
           data={"member": member.pk, "public_key": key.public_key, "signature": signature.signature})  # fmt: skip
    if not others:
        _finalise(meeting, actor=member, now=now)
    return signature


def _finalise(meeting: Meeting, *, actor: User | None, now: dt.datetime) -> None:
    from pishkhan.meetings import pdf

    previous = (
        Meeting.objects.filter(
            municipality_id=meeting.municipality_id, status=Meeting.Status.SIGNED
        )
        .exclude(pk=meeting.pk)
        .order_by("-sealed_at", "-id")
        .first()
    )
    meeting.prev_hash = previous.chain_hash if previous else ""
    meeting.chain_hash = signing.chain_hash_of(
        meeting.prev_hash,
        meeting.content_hash,
        [
            (s.member_id, s.public_key, s.signature)
            for s in meeting.signatures.order_by("signed_at", "id")
        ],
    )
    meeting.sealed_at = now
    meeting.save(update_fields=["prev_hash", "chain_hash", "sealed_at"])
    _set_status(meeting, Meeting.Status.SIGNED, actor=actor, now=now)
    _event(meeting, kind="sealed", actor=actor, now=now,
           data={"prev_hash": meeting.prev_hash, "chain_hash": meeting.chain_hash})  # fmt: skip
    pdf.minutes_seal(meeting)
