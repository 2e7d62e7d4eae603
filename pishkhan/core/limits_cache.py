"""The cache the limits count in (``caches["limits"]``) on the embedded default: files under
``var/limits/``, shared by every process of the install and kept across restarts.

Django's file cache reads and writes each entry atomically, but its ``add`` and ``incr`` are a
read followed by a write: two processes counting the same failure at once would both write
"1". Here both run under an exclusive lock on one file (``fcntl.flock``), so a hit counted by
any process is never lost. With ``CACHE_URL`` set, Redis is used instead (atomic by itself).
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


class LockedFileCache(FileBasedCache):
    @contextmanager
    def _locked(self) -> Iterator[None]:
        os.makedirs(self._dir, 0o700, exist_ok=True)  # type: ignore[attr-defined]
        with open(os.path.join(self._dir, "lock"), "a") as handle:  # type: ignore[attr-defined]
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add(self, key: Any, value: Any, timeout: Any = None, version: Any = None) -> bool:
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        """Add ``delta``, keeping the entry's expiry (Django's ``incr`` sets it anew, so a
        counter would live ``TIMEOUT`` seconds from its last hit, not its window)."""
        with self._locked():
            name = self._key_to_file(key, version)  # type: ignore[attr-defined]
            try:
                with open(name, "rb") as handle:
                    if self._is_expired(handle):  # type: ignore[attr-defined]
                        raise ValueError(f"Key {key!r} not found")
                    handle.seek(0)
                    expiry = pickle.load(handle)  # noqa: S301 — our own files
                    value = pickle.loads(zlib.decompress(handle.read()))  # noqa: S301
            except FileNotFoundError:
                raise ValueError(f"Key {key!r} not found") from None
            new_value = value + delta
            left = None if expiry is None else max(expiry - time.time(), 0.001)
            self.set(key, new_value, timeout=left, version=version)
            return int(new_value)
