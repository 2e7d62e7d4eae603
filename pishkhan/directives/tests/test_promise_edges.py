"""The one-week promise at its edges (#14): nothing leaves the loop silently."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.api.open311.present import request_dict
from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.core.errors import ApplicationError
from pishkhan.cycle.models import Schedule
from pishkhan.directives import services
from pishkhan.directives.models import Directive
from pishkhan.directives.tests.test_directives import photo
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.models import Meeting
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase


def templates_to(mobile: str) -> list[str]:
    return list(
        Message.objects.filter(to=mobile, channel="sms")
        .order_by("id")
        .values_list("template", flat=True)
    )


class RedecisionTests(BaseTestCase):
    """An overdue or extension item re-decided by the meeting reaches the case."""

    def setUp(self) -> None:
        super().setUp()
        self.case = make_case(self.city)
        self.dup = make_case(self.city, status="merged", merged_into=self.case)
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        from pishkhan.meetings.tests.test_flow import run_meeting

        self.run_meeting = run_meeting
        meeting = run_meeting(self, meeting)
        services.meeting_dispatch(meeting=meeting, actor=self.secretary, now=timezone.now())
        self.lead = Directive.objects.get(role="lead")
        services.directive_acknowledge(directive=self.lead, actor=self.head_civil)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "in_progress")
        self.late = timezone.now() + dt.timedelta(days=30)
        services.directives_mark_overdue(now=self.late)
        self.next = meeting_services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )
        meeting_services.agenda_build(meeting=self.next, now=self.late, actor=self.secretary)

    def _decide_all(self, outcome: str, **extra: object) -> Meeting:
        now = timezone.now()
        meeting = self.next
        meeting_services.agenda_freeze(meeting=meeting, now=now, actor=self.secretary)
        meeting_services.meeting_start(meeting=meeting, present=[self.member, self.member2, self.mayor],
                                       actor=self.secretary, now=now)  # fmt: skip
        for item in meeting.items.all():
            meeting_services.decision_record(item=item, outcome=outcome, text="تصمیم دوباره دربارهٔ ابلاغیه",
                                             actor=self.secretary, **extra)  # type: ignore[arg-type]  # fmt: skip
        meeting = meeting_services.meeting_close(meeting=meeting, actor=self.secretary, now=now)
        for member in (self.member, self.member2, self.mayor):
            meeting_services.minutes_sign(
                meeting=meeting, member=member, password=PASSWORD, now=now
            )
        meeting.refresh_from_db()
        services.meeting_dispatch(meeting=meeting, actor=self.secretary, now=self.late)
        return meeting

    def test_rejecting_an_overdue_order_takes_the_case_out_of_execution(self) -> None:
        self.assertEqual(set(self.next.items.values_list("kind", flat=True)), {"overdue"})
        self._decide_all("reject")
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "rejected")
        self.assertIsNotNone(self.case.closed_at)
        self.assertEqual(self.case.decision_text, "تصمیم دوباره دربارهٔ ابلاغیه")
        self.assertEqual(request_dict(self.case)["status"], "closed")
        self.assertEqual(Directive.objects.get(pk=self.lead.pk).status, "superseded")
        # the citizen, and the citizen merged into the case, are told
        self.assertEqual(
            templates_to(self.case.citizen_mobile)[-1], "cases/messages/decision_reject"
        )
        self.assertEqual(
            templates_to(self.dup.citizen_mobile)[-1], "cases/messages/decision_reject"
        )
        body = Message.objects.filter(to=self.dup.citizen_mobile).last().body  # type: ignore[union-attr]
        self.assertIn(self.dup.tracking_code, body)
        # dispatch again: nothing doubled
        services.meeting_dispatch(meeting=self.next, actor=self.secretary, now=self.late)
        self.assertEqual(
            templates_to(self.case.citizen_mobile).count("cases/messages/decision_reject"), 1
        )

    def test_redecision_moves_the_deadline_and_lead_department(self) -> None:
        new_deadline = self.next.scheduled_at.date() + dt.timedelta(days=21)
        self._decide_all("approve", lead_department=self.green, deadline=new_deadline)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "in_progress")
        self.assertEqual(self.case.deadline, new_deadline)
        self.assertEqual(self.case.lead_department, self.green)
        published = request_dict(self.case)
        self.assertEqual(published["agency_responsible"], self.green.name)
        self.assertEqual(published["expected_datetime"].date(), new_deadline)
        for mobile in (self.case.citizen_mobile, self.dup.citizen_mobile):
            self.assertEqual(templates_to(mobile)[-1], "cases/messages/redecided")
        self.assertTrue(self.case.events.filter(kind="redecided", public=True).exists())
        # the new order, once done, completes the case
        new = Directive.objects.filter(decision__item__meeting=self.next, role="lead").first()
        assert new is not None
        services.directive_complete(
            directive=new, note="انجام شد", actor=self.head_green, files=[photo()]
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "done")


class ObjectionWindowTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Schedule.objects.filter(municipality=self.m).update(objection_window_days=3)
        self.case = make_case(self.city, status="in_progress")
        self.dup = make_case(self.city, status="merged", merged_into=self.case)
        self.case = case_services.case_mark_done(case=self.case, actor=None, note="تمام")

    def test_done_message_gives_the_citys_window(self) -> None:
        body = (
            Message.objects.filter(to=self.case.citizen_mobile, template="cases/messages/done")
            .get()
            .body
        )
        self.assertIn("تا 3 روز", body.replace("۳", "3"))
        self.assertTrue(
            Message.objects.filter(
                to=self.dup.citizen_mobile, template="cases/messages/done"
            ).exists()
        )

    def test_clock_closes_after_the_citys_window_then_a_late_objection_is_answered(self) -> None:
        from pishkhan.cycle.models import Week
        from pishkhan.cycle.tick import clock_tick

        done_at = self.case.done_at
        assert done_at is not None
        clock_tick(now=done_at + dt.timedelta(days=2))
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "done")  # inside the city's 3 days
        clock_tick(now=done_at + dt.timedelta(days=4, hours=1))
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "closed")
        self.assertIsNotNone(self.case.closed_at)
        self.assertTrue(Week.objects.filter(municipality=self.m).exists())
        for mobile in (self.case.citizen_mobile, self.dup.citizen_mobile):
            self.assertEqual(templates_to(mobile)[-1], "cases/messages/closed")
        with self.assertRaisesMessage(ApplicationError, "درخواست تازه‌ای ثبت کنید") as raised:
            case_services.case_citizen_verdict(
                case=self.case, verdict="object", note="هنوز خراب است"
            )
        self.assertTrue(raised.exception.extra["new_request"])
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "closed")

    def test_objection_after_the_window_before_the_clock_is_refused(self) -> None:
        Case.objects.filter(pk=self.case.pk).update(done_at=timezone.now() - dt.timedelta(days=4))
        with self.assertRaisesMessage(ApplicationError, "مهلت ۳ روزهٔ اعتراض".replace("۳", "3")):
            case_services.case_citizen_verdict(case=self.case, verdict="object")
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, "done")
        # accepting is still fine
        case_services.case_citizen_verdict(case=self.case, verdict="accept")
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, "closed")

    def test_objection_inside_the_window_reopens(self) -> None:
        case_services.case_citizen_verdict(case=self.case, verdict="object", note="درست انجام نشد")
        self.assertEqual(Case.objects.get(pk=self.case.pk).status, "reopened")


class MergedCitizenTrackingTests(BaseTestCase):
    def test_merged_citizen_tracks_the_shared_case_with_own_code_and_mobile(self) -> None:
        from django.core.cache import cache

        cache.clear()

        def submit(mobile: str) -> Case:
            return case_services.case_submit(
                municipality=self.m, channel="web", citizen_name="رضا", citizen_mobile=mobile,
                service=self.pothole, district=self.d1, description="پیاده‌رو خراب است و باید درست شود",
            )  # fmt: skip

        primary = submit("09121112233")
        dup = submit("09124445566")
        case_services.case_accept(case=primary, needs_visit=False, actor=self.manager1)
        case_services.case_merge(case=dup, into=primary, actor=self.manager1)
        body = (
            Message.objects.filter(to=dup.citizen_mobile, template="cases/messages/merged")
            .get()
            .body
        )
        self.assertIn(dup.tracking_code, body)
        self.assertNotIn(primary.tracking_code, body)  # never another citizen's code
        r = self.client.post(
            "/track/", {"code": dup.tracking_code, "digits": dup.citizen_mobile[-4:]}
        )
        self.assertRedirects(r, f"/track/{dup.tracking_code}/")
        page = self.client.get(f"/track/{dup.tracking_code}/")
        self.assertContains(page, primary.get_status_display())
        # the shared case closes after the window: both citizens told; a late objection is
        # answered with the way to a new request
        Case.objects.filter(pk=primary.pk).update(
            status="done", done_at=timezone.now() - dt.timedelta(days=30)
        )
        case_services.case_close_expired(now=timezone.now())
        self.assertEqual(templates_to(dup.citizen_mobile)[-1], "cases/messages/closed")
        page = self.client.get(f"/track/{dup.tracking_code}/")
        self.assertContains(page, "ثبت درخواست تازه")
        self.assertContains(page, f"?service={self.pothole.code}")
        self.client.post(
            "/track/", {"code": primary.tracking_code, "digits": primary.citizen_mobile[-4:]}
        )
        r = self.client.post(
            f"/track/{primary.tracking_code}/verdict/", {"verdict": "object"}, follow=True
        )
        self.assertContains(r, "درخواست تازه‌ای ثبت کنید")
        self.assertEqual(Case.objects.get(pk=primary.pk).status, "closed")
