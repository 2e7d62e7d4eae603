"""Log in with a mobile number; failures lock the account for a while."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.http import HttpRequest
from django.utils import timezone

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
        mobile = username or kwargs.get("mobile") or ""
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError:
            return None
        user = User.objects.filter(mobile=mobile).first()
        if user is None:
            User().set_password(password)  # same time as a real check
            return None
        now = timezone.now()
        if user.locked_until and user.locked_until > now:
            return None
        if user.check_password(password or "") and self.user_can_authenticate(user):
            if user.failed_logins:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        failures = user.failed_logins + 1
        locked = None
        if failures >= settings.LOGIN_MAX_FAILURES:
            locked = now + dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
            failures = 0
        User.objects.filter(pk=user.pk).update(failed_logins=failures, locked_until=locked)
        return None
