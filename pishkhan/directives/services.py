"""Writes for directives (ابلاغیه): dispatch on Thursday, the department's work, escalation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import Department, User
from pishkhan.accounts.roles import Role
from pishkhan.cases import services as case_services
from pishkhan.cases.files import clean_upload
from pishkhan.cases.models import Case
from pishkhan.core.audit import actor_id_of, audit_record
from pishkhan.core.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from pishkhan.core.jalali import TEHRAN, format_date
from pishkhan.core.text import clean_input, fa_digits, fa_number, ltr_isolate
from pishkhan.cycle.models import Week
from pishkhan.directives.models import CitizenCheck, Directive, DirectiveEvent, Evidence
from pishkhan.meetings.integrity import (
    UnverifiedMinutes,
    integrity_refusal_record,
    meeting_require_intact,
)
from pishkhan.meetings.models import AgendaItem, Decision, Meeting, MeetingEvent

DS = Directive.Status
OPEN = (DS.ISSUED, DS.ACKNOWLEDGED, DS.IN_PROGRESS, DS.OVERDUE)
# A staff member's "done" waits for the department head's confirmation (AWAITING); the head's
# own "done" is confirmed by its author. Only then does the citizen's case count as done.
ALLOWED: dict[str, set[str]] = {
    DS.ISSUED: {DS.ACKNOWLEDGED, DS.IN_PROGRESS, DS.OVERDUE, DS.AWAITING, DS.DONE, DS.SUPERSEDED},
    DS.ACKNOWLEDGED: {DS.IN_PROGRESS, DS.OVERDUE, DS.AWAITING, DS.DONE, DS.SUPERSEDED},
    DS.IN_PROGRESS: {DS.OVERDUE, DS.AWAITING, DS.DONE, DS.SUPERSEDED},
    DS.OVERDUE: {DS.IN_PROGRESS, DS.AWAITING, DS.DONE, DS.SUPERSEDED},
    DS.AWAITING: {DS.DONE, DS.IN_PROGRESS, DS.SUPERSEDED},
    DS.DONE: set(),
    DS.SUPERSEDED: set(),
}
MAX_EVIDENCE = 5


def _record(
    directive: Directive,
    *,
    kind: str,
    actor: User | None,
    now: dt.datetime,
    old: str = "",
    new: str = "",
    note: str = "",
    progress: int | None = None,
) -> DirectiveEvent:
    event = DirectiveEvent.objects.create(
        directive=directive,
        kind=kind,
        old_status=old,
        new_status=new,
        actor=actor,
        at=now,
        note=note,
        progress=progress,
    )
    audit_record(
        municipality_id=directive.municipality_id,
        actor_id=actor_id_of(actor),
        action=f"directive.{kind}",
        object_type="directive",
        object_id=directive.number,
        data={"from": old, "to": new, "note": note, "progress": progress},
        at=now.astimezone(dt.UTC),  # audit digests use UTC isoformat
    )
    return event


def _move(
    directive: Directive,
    to: str,
    *,
    actor: User | None,
    now: dt.datetime,
    note: str = "",
    fields: dict[str, Any] | None = None,
) -> DirectiveEvent:
    if to not in ALLOWED[directive.status]:
        raise InvalidTransition(directive.status, to)
    old = directive.status
    directive.status = to
    update = ["status", "updated_at"]
    for key, value in (fields or {}).items():
        setattr(directive, key, value)
        update.append(key)
    directive.save(update_fields=update)
    if old == DS.AWAITING:
        # The report is settled (by the head, a citizen or a new decision): questions
        # still open to the citizens about it are answered by that.
        CitizenCheck.objects.filter(directive=directive, answer="").update(
            answer=CitizenCheck.Answer.VOID, answered_at=now
        )
    return _record(directive, kind="status", old=old, new=to, actor=actor, now=now, note=note)


def _lock(directive: Directive) -> Directive:
    return (
        Directive.objects.select_for_update()
        .select_related("decision", "department")
        .get(pk=directive.pk)
    )


def _require_worker(actor: User, directive: Directive) -> None:
    """Only staff of the directive's own department may work on it."""
    if (
        not actor.has_perm("directives.work_directive")
        or actor.department_id != directive.department_id
        or actor.municipality_id != directive.municipality_id
    ):
        raise PermissionDeniedError(_("این ابلاغیه مربوط به واحد شما نیست."))


