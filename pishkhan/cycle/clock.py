"""The clock's step registry. Upper apps register what must happen at a phase of each week;
``cycle`` only knows *when* a step is due and guarantees it runs once (ClockStep)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pishkhan.cycle.models import Week


@dataclass(frozen=True)
class Step:
    name: str
    due: Callable[[Week], dt.datetime | None]
    run: Callable[[Week, dt.datetime], dict[str, Any]]
    order: int = 100
    label: str = ""  # Persian, for the week page ("what the clock will do next")


STEPS: dict[str, Step] = {}


def register_step(
    name: str,
    *,
    due: Callable[[Week], dt.datetime | None],
    run: Callable[[Week, dt.datetime], dict[str, Any]],
    order: int = 100,
    label: str = "",
) -> None:
    """Called from AppConfig.ready(): idempotent registration by name. ``due`` may return None:
    the step does not apply to that week (e.g. a reminder for a third visit day)."""
    STEPS[name] = Step(name=name, due=due, run=run, order=order, label=label or name)
