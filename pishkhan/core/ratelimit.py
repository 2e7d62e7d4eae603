"""A per-key hit counter in the cache, for public forms (submissions, tracking, comments) and
failed logins.

The window opens at a key's first hit and lasts the whole period, whatever the clock says:
a window aligned to the calendar minute would let ``2 × limit`` hits through in a few seconds
around a minute's turn (seen in CI: ten comments accepted where five are allowed).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.http import HttpRequest

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


SPEC = re.compile(r"^(\d+)/(\d*)([smhd]?)")


def rate_parse(spec: str) -> tuple[int, int]:
    """``"5/m"`` → (5, 60), ``"20/10m"`` → (20, 600): the hits allowed and the window in
    seconds (the unit defaults to a minute)."""
    match = SPEC.match(spec.strip())
    if match is None:
        raise ValueError(f"not a rate: {spec!r}")
    count, times, unit = match.groups()
    return int(count), int(times or 1) * UNITS[unit or "m"]


def _cache() -> BaseCache:
    """The cache every process shares (settings.CACHES["limits"])."""
    return caches["limits"]


def _hit_count(key: str, window: int) -> int:
    """Count one hit for ``key`` in its window (``window`` seconds from its first hit); the
    hits so far."""
    cache = _cache()
    cache_key = f"rl:{key}"
    hit = getattr(cache, "hit", None)
    if hit is not None:  # the install's limits caches count a hit in one step
        return int(hit(cache_key, window))
    cache.add(cache_key, 0, window)
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # the window closed between add() and incr()
        cache.set(cache_key, 1, window)
        return 1


def rate_limited(key: str, spec: str) -> bool:
    """Count one hit for ``key``; True once the window's limit is passed."""
    limit, window = rate_parse(spec)
    return _hit_count(key, window) > limit


def rate_spent(key: str, spec: str) -> bool:
    """Whether ``key`` has used up its window's limit, without counting a hit (for limits
    that count failures only)."""
    limit, _ = rate_parse(spec)
    return int(_cache().get(f"rl:{key}", 0)) >= limit


def rate_hits(key: str) -> int:
    """The hits ``key`` has in its open window (0 when none is open); counts nothing."""
    return int(_cache().get(f"rl:{key}", 0))


def rate_count(key: str, spec: str) -> int:
    """Count one hit for ``key`` in a window of ``spec``'s length; the hits so far."""
    _, window = rate_parse(spec)
    return _hit_count(key, window)


def rate_reset(key: str) -> None:
    _cache().delete(f"rl:{key}")


def rate_claim(key: str, seconds: int) -> bool:
    """Take ``key``'s turn for ``seconds``: True for the first caller, False for every caller
    until the turn has passed (one atomic ``add``, also across processes)."""
    return bool(_cache().add(f"turn:{key}", 1, max(int(seconds), 1)))


def client_ip(request: HttpRequest) -> str:
    """The address a per-address limit counts: ``REMOTE_ADDR``, or — when that is one of
    ``settings.TRUSTED_PROXIES`` (the reverse proxy in front, deploy/nginx.conf) — the last
    address ``X-Forwarded-For`` names before the trusted ones. Behind nginx, ``REMOTE_ADDR`` is
    nginx itself: without this the whole city would share one limit. Addresses a client writes
    into the header itself come first in it and are never reached."""
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    trusted = settings.TRUSTED_PROXIES
    if remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for address in reversed([a.strip() for a in forwarded.split(",") if a.strip()]):
        if address not in trusted:
            return address
    return remote
