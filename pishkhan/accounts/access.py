"""Access rules for staff pages: login, two-factor where the role requires it, permission, scope."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import TWO_FACTOR_ROLES, Role

V = TypeVar("V", bound=Callable[..., HttpResponse])


def needs_two_factor(user: User) -> bool:
    return user.role in TWO_FACTOR_ROLES or user.is_superuser


def two_factor_ok(request: HttpRequest) -> bool:
    user = request.user
    if not needs_two_factor(user):  # type: ignore[arg-type]
        return True
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def staff_required(*perms: str) -> Callable[[V], V]:
    """A staff page: logged in staff, verified second factor if required, every perm held."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_staff or user.municipality_id is None and not user.is_superuser:  # type: ignore[union-attr]
                raise PermissionDenied
            here = getattr(request, "municipality", None)
            if here is not None and user.municipality_id not in (None, here.pk):  # type: ignore[union-attr]
                raise PermissionDenied  # staff of one city never act on another city's site
            if not two_factor_ok(request):
                return redirect("accounts:two_factor")
            if perms and not all(user.has_perm(p) for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


# Roles that see no case lists (departments work from their directives, citizens from tracking).
NO_CASE_ROLES = (Role.DEPARTMENT_HEAD, Role.DEPARTMENT_STAFF, Role.CITIZEN)


def scope_cases(
    user: User, qs: QuerySet[Any], *, district_field: str = "district"
) -> QuerySet[Any]:
    """Limit a queryset of case-like rows to what ``user`` may see."""
    qs = qs.filter(municipality_id=user.municipality_id)
    if user.role == Role.DISTRICT_MANAGER:
        return qs.filter(**{district_field: user.district_id})
    if user.role in NO_CASE_ROLES:
        return qs.none()
    return qs


def sees_whole_city(user: User) -> bool:
    """Whether ``scope_cases`` leaves the user the whole city's cases."""
    return user.role != Role.DISTRICT_MANAGER and user.role not in NO_CASE_ROLES


def can_see_district(user: User, district_id: int | None) -> bool:
    if user.role == Role.DISTRICT_MANAGER:
        return user.district_id == district_id
    return user.role not in NO_CASE_ROLES


def department_filter(user: User, field: str = "department") -> Q:
    if user.role in (Role.DEPARTMENT_HEAD, Role.DEPARTMENT_STAFF):
        return Q(**{f"{field}_id": user.department_id})
    return Q()
