"""Property tests: whatever the holidays, a week's phases stay in order and on working days."""

import datetime as dt

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from pishkhan.cases.tracking import ALPHABET, tracking_code_is_valid, tracking_code_new
from pishkhan.core.jalali import TEHRAN, week_start
from pishkhan.cycle.models import Schedule
from pishkhan.cycle.schedule import compute_week, is_working

saturdays = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)).map(week_start)


@st.composite
def week_and_holidays(draw):
    start = draw(saturdays)
    days = draw(st.sets(st.integers(min_value=0, max_value=20), max_size=8))
    return start, {start + dt.timedelta(days=d): f"تعطیل {d}" for d in days}


class ScheduleProperties(SimpleTestCase):
    @settings(max_examples=300, deadline=None)
    @given(week_and_holidays())
    def test_phases_in_order_and_meeting_on_a_working_day(self, data):
        start, holidays = data
        times = compute_week(start, Schedule(), holidays)
        self.assertLessEqual(times.intake_opens_at, times.intake_closes_at)
        self.assertLessEqual(times.intake_closes_at, times.visits_start_at)
        self.assertLessEqual(times.visits_start_at, times.visits_end_at)
        self.assertLessEqual(times.visits_end_at, times.meeting_at)
        self.assertLessEqual(times.agenda_freeze_at, times.meeting_at)
        self.assertLessEqual(times.meeting_at, times.dispatch_at)
        meeting_day = times.meeting_at.astimezone(TEHRAN).date()
        self.assertTrue(is_working(meeting_day, holidays), (start, meeting_day, holidays))
        self.assertTrue(is_working(times.dispatch_at.astimezone(TEHRAN).date(), holidays))
        for day in times.visit_days:
            self.assertTrue(is_working(day, holidays))

    @given(week_and_holidays())
    def test_no_holidays_means_no_shifts(self, data):
        start, _ = data
        times = compute_week(start, Schedule(), {})
        self.assertEqual([s for s in times.shifts if s["from"] != s["to"]], [])
        self.assertEqual(times.meeting_at.astimezone(TEHRAN).date(), start + dt.timedelta(days=4))


class TrackingCodeProperties(SimpleTestCase):
    @given(st.integers(min_value=0, max_value=7), st.sampled_from(ALPHABET))
    def test_any_single_character_typo_is_caught(self, position, replacement):
        code = tracking_code_new()
        typo = code[:position] + replacement + code[position + 1 :]
        self.assertTrue(tracking_code_is_valid(code))
        if typo != code:
            self.assertFalse(tracking_code_is_valid(typo))

    @given(st.text(max_size=20))
    def test_arbitrary_input_never_crashes(self, text):
        self.assertIn(tracking_code_is_valid(text), (True, False))