def _department_contacts(department: Department) -> list[User]:
    """Everyone who works the department's directives: the head and the staff."""
    return list(
        User.objects.filter(
            department=department,
            role__in=[Role.DEPARTMENT_HEAD, Role.DEPARTMENT_STAFF],
            is_active=True,
        ).order_by("id")
    )


def _department_heads(department_id: int) -> list[User]:
    return list(
        User.objects.filter(
            department_id=department_id, role=Role.DEPARTMENT_HEAD, is_active=True
        ).order_by("id")
    )


def _decision_cases(decision: Decision) -> list[Case]:
    """The cases a decision is about (for re-decisions: the cases of the original order; for a
    correction: the corrected decision's)."""
    item = decision.item
    if item.kind == "correction" and item.corrects_id:
        corrected = Decision.objects.select_related("item").filter(pk=item.corrects_id).first()
        if corrected is not None:
            return _decision_cases(corrected)
    if item.kind in ("overdue", "extension") and item.source_directive_id:
        source = (
            Directive.objects.filter(pk=item.source_directive_id)
            .select_related("decision__item")
            .first()
        )
        if source is not None:
            return _decision_cases(source.decision)
    return list(item.cases.all())


# ---------------------------------------------------------------- dispatch (Thursday)


def _issue(
    decision: Decision,
    department: Department,
    role: str,
    seq: int,
    *,
    actor: User | None,
    now: dt.datetime,
    active: set[tuple[int, int]],
    contacts: dict[int, list[User]],
) -> Directive | None:
    """Numbered and notified at once; its letter is rendered by the worker (letters_render) or
    on first request, after checking the sealed minutes again. ``active``: the (decision,
    department) pairs already holding an order; ``contacts``: heads by department (both read
    once per dispatch, under the meeting's lock)."""
    if decision.deadline is None:
        raise ApplicationError(_("مصوبه مهلت اجرا ندارد."))
    if (decision.pk, department.pk) in active:
        return None
    directive = Directive.objects.create(
        municipality_id=decision.item.meeting.municipality_id,
        number=f"{decision.number}-{seq}",
        decision=decision,
        department=department,
        role=role,
        deadline=decision.deadline,
        issued_at=now,
    )
    active.add((decision.pk, department.pk))
    _record(directive, kind="status", old="", new="issued", actor=actor, now=now)
    link = directive.municipality.site_url(f"/office/directives/{directive.pk}/")
    if department.pk not in contacts:
        contacts[department.pk] = _department_contacts(department)
    for head in contacts[department.pk]:
        from pishkhan.notify.services import message_enqueue

        message_enqueue(
            template="directives/messages/issued",
            context={"directive": directive, "user": head, "link": link},
            mobile=head.mobile,
            email=head.email,
            municipality_id=directive.municipality_id,
            dedupe_key=f"directive:{directive.pk}:issued:{head.pk}",
        )
    return directive


def _supersede(
    directive: Directive, *, by: Decision | None, actor: User | None, now: dt.datetime, note: str
) -> None:
    directive = _lock(directive)
    if directive.status in ("done", "superseded"):
        return
    _move(
        directive,
        "superseded",
        actor=actor,
        now=now,
        note=note,
        fields={"extension_requested_until": None},
    )


def meeting_dispatch(*, meeting: Meeting, actor: User | None, now: dt.datetime) -> list[Directive]:
    """Each approved decision of a signed meeting becomes numbered directives (lead + supporting
    departments); re-decisions supersede the orders they replace; citizens hear of it. Idempotent.

    The sealed minutes are verified first: on a mismatch nothing is issued, the refusal is
    recorded on the meeting and the secretary and mayor are alerted (UnverifiedMinutes raised)."""
    try:
        return _dispatch(meeting=meeting, actor=actor, now=now)
    except UnverifiedMinutes as refusal:
        integrity_refusal_record(refusal=refusal, now=now)
        raise


