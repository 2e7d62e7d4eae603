"""Start-up checks: settings that would otherwise fail only when a citizen hits them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error

from pishkhan.core.ratelimit import rate_parse

RATE_SETTINGS = (
    "REQUEST_RATE_LIMIT",
    "TRACK_RATE_LIMIT",
    "COMMENT_RATE_LIMIT",
    "RESET_RATE_LIMIT",
    "RESET_SEND_RATE_LIMIT",
    "LOGIN_RATE_LIMIT",
    "LOGIN_SLOWDOWN",
)


def rate_settings_check(**_: Any) -> list[Error]:
    errors = []
    for name in RATE_SETTINGS:
        value = getattr(settings, name)
        try:
            rate_parse(value)
        except ValueError:
            errors.append(
                Error(
                    f"{name}={value!r} is not a rate",
                    hint='Write it as hits/window, e.g. "20/h", "5/m" or "20/10m".',
                    id="pishkhan.E001",
                )
            )
    return errors
