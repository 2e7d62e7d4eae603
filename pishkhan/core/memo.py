"""Values every request reads (a city, its lists of services and districts), held in the process.

``cache.get_or_set`` on the local-memory cache pickles and unpickles the whole value on every
read — for a city with district polygons that was most of the host look-up, and a good share
of every form page and submission. ``process_memo`` keeps the value itself in this process and
passes only a short stamp through the cache: the value is rebuilt when the stamp is gone
(expired after ``timeout`` seconds, deleted, or ``cache.clear()``), so an edit reaches every
process within the timeout, as before, and a test's ``cache.clear()`` still starts afresh.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")

_held: dict[str, tuple[str, object]] = {}


def process_memo(key: str, build: Callable[[], T], timeout: int = 60) -> T:
    stamp_key = f"memo-stamp:{key}"
    stamp = cache.get(stamp_key)
    if stamp is None:
        # The first process to find the stamp gone sets a new one; the others adopt it (so
        # processes never keep invalidating each other's copies).
        cache.add(stamp_key, uuid.uuid4().hex, timeout)
        stamp = cache.get(stamp_key)
    held = _held.get(key)
    if held is not None and held[0] == stamp:
        return held[1]  # type: ignore[return-value]
    value = build()
    if stamp is not None:
        _held[key] = (stamp, value)
    return value


def process_memo_forget(key: str) -> None:
    """Make every process rebuild ``key`` on its next read."""
    cache.delete(f"memo-stamp:{key}")
