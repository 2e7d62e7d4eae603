"""A meeting that is never held, and a meeting moved inside its week (#14).

The clock checks each week's meeting a few hours after its time: a meeting still in draft or
frozen was not held. Its cases are carried to the next agenda (marked there as carried), the
citizens are told the new meeting, the secretary and the mayor are alerted, and the week page
shows «جلسه برگزار نشد». Before that, the secretary may move the meeting to another time of
the same week: the week's times follow, so the clock's steps do too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.cases.promise import next_meeting_week
from pishkhan.core.errors import ApplicationError
from pishkhan.core.jalali import TEHRAN, combine, format_datetime
from pishkhan.cycle.models import Week
from pishkhan.cycle.schedule import schedule_for
from pishkhan.meetings.models import AgendaItem, Meeting
from pishkhan.notify.services import message_enqueue

# How long after its time a meeting may still be opened before the clock calls it unheld.
NOT_HELD_GRACE = dt.timedelta(hours=3)
HELD = ("in_session", "closed", "signed")
CARRY_KINDS = ("overdue", "extension")  # about directives: the directives source brings them back


def not_held_due(week: Week) -> dt.datetime:
    return week.meeting_at + NOT_HELD_GRACE


def _alert(meeting: Meeting, template: str, context: dict[str, Any], key: str) -> int:
    sent = 0
    for user in User.objects.filter(
        municipality_id=meeting.municipality_id,
        role__in=[Role.SECRETARY, Role.MAYOR],
        is_active=True,
    ).order_by("id"):
        sent += message_enqueue(
            template=template,
            context={**context, "meeting": meeting, "user": user},
            mobile=user.mobile,
            email=user.email,
            municipality_id=meeting.municipality_id,
            dedupe_key=f"meeting:{meeting.pk}:{key}:{user.pk}",
        )
    return sent


@transaction.atomic
def meeting_mark_not_held(*, meeting: Meeting, now: dt.datetime) -> dict[str, Any]:
    """The meeting's time passed and it was never opened: carry its cases to the next meeting,
    tell their citizens, alert the secretary and the mayor. Idempotent."""
    from pishkhan.meetings.services.state import _event

    meeting = Meeting.objects.select_for_update().select_related("municipality").get(pk=meeting.pk)
    if meeting.status in HELD or meeting.not_held_at is not None:
        return {"meeting": meeting.number, "held": meeting.status in HELD}
    meeting.not_held_at = now
    meeting.save(update_fields=["not_held_at", "updated_at"])
    due = next_meeting_week(meeting.municipality, now)
    if due <= meeting.week_start:
        due = meeting.week_start + dt.timedelta(days=7)
    carried = 0
    note = f"جلسهٔ {meeting.number} برگزار نشد؛ به جلسهٔ بعد منتقل شد"  # record: case note
    items = meeting.items.exclude(kind__in=CARRY_KINDS).prefetch_related("cases")
    for item in items:
        for case in item.cases.all():
            if case.status in ("accepted", "visited", "on_agenda", "deferred", "reopened"):
                case_services.case_carry_over(case=case, due_week=due, note=note, now=now)
                carried += 1
    _event(
        meeting,
        kind="not_held",
        actor=None,
        now=now,
        note=note,
        data={"carried": carried, "to_week": due.isoformat()},
    )
    _alert(meeting, "meetings/messages/not_held", {"carried": carried}, "not_held")
    return {"meeting": meeting.number, "not_held": True, "carried": carried}


def not_held_step(week: Week, now: dt.datetime) -> dict[str, Any]:
    """Clock step "meeting_not_held" (a few hours after the week's meeting time)."""
    meeting = Meeting.objects.filter(municipality=week.municipality, week_start=week.start).first()
    if meeting is None:
        return {"skipped": "no meeting"}
    if meeting.status in HELD:
        return {"meeting": meeting.number, "held": True}
    return meeting_mark_not_held(meeting=meeting, now=now)


def mark_carried_items(meeting: Meeting) -> int:
    """After an agenda build: items whose cases come from an unheld meeting are marked carried;
    every item carries how often its cases were deferred; past the city's limit an item is
    urgent and the mayor is alerted. Returns the number of carried items."""
    through = AgendaItem.cases.through
    here = through.objects.filter(agendaitem__meeting=meeting)
    origins: dict[int, int] = {}
    for case_id, meeting_id in (
        through.objects.filter(
            case_id__in=here.values("case_id"),
            agendaitem__meeting__not_held_at__isnull=False,
            agendaitem__meeting__municipality_id=meeting.municipality_id,
        )
        .exclude(agendaitem__meeting=meeting)
        .values_list("case_id", "agendaitem__meeting_id")
    ):
        origins[case_id] = max(origins.get(case_id, 0), meeting_id)
    limit = schedule_for(meeting.municipality).deferral_limit
    carried = 0
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .annotate(most=Max("cases__deferrals"))
        .prefetch_related("cases")
    )
    changed = []
    for item in items:
        case_ids = [c.pk for c in item.cases.all()]
        source = max((origins.get(pk, 0) for pk in case_ids), default=0) or None
        deferrals = item.most or 0
        urgency = 3 if limit and deferrals >= limit else item.urgency
        if (source, deferrals, urgency) != (item.carried_from_id, item.deferrals, item.urgency):
            item.carried_from_id, item.deferrals, item.urgency = source, deferrals, urgency
            changed.append(item)
        carried += source is not None
        if limit and deferrals >= limit:
            for case in item.cases.all():
                if case.deferrals >= limit:
                    _alert_deferred(meeting, case)
    AgendaItem.objects.bulk_update(changed, ["carried_from", "deferrals", "urgency"])
    return carried


