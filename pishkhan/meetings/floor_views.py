"""Office pages of the meeting floor: the consent agenda, members following on their own
devices and recording their positions, reopening the minutes and declining to sign."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from pishkhan.accounts.access import staff_required
from pishkhan.accounts.models import User
from pishkhan.core.errors import ApplicationError
from pishkhan.core.text import local_number
from pishkhan.meetings import floor
from pishkhan.meetings.forms import PositionForm, ReasonForm
from pishkhan.meetings.models import AgendaItem, Attendance, Decision, Meeting, MeetingEvent
from pishkhan.meetings.selectors import (
    agenda_items,
    agenda_items_subset,
    item_proposals,
    related_decisions_for,
    roll_calls,
    uncontested,
)
from pishkhan.meetings.views import _error, _meeting, floor_context


def _ids(request: HttpRequest, name: str = "items") -> list[int]:
    return [int(x) for x in request.POST.getlist(name) if x.isdigit()]


@require_POST
@staff_required("meetings.run_meeting")
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The consent list: save the marks, mark the uncontested proposals, or decide the marked
    items together (the unmarked ones are the exceptions). With htmx the answer is the list
    itself (no page reload); a refused action keeps the secretary's marks on screen."""
    meeting = _meeting(request, pk)
    user: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "")
    ticked: set[int] | None = None
    error = False
    try:
        if action == "mark":
            n = floor.consent_mark(meeting=meeting, item_ids=_ids(request), actor=user)
            text = gettext("فهرست تصویب یکجا: %(n)s دستور.") % {"n": local_number(n)}
        elif action == "uncontested":
            items = agenda_items(meeting)
            chosen = uncontested(items, item_proposals(items))
            n = floor.consent_mark(meeting=meeting, item_ids=chosen, actor=user)
            text = gettext("%(n)s دستور بدون مخالفت علامت خورد.") % {"n": local_number(n)}
        elif action == "decide":
            decided = floor.consent_decide(meeting=meeting, item_ids=_ids(request), actor=user)
            text = gettext("%(n)s دستور یکجا تصمیم گرفته شد.") % {"n": local_number(len(decided))}
        else:
            raise ApplicationError(gettext("فرمان نامعتبر است."))
    except ApplicationError as exc:
        text, error, ticked = exc.message, True, set(_ids(request))
    if request.headers.get("HX-Request"):
        meeting.refresh_from_db()
        context = floor_context(meeting, ticked)
        context.update(floor_message=text, floor_error=error, oob=True)
        return render(request, "meetings/_floor.html", context)
    (messages.error if error else messages.success)(request, text)
    return redirect("meetings:session", pk=meeting.pk)


