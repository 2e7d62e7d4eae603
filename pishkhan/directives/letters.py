"""The directive letter (نامهٔ ابلاغ) as a Persian PDF."""

from __future__ import annotations

from pishkhan.directives.models import Directive
from pishkhan.meetings.pdf import public_url, qr_data_uri, render_pdf


def letter_pdf(directive: Directive) -> bytes:
    decision = directive.decision
    url = public_url(decision.item.meeting.municipality, f"/decisions/verify/{decision.number}/")
    return render_pdf(
        "directives/pdf/letter.html",
        {
            "directive": directive,
            "decision": decision,
            "meeting": decision.item.meeting,
            "cases": list(decision.item.cases.all()),
            "qr": qr_data_uri(url),
            "verify_url": url,
        },  # fmt: skip
    )
