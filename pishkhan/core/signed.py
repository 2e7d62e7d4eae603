"""A signed cookie read once per process, not once per request.

Checking a signature is an HMAC-SHA256 over a key derived from the secret and the salt (and
again for each fallback key): about 35 µs, a tenth of a cached tracking page, paid on every
visit of a citizen who comes back to the page. The same browser sends the same cookie value
until it is signed anew, so a value that was checked once is remembered, with the moment it
was signed; its age is checked on every read as Django does. Only values whose signature was
good are remembered: a forged or altered value is checked (and refused) every time.
"""

from __future__ import annotations

import functools
import time

from django.core import signing
from django.http import HttpRequest


@functools.lru_cache(maxsize=4096)
def _unsigned(name: str, salt: str, value: str) -> tuple[str, int]:
    """The value and the moment it was signed, read by Django's own ``get_signed_cookie``
    (its salts, fallback keys and legacy salt), without the age (raises BadSignature, which
    is not cached)."""
    alone = HttpRequest()
    alone.COOKIES[name] = value
    payload = alone.get_signed_cookie(name, salt=salt)
    # TimestampSigner's value is "payload:timestamp:signature"
    return str(payload), signing.b62_decode(value.rsplit(":", 2)[-2])


def signed_cookie(request: HttpRequest, name: str, *, salt: str, max_age: int) -> str:
    """``request.get_signed_cookie(name, default="", salt=salt, max_age=max_age)``, with the
    signature of a value this process has seen before not checked again ("" when the cookie
    is missing, altered or older than ``max_age`` seconds)."""
    value = request.COOKIES.get(name)
    if not value:
        return ""
    try:
        payload, signed_at = _unsigned(name, salt, value)
    except (signing.BadSignature, ValueError):
        return ""
    return payload if time.time() - signed_at <= max_age else ""
