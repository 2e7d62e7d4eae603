"""Office pages of the meeting: agenda, meeting mode, signing, minutes, committee import."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from pishkhan.accounts.access import staff_required
from pishkhan.accounts.models import Committee, User
from pishkhan.core.errors import ApplicationError
from pishkhan.core.text import to_ascii_digits
from pishkhan.cycle.models import Week
from pishkhan.cycle.schedule import schedule_for
from pishkhan.meetings import floor, imports, services
from pishkhan.meetings.forms import (
    AttendanceForm,
    DecisionForm,
    ImportUploadForm,
    ReasonForm,
    SignForm,
)
from pishkhan.meetings.models import AgendaItem, Attendance, Meeting
from pishkhan.meetings.selectors import (
    Proposal,
    agenda_items,
    agenda_items_subset,
    board_members,
    item_proposals,
    meeting_list,
    pending_signers,
    related_decisions_for,
    roll_calls,
    uncontested,
    visit_photos_for,
)


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("municipality"),
        pk=pk,
        municipality_id=request.user.municipality_id or 0,  # type: ignore[union-attr]
    )


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _error(request: HttpRequest, exc: Exception) -> None:
    text = getattr(exc, "message", None) or " ".join(getattr(exc, "messages", [str(exc)]))
    messages.error(request, text)


@staff_required("meetings.view_agenda")
def meeting_index(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST" and user.has_perm("meetings.prepare_agenda"):
        week = (
            Week.objects.filter(
                municipality_id=user.municipality_id or 0, start__lte=timezone.localdate()
            )
            .order_by("-start")
            .first()
        )
        if week is not None:
            meeting = services.meeting_for_week(week=week)
        else:
            from pishkhan.core.jalali import week_start

            if user.municipality is None:
                raise Http404
            meeting = services.meeting_for_date(
                municipality=user.municipality, week_start=week_start(timezone.localdate())
            )
        return redirect("meetings:agenda", pk=meeting.pk)
    return render(request, "meetings/list.html", {"meetings": meeting_list(user.municipality_id)})  # type: ignore[arg-type]


@staff_required("meetings.view_agenda")
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    items = agenda_items(meeting)
    related = related_decisions_for(items)
    photos = visit_photos_for(items)
    rows = [(item, related.get(item.pk, []), photos.get(item.pk, [])) for item in items]
    return render(request, "meetings/agenda.html", {"meeting": meeting, "rows": rows})


@require_POST
@staff_required("meetings.prepare_agenda")
def agenda_action(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "")
    now = timezone.now()
    try:
        if action == "build":
            services.agenda_build(meeting=meeting, now=now, actor=user)
            messages.success(request, gettext("دستور جلسه ساخته شد."))
        elif action == "freeze":
            services.agenda_freeze(meeting=meeting, now=now, actor=user)
            messages.success(request, gettext("دستور جلسه نهایی شد."))
        elif action in ("up", "down"):
            item = get_object_or_404(AgendaItem, pk=request.POST.get("item"), meeting=meeting)
            services.agenda_item_move(
                item=item, position=item.number + (-1 if action == "up" else 1), actor=user
            )
        elif action == "merge":
            ids = [int(x) for x in request.POST.getlist("items") if x.isdigit()]
            chosen = list(AgendaItem.objects.filter(meeting=meeting, pk__in=ids).order_by("number"))
            services.agenda_items_merge(items=chosen, actor=user)
            messages.success(request, gettext("دستورها ادغام شدند."))
        elif action == "correction":
            from pishkhan.meetings.selectors import decision_lookup

            number = to_ascii_digits(request.POST.get("decision", "")).strip()[:30]
            old = decision_lookup(meeting.municipality_id, number) if number else None
            if old is None:
                raise ApplicationError(
                    gettext("مصوبه‌ای با شمارهٔ «%(number)s» در شهرداری شما نیست.")
                    % {"number": number}
                )
            services.agenda_item_correction_add(
                meeting=meeting, decision=old, reason=request.POST.get("reason", ""), actor=user
            )
            messages.success(request, gettext("اصلاحیه به دستور جلسه افزوده شد."))
        elif action == "split":
            item = get_object_or_404(AgendaItem, pk=request.POST.get("item"), meeting=meeting)
            ids = [int(x) for x in request.POST.getlist("cases") if x.isdigit()]
            services.agenda_item_split(item=item, case_ids=ids, actor=user)
            messages.success(request, gettext("دستور جدا شد."))
        else:
            raise ApplicationError(gettext("فرمان نامعتبر است."))
    except ApplicationError as exc:
        _error(request, exc)
    return redirect("meetings:agenda", pk=meeting.pk)


@require_POST
@staff_required("meetings.prepare_agenda")
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the meeting to another time of its week (Jalali date and hh:mm)."""
    from pishkhan.core.jalali import combine, parse_jalali_date
    from pishkhan.meetings.unheld import meeting_reschedule

    meeting = _meeting(request, pk)
    try:
        day = parse_jalali_date(request.POST.get("date", ""))
        hh, _sep, mm = to_ascii_digits(request.POST.get("time", "")).strip().partition(":")
        at = combine(day, dt.time(int(hh), int(mm or 0)))
    except ValueError:
        messages.error(
            request, gettext("تاریخ را به شکل ۱۴۰۵/۰۹/۲۰ و ساعت را به شکل ۱۴:۰۰ وارد کنید.")
        )
        return redirect("meetings:agenda", pk=meeting.pk)
    try:
        meeting_reschedule(
            meeting=meeting,
            at=at,
            actor=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, gettext("زمان جلسه تغییر کرد."))
    return redirect("meetings:agenda", pk=meeting.pk)


