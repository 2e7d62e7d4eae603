"""Reads for cases (every list: fixed number of queries)."""

from __future__ import annotations

from django.db.models import QuerySet

from pishkhan.accounts.models import Municipality
from pishkhan.cases.models import Case, CaseEvent, ServiceType
from pishkhan.cases.tracking import tracking_code_is_valid, tracking_code_normalize


def case_get_by_code(*, code: str, municipality: Municipality | None = None) -> Case | None:
    code = tracking_code_normalize(code)
    if not tracking_code_is_valid(code):
        return None
    qs = Case.objects.select_related("service", "district", "lead_department", "merged_into")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return qs.filter(tracking_code=code).first()


def case_public_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case, public=True).order_by("at", "id")


def service_list(*, municipality: Municipality) -> QuerySet[ServiceType]:
    return (
        ServiceType.objects.filter(municipality=municipality, is_active=True)
        .select_related("category", "department")
        .order_by("category__order", "order", "name")
    )
