"""Limits on every password check: the office login, the admin (which sends to the office
login) and the API token. Counters live in the shared limits cache (core.ratelimit).

- Per address: ``settings.LOGIN_RATE_LIMIT`` failed attempts (20 in 10 minutes), then 429.
- Per account: after ``settings.LOGIN_SLOWDOWN`` failures (5 in 15 minutes) the account is slowed
  down, not locked: one attempt per 1, 2, 4 … up to ``LOGIN_SLOWDOWN_MAX_SECONDS`` (60) seconds
  from browsers the owner has not signed in with. The owner's own browser (a signed cookie set at
  each successful sign-in) is never slowed, so nobody can lock the mayor out before a meeting by
  typing wrong passwords; the owner is told (SMS/e-mail, at most once an hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from pishkhan.accounts.models import User
from pishkhan.core.ratelimit import (
    client_ip,
    rate_claim,
    rate_count,
    rate_hits,
    rate_limited,
    rate_parse,
    rate_reset,
    rate_spent,
)

DEVICE_COOKIE = "pishkhan_device"
DEVICE_SALT = "pishkhan.accounts.login_limits.device"
DEVICE_MAX_AGE = 180 * 86400


@dataclass(frozen=True)
class Refusal:
    message: str
    wait: int  # seconds


def _account_key(user: User) -> str:
    return f"login-account:{user.pk}"


def _address_key(request: HttpRequest) -> str:
    return f"login-fail:{client_ip(request)}"


def known_device(request: HttpRequest | None, user: User) -> bool:
    """Whether the request comes from a browser ``user`` has signed in with."""
    value = request.COOKIES.get(DEVICE_COOKIE, "") if request is not None else ""
    try:
        return (
            bool(value)
            and signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE) == user.pk
        )
    except signing.BadSignature:
        return False


def remember_device(response: HttpResponse, user: User) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(user.pk, salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def login_refusal(request: HttpRequest | None, user: User | None) -> Refusal | None:
    """Why this attempt is refused before its password is even checked, if it is."""
    if request is not None and rate_spent(_address_key(request), settings.LOGIN_RATE_LIMIT):
        window = rate_parse(settings.LOGIN_RATE_LIMIT)[1]
        return Refusal(
            gettext("تلاش‌های ناموفق زیادی از این نشانی شده است؛ ده دقیقهٔ دیگر دوباره تلاش کنید."),
            window,
        )
    if user is None:
        return None
    after, _window = rate_parse(settings.LOGIN_SLOWDOWN)
    failures = rate_hits(_account_key(user))
    if failures < after or known_device(request, user):
        return None
    wait = min(2 ** (failures - after), settings.LOGIN_SLOWDOWN_MAX_SECONDS)
    if rate_claim(_account_key(user), wait):
        return None  # this attempt takes the account's turn
    return Refusal(
        gettext("برای این حساب چند تلاش ناموفق ثبت شده است؛ کمی بعد دوباره تلاش کنید."), wait
    )


def login_failed(request: HttpRequest | None, user: User | None) -> None:
    """Count a wrong password against the address and (if it names one) the account; tell the
    owner when the account starts being slowed down."""
    if request is not None:
        rate_limited(_address_key(request), settings.LOGIN_RATE_LIMIT)
    if user is None:
        return
    failures = rate_count(_account_key(user), settings.LOGIN_SLOWDOWN)
    after, _window = rate_parse(settings.LOGIN_SLOWDOWN)
    if failures == after:
        from pishkhan.accounts.services import user_warn_login_failures

        user_warn_login_failures(user=user, address=client_ip(request) if request else "")


def login_succeeded(user: User) -> None:
    rate_reset(_account_key(user))


def refusal_of(request: Any) -> Refusal | None:
    """The refusal the authentication backend left on ``request``, if any."""
    return getattr(request, "login_refusal", None)