@transaction.atomic
def _dispatch(*, meeting: Meeting, actor: User | None, now: dt.datetime) -> list[Directive]:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if actor is not None and (
        not actor.has_perm("directives.issue_directive")
        or actor.municipality_id != meeting.municipality_id
    ):
        raise PermissionDeniedError()
    if meeting.status != Meeting.Status.SIGNED:
        raise ApplicationError(_("فقط صورتجلسهٔ امضاشده ابلاغ می‌شود."))
    meeting_require_intact(meeting, what="dispatch")
    issued: list[Directive] = []
    # Numbers already used in this meeting's range and the orders already standing: read once
    # (a dispatch of thousands of orders must not ask twice per order).
    existing = Directive.objects.filter(
        municipality_id=meeting.municipality_id, number__startswith=f"{meeting.number}-"
    ).values_list("number", "decision_id", "department_id")
    taken: set[str] = set()
    owned: set[tuple[str, int, int]] = set()
    for number, decision_id, department_id in existing:
        taken.add(number)
        owned.add((number, decision_id, department_id))
    active: set[tuple[int, int]] = set(
        Directive.objects.filter(decision__item__meeting=meeting)
        .exclude(status="superseded")
        .values_list("decision_id", "department_id")
    )
    contacts: dict[int, list[User]] = {}
    decisions = (
        Decision.objects.filter(item__meeting=meeting)
        .select_related("item", "lead_department", "item__meeting")
        .prefetch_related("supporting_departments", "item__cases")
        .order_by("item__number")
    )
    for decision in decisions:
        item = decision.item
        source = (
            Directive.objects.filter(pk=item.source_directive_id).first()
            if item.source_directive_id
            else None
        )
        # The decision this one replaces: the order's (an overdue or extension item) or the
        # sealed decision it corrects. Its open orders are superseded, so a department never
        # holds two standing orders for one matter.
        replaced_id = (
            source.decision_id
            if source is not None
            else item.corrects_id
            if item.kind == AgendaItem.Kind.CORRECTION
            else None
        )
        if replaced_id is not None and decision.outcome in ("approve", "reject"):
            for old in Directive.objects.filter(decision_id=replaced_id, status__in=OPEN):
                if decision.outcome == "reject" and item.kind == "extension":
                    continue  # extension refused: the order stands as it was
                _supersede(
                    old,
                    by=decision,
                    actor=actor,
                    now=now,
                    note=f"جایگزین با مصوبهٔ {decision.number}",  # record: stored Persian text
                )
            if source is not None and item.kind == "extension":
                Directive.objects.filter(pk=source.pk).update(extension_requested_until=None)
            if not (decision.outcome == "reject" and item.kind == "extension"):
                # The case follows its order: a new deadline and lead department, or (rejected)
                # out of execution; the citizen is told either way.
                for case in _decision_cases(decision):
                    case_services.case_redecide(
                        case=case,
                        outcome=decision.outcome,
                        text=decision.text,
                        actor=actor,
                        lead_department=decision.lead_department,
                        deadline=decision.deadline,
                        decision_number=decision.number,
                    )
        if decision.outcome != Decision.Outcome.APPROVE or decision.lead_department is None:
            continue
        seq = 1
        departments = [(decision.lead_department, Directive.Role.LEAD)] + [
            (d, Directive.Role.SUPPORT)
            for d in sorted(decision.supporting_departments.all(), key=lambda d: d.pk)
        ]
        for department, role in departments:
            while (
                f"{decision.number}-{seq}" in taken
                and (f"{decision.number}-{seq}", decision.pk, department.pk) not in owned
            ):
                seq += 1
            directive = _issue(
                decision,
                department,
                role,
                seq,
                actor=actor,
                now=now,
                active=active,
                contacts=contacts,
            )
            if directive is not None:
                taken.add(directive.number)
                owned.add((directive.number, decision.pk, department.pk))
                issued.append(directive)
            seq += 1
        for case in _decision_cases(decision):
            if case.status == Case.Status.DECIDED:
                case_services.case_mark_dispatched(
                    case=case, actor=actor, note=f"ابلاغ به {decision.lead_department.name}"
                )  # record: stored Persian text
    if meeting.dispatched_at is None:
        meeting.dispatched_at = now
        meeting.save(update_fields=["dispatched_at"])
        MeetingEvent.objects.create(
            meeting=meeting,
            kind="dispatched",
            actor=actor,
            at=now,
            data={"directives": len(issued)},
        )
    audit_record(
        municipality_id=meeting.municipality_id,
        actor_id=actor_id_of(actor),
        action="meeting.dispatch",
        object_type="meeting",
        object_id=meeting.number,
        data={"issued": len(issued)},
        at=now.astimezone(dt.UTC),
    )
    return issued


