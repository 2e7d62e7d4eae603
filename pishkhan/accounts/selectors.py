from __future__ import annotations

from django.core.cache import cache
from django.db.models import QuerySet

from pishkhan.accounts.models import Department, District, Municipality, User
from pishkhan.accounts.roles import Role


def municipality_for_host(host: str) -> Municipality | None:
    """The municipality whose host list contains ``host``; otherwise the first one."""
    name = host.split(":")[0].lower()
    key = f"municipality-host:{name}"
    pk = cache.get(key)
    if pk is None:
        found = None
        for m in Municipality.objects.filter(is_active=True).exclude(hosts=""):
            if name in m.host_list():
                found = m
                break
        if found is None:
            found = Municipality.objects.filter(is_active=True).order_by("pk").first()
        pk = found.pk if found else 0
        cache.set(key, pk, 60)
    if not pk:
        return None
    return Municipality.objects.filter(pk=pk).first()


def district_list(*, municipality: Municipality) -> QuerySet[District]:
    return District.objects.filter(municipality=municipality).order_by("number")


def department_list(*, municipality: Municipality) -> QuerySet[Department]:
    return Department.objects.filter(municipality=municipality, is_active=True).order_by("name")


def staff_with_role(*, municipality: Municipality, role: str) -> QuerySet[User]:
    return User.objects.filter(municipality=municipality, role=role, is_active=True)


def board_members(*, municipality: Municipality) -> QuerySet[User]:
    return User.objects.filter(
        municipality=municipality, role__in=[Role.BOARD_MEMBER, Role.MAYOR], is_active=True
    ).order_by("role", "full_name")
