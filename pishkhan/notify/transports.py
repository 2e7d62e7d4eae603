"""Pluggable transports. SMS: file (default), console, HTTP gateway. E-mail: Django's backends."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.module_loading import import_string


class TransportError(Exception):
    pass


class SMSBackend(Protocol):
    def send(self, *, to: str, body: str, key: str) -> str: ...


class FileSMSBackend:
    """Appends each SMS as a JSON line to var/outbox/sms/sms.jsonl.

    Like a real gateway with idempotency keys, it delivers a key once: a retry after a
    crash between "written" and "marked sent" finds the key already there.
    """

    def send(self, *, to: str, body: str, key: str) -> str:
        path = Path(settings.SMS_FILE_PATH)
        path.mkdir(parents=True, exist_ok=True)
        target = path / "sms.jsonl"
        marker = f'"key": "{key}",'
        if target.exists():
            with open(target, encoding="utf-8") as fh:
                if any(marker in line for line in fh):
                    return f"file-{key}"
        line = json.dumps(
            {"to": to, "body": body, "key": key, "at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return f"file-{key}"


class ConsoleSMSBackend:
    def send(self, *, to: str, body: str, key: str) -> str:
        print(f"[SMS to {to}] {body}")  # noqa: T201
        return f"console-{key}"


class HttpSMSBackend:
    """POSTs JSON {to, from, text, id} to SMS_GATEWAY_URL with the API key as a bearer token.

    The message id is sent as an idempotency key so a gateway that supports it never
    delivers a retried message twice.
    """

    def send(self, *, to: str, body: str, key: str) -> str:
        if not settings.SMS_GATEWAY_URL:
            raise TransportError("SMS_GATEWAY_URL is not set")
        try:
            response = requests.post(
                settings.SMS_GATEWAY_URL,
                json={"to": to, "from": settings.SMS_SENDER, "text": body, "id": key},
                headers={
                    "Authorization": f"Bearer {settings.SMS_GATEWAY_API_KEY}",
                    "Idempotency-Key": key,
                },
                timeout=10,
            )
        except requests.RequestException as exc:
            raise TransportError(f"gateway unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise TransportError(f"gateway answered {response.status_code}: {response.text[:200]}")
        try:
            return str(response.json().get("id", uuid.uuid4()))
        except ValueError:
            return str(uuid.uuid4())


def get_sms_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()  # type: ignore[no-any-return]


def send_email(*, to: str, subject: str, body: str, html: str = "") -> str:
    msg = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    if html:
        msg.attach_alternative(html, "text/html")
    try:
        msg.send()
    except Exception as exc:  # noqa: BLE001 — any SMTP failure means "retry later"
        raise TransportError(f"e-mail failed: {exc}") from exc
    return f"email-{uuid.uuid4()}"
