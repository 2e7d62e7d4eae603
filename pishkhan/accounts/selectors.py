from __future__ import annotations

from django.db.models import QuerySet

from pishkhan.accounts.models import Department, District, Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.core.memo import process_memo


def municipality_for_host(host: str) -> Municipality | None:
    """The municipality whose host list contains ``host``; otherwise the first one.

    Asked on every request, so the answer is held in the process (core.memo, 60 s): an edit
    of a city's host list or name reaches the site within a minute, without a query (or an
    unpickled copy of the city) per request.
    """
    name = host.split(":")[0].lower()

    def find() -> Municipality | None:
        for m in Municipality.objects.filter(is_active=True).exclude(hosts=""):
            if name in m.host_list():
                return m
        return Municipality.objects.filter(is_active=True).order_by("pk").first()

    return process_memo(f"municipality-host:{name}", find, 60)


def district_list(*, municipality: Municipality) -> QuerySet[District]:
    return District.objects.filter(municipality=municipality).order_by("number")


def district_choices(municipality: Municipality | None) -> list[District]:
    """The city's districts for the request forms, cached for a minute."""
    if municipality is None:
        return []
    return process_memo(
        f"district-choices:{municipality.pk}",
        lambda: list(District.objects.filter(municipality=municipality).order_by("number")),
        60,
    )


def department_list(*, municipality: Municipality) -> QuerySet[Department]:
    return Department.objects.filter(municipality=municipality, is_active=True).order_by("name")


def staff_with_role(*, municipality: Municipality, role: str) -> QuerySet[User]:
    return User.objects.filter(municipality=municipality, role=role, is_active=True)


def board_members(*, municipality: Municipality) -> QuerySet[User]:
    return User.objects.filter(
        municipality=municipality, role__in=[Role.BOARD_MEMBER, Role.MAYOR], is_active=True
    ).order_by("role", "full_name")
