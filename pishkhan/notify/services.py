"""Outbox: enqueue inside the caller's transaction; the worker sends, with retries and backoff."""

from __future__ import annotations

import datetime as dt
import logging
import random
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template import Context, engines
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pishkhan.core.rows import row_insert_new
from pishkhan.notify.models import Message
from pishkhan.notify.transports import TransportError, get_sms_backend, send_email

logger = logging.getLogger("pishkhan.notify")


def _render(name: str, context: dict[str, Any]) -> str:
    try:
        # Messages are Persian whatever the language of the page that caused them.
        with translation.override(settings.LANGUAGE_CODE):
            if name.endswith(".txt"):
                # Plain text (an SMS, an e-mail's text part): nothing to escape for HTML — a
                # reason with «"» or «&» reached the citizen as &quot; or &amp;.
                template = engines["django"].engine.get_template(name)  # type: ignore[attr-defined]
                return str(template.render(Context(context, autoescape=False))).strip()
            return render_to_string(name, context).strip()
    except TemplateDoesNotExist:
        return ""


def message_enqueue(
    *,
    template: str,
    context: dict[str, Any],
    mobile: str = "",
    email: str = "",
    municipality_id: int | None = None,
    dedupe_key: str = "",
    secret: bool = False,
) -> int:
    """Queue an SMS (``<template>.sms.txt``) and/or e-mail (``.email.txt``/``.email.html``).

    Must be called inside the transaction of the change it announces: the message exists
    iff that change commits. ``dedupe_key`` makes a repeated call a no-op: the unique key
    turns the INSERT into nothing (``ON CONFLICT DO NOTHING``), also when two transactions
    queue the same message at once. ``secret`` marks a message that carries a secret (a
    reset code): the admin never shows it and its body is wiped once sent or given up.
    Returns how many messages were rendered for queueing.
    """
    now = timezone.now()
    messages: list[Message] = []
    targets: list[tuple[str, str]] = []
    if mobile:
        targets.append((Message.Channel.SMS, mobile))
    if email:
        targets.append((Message.Channel.EMAIL, email))
    for channel, to in targets:
        if channel == Message.Channel.SMS:
            body = _render(f"{template}.sms.txt", context)
            subject, html = "", ""
        else:
            body = _render(f"{template}.email.txt", context)
            html = _render(f"{template}.email.html", context)
            subject = (
                _render(f"{template}.subject.txt", context) or "پیشخوان خدمت"
            )  # record: stored in the outbox
        if not body:
            continue
        messages.append(
            Message(
                municipality_id=municipality_id,
                channel=channel,
                to=to,
                subject=subject[:250],
                body=body,
                html_body=html,
                template=template,
                dedupe_key=f"{dedupe_key}:{channel}" if dedupe_key else None,
                next_attempt_at=now,
                secret=secret,
            )
        )
    for message in messages:
        # One INSERT … ON CONFLICT DO NOTHING each (a submission queues one SMS): built once,
        # where bulk_create builds it anew every time (core.rows).
        row_insert_new(message)
    return len(messages)


WIPED = "[محرمانه — پس از ارسال پاک شد]"  # noqa: S105 — a placeholder, not a secret  # record: stored in the outbox


def _backoff(attempts: int) -> dt.timedelta:
    base = min(60 * 60, 15 * (2 ** max(attempts - 1, 0)))
    return dt.timedelta(seconds=base + random.uniform(0, base / 4))  # noqa: S311


def outbox_claim(*, limit: int = 50, now: dt.datetime | None = None) -> list[int]:
    """Claim due messages for this worker. Safe with several workers at once."""
    now = now or timezone.now()
    due = Q(status=Message.Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=Message.Status.SENDING, claimed_until__lt=now
    )
    with transaction.atomic():
        qs = Message.objects.filter(due).order_by("id")  # FIFO: retried messages keep their turn
        if settings.DB_VENDOR == "postgresql":
            qs = qs.select_for_update(skip_locked=True)
        ids = list(qs.values_list("id", flat=True)[:limit])
        # Conditional update: only rows still due are ours.
        claimed = []
        for pk in ids:
            n = Message.objects.filter(due, pk=pk).update(
                status=Message.Status.SENDING,
                claimed_until=now + dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS),
            )
            if n:
                claimed.append(pk)
    return claimed


def message_send(*, message_id: int, now: dt.datetime | None = None) -> str:
    """Send one claimed message; record the result. Returns the new status."""
    message = Message.objects.get(pk=message_id)
    if message.status != Message.Status.SENDING:
        return message.status
    try:
        if message.channel == Message.Channel.SMS:
            provider_id = get_sms_backend().send(
                to=message.to, body=message.body, key=str(message.key)
            )
        else:
            provider_id = send_email(
                to=message.to, subject=message.subject, body=message.body, html=message.html_body
            )
    except TransportError as exc:
        attempts = message.attempts + 1
        final = attempts >= settings.OUTBOX_MAX_ATTEMPTS
        wiped = {"body": WIPED, "html_body": ""} if final and message.secret else {}
        Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
            **wiped,
            status=Message.Status.FAILED if final else Message.Status.QUEUED,
            attempts=attempts,
            last_error=str(exc)[:2000],
            next_attempt_at=(now or timezone.now()) + _backoff(attempts),
            claimed_until=None,
        )
        logger.warning("message %s failed: %s", message.pk, exc)
        return Message.Status.FAILED if final else Message.Status.QUEUED
    wiped = {"body": WIPED, "html_body": ""} if message.secret else {}
    Message.objects.filter(pk=message.pk).update(
        **wiped,
        status=Message.Status.SENT,
        attempts=message.attempts + 1,
        sent_at=timezone.now(),
        provider_id=provider_id[:100],
        claimed_until=None,
        last_error="",
    )
    return Message.Status.SENT


def outbox_process(*, limit: int = 50, now: dt.datetime | None = None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for pk in outbox_claim(limit=limit, now=now):
        status = message_send(message_id=pk, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts
