"""Keep Python's full garbage collections short in long-running web workers.

A worker holds ~150,000 long-lived objects (Django, the URL resolver, compiled templates,
translations). Every full (generation 2) collection walked them all: 30–90 ms, landing in
the middle of some request — the inbox's p95 was such pauses, not the page (see
docs/PERFORMANCE.md). Once the worker has served its first requests, everything alive is
long-lived: ``gc.freeze()`` moves it out of the collector's sight, and later collections walk
only what requests create.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import Any

WARM_REQUESTS = 200


class FreezeAfterWarmup:
    """WSGI wrapper: after ``warm`` requests, collect once and freeze what survives."""

    def __init__(self, app: Callable[..., Iterable[bytes]], warm: int = WARM_REQUESTS) -> None:
        self.app = app
        self.warm = warm
        self.served = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.served += 1
        if self.served == self.warm:
            gc.collect()  # garbage of the first requests is not frozen with the rest
            gc.freeze()
        return self.app(environ, start_response)
