"""The configuration site (``/admin/``): only for the roles that configure the system, and only
after the office login and its second factor.

The admin has no login form of its own: ``/admin/login/`` sends the visitor to the office login
(``/accounts/login/``, with its per-address and per-account limits) and then to the second
factor, and comes back to ``next``. Other staff get a refusal, never the admin index.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.access import two_factor_ok
from pishkhan.accounts.roles import Role


def configures_system(user: Any) -> bool:
    """Whether ``user`` is one of the roles that configure the system (the admin's only users)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.role == Role.ADMIN)
    )


class PishkhanAdminSite(AdminSite):
    site_header = _("پیشخوان خدمت — پیکربندی")
    site_title = _("پیشخوان خدمت")
    index_title = _("پیکربندی سامانه")

    def has_permission(self, request: HttpRequest) -> bool:
        return configures_system(request.user) and two_factor_ok(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No password form here: the office login (limits included), then the second factor."""
        target = request.GET.get("next") or request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = ""
        target = target or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
        if not configures_system(user):
            raise PermissionDenied
        if not two_factor_ok(request):
            return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': target})}")
        return redirect(target)
