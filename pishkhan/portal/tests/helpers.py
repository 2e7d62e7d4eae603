"""Test data for the public site, made directly with the models (other apps' services are WIP)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils import timezone

from pishkhan.cases.models import Case
from pishkhan.core.jalali import week_start
from pishkhan.directives.models import Directive
from pishkhan.meetings.models import AgendaItem, Decision, Meeting
from pishkhan.portal.models import Article

_n = [0]


def published(city: dict[str, Any], title: str, body: str, **extra: Any) -> Article:
    _n[0] += 1
    return Article.objects.create(
        municipality=city["municipality"],
        slug=extra.pop("slug", f"khabar-{_n[0]}"),
        title=title,
        body=body,
        search_key=body,
        status=Article.Status.PUBLISHED,
        publish_at=extra.pop("publish_at", timezone.now() - dt.timedelta(hours=_n[0])),
        **extra,
    )


def case(city: dict[str, Any], **extra: Any) -> Case:
    _n[0] += 1
    defaults: dict[str, Any] = {
        "municipality": city["municipality"],
        "tracking_code": f"T{_n[0]:07d}{city['municipality'].pk}",
        "channel": "web",
        "citizen_name": "زهرا رضایی",
        "citizen_mobile": "+989121234567",
        "service": city["pothole"],
        "description": "چاله",
        "district": city["d1"],
        "week_start": week_start(timezone.localdate()),
        "lat": 36.8412,
        "lon": 54.4431,
    }
    defaults.update(extra)
    return Case.objects.create(**defaults)


def seal_record(meeting: Meeting) -> None:
    """A signed meeting's record as the ledger keeps it (content hash and chain), so that what
    is published verifies (nothing unverified goes out)."""
    from pishkhan.meetings import signing

    content = signing.canonical_bytes(signing.minutes_content(meeting))
    content_hash = hashlib.sha256(content).hexdigest()
    Meeting.objects.filter(pk=meeting.pk).update(
        sealed_content=content.decode(),
        content_hash=content_hash,
        chain_hash=signing.chain_hash_of("", content_hash, []),
    )


def decision(
    city: dict[str, Any],
    *,
    number: str,
    text: str = "ترمیم آسفالت خیابان",
    status: str = Meeting.Status.SIGNED,
    week: dt.date | None = None,
    district: Any = None,
    deadline: dt.date | None = None,
    directive_status: str | None = None,
    title: str = "چالهٔ خیابان بهار",
) -> Decision:
    m = city["municipality"]
    week = week or week_start(timezone.localdate())
    meeting, _ = Meeting.objects.get_or_create(
        municipality=m,
        week_start=week,
        defaults={"scheduled_at": timezone.now(), "status": status},
    )
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=meeting.items.count() + 1,
        title=title,
        district=district or city["d1"],
        service=city["pothole"],
    )
    c = case(city, week_start=week)
    item.cases.add(c)
    d = Decision.objects.create(
        item=item,
        number=number,
        outcome=Decision.Outcome.APPROVE,
        text=text,
        lead_department=city["civil"],
        deadline=deadline or timezone.localdate() + dt.timedelta(days=10),
        recorded_by=city["secretary"],
    )
    if meeting.status == Meeting.Status.SIGNED:
        seal_record(meeting)
    if directive_status:
        Directive.objects.create(
            municipality=m,
            number=f"D-{number}",
            decision=d,
            department=city["civil"],
            deadline=d.deadline,
            status=directive_status,
            issued_at=timezone.now(),
            completed_at=timezone.now() if directive_status == "done" else None,
        )
    return d
