"""clock_tick: runs every registered step that is due and not yet done, in order, once each.

For every active municipality the tick makes sure Weeks exist up to the week after ``now``
(creating the weeks an outage skipped), recomputes the times of weeks that have not begun
(holidays may have been edited), then gathers every (week, step) pair whose due time is
``<= now`` and which has no ClockStep row, and runs them sorted by (due time, step order).
Each step runs in its own transaction that first inserts its ClockStep row: the unique
(week, step) constraint makes a second worker's insert fail, so a step runs once even with
two workers; a step that raises rolls back with its row and is retried on the next tick.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction

from pishkhan.accounts.models import Municipality
from pishkhan.core.jalali import TEHRAN, week_start
from pishkhan.cycle.clock import Step, week_steps
from pishkhan.cycle.models import ClockStep, Week
from pishkhan.cycle.services import week_get_or_create, week_reschedule

logger = logging.getLogger("pishkhan.cycle")
# How far back the clock looks for undone steps (and fills in missing weeks).
LOOKBACK_WEEKS = 6


def weeks_ensure(municipality: Municipality, now: dt.datetime) -> list[Week]:
    """Create the missing weeks from the last one (at most LOOKBACK_WEEKS back) to next week."""
    current = week_start(now.astimezone(TEHRAN).date())
    target = current + dt.timedelta(days=7)
    oldest = current - dt.timedelta(days=7 * LOOKBACK_WEEKS)
    last = (
        Week.objects.filter(municipality=municipality, start__gte=oldest)
        .order_by("-start")
        .values_list("start", flat=True)
        .first()
    )
    day = current if last is None else min(last + dt.timedelta(days=7), current)
    created = []
    while day <= target:
        created.append(week_get_or_create(municipality, day))
        day += dt.timedelta(days=7)
    return created


def pending_steps(now: dt.datetime) -> list[tuple[dt.datetime, Step, Week]]:
    """Every (due, step, week) that is due and not done, in the order the clock runs them."""
    oldest = week_start(now.astimezone(TEHRAN).date()) - dt.timedelta(days=7 * LOOKBACK_WEEKS)
    weeks = list(
        Week.objects.filter(municipality__is_active=True, start__gte=oldest)
        .select_related("municipality")
        .prefetch_related("steps")
    )
    pending = []
    for week in weeks:
        done = {row.step for row in week.steps.all()}
        for step, due in week_steps(week):
            if step.name not in done and due is not None and due <= now:
                pending.append((due, step, week))
    pending.sort(key=lambda p: (p[0], p[1].order, p[2].start, p[2].municipality_id, p[1].name))
    return pending


def _run_step(due: dt.datetime, step: Step, week: Week, now: dt.datetime) -> str | None:
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = ClockStep.objects.create(
                    week=week, step=step.name, due_at=due, done_at=now, result={}
                )
        except IntegrityError:
            return None  # another worker did it
        fresh = Week.objects.select_related("municipality").get(pk=week.pk)
        result = step.run(fresh, now) or {}
        row.result = result
        row.save(update_fields=["result"])
    summary = " ".join(f"{k}={v}" for k, v in result.items())
    return f"{week.municipality.slug} {week} {step.name}" + (f": {summary}" if summary else "")


def clock_tick(*, now: dt.datetime) -> list[str]:
    """Do what is due up to ``now`` and has not been done. Returns a line per step done."""
    lines: list[str] = []
    for municipality in Municipality.objects.filter(is_active=True):
        for week in weeks_ensure(municipality, now):
            if week.phase == Week.Phase.PLANNED:
                week_reschedule(week=week, now=now)
    for due, step, week in pending_steps(now):
        try:
            line = _run_step(due, step, week, now)
        except Exception:  # a failing step is retried next tick; the others still run
            logger.exception("clock step %s failed for week %s", step.name, week.pk)
            lines.append(f"{week.municipality.slug} {week} {step.name}: FAILED")
            continue
        if line:
            lines.append(line)
    return lines
