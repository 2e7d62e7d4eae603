"""Public verification of a signed decision (by number, or the QR code on the minutes)."""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pishkhan.core.text import to_ascii_digits
from pishkhan.meetings.models import Meeting
from pishkhan.meetings.selectors import decision_lookup, meeting_verification


def _municipality_id(request: HttpRequest) -> int:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404
    return int(municipality.pk)


DECISION_NUMBER = re.compile(r"[0-9A-Za-z-]{1,30}")


def verify_form(request: HttpRequest) -> HttpResponse:
    municipality_id = _municipality_id(request)
    number = to_ascii_digits(request.GET.get("number", "")).strip()
    if number and DECISION_NUMBER.fullmatch(number):
        return redirect("portal:verify_decision", number=number)
    if number:  # e.g. "a/b": no decision number has a slash (its URL could not be built: 500)
        bad = {"bad_number": number[:40]}
        return render(request, "portal/verify_form.html", bad, status=400)
    meeting_number = to_ascii_digits(request.GET.get("meeting", "")).strip()
    context: dict[str, object] = {}
    if meeting_number:
        meeting = Meeting.objects.filter(
            municipality_id=municipality_id, number=meeting_number, status=Meeting.Status.SIGNED
        ).first()
        if meeting is None:
            context["not_found"] = meeting_number
        else:
            context.update(meeting=meeting, verification=meeting_verification(meeting))
    return render(request, "portal/verify_form.html", context)


def verify_decision(request: HttpRequest, number: str) -> HttpResponse:
    decision = decision_lookup(_municipality_id(request), to_ascii_digits(number))
    meeting = decision.item.meeting if decision else None
    if decision is None or meeting is None or meeting.status not in ("closed", "signed"):
        return render(request, "portal/verify_result.html", {"not_found": number}, status=404)
    verification = meeting_verification(meeting)
    signed = meeting.status == Meeting.Status.SIGNED
    return render(
        request,
        "portal/verify_result.html",
        {
            "decision": decision,
            "meeting": meeting,
            "verification": verification,
            "signed": signed,
            "valid": verification.ok and signed,
        },
    )