@staff_required("meetings.view_agenda")
def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from pishkhan.meetings.pdf import agenda_pdf as render_agenda

    meeting = _meeting(request, pk)
    response = HttpResponse(render_agenda(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="agenda-{meeting.number}.pdf"'
    return response


def _present_members(meeting: Meeting) -> list[User]:
    """Present voting members (those who take positions)."""
    return [
        a.member
        for a in Attendance.objects.filter(
            meeting=meeting, present=True, votes=True, member__isnull=False
        )
        .select_related("member")
        .order_by("member_id")
        if a.member is not None
    ]


def _decision_form(
    meeting: Meeting,
    item: AgendaItem,
    members: list[User],
    data: Any = None,
    proposal: Proposal | None = None,
) -> DecisionForm:
    """The item's form: its decision, or else the visit's proposal (the secretary edits only
    what the meeting changes). Position fields only for members without one yet (entered by
    the secretary for a member without a device)."""
    initial: dict[str, Any] = {"outcome": "approve"}
    decision = getattr(item, "decision", None) if item.pk else None
    given: set[int] = set()
    if decision is not None:
        initial = {
            "outcome": decision.outcome,
            "text": decision.text,
            "lead_department": decision.lead_department_id,
            "supporting_departments": [d.pk for d in decision.supporting_departments.all()],
            "deadline": decision.deadline,
            "refer_until": decision.refer_until,
            "cost_note": decision.cost_note,
        }
        given = {p.member_id for p in decision.positions.all()}
    elif item.corrects_id and item.corrects is not None:
        # A correction starts from the decision it corrects: the meeting changes what it must.
        old = item.corrects
        initial = {
            "outcome": old.outcome,
            "text": old.text,
            "lead_department": old.lead_department_id,
            "deadline": old.deadline,
            "refer_until": old.refer_until,
            "cost_note": old.cost_note,
        }
    elif proposal is not None:
        initial = {
            "outcome": proposal.outcome,
            "text": proposal.text,
            "lead_department": proposal.lead_department_id,
            "deadline": proposal.deadline,
            "refer_until": proposal.refer_until,
        }
    return DecisionForm(
        data,
        initial=initial,
        municipality_id=meeting.municipality_id,
        members=[m for m in members if m.pk not in given],
        prefix=f"i{item.pk}",
    )


@staff_required("meetings.view_agenda")
def session(request: HttpRequest, pk: int) -> HttpResponse:
    """Meeting mode: the roll, then the consent list and one compact row per item; an item's
    form opens in place (htmx), pre-filled from the visit's proposal."""
    meeting = _meeting(request, pk)
    user: User = request.user  # type: ignore[assignment]
    members = board_members(meeting.municipality_id)
    schedule = schedule_for(meeting.municipality)
    voting = schedule.voting_roles()
    attendance_form = AttendanceForm(
        request.POST or None,
        members=members,
        voting_roles=voting,
        initial={"present": [m.pk for m in members if m.role in voting]},
    )
    if request.method == "POST" and request.POST.get("action") == "start":
        if not user.has_perm("meetings.run_meeting"):
            raise Http404
        if attendance_form.is_valid():
            chosen = [m for m in members if str(m.pk) in attendance_form.cleaned_data["present"]]
            try:
                services.meeting_start(
                    meeting=meeting,
                    present=chosen,
                    actor=user,
                    now=timezone.now(),
                    guests=attendance_form.guest_list(),
                )
                return redirect("meetings:session", pk=meeting.pk)
            except ApplicationError as exc:
                _error(request, exc)
    if request.method == "POST" and request.POST.get("action") == "close":
        if not user.has_perm("meetings.run_meeting"):
            raise Http404
        try:
            services.meeting_close(
                meeting=meeting,
                actor=user,
                now=timezone.now(),
                defer_remaining=request.POST.get("defer_remaining") == "1",
            )
            messages.success(request, gettext("جلسه پایان یافت؛ صورتجلسه آمادهٔ امضاست."))
            return redirect("meetings:sign", pk=meeting.pk)
        except ApplicationError as exc:
            _error(request, exc)
    context = floor_context(meeting)
    attendance = list(
        meeting.attendance.select_related("member").order_by("-votes", "member__role", "id")
    )
    context.update(
        attendance_form=attendance_form,
        attendance=attendance,
        present_names=[a.name for a in attendance if a.present],
        quorum=schedule.quorum,
    )
    return render(request, "meetings/session.html", context)


def floor_context(meeting: Meeting, ticked: set[int] | None = None) -> dict[str, Any]:
    """The consent list and the item rows (a fixed number of queries whatever the count).
    ``ticked``: the consent marks as the secretary's screen had them (an htmx answer to a
    refused action keeps them, less the items pulled out meanwhile)."""
    items = agenda_items(meeting)
    if ticked is not None:
        for item in items:
            item.consent = item.pk in ticked and item.pulled_by_id is None
    proposals = item_proposals(items)
    free = set(uncontested(items, proposals))
    undecided = [i for i in items if getattr(i, "decision", None) is None]
    return {
        "meeting": meeting,
        "rows": [(item, proposals.get(item.pk), item.pk in free) for item in items],
        "decided": len(items) - len(undecided),
        "total": len(items),
        "consent_count": sum(1 for i in undecided if i.consent),
    }


def _item_context(meeting: Meeting, item: AgendaItem, **extra: Any) -> dict[str, Any]:
    present = _present_members(meeting)
    proposal = item_proposals([item]).get(item.pk)
    form = extra.pop("form", None) or _decision_form(meeting, item, present, proposal=proposal)
    decision = getattr(item, "decision", None)
    return {
        "meeting": meeting,
        "item": item,
        "form": form,
        "proposal": proposal,
        "open": True,
        "roll": roll_calls(meeting, [item]).get(item.pk) if decision is not None else None,
        **extra,
    }


def _fresh_item(meeting: Meeting, item_pk: int) -> AgendaItem:
    item = next((i for i in agenda_items_subset(meeting, [item_pk])), None)
    if item is None:
        raise Http404
    return item


@staff_required("meetings.run_meeting")
def item_open(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The item's form in place of its row (htmx); it becomes the item on the table."""
    meeting = _meeting(request, pk)
    item = _fresh_item(meeting, item_pk)
    user: User = request.user  # type: ignore[assignment]
    if meeting.status == Meeting.Status.IN_SESSION:
        floor.meeting_set_current(item=item, actor=user)
    return render(request, "meetings/_item_decision.html", _item_context(meeting, item))


@require_POST
@staff_required("meetings.run_meeting")
def decide(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Save one item's decision, and positions for members without a device (htmx: returns
    the item card). All or nothing."""
    meeting = _meeting(request, pk)
    item = _fresh_item(meeting, item_pk)
    user: User = request.user  # type: ignore[assignment]
    present = _present_members(meeting)
    form = _decision_form(meeting, item, present, data=request.POST)
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                decision = services.decision_record(
                    item=item,
                    outcome=data["outcome"],
                    text=data["text"],
                    actor=user,
                    lead_department=data["lead_department"],
                    supporting_departments=list(data["supporting_departments"]),
                    deadline=data["deadline"],
                    refer_until=data["refer_until"],
                    cost_note=data["cost_note"],
                )
                for member in form.members:
                    stance = data.get(f"pos_{member.pk}")
                    if stance:
                        floor.position_record(
                            decision=decision, member=member, stance=stance, actor=user
                        )
            saved = True
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    if not request.headers.get("HX-Request"):
        return redirect("meetings:session", pk=meeting.pk)
    if not saved:
        return render(
            request, "meetings/_item_decision.html", _item_context(meeting, item, form=form)
        )
    # Saved: the item folds back into its row (a long meeting is not a stack of open forms),
    # with the live tally of the members' positions under it.
    item = _fresh_item(meeting, item_pk)
    proposal = item_proposals([item]).get(item.pk)
    context = {
        "meeting": meeting,
        "item": item,
        "proposal": proposal,
        "free": False,
        "saved": True,
        "roll": roll_calls(meeting, [item]).get(item.pk),
    }
    return render(request, "meetings/_item_row.html", context)


@staff_required("meetings.view_agenda")
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user: User = request.user  # type: ignore[assignment]
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_sign(
                meeting=meeting,
                member=user,
                password=form.cleaned_data["password"],
                now=timezone.now(),
            )
            messages.success(request, gettext("صورتجلسه با کلید شما امضا شد."))
            return redirect("meetings:sign", pk=meeting.pk)
        except ApplicationError as exc:
            wrong = exc.message == gettext("گذرواژه درست نیست.")
            form.add_error("password" if wrong else None, exc.message)
    meeting.refresh_from_db()
    from pishkhan.meetings.selectors import minutes_context

    context = minutes_context(meeting)
    pending_ids = pending_signers(meeting)
    context.update(
        form=form,
        decline_form=ReasonForm(prefix="decline"),
        reopen_form=ReasonForm(prefix="reopen"),
        pending=User.objects.filter(pk__in=pending_ids).order_by("role", "id"),
        can_sign=meeting.status == Meeting.Status.CLOSED and user.pk in pending_ids,
    )
    return render(request, "meetings/sign.html", context)


@staff_required("meetings.view_agenda")
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not meeting.minutes_pdf and meeting.status == Meeting.Status.SIGNED:
        from pishkhan.meetings.pdf import minutes_seal_pending

        minutes_seal_pending(meeting.pk)  # sealing after the last signature's commit failed
        meeting.refresh_from_db(fields=["minutes_pdf"])
    if not meeting.minutes_pdf:
        raise Http404
    return pdf_response(meeting.minutes_pdf.read(), f"minutes-{meeting.number}.pdf")


# ---------------------------------------------------------------- committee import


def _import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _load_import(request: HttpRequest) -> dict[str, Any]:
    token = request.session.get("committee_import", "")
    path = _import_dir() / f"{token}.json"
    if not token or not path.exists():
        raise Http404
    data: dict[str, Any] = json.loads(path.read_text())
    if data["user"] != request.user.pk:
        raise Http404
    return data


def _save_import(data: dict[str, Any]) -> None:
    (_import_dir() / f"{data['token']}.json").write_text(json.dumps(data, ensure_ascii=False))


@staff_required("cases.import_committee_items")
def import_upload(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, municipality_id=user.municipality_id or 0
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            headers, rows = imports.read_table(upload.read(), upload.name or "")
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            token = uuid.uuid4().hex
            _save_import(
                {
                    "token": token,
                    "user": user.pk,
                    "committee": form.cleaned_data["committee"].pk,
                    "headers": headers,
                    "rows": rows,
                    "mapping": imports.guess_mapping(headers),
                    "done": 0,
                    "created": 0,
                    "existing": 0,
                    "errors": [],
                }
            )
            request.session["committee_import"] = token
            return redirect("meetings:import_map")
    return render(request, "meetings/import_upload.html", {"form": form})


@staff_required("cases.import_committee_items")
def import_map(request: HttpRequest) -> HttpResponse:
    """Column mapping, then a dry run with the errors of every row."""
    user: User = request.user  # type: ignore[assignment]
    data = _load_import(request)
    committee = get_object_or_404(
        Committee, pk=data["committee"], municipality_id=user.municipality_id
    )
    result = None
    if request.method == "POST":
        data["mapping"] = imports.mapping_from_post(request.POST, data["headers"])
        _save_import(data)
        try:
            result = imports.committee_import(
                municipality=user.municipality,  # type: ignore[arg-type]
                committee=committee,
                rows=data["rows"],  # type: ignore[arg-type]
                mapping=data["mapping"],
                actor=user,
                dry_run=True,
            )
        except ApplicationError as exc:
            _error(request, exc)
        if request.POST.get("action") == "import" and result is not None and not result.errors:
            return redirect("meetings:import_run")
    fields = [
        (name, label, required, data["mapping"].get(name))
        for name, (label, required, _) in imports.FIELDS.items()
    ]
    return render(
        request,
        "meetings/import_map.html",
        {
            "data": data,
            "committee": committee,
            "fields": fields,
            "result": result,
            "preview": data["rows"][:5],
            "total": len(data["rows"]),
        },
    )


IMPORT_CHUNK = 50


@staff_required("cases.import_committee_items")
def import_run(request: HttpRequest) -> HttpResponse:
    """The import itself, in chunks (htmx polls this page: a progress bar)."""
    user: User = request.user  # type: ignore[assignment]
    data = _load_import(request)
    committee = get_object_or_404(
        Committee, pk=data["committee"], municipality_id=user.municipality_id
    )
    if request.method == "POST" and data["done"] < len(data["rows"]):
        chunk = data["rows"][data["done"] : data["done"] + IMPORT_CHUNK]
        try:
            result = imports.committee_import(
                municipality=user.municipality,  # type: ignore[arg-type]
                committee=committee,
                rows=chunk,  # type: ignore[arg-type]
                mapping=data["mapping"],
                actor=user,
                dry_run=False,
                start=data["done"],
            )
        except (ApplicationError, ValidationError) as exc:
            _error(request, exc)
            return redirect("meetings:import_map")
        data["done"] += len(chunk)
        data["created"] += result.created
        data["existing"] += result.existing
        data["errors"] += result.errors
        _save_import(data)
    total = len(data["rows"])
    context = {
        "data": data,
        "total": total,
        "percent": int(100 * data["done"] / total) if total else 100,
        "finished": data["done"] >= total,
        "committee": committee,
    }
    template = (
        "meetings/_import_progress.html"
        if request.headers.get("HX-Request")
        else "meetings/import_run.html"
    )
    return render(request, template, context)