@require_POST
@staff_required("meetings.view_agenda")
def pull(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """A member (or the secretary) takes an item off the consent list for discussion."""
    user: User = request.user  # type: ignore[assignment]
    if not (user.has_perm("meetings.run_meeting") or user.has_perm("meetings.sign_minutes")):
        raise PermissionDenied  # members and the secretary; readers (the auditor) do not act
    meeting = _meeting(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    try:
        floor.consent_pull(item=item, actor=user, note=request.POST.get("note", ""))
        messages.success(
            request, gettext("دستور %(n)s برای بحث بیرون کشیده شد.") % {"n": item.number}
        )
    except ApplicationError as exc:
        _error(request, exc)
    if request.POST.get("next") == "live":
        return redirect("meetings:live", pk=meeting.pk)
    return redirect("meetings:session", pk=meeting.pk)


# ---------------------------------------------------------------- members' own devices


def _own_attendance(meeting: Meeting, user: User) -> Attendance | None:
    return Attendance.objects.filter(meeting=meeting, member=user).first()


def _live_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    from pishkhan.visits.models import VisitPhoto

    user: User = request.user  # type: ignore[assignment]
    attendance = _own_attendance(meeting, user)
    item = None
    if meeting.current_item_id:
        item = next(iter(agenda_items_subset(meeting, [meeting.current_item_id])), None)
    context: dict[str, Any] = {
        "meeting": meeting,
        "item": item,
        "attendance": attendance,
        "can_vote": bool(attendance and attendance.present and attendance.votes)
        and meeting.status == Meeting.Status.IN_SESSION,
    }
    if item is not None:
        decision = getattr(item, "decision", None)
        mine = None
        if decision is not None:
            mine = next((p for p in decision.positions.all() if p.member_id == user.pk), None)
        related = related_decisions_for([item]).get(item.pk, [])
        cleared = None
        if decision is not None and mine is None:
            # The decision changed after this member took a position: say so, and ask again.
            last = (
                MeetingEvent.objects.filter(
                    meeting=meeting, kind="positions_cleared", data__decision=decision.number
                )
                .order_by("-at", "-id")
                .first()
            )
            if last is not None:
                cleared = next(
                    (p for p in last.data.get("positions", []) if p.get("member") == user.pk),
                    None,
                )
        context.update(
            cleared=cleared,
            decision=decision,
            mine=mine,
            form=PositionForm(prefix="p"),
            proposal=item_proposals([item]).get(item.pk),
            related=related,
            related_points=json.dumps(
                [
                    [r.decision.lat, r.decision.lon, r.decision.number]
                    for r in related
                    if r.decision.lat is not None and r.decision.lon is not None
                ]
            ),
            tile_url=settings.MAP_TILE_URL,
            photos=list(
                VisitPhoto.objects.filter(
                    visit__case__in=[c.pk for c in item.cases.all()]
                ).order_by("-created_at")[:6]
            ),
            roll=roll_calls(meeting, [item]).get(item.pk) if decision is not None else None,
        )
    return context


@staff_required("meetings.view_agenda")
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's device: the item on the table, followed live (htmx polls the fragment)."""
    meeting = _meeting(request, pk)
    return render(request, "meetings/live.html", _live_context(request, meeting))


@staff_required("meetings.view_agenda")
def live_current(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return render(request, "meetings/_live_current.html", _live_context(request, meeting))


@require_POST
@staff_required("meetings.sign_minutes")
def position(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """A member records their own position on a decision (once)."""
    meeting = _meeting(request, pk)
    decision = get_object_or_404(
        Decision.objects.select_related("item"), pk=decision_pk, item__meeting=meeting
    )
    user: User = request.user  # type: ignore[assignment]
    form = PositionForm(request.POST, prefix="p")
    error = ""
    if form.is_valid():
        try:
            floor.position_record(
                decision=decision,
                member=user,
                stance=form.cleaned_data["stance"],
                note=form.cleaned_data["note"],
                actor=user,
            )
        except ApplicationError as exc:
            error = exc.message
    else:
        error = gettext("نظر خود را برگزینید: موافق، مخالف یا ممتنع.")
    context = _live_context(request, meeting)
    context["error"] = error
    if request.headers.get("HX-Request"):
        return render(request, "meetings/_live_current.html", context)
    if error:
        messages.error(request, error)
    return redirect("meetings:live", pk=meeting.pk)


@staff_required("meetings.run_meeting")
def tally(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The secretary's live tally of one decision (htmx polls it)."""
    meeting = _meeting(request, pk)
    item = next(iter(agenda_items_subset(meeting, [item_pk])), None)
    if item is None:
        raise Http404
    roll = roll_calls(meeting, [item]).get(item.pk)
    return render(request, "meetings/_tally.html", {"meeting": meeting, "item": item, "roll": roll})


# ---------------------------------------------------------------- before sealing


@require_POST
@staff_required("meetings.run_meeting")
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user: User = request.user  # type: ignore[assignment]
    form = ReasonForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            floor.minutes_reopen(meeting=meeting, reason=form.cleaned_data["reason"], actor=user)
            messages.success(
                request, gettext("صورتجلسه برای اصلاح بازگشایی شد؛ امضاهای داده‌شده باطل شد.")
            )
            return redirect("meetings:session", pk=meeting.pk)
        except ApplicationError as exc:
            _error(request, exc)
    else:
        messages.error(request, gettext("علت بازگشایی صورتجلسه را بنویسید."))
    return redirect("meetings:sign", pk=meeting.pk)


@require_POST
@staff_required("meetings.sign_minutes")
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user: User = request.user  # type: ignore[assignment]
    form = ReasonForm(request.POST, prefix="decline")
    if form.is_valid():
        try:
            floor.minutes_decline(meeting=meeting, member=user, reason=form.cleaned_data["reason"])
            messages.success(request, gettext("امتناع شما از امضا با علت آن ثبت شد."))
        except ApplicationError as exc:
            _error(request, exc)
    else:
        messages.error(request, gettext("علت امضانکردن را بنویسید."))
    return redirect("meetings:sign", pk=meeting.pk)
