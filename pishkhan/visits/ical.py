"""An RFC 5545 calendar of a manager's visits (hand-written: a few fields, no dependency).

The feed leaves the office: calendar apps and their servers keep it, and anyone holding the
link reads it without a login. So it carries the mobile masked exactly as the office shows it
to the manager's role (cases.selectors.citizen_mobile_for), the citizen's name as initials, the
district instead of the street address and the position to about 100 m; the full details are
one tap away on the office's route page (the event's URL), behind the login.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import User
from pishkhan.cases.selectors import citizen_mobile_for
from pishkhan.core.text import local_number, ltr_isolate
from pishkhan.visits.models import Visit


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (continuation lines start with a space)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += b
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def initials(name: str) -> str:
    """«علی محمدی» → «ع. م.»: enough for the manager to recognise, not to identify."""
    return " ".join(word[0] + "." for word in name.split())


def visits_ical(
    user: User, visits: Iterable[Visit], on_site_minutes: int = 20, route_url: str = ""
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pishkhan//Visits//FA",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(_('بازدیدهای %(name)s') % {'name': user})}",
    ]
    stamp = _utc(timezone.now())
    summary = _("بازدید %(n)s: %(service)s")
    for v in visits:
        if v.planned_at is None:
            continue
        case = v.case
        lines += [
            "BEGIN:VEVENT",
            f"UID:visit-{v.pk}@pishkhan",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(v.planned_at)}",
            f"DTEND:{_utc(v.planned_at + dt.timedelta(minutes=on_site_minutes))}",
            f"SUMMARY:{_escape(summary % {'n': local_number(v.order), 'service': case.service})}",
            f"LOCATION:{_escape(case.district.name)}",
            "DESCRIPTION:"
            + _escape(
                f"{initials(case.citizen_name)} {citizen_mobile_for(user, case)}"
                f" — {ltr_isolate(case.tracking_code)}"
            ),
        ]
        if route_url:
            lines.append(f"URL:{route_url}?day={v.day.isoformat()}")
        if case.lat is not None and case.lon is not None:
            lines.append(f"GEO:{case.lat:.3f};{case.lon:.3f}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
