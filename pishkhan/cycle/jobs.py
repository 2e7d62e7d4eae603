"""Background jobs the worker runs on every round (a few seconds apart).

Upper apps register them from AppConfig.ready(), as they register clock steps (cycle.clock);
cycle imports none of them. A job does one bounded batch and returns how many items it handled;
a job that found work runs again in the same round until its time budget is spent, so a backlog
drains quickly without starving the outbox.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# Seconds one job may keep repeating in a round (it always runs at least once).
JOB_BUDGET_SECONDS = 2.0


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], int]


JOBS: dict[str, Job] = {}


def register_job(name: str, *, run: Callable[[], int]) -> None:
    """Called from AppConfig.ready(): idempotent registration by name."""
    JOBS[name] = Job(name=name, run=run)


def jobs_run(
    *,
    budget_seconds: float = JOB_BUDGET_SECONDS,
    on_error: Callable[[str, Exception], None] | None = None,
) -> dict[str, int]:
    """Run every registered job (by name); returns the items each handled. A failing job is
    reported to ``on_error`` and skipped for this round: it must not stop the others."""
    done: dict[str, int] = {}
    for name in sorted(JOBS):
        job = JOBS[name]
        deadline = time.monotonic() + budget_seconds
        total = 0
        while True:
            try:
                n = job.run()
            except Exception as exc:  # noqa: BLE001 — one failing job must not kill the worker
                if on_error is not None:
                    on_error(name, exc)
                break
            total += n
            if n <= 0 or time.monotonic() >= deadline:
                break
        done[name] = total
    return done
