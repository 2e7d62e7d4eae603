"""Database upkeep the worker does by itself.

SQLite keeps no planner statistics unless told to: without them it may walk the wrong index
(the inbox read a week's index and sorted instead of reading its own). The worker refreshes
them when it starts and once a day, on a sample (``analysis_limit``), so it stays quick on a
million rows. PostgreSQL's autovacuum does the same job there: nothing to do.
"""

from __future__ import annotations

import time

from django.db import connection

STATISTICS_EVERY_SECONDS = 24 * 3600
# Rows ANALYZE samples per index: enough for the planner, ~0.1 s on a 1M-case file.
ANALYSIS_LIMIT = 1000

_last_run: float | None = None


def database_statistics_refresh(*, now: float | None = None) -> int:
    """Refresh SQLite's statistics if a day has passed since the last refresh in this process.
    Returns 0: it never asks to run again in the same round."""
    global _last_run  # noqa: PLW0603 — per-process schedule, like the worker's own loop
    now = time.monotonic() if now is None else now
    if connection.vendor != "sqlite":
        return 0
    if _last_run is not None and now - _last_run < STATISTICS_EVERY_SECONDS:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    _last_run = now
    return 0
