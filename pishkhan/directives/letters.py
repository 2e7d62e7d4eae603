"""The directive letter (نامهٔ ابلاغ) as a Persian PDF: letterhead, number/date/attachment
block, named signatory with title and seal, copies (رونوشت) to the deputy and the secretary."""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass

from django.db.models.fields.files import FieldFile

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.directives.models import Directive
from pishkhan.meetings.pdf import public_url, qr_data_uri, render_pdf


@dataclass(frozen=True)
class Person:
    name: str
    title: str


def image_data_uri(image: FieldFile | None) -> str:
    """An uploaded image inlined into the PDF (WeasyPrint reads no media URL); "" if none."""
    if not image or not image.name:
        return ""
    try:
        with image.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    kind = mimetypes.guess_type(image.name)[0] or "image/png"
    return f"data:{kind};base64," + base64.b64encode(data).decode()


def _person(user: User | None, fallback_title: str) -> Person | None:
    if user is None:
        return None
    return Person(user.get_full_name(), user.title or fallback_title)


def letter_pdf(directive: Directive) -> bytes:
    decision = directive.decision
    meeting = decision.item.meeting
    municipality = meeting.municipality
    url = public_url(municipality, f"/decisions/verify/{decision.number}/")
    secretary = (
        User.objects.filter(municipality=municipality, role=Role.SECRETARY, is_active=True)
        .order_by("pk")
        .first()
    )
    deputy = directive.department.deputy
    signatory = Person(
        municipality.signatory_name or (secretary.get_full_name() if secretary else ""),
        municipality.signatory_title or "دبیر پیشخوان خدمت",  # record: the letter
    )
    copies = [
        p
        for p in (
            _person(deputy, f"معاون مسئول {directive.department.name}"),  # record: the letter
            _person(secretary, "دبیر پیشخوان خدمت"),  # record: the letter
        )
        if p is not None and p.name
    ]
    cases = list(decision.item.cases.select_related("district").all())
    return render_pdf(
        "directives/pdf/letter.html",
        {
            "directive": directive,
            "decision": decision,
            "meeting": meeting,
            "municipality": municipality,
            "cases": cases,
            "qr": qr_data_uri(url),
            "verify_url": url,
            "emblem": image_data_uri(municipality.emblem),
            "seal": image_data_uri(municipality.seal_image),
            "signatory": signatory,
            "copies": copies,
        },
    )
