"""Log in with a mobile number; failures lock the account for a while."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from pishkhan.accounts.models import User
from pishkhan.core.validators import normalize_mobile


class MobileBackend(ModelBackend):
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
