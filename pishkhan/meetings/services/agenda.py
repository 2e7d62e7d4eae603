"""The agenda: the week's meeting, building the draft from the cases and every source, freezing it,
reordering, merging and splitting its items."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from pishkhan.accounts.models import Municipality, User
from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.core.errors import ApplicationError
from pishkhan.core.jalali import week_label
from pishkhan.core.text import clean_input, fa_digits, fa_number, ltr_isolate
from pishkhan.cycle.models import Week
from pishkhan.cycle.schedule import week_times_of
from pishkhan.meetings.models import (
    AgendaItem,
    Decision,
    Meeting,
)
from pishkhan.meetings.selectors import case_candidates
from pishkhan.meetings.services.state import CARRY_KINDS, _event, _lock, _require, _set_status
from pishkhan.meetings.sources import SOURCES, ItemSpec
from pishkhan.meetings.unheld import mark_carried_items

KIND_ORDER = {
    "overdue": 0,
    "objection": 1,
    "extension": 2,
    "deferred": 3,
    "new": 4,
    "unvisited": 5,
    "committee": 6,
}


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
    """A meeting for a week without a Week row (tests, imports): at the week's meeting time."""
    year, number = week_label(week_start)
    meeting, _ = Meeting.objects.get_or_create(
        municipality=municipality,
        week_start=week_start,
        defaults={
            "scheduled_at": week_times_of(municipality, week_start).meeting_at,
            "number": f"{year}-{number:02d}",
        },
    )
    return meeting


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
    """A draft agenda has no decisions: its items and their case links go in two DELETEs, without
    the ORM's cascade collection (which would load every row)."""
    if Decision.objects.filter(item__meeting=meeting).exists():
        raise ApplicationError(gettext("این دستور جلسه تصمیم ثبت‌شده دارد."))
    items_table = AgendaItem._meta.db_table
    through = AgendaItem.cases.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {through} WHERE agendaitem_id IN"  # noqa: S608 — table names, no input
            f" (SELECT id FROM {items_table} WHERE meeting_id = %s)",
            [meeting.pk],
        )
        cursor.execute(f"DELETE FROM {items_table} WHERE meeting_id = %s", [meeting.pk])  # noqa: S608


@transaction.atomic
def agenda_build(*, meeting: Meeting, now: dt.datetime, actor: User | None = None) -> Meeting:
    """(Re)build the draft agenda from the cases and every registered source."""
    _require(actor, "meetings.prepare_agenda", meeting.municipality_id)
    meeting = _lock(meeting)
    if meeting.status != Meeting.Status.DRAFT:
        raise ApplicationError(gettext("دستور جلسه نهایی شده است و دوباره ساخته نمی‌شود."))
    specs = case_candidates(meeting)
    for source in SOURCES.values():
        specs.extend(source(meeting))
    specs = _ordered(specs)
    # Corrections the secretary put on this agenda are not built from any source: kept, last.
    corrections = list(
        meeting.items.filter(kind=AgendaItem.Kind.CORRECTION)
        .order_by("number")
        .values("title", "summary", "corrects_id")
    )
    _clear_draft_items(meeting)
    # Thousands of rows on a big week: plain executemany, then one read back of the new ids.
    items_table = AgendaItem._meta.db_table
    through = AgendaItem.cases.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {items_table} (meeting_id, number, kind, title, summary,"  # noqa: S608
            " district_id, service_id,"
            " urgency, source_directive_id, lat, lon)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    meeting.pk,
                    n,
                    s.kind,
                    s.title[:300],
                    s.summary,
                    s.district_id,
                    s.service_id,
                    s.urgency,
                    s.source_directive_id,
                    s.lat,
                    s.lon,
                )
                for n, s in enumerate(specs, start=1)
            ],
        )
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
    for n, kept in enumerate(corrections, start=count + 1):
        AgendaItem.objects.create(
            meeting=meeting, number=n, kind=AgendaItem.Kind.CORRECTION, urgency=3, **kept
        )
    count += len(corrections)
    mark_carried_items(meeting)
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
                note = f"دستور {fa_number(item.number)} جلسهٔ {meeting.number}"  # record:
                case_services.case_put_on_agenda(case=case, actor=actor, note=note)
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
        raise ApplicationError(gettext("فقط دستور جلسهٔ پیش‌نویس را می‌توان تغییر داد."))
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
    _event(
        meeting,
        kind="agenda_reorder",
        actor=actor,
        now=timezone.now(),
        data={"item": moving.pk, "to": position},
    )
    return moving


