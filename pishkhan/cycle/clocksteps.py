"""The cycle's steps of the weekly clock (registered in CycleConfig.ready): Week.phase moves
forward as the clock passes each phase start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from pishkhan.core.jalali import TEHRAN
from pishkhan.cycle.clock import register_step
from pishkhan.cycle.models import Week

PHASE_ORDER = [p.value for p in Week.Phase]


def end_of_dispatch_day(week: Week) -> dt.datetime:
    return week.dispatch_at.astimezone(TEHRAN).replace(hour=23, minute=59, second=0)


PHASE_STARTS: list[tuple[str, Callable[[Week], dt.datetime]]] = [
    (Week.Phase.INTAKE, lambda w: w.intake_opens_at),
    (Week.Phase.VISITS, lambda w: w.intake_closes_at),
    (Week.Phase.MEETING, lambda w: w.visits_end_at),
    (Week.Phase.DISPATCH, lambda w: w.dispatch_at),
    (Week.Phase.EXECUTION, end_of_dispatch_day),
]


def _advance(phase: str) -> Callable[[Week, dt.datetime], dict[str, Any]]:
    def run(week: Week, now: dt.datetime) -> dict[str, Any]:
        if PHASE_ORDER.index(phase) <= PHASE_ORDER.index(week.phase):
            return {"phase": week.phase}
        Week.objects.filter(pk=week.pk).update(phase=phase)
        week.phase = phase
        return {"phase": phase}

    return run


PHASE_STEP_LABELS = {
    "intake": _("آغاز پذیرش"),
    "visits": _("پایان پذیرش و آغاز بازدیدها"),
    "meeting": _("پایان بازدیدها"),
    "dispatch": _("آغاز ابلاغ"),
    "execution": _("آغاز اجرا"),
}


def register() -> None:
    for phase, due in PHASE_STARTS:
        register_step(
            f"phase_{phase}",
            due=due,
            run=_advance(phase),
            order=0,
            label=PHASE_STEP_LABELS.get(phase, phase),
        )