def dispatch_step(week: Week, now: dt.datetime) -> dict[str, Any]:
    """Clock step "dispatch" (Thursday morning)."""
    meeting = Meeting.objects.filter(municipality=week.municipality, week_start=week.start).first()
    if meeting is None or meeting.status != Meeting.Status.SIGNED:
        return {"skipped": "minutes not signed" if meeting else "no meeting"}
    try:
        issued = meeting_dispatch(meeting=meeting, actor=None, now=now)
    except UnverifiedMinutes as refusal:
        # The week shows why; the secretary dispatches by hand once the record is restored.
        return {"meeting": meeting.number, "refused": refusal.problems[:5]}
    return {"meeting": meeting.number, "issued": len(issued)}


# ---------------------------------------------------------------- letters (background)

LETTER_BATCH = 10


@transaction.atomic
def directive_letter_render(*, directive: Directive) -> Directive:
    """Render (once) the directive's letter from the verified minutes; UnverifiedMinutes when
    they no longer match what was signed."""
    from pishkhan.directives.letters import letter_pdf

    directive = (
        Directive.objects.select_for_update()
        .select_related("decision__item__meeting__municipality", "department")
        .get(pk=directive.pk)
    )
    if directive.letter_pdf:
        return directive
    meeting_require_intact(directive.decision.item.meeting, what="letter")
    directive.letter_pdf.save(
        f"directive-{directive.number}.pdf", ContentFile(letter_pdf(directive)), save=False
    )
    directive.save(update_fields=["letter_pdf"])
    return directive


def letters_render() -> int:
    """Worker job: render a batch of letters not yet rendered (oldest first). Letters of minutes
    that no longer verify are left unrendered (the refusal is recorded once and alerted)."""
    refused = MeetingEvent.objects.filter(kind="integrity_refused", data__what="letter")
    pending = list(
        Directive.objects.filter(letter_pdf="")
        .exclude(status=Directive.Status.SUPERSEDED)
        .exclude(decision__item__meeting_id__in=refused.values("meeting_id"))
        .order_by("id")
        .values_list("pk", "decision__item__meeting_id")[:LETTER_BATCH]
    )
    done = 0
    bad: set[int] = set()
    for pk, meeting_id in pending:
        if meeting_id in bad:
            continue
        try:
            directive_letter_render(directive=Directive(pk=pk))
        except UnverifiedMinutes as refusal:
            bad.add(meeting_id)
            integrity_refusal_record(refusal=refusal)
            continue
        done += 1
    return done


# ---------------------------------------------------------------- the department's work


def _evidence(event: DirectiveEvent, files: Sequence[UploadedFile[bytes]]) -> None:
    if len(files) > MAX_EVIDENCE:
        raise ApplicationError(
            _("حداکثر %(n)s پرونده پیوست کنید.") % {"n": fa_number(MAX_EVIDENCE)}
        )
    for f in files:
        cleaned = clean_upload(f)  # validates by content (magic bytes), size and name
        evidence = Evidence(
            event=event,
            content_type=cleaned.content_type,
            size=cleaned.size,
            original_name=cleaned.original_name,
        )
        evidence.file.save(cleaned.name, cleaned.content, save=False)
        evidence.save()