def _alert_deferred(meeting: Meeting, case: Case) -> None:
    for user in User.objects.filter(
        municipality_id=meeting.municipality_id, role=Role.MAYOR, is_active=True
    ):
        message_enqueue(
            template="meetings/messages/deferred_often",
            context={"case": case, "meeting": meeting, "user": user},
            mobile=user.mobile,
            email=user.email,
            municipality_id=meeting.municipality_id,
            dedupe_key=f"case:{case.pk}:deferred_often:{case.deferrals}:{user.pk}",
        )


@transaction.atomic
def meeting_reschedule(
    *, meeting: Meeting, at: dt.datetime, actor: User | None, now: dt.datetime, reason: str = ""
) -> Meeting:
    """Move a meeting that has not been held to another time of its own week (after the visits,
    not in the past). The week's meeting, freeze and dispatch times follow, and the move is
    recorded in the week's shifts like a holiday's."""
    from pishkhan.meetings.services.state import _event, _require

    _require(actor, "meetings.prepare_agenda", meeting.municipality_id)
    meeting = Meeting.objects.select_for_update().select_related("municipality").get(pk=meeting.pk)
    if meeting.status not in ("draft", "frozen") or meeting.not_held_at is not None:
        raise ApplicationError(
            gettext("این جلسه برگزار شده یا برگزارنشده اعلام شده و جابه‌جا نمی‌شود.")
        )
    if at <= now:
        raise ApplicationError(gettext("زمان تازهٔ جلسه گذشته است؛ زمانی پس از اکنون انتخاب کنید."))
    week_end = combine(meeting.week_start + dt.timedelta(days=7), dt.time.min)
    if at >= week_end:
        raise ApplicationError(
            gettext("جلسه را فقط در همان هفته (تا پایان جمعه) می‌توان جابه‌جا کرد.")
        )
    week = (
        Week.objects.select_for_update()
        .filter(municipality_id=meeting.municipality_id, start=meeting.week_start)
        .first()
    )
    if week is not None and at < week.visits_end_at:
        raise ApplicationError(gettext("جلسه نمی‌تواند پیش از پایان بازدیدهای میدانی باشد."))
    old = meeting.scheduled_at
    meeting.scheduled_at = at
    meeting.save(update_fields=["scheduled_at", "updated_at"])
    why = reason.strip()[:200] or "جابه‌جایی جلسه به‌دست دبیر"  # record: the stored reason
    if week is not None:
        schedule = schedule_for(meeting.municipality)
        week.meeting_at = at
        update = ["meeting_at", "shifts"]
        if meeting.status == "draft":
            week.agenda_freeze_at = max(
                now, at - dt.timedelta(minutes=schedule.agenda_freeze_minutes)
            )
            update.append("agenda_freeze_at")
        if week.dispatch_at <= at:
            next_day = at.astimezone(TEHRAN).date() + dt.timedelta(days=1)
            week.dispatch_at = combine(next_day, schedule.dispatch_time)
            update.append("dispatch_at")
        week.shifts = [
            *week.shifts,
            {
                "phase": "meeting",
                "from": old.astimezone(TEHRAN).date().isoformat(),
                "to": at.astimezone(TEHRAN).date().isoformat(),
                "reason": why,
            },
        ]
        week.save(update_fields=update)
    _event(
        meeting,
        kind="rescheduled",
        actor=actor,
        now=now,
        note=why,
        data={"from": old.isoformat(), "to": at.isoformat()},
    )
    _alert(
        meeting,
        "meetings/messages/rescheduled",
        {"at": format_datetime(at, long=True)},
        f"rescheduled:{at.isoformat()}",
    )
    return meeting
