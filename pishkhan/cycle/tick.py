"""clock_tick: runs every registered step that is due and not yet done, in order, once each."""

from __future__ import annotations

import datetime as dt


def clock_tick(*, now: dt.datetime) -> list[str]:
    """Returns a line per step done. Filled in by the weekly-clock work (issue #4)."""
    from pishkhan.cycle.clock import STEPS  # noqa: F401

    return []
