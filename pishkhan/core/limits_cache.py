"""The cache the limits count in (``caches["limits"]``) on the embedded default: files under
``var/limits/``, shared by every process of the install and kept across restarts.

Django's file cache reads and writes each entry atomically, but its ``add`` and ``incr`` are a
read followed by a write: two processes counting the same failure at once would both write
"1". Here both run under an exclusive lock on one file (``fcntl.flock``), so a hit counted by
any process is never lost. A hit rewrites its counter's file in place (Django writes a new file
and renames it over the old one: on ext4 the rename alone was 110 µs of a 210 µs hit), so
every read takes the lock too (shared), and never sees a counter half written. With
``CACHE_URL`` set, Redis is used instead (atomic by itself).
"""

from __future__ import annotations

import fcntl
import os
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache


class LockedFileCache(FileBasedCache):
    @contextmanager
    def _locked(self, mode: int = fcntl.LOCK_EX) -> Iterator[None]:
        os.makedirs(self._dir, 0o700, exist_ok=True)  # type: ignore[attr-defined]
        with open(os.path.join(self._dir, "lock"), "a") as handle:  # type: ignore[attr-defined]
            fcntl.flock(handle, mode)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        with self._locked(fcntl.LOCK_SH):
            live = self._live(self._key_to_file(key, version))  # type: ignore[attr-defined]
        return default if live is None else live[1]

    def has_key(self, key: Any, version: Any = None) -> bool:
        with self._locked(fcntl.LOCK_SH):
            return self._live(self._key_to_file(key, version)) is not None  # type: ignore[attr-defined]

    def delete(self, key: Any, version: Any = None) -> bool:
        with self._locked():
            return bool(super().delete(key, version))

    def add(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> bool:
        # Not Django's add(): it asks has_key(), whose shared lock would wait for this one.
        with self._locked():
            if self._live(self._key_to_file(key, version)) is not None:  # type: ignore[attr-defined]
                return False
            self.set(key, value, timeout, version)
            return True

    def _live(self, name: str) -> tuple[float | None, Any] | None:
        """The entry's expiry and value, unless it is missing, expired or unreadable (a process
        killed in the middle of writing it: the counter starts again). Call under the lock."""
        try:
            with open(name, "rb") as handle:
                return self._parse(handle)
        except FileNotFoundError:
            return None

    def _parse(self, handle: Any) -> tuple[float | None, Any] | None:
        try:
            expiry = pickle.load(handle)  # noqa: S301 — our own files
            if expiry is not None and expiry <= time.time():
                return None
            return expiry, pickle.loads(zlib.decompress(handle.read()))  # noqa: S301
        except (EOFError, ValueError, TypeError, pickle.UnpicklingError, zlib.error):
            return None

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        """Add ``delta``, keeping the entry's expiry (Django's ``incr`` sets it anew, so a
        counter would live ``TIMEOUT`` seconds from its last hit, not its window)."""
        with self._locked():
            live = self._live(self._key_to_file(key, version))  # type: ignore[attr-defined]
            if live is None:
                raise ValueError(f"Key {key!r} not found")
            expiry, value = live
            new_value = value + delta
            left = None if expiry is None else max(expiry - time.time(), 0.001)
            self.set(key, new_value, timeout=left, version=version)
            return int(new_value)

    def hit(self, key: Any, window: int, version: Any = None) -> int:
        """Count one hit in ``key``'s window (``window`` seconds from its first hit): the hits
        so far. One read and one write of the counter's file, in place, under the lock (as
        Django's file cache lays an entry out, so ``get`` reads it back)."""
        with self._locked():
            name = self._key_to_file(key, version)  # type: ignore[attr-defined]
            fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o600)
            with open(fd, "r+b") as handle:
                expiry, count = self._parse(handle) or (time.time() + window, 0)
                count += 1
                handle.seek(0)
                handle.write(pickle.dumps(expiry, self.pickle_protocol))
                handle.write(zlib.compress(pickle.dumps(count, self.pickle_protocol)))
                handle.truncate()
            return int(count)

    def tidy(self) -> int:
        """Delete the counters whose window has closed; the number deleted. The worker's job
        (``cycle.limits_tidy``), not a request's: with one file per address and tracking code
        it reads every file. Each file is read without the lock and, when expired, read again
        and deleted under it, so a hit that just opened a new window is never lost. Past
        ``MAX_ENTRIES`` live counters, Django's cull (a random third) is the backstop."""
        try:
            names = [e.path for e in os.scandir(self._dir) if e.name.endswith(self.cache_suffix)]  # type: ignore[attr-defined]
        except FileNotFoundError:
            return 0
        deleted = 0
        for name in names:
            if self._live(name) is not None:
                continue
            with self._locked():
                if self._live(name) is None and self._delete(name):  # type: ignore[attr-defined]
                    deleted += 1
        if len(names) - deleted >= self._max_entries:  # type: ignore[attr-defined]
            with self._locked():
                self._cull()  # type: ignore[attr-defined]
        return deleted


class RedisLimitsCache(RedisCache):
    """The limits on Redis (CACHE_URL): a hit is one round trip — SET NX with the window's
    expiry and INCR, pipelined — where ``add`` + ``incr`` took three."""

    def hit(self, key: Any, window: int, version: Any = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        pipe = client.pipeline()
        pipe.set(key, 0, ex=window, nx=True)  # Django stores an int as itself: INCR works
        pipe.incr(key)
        return int(pipe.execute()[1])
