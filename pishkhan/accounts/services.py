"""Writes for people and organisation."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from pishkhan.accounts.models import ApiClient, LoginCode, Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.core.audit import audit_record
from pishkhan.core.errors import ApplicationError
from pishkhan.core.validators import normalize_mobile
from pishkhan.notify.services import message_enqueue

STAFF_ROLES = set(Role.values) - {Role.CITIZEN}
RESET_CODE_TTL_SECONDS = 600


@transaction.atomic
def user_create(
    *,
    mobile: str,
    full_name: str,
    role: str = Role.CITIZEN,
    municipality: Municipality | None = None,
    password: str | None = None,
    actor: User | None = None,
    **fields: Any,
) -> User:
    if role not in Role.values:
        raise ApplicationError(_("نقش نامعتبر است."))
    user = User(
        mobile=normalize_mobile(mobile),
        full_name=full_name,
        role=role,
        municipality=municipality,
        is_staff=role in STAFF_ROLES,
        is_superuser=role == Role.ADMIN,
        **fields,
    )
    user.set_password(password) if password else user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user_sync_groups(user=user)
    audit_record(
        municipality_id=municipality.pk if municipality else None,
        actor_id=actor.pk if actor else None,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        data={"role": role},
    )
    return user


def user_sync_groups(*, user: User) -> None:
    """A user is in exactly the group of their role."""
    group = Group.objects.filter(name=user.role).first()
    user.groups.set([group] if group else [])


@transaction.atomic
def user_api_tokens_revoke(*, user: User, actor: User | None = None) -> int:
    """Delete the user's API tokens (a password reset does it too); how many there were."""
    from rest_framework.authtoken.models import Token

    count, _ = Token.objects.filter(user=user).delete()
    if count:
        audit_record(
            municipality_id=user.municipality_id,
            actor_id=actor.pk if actor else user.pk,
            action="user.api_tokens_revoke",
            object_type="user",
            object_id=user.pk,
        )
    return count


@transaction.atomic
def user_warn_login_failures(*, user: User, address: str = "") -> None:
    """Tell the owner their account sees repeated wrong passwords (at most once an hour)."""
    hour = timezone.now().strftime("%Y%m%d%H")
    sent = message_enqueue(
        template="accounts/messages/login_failures",
        context={"user": user},
        mobile=user.mobile,
        email=user.email,
        municipality_id=user.municipality_id,
        dedupe_key=f"login-failures:{user.pk}:{hour}",
    )
    if sent:
        audit_record(
            municipality_id=user.municipality_id,
            actor_id=None,
            action="user.login_failures",
            object_type="user",
            object_id=user.pk,
            data={"address": address},
        )


def _code_hash(user: User, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{user.pk}:{code}".encode(), hashlib.sha256
    ).hexdigest()


# Reset codes (6 digits, 10 minutes): a code dies at its 5th wrong guess; an account takes at
# most 10 wrong codes and 5 sent codes a day (a code per minute at most). Per address, the view
# adds settings.RESET_RATE_LIMIT (wrong codes) and RESET_SEND_RATE_LIMIT (codes asked for).
RESET_CODE_MAX_ATTEMPTS = 5
RESET_ACCOUNT_MAX_FAILURES = 10
RESET_ACCOUNT_MAX_CODES = 5
RESET_ACCOUNT_WINDOW = dt.timedelta(days=1)
RESET_CODE_GAP = dt.timedelta(seconds=60)


@transaction.atomic
def password_reset_request(*, mobile: str) -> None:
    """Send a 6-digit code by SMS (and e-mail if known). Silent when the mobile is unknown, and
    when the account has had a code in the last minute or its day's codes or wrong guesses."""
    try:
        user = User.objects.select_for_update().get(mobile=normalize_mobile(mobile), is_active=True)
    except (User.DoesNotExist, Exception):  # noqa: BLE001 — reveal nothing
        return
    now = timezone.now()
    day = LoginCode.objects.filter(user=user, created_at__gte=now - RESET_ACCOUNT_WINDOW)
    if day.filter(created_at__gte=now - RESET_CODE_GAP).exists():
        return
    if day.count() >= RESET_ACCOUNT_MAX_CODES or _reset_failures(user, now) >= (
        RESET_ACCOUNT_MAX_FAILURES
    ):
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    LoginCode.objects.create(user=user, code_hash=_code_hash(user, code))
    message_enqueue(
        template="accounts/messages/reset_code",
        context={"code": code, "user": user},
        mobile=user.mobile,
        email=user.email,
        municipality_id=user.municipality_id,
        secret=True,
    )