@transaction.atomic
def agenda_items_merge(*, items: Sequence[AgendaItem], actor: User | None) -> AgendaItem:
    """Merge several items into the first: one item covering all their cases."""
    if len(items) < 2:
        raise ApplicationError(gettext("برای ادغام دست‌کم دو دستور را انتخاب کنید."))
    meeting = _lock(items[0].meeting)
    current = _draft_items(meeting, actor)
    ids = {i.pk for i in items}
    if any(i.meeting_id != meeting.pk for i in items) or not ids <= {i.pk for i in current}:
        raise ApplicationError(gettext("دستورها از یک جلسه نیستند."))
    chosen = sorted((i for i in current if i.pk in ids), key=lambda i: i.number)
    target, rest = chosen[0], chosen[1:]
    for other in rest:
        target.cases.add(*other.cases.all())
        target.urgency = max(target.urgency, other.urgency)
        target.summary = f"{target.summary}\n— {other.title}".strip()
    target.save(update_fields=["urgency", "summary"])
    AgendaItem.objects.filter(pk__in=[o.pk for o in rest]).delete()
    _renumber(meeting, [i for i in current if i.pk not in {o.pk for o in rest}])
    _event(
        meeting,
        kind="agenda_merge",
        actor=actor,
        now=timezone.now(),
        data={"into": target.pk, "merged": [o.pk for o in rest]},
    )
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
        raise ApplicationError(gettext("بخشی از درخواست‌های این دستور را برای جداکردن انتخاب کنید."))
    top = max(i.number for i in current) + 1
    moved_cases = list(Case.objects.filter(pk__in=moving).select_related("service", "district"))
    first = moved_cases[0]
    new = AgendaItem.objects.create(
        meeting=meeting,
        number=top,
        kind=item.kind,
        urgency=item.urgency,
        title=f"{first.service.name} — {first.address or first.district.name}"[:300],
        summary=first.description[:400],
        district_id=first.district_id,
        service_id=first.service_id,
        lat=first.lat,
        lon=first.lon,
    )
    new.cases.add(*moved_cases)
    item.cases.remove(*moved_cases)
    ordered = []
    for i in current:
        ordered.append(i)
        if i.pk == item.pk:
            ordered.append(new)
    _renumber(meeting, ordered)
    _event(
        meeting,
        kind="agenda_split",
        actor=actor,
        now=timezone.now(),
        data={"from": item.pk, "new": new.pk, "cases": sorted(moving)},
    )
    return new


@transaction.atomic
def agenda_item_correction_add(
    *, meeting: Meeting, decision: Decision, reason: str, actor: User | None
) -> AgendaItem:
    """Put the correction of a sealed decision of an earlier meeting on this agenda. The sealed
    record is never altered: the meeting decides anew, and the new decision references the old
    one (``Decision.corrects``)."""
    meeting = _lock(meeting)
    _require(actor, "meetings.prepare_agenda", meeting.municipality_id)
    old = (
        Decision.objects.select_related("item__meeting")
        .filter(pk=decision.pk, municipality_id=meeting.municipality_id)
        .first()
    )
    if old is None:
        raise ApplicationError(gettext("این مصوبه از شهرداری شما نیست."))
    if old.item.meeting.status != Meeting.Status.SIGNED:
        raise ApplicationError(
            gettext(
                "مصوبهٔ %(number)s هنوز مهر نشده است؛ پیش از مهر، صورتجلسهٔ همان جلسه را"
                " بازگشایی و اصلاح کنید."
            )
            % {"number": ltr_isolate(old.number)}
        )
    if old.item.meeting.week_start >= meeting.week_start:
        raise ApplicationError(
            gettext("اصلاحیه در دستور جلسه‌ای پس از جلسهٔ %(meeting)s می‌آید.")
            % {"meeting": ltr_isolate(old.item.meeting.number)}
        )
    if meeting.status not in (
        Meeting.Status.DRAFT,
        Meeting.Status.FROZEN,
        Meeting.Status.IN_SESSION,
    ):
        raise ApplicationError(gettext("این جلسه پایان یافته است؛ اصلاحیه را در جلسهٔ بعد بگذارید."))
    if meeting.items.filter(corrects=old).exists():
        raise ApplicationError(
            gettext("اصلاحیهٔ مصوبهٔ %(number)s در دستور همین جلسه هست.")
            % {"number": ltr_isolate(old.number)}
        )
    reason = clean_input(reason)
    if len(reason) < 5:
        raise ApplicationError(gettext("علت اصلاح مصوبه را بنویسید."))
    number = (meeting.items.aggregate(m=Max("number"))["m"] or 0) + 1
    ref, where, row = (
        ltr_isolate(fa_digits(old.number)),
        ltr_isolate(fa_digits(old.item.meeting.number)),
        fa_number(old.item.number),
    )
    title = f"اصلاحیهٔ مصوبهٔ {ref} (جلسهٔ {where}، دستور {row})"  # record: stored title
    before = f"{old.get_outcome_display()} — {old.text}"
    summary = f"علت اصلاح: {reason}\nمتن مصوبهٔ پیشین: {before}"  # record: stored summary
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=number,
        kind=AgendaItem.Kind.CORRECTION,
        corrects=old,
        urgency=3,
        title=title[:300],
        summary=summary,
        district=old.item.district,
        service=old.item.service,
        lat=old.lat,
        lon=old.lon,
    )
    _event(
        meeting,
        kind="correction_added",
        actor=actor,
        now=timezone.now(),
        note=reason,
        data={"item": number, "corrects": old.number},
    )
    return item
