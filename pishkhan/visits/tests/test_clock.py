"""Whole weeks driven through the clock with explicit times."""

import datetime as dt

from django.core.management import call_command

from pishkhan.cases.models import Case, CaseEvent
from pishkhan.cases.services import case_mark_urgent
from pishkhan.cycle.models import ClockStep, Week
from pishkhan.cycle.schedule import urgent_week_start
from pishkhan.cycle.services import holidays_seed
from pishkhan.cycle.tick import _run_step, clock_tick, pending_steps
from pishkhan.notify.models import Message
from pishkhan.test import BaseTestCase
from pishkhan.visits.models import Visit
from pishkhan.visits.services import visit_report_file, visits_plan
from pishkhan.visits.tests.helpers import at, submit

NOV21 = dt.date(2026, 11, 21)


OWN_STEPS = ("phase_", "plan_visits", "visit_reminders_", "flag_unvisited")


def all_names(lines):
    return [line.split(" ")[2].rstrip(":") for line in lines]


def names(lines):
    """The clock's own and the visits' steps (meetings/directives steps are tested in their
    apps)."""
    return [n for n in all_names(lines) if n.startswith(OWN_STEPS)]


class NormalWeekTests(BaseTestCase):
    def test_a_normal_week_step_by_step(self):
        m = self.m
        first = clock_tick(now=at(2026, 11, 21, 0, 5))
        self.assertEqual(names(first), ["phase_intake"])
        self.assertEqual(
            list(
                Week.objects.filter(municipality=m)
                .order_by("start")
                .values_list("start", flat=True)
            ),
            [NOV21, dt.date(2026, 11, 28)],
        )
        cases = [
            submit(self.city, when=at(2026, 11, 21, 9 + i), lat=36.84 + i / 500) for i in range(3)
        ]
        self.assertEqual({c.week_start for c in cases}, {NOV21})
        self.assertEqual(names(clock_tick(now=at(2026, 11, 22, 12))), [])
        lines = clock_tick(now=at(2026, 11, 22, 23, 59))
        self.assertEqual(names(lines), ["phase_visits", "plan_visits", "visit_reminders_1"])
        self.assertIn("planned=3", lines[1])
        self.assertEqual(Visit.objects.filter(week_start=NOV21).count(), 3)
        self.assertEqual(Week.objects.get(municipality=m, start=NOV21).phase, Week.Phase.VISITS)
        reminders = Message.objects.filter(to__in=[self.senior.mobile, self.senior2.mobile])
        self.assertTrue(reminders.exists())
        self.assertEqual(names(clock_tick(now=at(2026, 11, 23, 6))), [])
        self.assertEqual(names(clock_tick(now=at(2026, 11, 23, 18))), ["visit_reminders_2"])
        # two of three visits are reported
        for visit in Visit.objects.filter(week_start=NOV21).order_by("pk")[:2]:
            visit_report_file(
                visit=visit,
                actor=visit.manager,
                findings="چاله به قطر یک متر",
                recommendation="approve",
                now=at(2026, 11, 23, 9),
            )
        lines = clock_tick(now=at(2026, 11, 24, 23, 59))
        self.assertEqual(names(lines), ["phase_meeting", "flag_unvisited"])
        self.assertIn("flagged=1", next(line for line in lines if "flag_unvisited" in line))
        left = Visit.objects.get(week_start=NOV21, status=Visit.Status.MISSED)
        self.assertTrue(CaseEvent.objects.filter(case=left.case, kind="unvisited").exists())
        self.assertEqual(
            Case.objects.filter(pk__in=[c.pk for c in cases], status="visited").count(), 2
        )
        # a re-run does nothing
        self.assertEqual(names(clock_tick(now=at(2026, 11, 24, 23, 59))), [])
        self.assertEqual(names(clock_tick(now=at(2026, 11, 26, 8))), ["phase_dispatch"])
        self.assertEqual(names(clock_tick(now=at(2026, 11, 26, 23, 59))), ["phase_execution"])
        self.assertEqual(Week.objects.get(municipality=m, start=NOV21).phase, Week.Phase.EXECUTION)
        steps = list(ClockStep.objects.filter(week__start=NOV21).values_list("step", flat=True))
        self.assertEqual(len(steps), len(set(steps)))  # every step once
        self.assertEqual(
            len(names(f"x y {s}" for s in steps)), 9
        )  # 5 phases + plan + 2 reminders + flag

    def test_late_tick_after_a_three_day_outage_catches_up_in_order_once(self):
        clock_tick(now=at(2026, 11, 21, 0, 5))
        for i in range(2):
            submit(self.city, when=at(2026, 11, 22, 10), lat=36.84 + i / 300)
        # the server is down from Sunday noon to Thursday noon
        lines = clock_tick(now=at(2026, 11, 26, 12))
        self.assertEqual(
            names(lines),
            [
                "phase_visits",
                "plan_visits",
                "visit_reminders_1",
                "visit_reminders_2",
                "phase_meeting",
                "flag_unvisited",
                "phase_dispatch",
            ],
        )
        self.assertEqual(len(set(all_names(lines))), len(lines))
        self.assertEqual(Week.objects.get(municipality=self.m, start=NOV21).phase, "dispatch")
        self.assertEqual(Visit.objects.filter(status=Visit.Status.MISSED).count(), 2)
        self.assertEqual(clock_tick(now=at(2026, 11, 26, 12)), [])

    def test_an_outage_across_weeks_creates_the_skipped_weeks(self):
        clock_tick(now=at(2026, 11, 21, 0, 5))
        call_command("tick", now="2026-12-13T09:00:00+03:30", verbosity=0)
        starts = set(Week.objects.filter(municipality=self.m).values_list("start", flat=True))
        self.assertTrue(
            {
                dt.date(2026, 11, 28),
                dt.date(2026, 12, 5),
                dt.date(2026, 12, 12),
                dt.date(2026, 12, 19),
            }
            <= starts
        )
        for start in (dt.date(2026, 11, 28), dt.date(2026, 12, 5)):
            self.assertEqual(Week.objects.get(municipality=self.m, start=start).phase, "execution")

    def test_a_step_done_by_another_worker_is_not_run_again(self):
        clock_tick(now=at(2026, 11, 21, 0, 5))
        due, step, week = pending_steps(at(2026, 11, 22, 23, 59))[0]
        ClockStep.objects.create(week=week, step=step.name, due_at=due, done_at=due)
        self.assertIsNone(_run_step(due, step, week, at(2026, 11, 22, 23, 59)))
        self.assertEqual(ClockStep.objects.filter(week=week, step=step.name).count(), 1)

    def test_late_case_joins_next_week_and_urgent_case_is_pulled_in(self):
        clock_tick(now=at(2026, 11, 21, 0, 5))
        submit(self.city, when=at(2026, 11, 22, 10))
        clock_tick(now=at(2026, 11, 22, 23, 59))
        late = submit(self.city, when=at(2026, 11, 23, 8), lat=36.85)
        self.assertEqual(late.week_start, dt.date(2026, 11, 28))
        clock_tick(now=at(2026, 11, 23, 9))
        self.assertFalse(Visit.objects.filter(case=late).exists())
        # the district manager marks it urgent: it joins this week until the agenda freeze
        urgent = submit(self.city, when=at(2026, 11, 23, 10), lat=36.86)
        week = urgent_week_start(self.m, at(2026, 11, 23, 11))
        self.assertEqual(week, NOV21)
        case_mark_urgent(case=urgent, actor=self.manager1, week_start=week)
        result = visits_plan(
            week=Week.objects.get(municipality=self.m, start=NOV21), now=at(2026, 11, 23, 11)
        )
        self.assertEqual(result["planned"], 1)
        visit = Visit.objects.get(case=urgent)
        self.assertEqual(visit.week_start, NOV21)
        self.assertIsNotNone(visit.planned_at)
        self.assertEqual(urgent_week_start(self.m, at(2026, 11, 25, 12)), dt.date(2026, 11, 28))
        # the late case is planned by the next week's clock
        clock_tick(now=at(2026, 11, 29, 23, 59))
        self.assertEqual(Visit.objects.get(case=late).week_start, dt.date(2026, 11, 28))


class HolidayWeekTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        holidays_seed(municipality=cls.m, today=dt.date(2026, 3, 21))

    def test_nowruz_week_visits_on_wednesday_meeting_thursday(self):
        clock_tick(now=at(2026, 3, 21, 0, 5))
        for i in range(2):
            submit(self.city, when=at(2026, 3, 21, 10), lat=36.84 + i / 300)
        lines = clock_tick(now=at(2026, 3, 22, 23, 59))
        self.assertEqual(names(lines)[:2], ["phase_visits", "plan_visits"])
        self.assertEqual(set(Visit.objects.values_list("day", flat=True)), {dt.date(2026, 3, 25)})
        # reminder the evening before the (shifted) visit day
        self.assertEqual(names(clock_tick(now=at(2026, 3, 24, 18))), ["visit_reminders_1"])
        self.assertEqual(
            names(clock_tick(now=at(2026, 3, 25, 23, 59))), ["phase_meeting", "flag_unvisited"]
        )
        self.assertEqual(names(clock_tick(now=at(2026, 3, 26, 13, 0))), [])
        week = Week.objects.get(municipality=self.m, start=dt.date(2026, 3, 21))
        self.assertEqual(week.meeting_at, at(2026, 3, 26, 13, 30))
        self.assertEqual(
            names(clock_tick(now=at(2026, 3, 28, 8))), ["phase_intake", "phase_dispatch"]
        )  # next week opens at 00:00

    def test_tasua_ashura_week_dispatch_waits_for_the_shifted_meeting(self):
        clock_tick(now=at(2026, 6, 20, 0, 5))
        clock_tick(now=at(2026, 6, 23, 23, 59))
        self.assertEqual(
            names(clock_tick(now=at(2026, 6, 25, 9))), []
        )  # Thursday (Ashura): nothing
        lines = clock_tick(now=at(2026, 6, 28, 8))
        self.assertIn("phase_dispatch", names(lines))