def _lead_cases_in_progress(directive: Directive, actor: User, now: dt.datetime) -> None:
    if directive.role != Directive.Role.LEAD:
        return
    for case in _decision_cases(directive.decision):
        if case.status == Case.Status.DISPATCHED:
            case_services.case_mark_in_progress(
                case=case,
                actor=actor,
                note=f"ابلاغیهٔ {directive.number}",  # record: stored Persian text
            )


@transaction.atomic
def directive_acknowledge(
    *, directive: Directive, actor: User, now: dt.datetime | None = None
) -> Directive:
    now = now or timezone.now()
    directive = _lock(directive)
    _require_worker(actor, directive)
    if directive.acknowledged_at is not None:
        raise ApplicationError(_("رؤیت این ابلاغیه پیش‌تر ثبت شده است."))
    if directive.status == "issued":
        _move(directive, "acknowledged", actor=actor, now=now, fields={"acknowledged_at": now})
    else:
        directive.acknowledged_at = now
        directive.save(update_fields=["acknowledged_at", "updated_at"])
        _record(directive, kind="acknowledged", actor=actor, now=now)
    _lead_cases_in_progress(directive, actor, now)
    return directive


@transaction.atomic
def directive_progress(
    *,
    directive: Directive,
    progress: int,
    note: str,
    actor: User,
    files: Sequence[UploadedFile[bytes]] = (),
    now: dt.datetime | None = None,
) -> Directive:
    now = now or timezone.now()
    directive = _lock(directive)
    _require_worker(actor, directive)
    if directive.status not in OPEN:
        raise InvalidTransition(directive.status, "progress")
    if not 0 <= progress < 100:
        raise ApplicationError(
            _("پیشرفت باید بین ۰ و ۹۹ درصد باشد؛ برای ۱۰۰٪ «انجام شد» را بزنید.")
        )
    note = clean_input(note)
    if len(note) < 3:
        raise ApplicationError(_("شرح پیشرفت کار را بنویسید."))
    if directive.status in ("issued", "acknowledged"):
        _move(
            directive,
            "in_progress",
            actor=actor,
            now=now,
            fields={"acknowledged_at": directive.acknowledged_at or now},
        )
    directive.progress = progress
    directive.save(update_fields=["progress", "updated_at"])
    event = _record(directive, kind="progress", actor=actor, now=now, note=note, progress=progress)
    _evidence(event, files)
    _lead_cases_in_progress(directive, actor, now)
    return directive


@transaction.atomic
def directive_request_extension(
    *,
    directive: Directive,
    until: dt.date,
    reason: str,
    actor: User,
    now: dt.datetime | None = None,
) -> Directive:
    """Only the meeting grants an extension: the request goes on the next agenda."""
    now = now or timezone.now()
    directive = _lock(directive)
    _require_worker(actor, directive)
    if directive.status not in OPEN:
        raise InvalidTransition(directive.status, "extension")
    if until <= directive.deadline:
        raise ApplicationError(_("تاریخ درخواستی باید پس از مهلت فعلی باشد."))
    reason = clean_input(reason)
    if len(reason) < 5:
        raise ApplicationError(_("علت درخواست تمدید را بنویسید."))
    directive.extension_requested_until = until
    directive.extension_reason = reason
    directive.save(update_fields=["extension_requested_until", "extension_reason", "updated_at"])
    _record(
        directive,
        kind="extension_requested",
        actor=actor,
        now=now,
        note=f"تا {format_date(until)}: {reason}",  # record: stored Persian text
    )
    return directive


