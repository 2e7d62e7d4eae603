"""The clock's step registry. Upper apps register what must happen at a phase of each week, each
from its own ``clocksteps.py`` (``register()``, called in its AppConfig.ready); ``cycle`` only
knows *when* a step is due and guarantees it runs once (ClockStep).

A step is weekly (``due(week)``: once per week, or never when it returns None) or daily
(``daily_at``: once on each day of the week at that time, recorded as ``<name>_<day>``, day 0
being Saturday, so a late tick still catches up every missed day). docs/CYCLE.md lists every
registered step (a test holds it to the registry).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from pishkhan.core.jalali import combine
from pishkhan.cycle.models import Week


@dataclass(frozen=True)
class Step:
    name: str
    due: Callable[[Week], dt.datetime | None] | None
    run: Callable[[Week, dt.datetime], dict[str, Any]]
    order: int = 100
    label: str | Promise = (
        ""  # Persian msgid (lazy), for the week page ("what the clock will do next")
    )
    daily_at: dt.time | None = None


STEPS: dict[str, Step] = {}


def register_step(
    name: str,
    *,
    run: Callable[[Week, dt.datetime], dict[str, Any]],
    due: Callable[[Week], dt.datetime | None] | None = None,
    daily_at: dt.time | None = None,
    order: int = 100,
    label: str | Promise = "",
) -> None:
    """Idempotent registration by name, from an app's clocksteps.register(). Either ``due`` (a
    weekly step; it may return None: the step does not apply to that week, e.g. a reminder for a
    third visit day) or ``daily_at`` (a daily step)."""
    if (due is None) == (daily_at is None):
        raise ValueError(f"clock step {name}: give either due= or daily_at=")
    STEPS[name] = Step(
        name=name, due=due, run=run, order=order, label=label or name, daily_at=daily_at
    )


def week_steps(week: Week) -> list[tuple[Step, dt.datetime | None]]:
    """Every step of ``week`` with its due time (None: not for this week); a daily step once per
    day, as a Step named ``<name>_<day>``."""
    out: list[tuple[Step, dt.datetime | None]] = []
    for step in STEPS.values():
        if step.daily_at is None:
            assert step.due is not None  # noqa: S101 — register_step requires one of the two
            out.append((step, step.due(week)))
            continue
        for day in range(7):
            at = combine(week.start + dt.timedelta(days=day), step.daily_at)
            out.append((dataclasses.replace(step, name=f"{step.name}_{day}"), at))
    return out
