"""The clock's registry: daily steps, one clocksteps.py per app, docs/CYCLE.md held to it."""

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.test import TestCase

from pishkhan.core.jalali import TEHRAN
from pishkhan.cycle.clock import STEPS, register_step, week_steps
from pishkhan.cycle.models import Week

CYCLE_MD = Path(settings.BASE_DIR) / "docs" / "CYCLE.md"


def documented_steps() -> set[str]:
    text = CYCLE_MD.read_text(encoding="utf-8")
    table = text[text.index("| step | due |") :]
    names: set[str] = set()
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        names.update(re.findall(r"`([a-z0-9_]+)`", line.split("|")[1]))
    return names


class ClockRegistryTests(TestCase):
    def test_docs_cycle_lists_every_registered_step_and_no_other(self):
        documented = documented_steps()
        registered = set(STEPS)
        self.assertEqual(
            sorted(registered - documented), [], "registered steps missing in docs/CYCLE.md"
        )
        self.assertEqual(sorted(documented - registered), [], "docs/CYCLE.md lists unknown steps")

    def test_every_step_comes_from_its_apps_clocksteps_module(self):
        for app in ("cycle", "visits", "meetings", "directives", "portal"):
            source = (Path(settings.BASE_DIR) / "pishkhan" / app / "apps.py").read_text()
            self.assertNotIn("register_step", source, app)
            clocksteps = Path(settings.BASE_DIR) / "pishkhan" / app / "clocksteps.py"
            self.assertIn("def register() -> None:", clocksteps.read_text(), app)

    def test_a_daily_step_is_due_once_each_day_of_the_week(self):
        week = Week(
            start=dt.date(2026, 11, 21),
            intake_opens_at=dt.datetime(2026, 11, 21, tzinfo=TEHRAN),
            intake_closes_at=dt.datetime(2026, 11, 22, 23, 59, tzinfo=TEHRAN),
            visits_start_at=dt.datetime(2026, 11, 23, 6, tzinfo=TEHRAN),
            visits_end_at=dt.datetime(2026, 11, 24, 23, 59, tzinfo=TEHRAN),
            agenda_freeze_at=dt.datetime(2026, 11, 25, 11, 30, tzinfo=TEHRAN),
            meeting_at=dt.datetime(2026, 11, 25, 13, 30, tzinfo=TEHRAN),
            dispatch_at=dt.datetime(2026, 11, 26, 8, tzinfo=TEHRAN),
            visit_days=["2026-11-23", "2026-11-24"],
        )
        try:
            register_step("test_daily", daily_at=dt.time(7, 0), run=lambda w, now: {})
            daily = [
                (s.name, due) for s, due in week_steps(week) if s.name.startswith("test_daily")
            ]
        finally:
            STEPS.pop("test_daily", None)
        self.assertEqual([n for n, _ in daily], [f"test_daily_{d}" for d in range(7)])
        self.assertEqual(
            [due.astimezone(TEHRAN) for _, due in daily],
            [dt.datetime(2026, 11, 21 + d, 7, 0, tzinfo=TEHRAN) for d in range(7)],
        )

    def test_a_step_is_weekly_or_daily(self):
        with self.assertRaises(ValueError):
            register_step("neither", run=lambda w, now: {})
        with self.assertRaises(ValueError):
            register_step("both", due=lambda w: None, daily_at=dt.time(1, 0), run=lambda w, now: {})
        self.assertNotIn("neither", STEPS)
        self.assertNotIn("both", STEPS)