@transaction.atomic
def directive_complete(
    *,
    directive: Directive,
    note: str,
    actor: User,
    files: Sequence[UploadedFile[bytes]] = (),
    now: dt.datetime | None = None,
) -> Directive:
    """Done, with evidence. The lead department's completion completes the citizen's case."""
    now = now or timezone.now()
    directive = _lock(directive)
    _require_worker(actor, directive)
    if directive.status not in OPEN:
        raise InvalidTransition(directive.status, "done")
    note = clean_input(note)
    if len(note) < 3:
        raise ApplicationError(_("گزارش انجام کار را بنویسید."))
    if not files:
        raise ApplicationError(_("دست‌کم یک مستند (عکس یا سند) از انجام کار پیوست کنید."))
    head = actor.role == Role.DEPARTMENT_HEAD
    event = _move(
        directive,
        "done" if head else "awaiting",
        actor=actor,
        now=now,
        note=note,
        fields={"completed_at": now, "progress": 100, "extension_requested_until": None},
    )
    _evidence(event, files)
    if head:
        _finish_cases(directive, actor, note, now)
        return directive
    from pishkhan.notify.services import message_enqueue

    _ask_citizens(directive, event, now)
    for user in _department_heads(directive.department_id):
        message_enqueue(
            template="directives/messages/awaiting",
            context={"directive": directive, "user": user},
            mobile=user.mobile,
            municipality_id=directive.municipality_id,
            dedupe_key=f"directive:{directive.pk}:awaiting:{event.pk}:{user.pk}",
        )
    return directive


def _finish_cases(directive: Directive, actor: User | None, note: str, now: dt.datetime) -> None:
    """The lead department's confirmed completion completes the citizen's cases."""
    if directive.role == Directive.Role.LEAD:
        for case in _decision_cases(directive.decision):
            if case.status in (Case.Status.DISPATCHED, Case.Status.IN_PROGRESS):
                case_services.case_mark_done(case=case, actor=actor, note=note, now=now)


@transaction.atomic
def directive_confirm(
    *, directive: Directive, accept: bool, note: str, actor: User, now: dt.datetime | None = None
) -> Directive:
    """The department head confirms the work reported done (the directive and the citizen's case
    count as done), or sends it back with a note."""
    now = now or timezone.now()
    directive = _lock(directive)
    _require_worker(actor, directive)
    if actor.role != Role.DEPARTMENT_HEAD:
        raise PermissionDeniedError(_("تأیید انجام کار با مدیر واحد است."))
    if directive.status != "awaiting":
        raise InvalidTransition(directive.status, "done")
    note = clean_input(note)
    if accept:
        reported = directive.events.filter(new_status="awaiting").order_by("-at", "-id").first()
        confirmed = "انجام کار تأیید شد."  # record: the directive's history
        _move(directive, "done", actor=actor, now=now, note=note or confirmed)
        _finish_cases(directive, actor, reported.note if reported else note, now)
    else:
        if len(note) < 3:
            raise ApplicationError(_("بنویسید چه چیزی هنوز انجام نشده است."))
        _move(
            directive,
            "in_progress",
            actor=actor,
            now=now,
            note=note,
            fields={"completed_at": None, "progress": 90},
        )
    return directive


# ---------------------------------------------------------------- the citizen's word (SMS)

CITIZEN_DONE, CITIZEN_NOT_DONE = "1", "2"  # reply codes the citizen's SMS asks for


def _citizens_of(case: Case) -> list[Case]:
    """The case and the cases merged into it: every citizen who follows it."""
    merged = Case.objects.filter(merged_into_id=case.pk).order_by("id")
    return [c for c in [case, *merged] if c.citizen_mobile and not c.anonymised_at]


