"""Pluggable transports. SMS: file (default), console, HTTP gateway. E-mail: Django's backends."""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from pathlib import Path
from typing import BinaryIO, Protocol

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

    Append only: each process remembers the keys it has read and how far, and reads only
    what other processes appended since (under an exclusive lock, so two senders never
    interleave or both append the same key). A send costs the lines added since the last
    one, not the whole file (the old scan made a day's outbox quadratic).
    """

    _seen: dict[str, tuple[int, int, set[str]]] = {}  # path -> (inode, offset, keys)

    def send(self, *, to: str, body: str, key: str) -> str:
        path = Path(settings.SMS_FILE_PATH)
        path.mkdir(parents=True, exist_ok=True)
        target = path / "sms.jsonl"
        line = json.dumps(
            {"to": to, "body": body, "key": key, "at": timezone.now().isoformat()},
            ensure_ascii=False,
        )
        with open(target, "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                if key in self._keys_until_end(str(target), fh):
                    return f"file-{key}"
                if fh.tell() and not self._ends_with_newline(fh):
                    fh.write(b"\n")  # close a line torn by a crash before adding ours
                fh.write((line + "\n").encode())
                fh.flush()
                os.fsync(fh.fileno())
                inode, _offset, keys = self._seen[str(target)]
                keys.add(key)
                self._seen[str(target)] = (inode, fh.tell(), keys)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return f"file-{key}"

    @staticmethod
    def _ends_with_newline(fh: BinaryIO) -> bool:
        fh.seek(-1, os.SEEK_END)
        last = fh.read(1)
        return last == b"\n"

    @classmethod
    def _keys_until_end(cls, name: str, fh: BinaryIO) -> set[str]:
        """The keys in the file, reading only the bytes appended since this process last looked
        (all of it when the file is new to this process, or was replaced or truncated)."""
        stat = os.fstat(fh.fileno())
        inode, offset, keys = cls._seen.get(name, (stat.st_ino, 0, set()))
        if inode != stat.st_ino or offset > stat.st_size:
            inode, offset, keys = stat.st_ino, 0, set()
        fh.seek(offset)
        for raw in fh:
            if not raw.endswith(b"\n"):  # a torn last line (crash mid-write): read it again
                break
            offset += len(raw)
            try:
                keys.add(json.loads(raw)["key"])
            except (ValueError, KeyError, TypeError):
                continue
        fh.seek(0, os.SEEK_END)
        cls._seen[name] = (inode, offset, keys)
        return keys


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
