"""Week times on the real Iranian calendar of 1405 (official holidays from the `holidays`
package)."""

import datetime as dt

from pishkhan.core.jalali import TEHRAN
from pishkhan.cycle.models import Holiday, Schedule, Week
from pishkhan.cycle.schedule import intake_week_start, urgent_week_start
from pishkhan.cycle.services import holidays_seed, week_get_or_create, week_reschedule
from pishkhan.test import BaseTestCase


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TEHRAN)


class WeekScheduleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        holidays_seed(municipality=cls.m, today=dt.date(2026, 3, 21))

    def week(self, start):
        return week_get_or_create(self.m, start)

    def test_normal_week_follows_the_schedule(self):
        w = self.week(dt.date(2026, 11, 21))  # 30 Aban 1405, no holiday
        self.assertEqual((w.jalali_year, w.jalali_week), (1405, 36))
        self.assertEqual(w.intake_opens_at, at(2026, 11, 21))
        self.assertEqual(w.intake_closes_at, at(2026, 11, 22, 23, 59))
        self.assertEqual(w.visit_days, ["2026-11-23", "2026-11-24"])
        self.assertEqual(w.visits_start_at, at(2026, 11, 23, 6))
        self.assertEqual(w.visits_end_at, at(2026, 11, 24, 23, 59))
        self.assertEqual(w.meeting_at, at(2026, 11, 25, 13, 30))
        self.assertEqual(w.agenda_freeze_at, at(2026, 11, 25, 11, 30))
        self.assertEqual(w.dispatch_at, at(2026, 11, 26, 8))
        self.assertEqual(w.shifts, [])
        self.assertEqual(self.week(dt.date(2026, 11, 21)).pk, w.pk)  # get, not a second row

    def test_nowruz_1405_moves_visits_to_wednesday_meeting_to_thursday(self):
        # Sat 1 Farvardin .. Tue 4 Farvardin are holidays (Nowruz, Eid al-Fitr 1447).
        w = self.week(dt.date(2026, 3, 21))
        self.assertEqual((w.jalali_year, w.jalali_week), (1405, 1))
        self.assertEqual(w.visit_days, ["2026-03-25"])
        self.assertEqual(w.meeting_at, at(2026, 3, 26, 13, 30))  # Thursday 6 Farvardin
        self.assertEqual(w.dispatch_at, at(2026, 3, 28, 8))  # Saturday after (Friday off)
        phases = [(s["phase"], s["from"][:10], s["to"][:10]) for s in w.shifts]
        self.assertIn(("visits", "2026-03-24", "2026-03-25"), phases)
        self.assertIn(("meeting", "2026-03-25", "2026-03-26"), phases)
        self.assertIn(("dispatch", "2026-03-26", "2026-03-28"), phases)
        reasons = " ".join(s["reason"] for s in w.shifts)
        self.assertIn("نوروز", reasons)
        self.assertIn("پس از پایان بازدیدها", reasons)
        # intake is never shifted
        self.assertEqual(w.intake_closes_at, at(2026, 3, 22, 23, 59))

    def test_sizdah_bedar_week_meeting_on_holiday_goes_to_next_working_day(self):
        # Wed 12 and Thu 13 Farvardin 1405 are holidays; Tuesday is a visit day, so the
        # earlier day is before the visits end: the meeting goes to Saturday.
        w = self.week(dt.date(2026, 3, 28))
        self.assertEqual(w.visit_days, ["2026-03-30", "2026-03-31"])
        self.assertEqual(w.meeting_at, at(2026, 4, 4, 13, 30))
        self.assertEqual(w.dispatch_at, at(2026, 4, 5, 8))
        meeting = [s for s in w.shifts if s["phase"] == "meeting"][0]
        self.assertEqual(meeting["reason"], "روز جمهوری اسلامی")

    def test_tasua_ashura_1405_lunar_holidays(self):
        # Tasua Wed 3 Tir, Ashura Thu 4 Tir 1405 (Muharram 1448).
        w = self.week(dt.date(2026, 6, 20))
        self.assertEqual(w.visit_days, ["2026-06-22", "2026-06-23"])
        self.assertEqual(w.meeting_at, at(2026, 6, 27, 13, 30))
        self.assertEqual(w.agenda_freeze_at, at(2026, 6, 27, 11, 30))
        self.assertEqual(w.dispatch_at, at(2026, 6, 28, 8))
        by_phase = {s["phase"]: s for s in w.shifts}
        self.assertEqual(by_phase["meeting"]["reason"], "تاسوعای حسینی")
        self.assertEqual(by_phase["dispatch"]["reason"], "عاشورای حسینی")

    def test_tuesday_holiday_drops_a_visit_day_or_replaces_it_before_the_meeting(self):
        # 25 Farvardin 1405 (Tue 14 April 2026): martyrdom of Imam Sadiq (lunar).
        w = self.week(dt.date(2026, 4, 11))
        self.assertEqual(w.visit_days, ["2026-04-13"])
        self.assertEqual(w.visits_end_at, at(2026, 4, 13, 23, 59))
        self.assertEqual(w.meeting_at, at(2026, 4, 15, 13, 30))
        self.assertIn("حذف", w.shifts[0]["reason"])
        # With the meeting on Thursday there is room: Wednesday replaces Tuesday.
        other = self.make_other_schedule(meeting_day=5, dispatch_day=5, dispatch_time=dt.time(16))
        w2 = week_get_or_create(other, dt.date(2026, 4, 11))
        self.assertEqual(w2.visit_days, ["2026-04-13", "2026-04-15"])
        self.assertEqual(w2.meeting_at, at(2026, 4, 16, 13, 30))
        self.assertEqual(w2.dispatch_at, at(2026, 4, 16, 16))

    def test_meeting_on_holiday_moves_to_the_earlier_working_day_after_visits(self):
        # Thursday 22 Bahman 1405 (11 Feb 2027) is a holiday; meeting on Thursdays → Wednesday.
        other = self.make_other_schedule(meeting_day=5, dispatch_day=5, dispatch_time=dt.time(16))
        w = week_get_or_create(other, dt.date(2027, 2, 6))
        self.assertEqual(w.meeting_at, at(2027, 2, 10, 13, 30))
        self.assertEqual(w.dispatch_at, at(2027, 2, 13, 16))  # Sat: Thu holiday, Fri weekend
        self.assertEqual(w.shifts[0]["reason"], "پیروزی انقلاب اسلامی")

    def make_other_schedule(self, **fields):
        from pishkhan.test import make_city

        city = make_city("othercity")
        Schedule.objects.filter(municipality=city["municipality"]).update(**fields)
        holidays_seed(municipality=city["municipality"], today=dt.date(2026, 3, 21))
        return city["municipality"]

    def test_admin_added_holiday_reschedules_a_week_not_yet_begun(self):
        w = self.week(dt.date(2026, 12, 5))
        self.assertEqual(w.meeting_at, at(2026, 12, 9, 13, 30))
        Holiday.objects.create(
            municipality=self.m, date=dt.date(2026, 12, 9), name="تعطیلی آلودگی هوا"
        )
        changed = week_reschedule(week=w, now=at(2026, 12, 1))
        self.assertIn("meeting_at", changed)
        w.refresh_from_db()
        self.assertEqual(w.meeting_at, at(2026, 12, 10, 13, 30))  # Thursday
        self.assertEqual(w.shifts[0]["reason"], "تعطیلی آلودگی هوا")
        # once begun, a week keeps its times
        Holiday.objects.filter(date=dt.date(2026, 12, 9)).delete()
        self.assertEqual(week_reschedule(week=w, now=at(2026, 12, 6)), [])

    def test_phase_at(self):
        w = self.week(dt.date(2026, 11, 21))
        self.assertEqual(w.phase_at(at(2026, 11, 20, 23)), Week.Phase.PLANNED)
        self.assertEqual(w.phase_at(at(2026, 11, 22, 10)), Week.Phase.INTAKE)
        self.assertEqual(w.phase_at(at(2026, 11, 23, 1)), Week.Phase.VISITS)
        self.assertEqual(w.phase_at(at(2026, 11, 25, 9)), Week.Phase.MEETING)
        self.assertEqual(w.phase_at(at(2026, 11, 26, 9)), Week.Phase.DISPATCH)
        self.assertEqual(w.phase_at(at(2026, 11, 27, 9)), Week.Phase.EXECUTION)

    def test_late_case_joins_next_week_urgent_case_until_agenda_freeze(self):
        self.week(dt.date(2026, 11, 21))
        self.assertEqual(intake_week_start(self.m, at(2026, 11, 22, 23, 58)), dt.date(2026, 11, 21))
        self.assertEqual(intake_week_start(self.m, at(2026, 11, 23, 0, 1)), dt.date(2026, 11, 28))
        self.assertEqual(urgent_week_start(self.m, at(2026, 11, 24, 9)), dt.date(2026, 11, 21))
        self.assertEqual(urgent_week_start(self.m, at(2026, 11, 25, 11, 29)), dt.date(2026, 11, 21))
        self.assertEqual(urgent_week_start(self.m, at(2026, 11, 25, 11, 30)), dt.date(2026, 11, 28))
        # a holiday-shifted meeting moves the freeze with it (Tasua week: freeze Sat 11:30)
        self.week(dt.date(2026, 6, 20))
        self.assertEqual(urgent_week_start(self.m, at(2026, 6, 26, 20)), dt.date(2026, 6, 20))


