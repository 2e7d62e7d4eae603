"""Database upkeep the worker does by itself.

SQLite keeps no planner statistics unless told to: without them it may walk the wrong index
(the inbox read a week's index and sorted instead of reading its own). The worker refreshes
them when it starts and once a day, over every row: 2.7 s on a 1M-case file. A sampled
ANALYZE (``analysis_limit``) was tried and is worse than none — it reports the sample's
counts, so "one city" looked like 1,001 cases and the inbox walked the city's week index
again (150–200 ms instead of 20–30 ms per page). PostgreSQL's autovacuum does this job
there: nothing to do.

SQLite also copies its write-ahead log back into the database file (a checkpoint) when the log
passes ``wal_autocheckpoint`` pages — inside whichever request's commit crossed the line: a
citizen's submission waited for a thousand page writes and an fsync (its p99 12 -> 5-8 ms
without them, measured in-process). The worker checkpoints every round instead
(``database_checkpoint``); the web processes' threshold is raised to a backstop
(``SQLITE_WAL_AUTOCHECKPOINT`` pages, settings) for when no worker runs.

The limits' counters (files under var/limits/ on the default install) are tidied by the worker
too, every ten minutes (``limits_tidy``): a request used to list the whole directory at one
hit in fifty.
"""

from __future__ import annotations

import time

from django.core.cache import caches
from django.db import connection

STATISTICS_EVERY_SECONDS = 24 * 3600
LIMITS_TIDY_EVERY_SECONDS = 600
# When each periodic job last ran in this process (a per-process schedule, like the worker's
# own loop); a job that is not due returns at once.
_last_run: dict[str, float] = {}


def _due(job: str, every: float, now: float | None) -> float | None:
    """The moment to record as ``job``'s run if it is due (``every`` seconds since its last
    run in this process, or never run), else None."""
    now = time.monotonic() if now is None else now
    last = _last_run.get(job)
    return now if last is None or now - last >= every else None


def database_statistics_refresh(*, now: float | None = None) -> int:
    """Refresh SQLite's statistics if a day has passed since the last refresh in this process.
    Returns 0: it never asks to run again in the same round."""
    if connection.vendor != "sqlite":
        return 0
    if (at := _due("statistics", STATISTICS_EVERY_SECONDS, now)) is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 0")  # every row: see the module's note
        cursor.execute("ANALYZE")
    _last_run["statistics"] = at
    return 0


def database_checkpoint() -> int:
    """Copy the write-ahead log into the database file without waiting for anyone (PASSIVE:
    pages a reader still needs stay for the next round). Returns 0: once a round is enough."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        cursor.fetchall()
    return 0


def limits_tidy(*, now: float | None = None) -> int:
    """Delete the limits' closed windows (the file cache of the default install; Redis expires
    its own keys) every ten minutes in this process. Returns 0: once a round is enough."""
    tidy = getattr(caches["limits"], "tidy", None)
    if tidy is None or (at := _due("limits", LIMITS_TIDY_EVERY_SECONDS, now)) is None:
        return 0
    tidy()
    _last_run["limits"] = at
    return 0
