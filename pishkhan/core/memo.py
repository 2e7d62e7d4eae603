"""Values every request reads (a city, its lists of services and districts), held in the process.

``cache.get_or_set`` on the local-memory cache pickles and unpickles the whole value on every
read — for a city with district polygons that was most of the host look-up, and a good share
of every form page and submission. ``process_memo`` keeps the value itself in this process and
passes only a short stamp through the cache: the value is rebuilt when the stamp is gone
(expired after ``timeout`` seconds, deleted, or ``cache.clear()``), so an edit reaches every
process within the timeout, as before, and a test's ``cache.clear()`` still starts afresh.

Even the stamp is read at most once every ``settings.MEMO_RECHECK_SECONDS`` (1 s; 0 in tests)
per key and process: it is a cache look-up on every request otherwise (a lock and an unpickle
in local memory, a network round trip with Redis). An edit therefore reaches the other
processes within that second; the process that made it sees it at once
(``process_memo_forget`` drops its own copy too).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")

_held: dict[str, tuple[str, object]] = {}
_checked: dict[str, float] = {}  # key -> monotonic time its stamp was last read


def process_memo(key: str, build: Callable[[], T], timeout: int = 60) -> T:
    held = _held.get(key)
    recheck = settings.MEMO_RECHECK_SECONDS
    if held is not None and recheck and time.monotonic() - _checked.get(key, 0.0) < recheck:
        return held[1]  # type: ignore[return-value]
    stamp_key = f"memo-stamp:{key}"
    stamp = cache.get(stamp_key)
    if stamp is None:
        # The first process to find the stamp gone sets a new one; the others adopt it (so
        # processes never keep invalidating each other's copies).
        cache.add(stamp_key, uuid.uuid4().hex, timeout)
        stamp = cache.get(stamp_key)
    _checked[key] = time.monotonic()
    if held is not None and held[0] == stamp:
        return held[1]  # type: ignore[return-value]
    value = build()
    if stamp is not None:
        _held[key] = (stamp, value)
    return value


def process_memo_forget(key: str) -> None:
    """Make every process rebuild ``key`` on its next read (this one at once, the others
    within ``MEMO_RECHECK_SECONDS``)."""
    cache.delete(f"memo-stamp:{key}")
    _held.pop(key, None)