class OneSourceForWeekTimesTests(BaseTestCase):
    """week_times_of: the stored Week's times, else computed with the holidays; the portal's
    week card and a meeting made for a week without a Week row read it (before, both used the
    bare schedule and put the Tasua week's meeting on the holiday)."""

    TASUA_WEEK = dt.date(2026, 6, 20)  # Wed 3 Tir and Thu 4 Tir 1405 are holidays

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        holidays_seed(municipality=cls.m, today=dt.date(2026, 3, 21))

    def test_computed_with_holidays_before_the_week_exists_then_the_stored_times(self):
        from pishkhan.cycle.schedule import week_times_of

        self.assertFalse(Week.objects.filter(start=self.TASUA_WEEK).exists())
        computed = week_times_of(self.m, self.TASUA_WEEK)
        self.assertEqual(computed.meeting_at, at(2026, 6, 27, 13, 30))  # not Wednesday 24 June
        week = week_get_or_create(self.m, self.TASUA_WEEK)
        Week.objects.filter(pk=week.pk).update(meeting_at=at(2026, 6, 28, 10))  # stored wins
        stored = week_times_of(self.m, self.TASUA_WEEK)
        self.assertEqual(stored.meeting_at, at(2026, 6, 28, 10))
        self.assertEqual(stored.visit_days, [dt.date(2026, 6, 22), dt.date(2026, 6, 23)])

    def test_portal_week_card_and_meeting_for_date_respect_holidays(self):
        from pishkhan.meetings.services import meeting_for_date
        from pishkhan.portal.request_views import week_info

        meeting = meeting_for_date(municipality=self.m, week_start=self.TASUA_WEEK)
        self.assertEqual(meeting.scheduled_at, at(2026, 6, 27, 13, 30))

        class CaseStub:
            week_start = self.TASUA_WEEK

        info = week_info(CaseStub(), self.m, now=at(2026, 6, 21, 9))  # type: ignore[arg-type]
        self.assertEqual(info["meeting"], at(2026, 6, 27, 13, 30))
        self.assertEqual(info["current"]["key"], "intake")

    def test_a_week_not_yet_created_is_computed_once_a_minute(self):
        from django.core.cache import cache

        from pishkhan.cycle.schedule import week_times_of

        first = week_times_of(self.m, self.TASUA_WEEK)
        with self.assertNumQueries(1):  # only the look for a stored Week
            again = week_times_of(self.m, self.TASUA_WEEK)
        self.assertEqual(again, first)
        again.shifts.append({"phase": "x"})  # a caller's copy: the held one is untouched
        self.assertNotIn({"phase": "x"}, week_times_of(self.m, self.TASUA_WEEK).shifts)
        cache.clear()  # as when the minute is up
        with self.assertNumQueries(3):  # Week, schedule, holidays
            week_times_of(self.m, self.TASUA_WEEK)