def _reset_failures(user: User, now: dt.datetime) -> int:
    """Wrong codes typed for ``user`` in the last day, over all its codes."""
    total = LoginCode.objects.filter(
        user=user, created_at__gte=now - RESET_ACCOUNT_WINDOW
    ).aggregate(n=Sum("attempts"))["n"]
    return int(total or 0)


def password_reset_confirm(*, mobile: str, code: str, new_password: str) -> User:
    """Set a new password with a code sent by ``password_reset_request``.

    A wrong code is counted in its own transaction, committed before the error is raised (the
    count used to be rolled back with the error, so guessing was free). Must not be called
    inside an outer transaction that the error rolls back.
    """
    error = ApplicationError(_("کد واردشده درست نیست یا منقضی شده است."))
    try:
        user = User.objects.get(mobile=normalize_mobile(mobile), is_active=True)
    except Exception:  # noqa: BLE001
        raise error from None
    with transaction.atomic():
        now = timezone.now()
        live = LoginCode.objects.select_for_update().filter(
            user=user,
            used_at__isnull=True,
            created_at__gte=now - dt.timedelta(seconds=RESET_CODE_TTL_SECONDS),
        )
        login_code = live.order_by("-created_at").first()
        if login_code is None:
            matched = False
        elif _reset_failures(user, now) >= RESET_ACCOUNT_MAX_FAILURES:
            live.update(used_at=now)  # the account's day of guesses is spent: every code dies
            matched = False
        else:
            matched = hmac.compare_digest(login_code.code_hash, _code_hash(user, code.strip()))
            if not matched:
                login_code.attempts += 1
                if login_code.attempts >= RESET_CODE_MAX_ATTEMPTS:
                    login_code.used_at = now  # dead: no further guess can match
                login_code.save(update_fields=["attempts", "used_at"])
        if matched:
            assert login_code is not None  # noqa: S101 — matched implies a code
            validate_password(new_password, user)
            login_code.used_at = now
            login_code.save(update_fields=["used_at"])
            user.set_password(new_password)
            user.save(update_fields=["password"])
            user_api_tokens_revoke(user=user)  # whoever held a token holds the old password
            audit_record(
                municipality_id=user.municipality_id,
                actor_id=user.pk,
                action="user.password_reset",
                object_type="user",
                object_id=user.pk,
            )
    if not matched:
        raise error  # after the commit: the wrong guess stays counted
    return user


def totp_device_get_or_create(*, user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def totp_qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@transaction.atomic
def totp_confirm(*, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip()):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return True


def api_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_client_create(
    *, municipality: Municipality, name: str, trusted_relay: bool = False
) -> tuple[ApiClient, str]:
    """Create an Open311 client; returns the plain key (shown once, never stored).

    A ``trusted_relay`` (e.g. the city's own FixMyStreet) may file reports without the citizen's
    e-mail or phone: it answers its users itself.
    """
    key = "pk_" + base64.urlsafe_b64encode(secrets.token_bytes(24)).decode().rstrip("=")
    client = ApiClient.objects.create(
        municipality=municipality,
        name=name,
        key_prefix=key[:8],
        key_hash=api_key_hash(key),
        trusted_relay=trusted_relay,
    )
    audit_record(
        municipality_id=municipality.pk,
        actor_id=None,
        action="api_client.create",
        object_type="api_client",
        object_id=client.pk,
        data={"name": name, "trusted_relay": trusted_relay},
    )
    return client, key


@transaction.atomic
def api_client_revoke(*, client: ApiClient) -> ApiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(
            municipality_id=client.municipality_id,
            actor_id=None,
            action="api_client.revoke",
            object_type="api_client",
            object_id=client.pk,
        )
    return client


def api_client_for_key(*, key: str) -> ApiClient | None:
    if not key:
        return None
    return (
        ApiClient.objects.select_related("municipality")
        .filter(key_hash=api_key_hash(key), revoked_at__isnull=True)
        .first()
    )
