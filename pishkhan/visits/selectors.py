"""Reads for field visits (one query per list, whatever the row count)."""

from __future__ import annotations

import datetime as dt
import hashlib
from itertools import groupby
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.cases.models import Attachment, Case
from pishkhan.visits.models import CalendarFeed, Visit


def route_for(manager_id: int, day: dt.date) -> list[Visit]:
    return list(
        Visit.objects.filter(manager_id=manager_id, day=day)
        .select_related("case", "case__service", "case__district")
        .order_by("order", "pk")
    )


def week_visits(municipality_id: int, week_start: dt.date) -> QuerySet[Visit]:
    return (
        Visit.objects.filter(municipality_id=municipality_id, week_start=week_start)
        .select_related("case", "case__service", "case__district", "manager")
        .order_by("day", "manager__full_name", "manager_id", "order", "pk")
    )


def routes_of_week(municipality_id: int, week_start: dt.date) -> list[dict[str, Any]]:
    """[{day, manager, visits, distance_m}] for the plan page."""
    rows = []
    for (day, _), group in groupby(
        week_visits(municipality_id, week_start), key=lambda v: (v.day, v.manager_id)
    ):
        visits = list(group)
        rows.append(
            {
                "day": day,
                "manager": visits[0].manager,
                "visits": visits,
                "distance_m": sum(v.distance_m for v in visits),
            }
        )
    return rows


def senior_managers(municipality_id: int) -> list[User]:
    return list(
        User.objects.filter(
            municipality_id=municipality_id, role=Role.SENIOR_MANAGER, is_active=True
        ).order_by("full_name")
    )


def calendar_feed_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_of(user: User) -> CalendarFeed | None:
    """The user's current calendar link (None if revoked or never made; maybe expired)."""
    return CalendarFeed.objects.filter(user=user).first()


def user_for_ical_token(token: str, *, now: dt.datetime | None = None) -> User | None:
    """The senior manager whose live (not revoked, not expired) calendar link this is."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(
            token_hash=calendar_feed_hash(token),
            expires_at__gt=now or timezone.now(),
            user__is_active=True,
            user__role=Role.SENIOR_MANAGER,
        )
        .select_related("user")
        .first()
    )
    return feed.user if feed else None


def ical_visits(user: User, since: dt.date) -> list[Visit]:
    return list(
        Visit.objects.filter(manager=user, day__gte=since)
        .select_related("case", "case__service", "case__district")
        .order_by("day", "order")
    )


def swappable_visits(manager: User, week_start: dt.date) -> list[Visit]:
    """Other managers' planned visits of the week whose domain this manager covers."""
    return list(
        Visit.objects.filter(
            municipality_id=manager.municipality_id or 0,
            week_start=week_start,
            status=Visit.Status.PLANNED,
            case__service__domain__in=manager.domain_list() + [""],
        )
        .exclude(manager=manager)
        .select_related("case", "case__service", "manager")
        .order_by("day", "manager__full_name", "order")
    )


def case_images(*, case: Case) -> list[Attachment]:
    """The citizen's photos of the case (and of the cases merged into it), for the visitor."""
    return list(
        Attachment.objects.filter(
            Q(case=case) | Q(case__merged_into=case), content_type__startswith="image/"
        )
        .select_related("case")
        .order_by("case_id", "pk")
    )


def merged_cases(*, case: Case) -> list[Case]:
    """The cases merged into this one: the same problem reported by other citizens."""
    return list(
        Case.objects.filter(merged_into=case)
        .only("tracking_code", "description", "address", "created_at", "merged_into_id")
        .order_by("created_at")
    )


def case_image(*, case_id: int, file_id: int) -> Attachment | None:
    return (
        Attachment.objects.filter(
            Q(case_id=case_id) | Q(case__merged_into_id=case_id),
            pk=file_id,
            content_type__startswith="image/",
        )
        .only("file", "content_type")
        .first()
    )