def _ask_citizens(directive: Directive, event: DirectiveEvent, now: dt.datetime) -> None:
    """The lead department reported the work done: each citizen is asked to confirm by SMS
    (1 = done, 2 = not done); the first answer counts like the head's."""
    from pishkhan.notify.services import message_enqueue

    if directive.role != Directive.Role.LEAD:
        return
    for case in _decision_cases(directive.decision):
        if case.status not in (Case.Status.DISPATCHED, Case.Status.IN_PROGRESS):
            continue
        for citizen in _citizens_of(case):
            CitizenCheck.objects.create(
                directive=directive,
                event=event,
                case=citizen,
                asked_at=now,
            )
            message_enqueue(
                template="directives/messages/citizen_check",
                context={"case": citizen, "done": CITIZEN_DONE, "not_done": CITIZEN_NOT_DONE},
                mobile=citizen.citizen_mobile,
                municipality_id=directive.municipality_id,
                dedupe_key=f"directive:{directive.pk}:check:{event.pk}:{citizen.pk}",
            )


@transaction.atomic
def directive_citizen_reply(
    *, mobile: str, done: bool, note: str = "", now: dt.datetime | None = None
) -> CitizenCheck:
    """The citizen's SMS answer to "is the work done?" for the newest question sent to
    ``mobile``. "Done" confirms the directive like the head's confirmation; "not done" sends it
    back to the department with the citizen's word recorded and the head told. A question
    answered already (by this citizen, another one or the head) raises with a Persian answer;
    nothing is recorded twice."""
    from pishkhan.notify.services import message_enqueue

    now = now or timezone.now()
    check = (
        CitizenCheck.objects.select_for_update()
        .select_related("case", "directive")
        .filter(case__citizen_mobile=mobile, case__anonymised_at__isnull=True)
        .order_by("-asked_at", "-id")
        .first()
    )
    if check is None:
        raise ApplicationError(
            _(
                "برای این شماره پرسشی دربارهٔ انجام کار نفرستاده‌ایم. "
                "برای پیگیری، کد رهگیری را در صفحهٔ پیگیری وارد کنید."
            ),
            extra={"reason": "unknown"},
        )
    code = ltr_isolate(check.case.tracking_code)
    if check.answer in (CitizenCheck.Answer.DONE, CitizenCheck.Answer.NOT_DONE):
        raise ApplicationError(
            _("پاسخ شما دربارهٔ درخواست %(code)s پیش‌تر ثبت شده است؛ سپاس‌گزاریم.") % {"code": code},
            extra={"reason": "repeat"},
        )
    directive = _lock(check.directive)
    if check.answer == CitizenCheck.Answer.VOID or directive.status != DS.AWAITING:
        raise ApplicationError(
            _(
                "گزارش انجام کار درخواست %(code)s پیش‌تر تعیین تکلیف شده است. اگر کار هنوز "
                "انجام نشده، پس از پیامک پایان کار، ۳۳ را بفرستید."
            )
            % {"code": code},
            extra={"reason": "settled"},
        )
    note = clean_input(note)[:2000]
    check.answer = CitizenCheck.Answer.DONE if done else CitizenCheck.Answer.NOT_DONE
    check.answered_at = now
    check.note = note
    check.save(update_fields=["answer", "answered_at", "note"])
    reported = DirectiveEvent.objects.get(pk=check.event_id)
    # record: the directive's history (stored Persian text)
    who = f"شهروند (درخواست {check.case.tracking_code}، پاسخ پیامکی)"  # record:
    if done:
        said = f"{who}: انجام کار را تأیید کرد." + (f" «{note}»" if note else "")  # record:
        _move(directive, "done", actor=None, now=now, note=said)
        _finish_cases(directive, None, reported.note, now)
    else:
        said = f"{who}: کار انجام نشده است." + (f" «{note}»" if note else "")  # record:
        _move(
            directive,
            "in_progress",
            actor=None,
            now=now,
            note=said,
            fields={"completed_at": None, "progress": 90},
        )
        told = {u.pk: u for u in _department_heads(directive.department_id)}
        if reported.actor is not None and reported.actor.is_active:
            told.setdefault(reported.actor.pk, reported.actor)
        for user in told.values():
            message_enqueue(
                template="directives/messages/citizen_not_done",
                context={"directive": directive, "case": check.case, "note": note},
                mobile=user.mobile,
                municipality_id=directive.municipality_id,
                dedupe_key=f"directive:{directive.pk}:not_done:{check.pk}:{user.pk}",
            )
    message_enqueue(
        template="directives/messages/citizen_thanks",
        context={"case": check.case, "done": done},
        mobile=check.case.citizen_mobile,
        municipality_id=directive.municipality_id,
        dedupe_key=f"directive:{directive.pk}:thanks:{check.pk}",
    )
    return check


