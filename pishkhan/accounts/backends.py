"""Log in with a mobile number, within the login limits (per address, per account)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.http import HttpRequest

from pishkhan.accounts import login_limits
from pishkhan.accounts.models import User
from pishkhan.core.validators import normalize_mobile


class MobileBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        # Every staff page reads the user's city and district (and a department head's
        # department): one query with the user, not one each.
        user = (
            User._default_manager.select_related("municipality", "district", "department")
            .filter(pk=user_id)
            .order_by()
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Model | None = None) -> set[str]:
        """The user's own and group permissions in one query (ModelBackend: two)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            pairs = perms.order_by().values_list("content_type__app_label", "codename").distinct()
            user_obj._perm_cache = {f"{app}.{name}" for app, name in pairs}
        cached: set[str] = user_obj._perm_cache
        return cached

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """Check the password within the limits (login_limits): an attempt the limits refuse is
        not checked at all, and leaves its refusal on ``request.login_refusal``."""
        mobile = username or kwargs.get("mobile") or ""
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError:
            return None
        user = User.objects.filter(mobile=mobile).first()
        refusal = login_limits.login_refusal(request, user)
        if refusal is not None:
            if request is not None:
                request.login_refusal = refusal  # type: ignore[attr-defined]
            return None
        if user is None:
            User().set_password(password)  # same time as a real check
            login_limits.login_failed(request, None)
            return None
        if user.check_password(password or "") and self.user_can_authenticate(user):
            login_limits.login_succeeded(user)
            return user
        login_limits.login_failed(request, user)
        return None
