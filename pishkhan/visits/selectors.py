"""Reads for field visits (one query per list, whatever the row count)."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django.core import signing
from django.db.models import QuerySet

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.visits.models import Visit

ICAL_SALT = "pishkhan.visits.ical"


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
        rows.append({"day": day, "manager": visits[0].manager, "visits": visits,
                     "distance_m": sum(v.distance_m for v in visits)})  # fmt: skip
    return rows


def senior_managers(municipality_id: int) -> list[User]:
    return list(
        User.objects.filter(
            municipality_id=municipality_id, role=Role.SENIOR_MANAGER, is_active=True
        ).order_by("full_name")
    )


def ical_token(user: User) -> str:
    return signing.Signer(salt=ICAL_SALT).sign(str(user.pk))


def user_for_ical_token(token: str) -> User | None:
    try:
        pk = signing.Signer(salt=ICAL_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True, role=Role.SENIOR_MANAGER).first()


def ical_visits(user: User, since: dt.date) -> list[Visit]:
    return list(
        Visit.objects.filter(manager=user, day__gte=since)
        .select_related("case", "case__service")
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