# ---------------------------------------------------------------- escalation


def directives_mark_overdue(*, now: dt.datetime, municipality_id: int | None = None) -> int:
    """Unfinished directives past their deadline turn overdue, once each; the deputy is alerted.
    (They come back on the next agenda through the agenda source.)"""
    today = now.astimezone(TEHRAN).date()
    qs = Directive.objects.filter(
        status__in=["issued", "acknowledged", "in_progress"], deadline__lt=today
    )
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    count = 0
    for pk in list(qs.values_list("pk", flat=True)):
        with transaction.atomic():
            directive = _lock(Directive(pk=pk))
            if (
                directive.status not in ("issued", "acknowledged", "in_progress")
                or directive.deadline >= today
            ):
                continue
            _move(
                directive,
                "overdue",
                actor=None,
                now=now,
                note="مهلت اجرا گذشت",  # record: stored Persian text
                fields={"overdue_at": now},
            )
            deputy = directive.department.deputy
            if deputy is not None:
                from pishkhan.notify.services import message_enqueue

                message_enqueue(
                    template="directives/messages/overdue",
                    context={
                        "directive": directive,
                        "user": deputy,
                        "link": directive.municipality.site_url(
                            f"/office/directives/{directive.pk}/"
                        ),
                    },
                    mobile=deputy.mobile,
                    email=deputy.email,
                    municipality_id=directive.municipality_id,
                    dedupe_key=f"directive:{directive.pk}:overdue",
                )
            count += 1
    return count


def overdue_step(week: Week, now: dt.datetime) -> dict[str, Any]:
    return {"overdue": directives_mark_overdue(now=now, municipality_id=week.municipality_id)}


def agenda_source(meeting: Meeting) -> list[Any]:
    """Overdue directives and extension requests → items of the next agenda."""
    from pishkhan.meetings.sources import ItemSpec

    specs = []
    rows = (
        Directive.objects.filter(municipality_id=meeting.municipality_id, status__in=OPEN)
        .exclude(decision__item__meeting=meeting)
        .filter(_overdue_or_extension())
        .select_related("decision", "decision__item", "department")
        .prefetch_related("decision__item__cases")
        .order_by("id")
    )
    for d in rows:
        extension = d.extension_requested_until is not None
        item: AgendaItem = d.decision.item
        cases = [c.pk for c in item.cases.all()]
        if extension:
            number = ltr_isolate(fa_digits(d.number))
            title = f"درخواست تمدید ابلاغیهٔ {number} ({d.department.name})"  # record: stored
            until = format_date(d.extension_requested_until)
            summary = (
                f"مهلت فعلی: {format_date(d.deadline)} — درخواستی: "  # record: stored
                f"{until}\n{d.extension_reason}"  # record: stored Persian text
            )
        else:
            number = ltr_isolate(fa_digits(d.number))
            title = f"ابلاغیهٔ معوق {number} ({d.department.name})"  # record: stored
            progress = fa_number(d.progress)
            summary = (
                f"مهلت: {format_date(d.deadline)} — پیشرفت: {progress}٪\n"  # record: stored
                f"مصوبه: {d.decision.text}"  # record: stored Persian text
            )
        specs.append(
            ItemSpec(
                kind="extension" if extension else "overdue",
                title=title[:300],
                summary=summary,
                district_id=item.district_id,
                service_id=item.service_id,
                urgency=3,
                case_ids=cases,
                source_directive_id=d.pk,
                lat=item.lat,
                lon=item.lon,
                sort_key=(0, 0, d.pk),
            )
        )
    return specs


def _overdue_or_extension() -> Q:
    return Q(status="overdue") | Q(extension_requested_until__isnull=False)
