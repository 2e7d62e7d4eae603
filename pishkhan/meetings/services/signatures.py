"""Signatures: a present member signs the minutes; the last signature seals them into the ledger."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.core.audit import audit_record
from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.meetings import signing
from pishkhan.meetings.models import (
    Attendance,
    Meeting,
    Signature,
    SigningKey,
)
from pishkhan.meetings.services.state import _event, _lock, _set_status


def _signing_key(member: User, password: str) -> tuple[SigningKey, Any]:
    key = SigningKey.objects.select_for_update().filter(member=member).first()
    if key is not None:
        private = signing.key_unlock(key.encrypted_private_key, password, member_id=member.pk)
        if private is not None:
            return key, private
    # First signature, or the password changed since: a new key pair (old signatures keep
    # their own public key and stay verifiable).
    public, encrypted = signing.key_generate(password, member_id=member.pk)
    key, _ = SigningKey.objects.update_or_create(
        member=member, defaults={"public_key": public, "encrypted_private_key": encrypted}
    )
    audit_record(
        municipality_id=member.municipality_id,
        actor_id=member.pk,
        action="signing_key.create",
        object_type="user",
        object_id=member.pk,
        data={"public_key": public},
    )
    private = signing.key_unlock(encrypted, password, member_id=member.pk)
    return key, private


@transaction.atomic
def minutes_sign(*, meeting: Meeting, member: User, password: str, now: dt.datetime) -> Signature:
    """A present member signs the minutes with the password; the mayor signs last; the last
    signature seals the minutes and links them into the ledger."""
    meeting = _lock(meeting)
    if member.municipality_id != meeting.municipality_id or not member.has_perm(
        "meetings.sign_minutes"
    ):
        raise PermissionDeniedError()
    if (
        meeting.status == Meeting.Status.IN_SESSION
        and meeting.events.filter(kind="status", data__reopened=True).exists()
    ):
        raise ApplicationError(
            gettext("صورتجلسه برای اصلاح بازگشایی شده است؛ پس از پایان دوبارهٔ جلسه امضا کنید.")
        )
    if meeting.status != Meeting.Status.CLOSED:
        raise ApplicationError(gettext("این صورتجلسه آمادهٔ امضا نیست."))
    if not member.check_password(password):
        raise ApplicationError(gettext("گذرواژه درست نیست."))
    present_ids = set(
        Attendance.objects.filter(
            meeting=meeting, present=True, votes=True, member__isnull=False
        ).values_list("member_id", flat=True)
    )
    if member.pk not in present_ids:
        raise ApplicationError(gettext("فقط اعضای حاضر در جلسه امضا می‌کنند."))
    signed_ids = set(meeting.signatures.values_list("member_id", flat=True))
    if member.pk in signed_ids:
        raise ApplicationError(gettext("شما این صورتجلسه را پیش‌تر امضا کرده‌اید."))
    declined_ids = set(meeting.declines.values_list("member_id", flat=True))
    if member.pk in declined_ids:
        raise ApplicationError(gettext("شما از امضای این صورتجلسه امتناع کرده‌اید."))
    others = present_ids - signed_ids - declined_ids - {member.pk}
    if member.role == Role.MAYOR and others:
        raise ApplicationError(gettext("شهردار پس از امضای همهٔ اعضای حاضر امضا می‌کند."))
    if signing.content_hash_of(meeting) != meeting.content_hash:
        raise ApplicationError(
            gettext("محتوای صورتجلسه پس از پایان جلسه تغییر کرده است؛ امضا ممکن نیست.")
        )
    key, private = _signing_key(member, password)
    signature = Signature.objects.create(
        meeting=meeting,
        member=member,
        content_hash=meeting.content_hash,
        public_key=key.public_key,
        signature=signing.sign_hash(private, meeting.content_hash),
        signed_at=now,
    )
    _event(
        meeting,
        kind="signature",
        actor=member,
        now=now,
        data={"member": member.pk, "public_key": key.public_key, "signature": signature.signature},
    )
    minutes_seal_if_complete(meeting=meeting, actor=member, now=now)
    return signature


def minutes_seal_if_complete(*, meeting: Meeting, actor: User | None, now: dt.datetime) -> bool:
    """Seal once every present voting member has signed or declined, with at least one
    signature (called inside the signing transaction, the meeting row locked)."""
    from pishkhan.meetings.selectors import pending_signers

    if pending_signers(meeting) or not meeting.signatures.exists():
        return False
    _finalise(meeting, actor=actor, now=now)
    return True


def _finalise(meeting: Meeting, *, actor: User | None, now: dt.datetime) -> None:
    from pishkhan.meetings import pdf

    previous = (
        Meeting.objects.filter(
            municipality_id=meeting.municipality_id, status=Meeting.Status.SIGNED
        )
        .exclude(pk=meeting.pk)
        .order_by("-sealed_at", "-id")
        .first()
    )
    meeting.prev_hash = previous.chain_hash if previous else ""
    meeting.chain_hash = signing.chain_hash_of(
        meeting.prev_hash,
        meeting.content_hash,
        [
            (s.member_id, s.public_key, s.signature)
            for s in meeting.signatures.order_by("signed_at", "id")
        ],
        [(d.member_id, d.reason) for d in meeting.declines.all()],
    )
    meeting.sealed_at = now
    meeting.save(update_fields=["prev_hash", "chain_hash", "sealed_at"])
    _set_status(meeting, Meeting.Status.SIGNED, actor=actor, now=now)
    _event(
        meeting,
        kind="sealed",
        actor=actor,
        now=now,
        data={"prev_hash": meeting.prev_hash, "chain_hash": meeting.chain_hash},
    )
    # The sealed PDF is rendered after the commit, not in the signing transaction with the meeting
    # row locked: a slow render holds no lock and a failed seal undoes no signature (the minutes
    # page seals it on first request then, see pdf.minutes_seal_pending).
    transaction.on_commit(partial(pdf.minutes_seal_pending, meeting.pk), robust=True)
