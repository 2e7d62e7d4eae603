"""The promise through the real clock (#14): unheld meetings, rescheduling, late acceptance."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.core.errors import ApplicationError
from pishkhan.core.jalali import combine
from pishkhan.cycle.models import Week
from pishkhan.cycle.tick import clock_tick
from pishkhan.meetings.models import AgendaItem, Meeting
from pishkhan.meetings.unheld import meeting_reschedule
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase
from pishkhan.visits.models import Visit

W = dt.date(2027, 1, 2)  # a Saturday with no holidays in the test city


def at(day: int, hour: int, minute: int = 0, week: dt.date = W) -> dt.datetime:
    return combine(week + dt.timedelta(days=day), dt.time(hour, minute))


class PromiseClockTests(BaseTestCase):
    def submit(self, now: dt.datetime, mobile: str = "09121112233", **extra: object) -> Case:
        return case_services.case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="رضا",
            citizen_mobile=mobile,
            service=self.pothole,
            district=self.d1,
            now=now,
            description="پیاده‌رو خراب است و باید درست شود",
            **extra,  # type: ignore[arg-type]
        )

    def templates(self, mobile: str) -> list[str]:
        return list(
            Message.objects.filter(to=mobile, channel="sms")
            .order_by("id")
            .values_list("template", flat=True)
        )

    def test_unheld_meeting_carries_its_cases_alerts_and_shows_on_the_week(self) -> None:
        case = self.submit(at(0, 10))
        case_services.case_accept(case=case, needs_visit=False, actor=self.manager1, now=at(0, 11))
        clock_tick(now=at(4, 12))  # agenda built and frozen, meeting at 13:30
        case.refresh_from_db()
        self.assertEqual(case.status, "on_agenda")
        self.assertEqual(case.due_week, W)
        clock_tick(now=at(4, 15))  # within the grace: the secretary may still open it
        meeting = Meeting.objects.get(municipality=self.m, week_start=W)
        self.assertIsNone(meeting.not_held_at)
        clock_tick(now=at(4, 17))
        meeting.refresh_from_db()
        self.assertIsNotNone(meeting.not_held_at)
        case.refresh_from_db()
        self.assertEqual(case.status, "deferred")
        self.assertEqual(case.due_week, W + dt.timedelta(days=7))
        self.assertEqual(case.promised_week, W)
        self.assertEqual(self.templates(case.citizen_mobile)[-1], "cases/messages/carried_over")
        for person in (self.secretary, self.mayor):
            self.assertTrue(
                Message.objects.filter(
                    to=person.mobile, template="meetings/messages/not_held"
                ).exists()
            )
        from pishkhan.meetings import services as meeting_services

        with self.assertRaisesMessage(ApplicationError, "برگزارنشده"):
            meeting_services.meeting_start(
                meeting=meeting,
                present=[self.member, self.member2, self.mayor],
                actor=self.secretary,
                now=at(4, 18),
            )
        self.client.login(mobile=self.secretary.mobile, password=PASSWORD)
        page = self.client.get(f"/office/week/?start={W.isoformat()}")
        self.assertContains(page, "جلسه برگزار نشد")
        # the next week's agenda takes the case, marked as carried over
        clock_tick(now=at(4, 12, week=W + dt.timedelta(days=7)))
        item = AgendaItem.objects.get(meeting__week_start=W + dt.timedelta(days=7), cases=case)
        self.assertEqual(item.carried_from_id, meeting.pk)
        case.refresh_from_db()
        self.assertEqual(case.status, "on_agenda")
        agenda = self.client.get(f"/office/meetings/{item.meeting_id}/")
        self.assertContains(agenda, "منتقل‌شده از جلسهٔ برگزارنشده")
        # a second tick does nothing more
        before = Message.objects.count()
        clock_tick(now=at(4, 12, week=W + dt.timedelta(days=7)))
        self.assertEqual(Message.objects.count(), before)

    def test_reschedule_inside_the_week_moves_the_clock_and_refuses_bad_times(self) -> None:
        case = self.submit(at(0, 10))
        case_services.case_accept(case=case, needs_visit=False, actor=self.manager1, now=at(0, 11))
        clock_tick(now=at(2, 9))
        meeting = Meeting.objects.filter(municipality=self.m, week_start=W).first()
        if meeting is None:
            from pishkhan.meetings.services import meeting_for_week

            meeting = meeting_for_week(week=Week.objects.get(municipality=self.m, start=W))
        with self.assertRaisesMessage(ApplicationError, "گذشته است"):
            meeting_reschedule(meeting=meeting, at=at(1, 10), actor=self.secretary, now=at(2, 9))
        with self.assertRaisesMessage(ApplicationError, "همان هفته"):
            meeting_reschedule(meeting=meeting, at=at(8, 10), actor=self.secretary, now=at(2, 9))
        with self.assertRaisesMessage(ApplicationError, "پایان بازدید"):
            meeting_reschedule(meeting=meeting, at=at(3, 10), actor=self.secretary, now=at(2, 9))
        meeting.refresh_from_db()
        self.assertEqual(meeting.scheduled_at, at(4, 13, 30))  # nothing half-written
        meeting_reschedule(
            meeting=meeting, at=at(5, 10), actor=self.secretary, now=at(2, 9), reason="سفر استاندار"
        )
        week = Week.objects.get(municipality=self.m, start=W)
        self.assertEqual(week.meeting_at, at(5, 10))
        self.assertGreater(week.dispatch_at, at(5, 10))
        self.assertEqual(week.shifts[-1]["reason"], "سفر استاندار")
        clock_tick(now=at(4, 17))  # the old time passed: not unheld, it was moved
        meeting.refresh_from_db()
        self.assertIsNone(meeting.not_held_at)
        self.assertTrue(
            Message.objects.filter(
                to=self.mayor.mobile, template="meetings/messages/rescheduled"
            ).exists()
        )
        # through the page: a Jalali date in the past is refused in Persian
        self.client.login(mobile=self.secretary.mobile, password=PASSWORD)
        r = self.client.post(
            f"/office/meetings/{meeting.pk}/reschedule/",
            {"date": "۱۴۰۰/۰۱/۰۱", "time": "۱۰:۰۰"},
            follow=True,
        )
        self.assertContains(r, "گذشته است")
        r = self.client.post(
            f"/office/meetings/{meeting.pk}/reschedule/", {"date": "فردا", "time": "x"}, follow=True
        )
        self.assertContains(r, "۱۴۰۵/۰۹/۲۰")

    def test_case_accepted_after_its_intake_joins_the_next_cycle(self) -> None:
        case = self.submit(at(0, 10))
        self.assertEqual(case.week_start, W)
        clock_tick(now=at(2, 9))  # intake closed, visits planned without it
        case = case_services.case_accept(
            case=case, needs_visit=True, actor=self.manager1, now=at(2, 10)
        )
        nxt = W + dt.timedelta(days=7)
        self.assertEqual((case.week_start, case.due_week, case.promised_week), (nxt, nxt, nxt))
        body = (
            Message.objects.filter(to=case.citizen_mobile, template="cases/messages/accepted")
            .get()
            .body
        )
        self.assertIn("۱۴۰۵", body)  # the meeting's Jalali date, not "this week"
        self.assertNotIn("این هفته", body)
        clock_tick(now=at(2, 9, week=nxt))  # next week's plan takes it
        self.assertTrue(Visit.objects.filter(case=case, week_start=nxt).exists())

    def test_urgent_case_pulled_in_after_planning_is_planned(self) -> None:
        clock_tick(now=at(2, 0, 30))  # this week's plan ran (nothing to plan)
        case = self.submit(at(2, 1))  # after the cut-off: next week's intake
        self.assertEqual(case.week_start, W + dt.timedelta(days=7))
        case = case_services.case_accept(
            case=case, needs_visit=True, actor=self.manager1, now=at(2, 2)
        )
        case = case_services.case_mark_urgent(case=case, actor=self.manager1, week_start=W)
        self.assertEqual(case.due_week, W)
        self.assertTrue(Visit.objects.filter(case=case, week_start=W).exists())


class PromiseCheckTests(BaseTestCase):
    def submit(self, now: dt.datetime, mobile: str = "09121112233") -> Case:
        return case_services.case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="رضا",
            citizen_mobile=mobile,
            service=self.pothole,
            district=self.d1,
            now=now,
            description="پیاده‌رو خراب است و باید درست شود",
        )

    def test_countdown_on_track_inbox_and_api(self) -> None:
        from django.core.cache import cache

        from pishkhan.cases.promise import promise_of
        from pishkhan.cycle.tick import weeks_ensure

        cache.clear()
        now = dt.datetime.now(tz=dt.UTC)
        weeks_ensure(self.m, now)
        case = self.submit(now)
        promise = promise_of(case, now)
        self.assertEqual(promise.week, case.week_start)
        self.assertEqual(promise.state, "waiting")
        self.assertIn("روز دیگر", promise.phrase + " روز دیگر")  # phrase given in Persian
        self.assertRegex(promise.phrase, "[۰-۹]")  # Jalali date in Persian digits
        self.assertNotRegex(promise.phrase, "[0-9]")
        self.client.post("/track/", {"code": case.tracking_code, "digits": "2233"})
        page = self.client.get(f"/track/{case.tracking_code}/")
        self.assertContains(page, "وعدهٔ پیشخوان")
        self.assertContains(page, promise.phrase)
        self.client.login(mobile=self.manager1.mobile, password=PASSWORD)
        inbox = self.client.get("/office/cases/inbox/")
        self.assertContains(inbox, 'class="text-nowrap due-meeting')
        from pishkhan.core.jalali import format_date

        self.assertContains(inbox, format_date(promise.meeting_at, long=True))
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=self.manager1)
        body = self.client.get(
            f"/api/v1/cases/{case.tracking_code}/", HTTP_AUTHORIZATION=f"Token {token.key}"
        ).json()
        self.assertEqual(body["promise"]["week"], case.week_start.isoformat())
        self.assertEqual(body["promise"]["text"], promise.phrase)

    def test_clock_check_puts_back_what_it_can_and_lists_the_rest(self) -> None:
        import io

        from django.core.management import call_command

        untriaged = self.submit(at(0, 9), mobile="09121110000")
        lost = self.submit(at(0, 10))
        case_services.case_accept(case=lost, needs_visit=False, actor=self.manager1, now=at(0, 11))
        Case.objects.filter(pk=lost.pk).update(status="deferred", due_week=None)  # promise lost
        clock_tick(now=at(2, 0, 30))  # the check after the intake phase
        lost.refresh_from_db()
        self.assertEqual(lost.due_week, W)  # put back: the next meeting that can take it
        self.assertTrue(lost.events.filter(kind="carried_over").exists())
        # past the week's meeting: the untriaged request has no clear rule -> listed
        clock_tick(now=at(6, 12))
        self.login(self.mayor)
        home = self.client.get("/office/")
        self.assertContains(home, untriaged.tracking_code)
        self.assertContains(home, "بررسی‌نشده")
        out, err = io.StringIO(), io.StringIO()
        with (
            self.assertRaises(SystemExit) as exit_,
            mock.patch("django.utils.timezone.now", return_value=at(6, 12)),
        ):
            call_command("promise_check", stdout=out, stderr=err)
        self.assertEqual(exit_.exception.code, 1)
        self.assertIn(untriaged.tracking_code, out.getvalue())
        case_services.case_reject(case=untriaged, reason=None, note="تکراری", actor=self.manager1)
        out = io.StringIO()
        with mock.patch("django.utils.timezone.now", return_value=at(6, 13)):
            call_command("promise_check", stdout=out)
        self.assertIn("on the path", out.getvalue())

    def test_untriaged_request_listed_when_the_clock_never_created_its_week(self) -> None:
        import io

        from django.core.management import call_command

        # Requests came in, the clock was down for weeks (no Week rows): three weeks later the
        # check must still see that the week's meeting (from the schedule) has passed.
        forgotten = self.submit(at(0, 9))
        self.assertFalse(Week.objects.exists())
        later = at(0, 12, week=W + dt.timedelta(days=21))
        out = io.StringIO()
        with (
            self.assertRaises(SystemExit) as exit_,
            mock.patch("django.utils.timezone.now", return_value=later),
        ):
            call_command("promise_check", stdout=out)
        self.assertEqual(exit_.exception.code, 1)
        self.assertIn(forgotten.tracking_code, out.getvalue())
        # before its meeting it is on the path
        out = io.StringIO()
        with mock.patch("django.utils.timezone.now", return_value=at(1, 9)):
            call_command("promise_check", stdout=out)
        self.assertNotIn(forgotten.tracking_code, out.getvalue())
