"""Reads behind the Open311 adapter (one query per list, whatever its length)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from pishkhan.accounts.models import District, Municipality
from pishkhan.cases.geo import district_at, district_for_address
from pishkhan.cases.models import Case, CaseEvent, ServiceType

# Our states seen from Open311: everything before completion or refusal is "open".
CLOSED_STATUSES = (
    Case.Status.REJECTED,
    Case.Status.MERGED,
    Case.Status.DONE,
    Case.Status.CLOSED,
)
OPEN_STATUSES = tuple(s for s in Case.Status.values if s not in CLOSED_STATUSES)


def service_list(*, municipality: Municipality) -> QuerySet[ServiceType]:
    return (
        ServiceType.objects.filter(municipality=municipality, is_active=True)
        .select_related("category")
        .order_by("order", "name", "id")
    )


def service_get(*, municipality: Municipality, code: str) -> ServiceType | None:
    return (
        ServiceType.objects.filter(municipality=municipality, code=code, is_active=True)
        .select_related("category")
        .first()
    )


def _requests_base(municipality: Municipality) -> QuerySet[Case]:
    return (
        Case.objects.filter(municipality=municipality)
        .select_related("service", "lead_department")
        .order_by("-created_at", "-id")
    )


def _by_codes(municipality: Municipality, codes: list[str]) -> list[Case]:
    """By tracking code only in SQL (its unique index: SQLite would otherwise walk the city's
    index), the city checked here."""
    found = Case.objects.select_related("service", "lead_department").filter(
        tracking_code__in=codes
    )
    return [c for c in found.order_by() if c.municipality_id == municipality.pk]


def request_list_by_ids(
    *, municipality: Municipality, codes: Sequence[str], limit: int
) -> list[Case]:
    found = _by_codes(municipality, list(codes)[:limit])
    return sorted(found, key=lambda c: (c.created_at, c.pk), reverse=True)


def request_list(
    *,
    municipality: Municipality,
    service_codes: Sequence[str] = (),
    statuses: Sequence[str] = (),
    start: dt.datetime | None,
    end: dt.datetime | None,
    updated_after: dt.datetime | None = None,
    updated_before: dt.datetime | None = None,
    offset: int,
    limit: int,
    history: bool = False,
) -> list[Case]:
    """Requests by creation window and/or by last change (``updated_after``/``updated_before``,
    for incremental imports: then oldest change first, so a client can page forward)."""
    qs = _requests_base(municipality)
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lte=end)
    if updated_after is not None or updated_before is not None:
        if updated_after is not None:
            qs = qs.filter(updated_at__gt=updated_after)
        if updated_before is not None:
            qs = qs.filter(updated_at__lte=updated_before)
        qs = qs.order_by("updated_at", "id")
    if history:
        qs = with_history(qs)
    if service_codes:
        qs = qs.filter(service__code__in=list(service_codes))
    wanted: set[str] = set()
    if "open" in statuses:
        wanted.update(OPEN_STATUSES)
    if "closed" in statuses:
        wanted.update(CLOSED_STATUSES)
    if statuses:
        qs = qs.filter(status__in=sorted(wanted))
    return list(qs[offset : offset + limit])


def request_get(*, municipality: Municipality, code: str) -> Case | None:
    return next(iter(_by_codes(municipality, [code])), None)


def with_history(qs: QuerySet[Case]) -> QuerySet[Case]:
    """The district (joined) and the public events (``extensions=true``): one query more."""
    return qs.select_related("district").prefetch_related(
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(public=True).order_by("at", "id"),
            to_attr="public_events",
        )
    )


def history_of(cases: list[Case]) -> None:
    """``with_history`` for cases already read (by id)."""
    prefetch_related_objects(
        cases,
        "district",
        Prefetch(
            "events",
            queryset=CaseEvent.objects.filter(public=True).order_by("at", "id"),
            to_attr="public_events",
        ),
    )


def update_list(
    *, municipality: Municipality, start: dt.datetime, end: dt.datetime, limit: int
) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(
            case__municipality=municipality, public=True, at__gte=start, at__lte=end
        )
        .select_related("case")
        .order_by("at", "id")[:limit]
    )


def district_for(
    *, municipality: Municipality, lat: float | None, lon: float | None, address: str
) -> District | None:
    """The district of a point (its boundary, else the nearest centre — the caller has checked
    the point is in the city), else the district the address names (its name or one of its
    streets and neighbourhoods)."""
    if lat is not None and lon is not None:
        found = district_at(municipality, lat, lon)
        if found is not None:
            return found
        centred = list(
            District.objects.filter(
                municipality=municipality, center_lat__isnull=False, center_lon__isnull=False
            )
        )
        if centred:
            return min(
                centred,
                key=lambda d: (d.center_lat - lat) ** 2 + (d.center_lon - lon) ** 2,  # type: ignore[operator]
            )
    found = district_for_address(municipality, address)
    if found is not None:
        return found
    districts = list(District.objects.filter(municipality=municipality)[:2])
    return districts[0] if len(districts) == 1 else None
