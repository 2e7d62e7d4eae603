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
        meeting_services.meeting_start(
            meeting=meeting,
            present=[self.member, self.member2, self.mayor],
            actor=self.secretary,
            now=now,
        )
        for item in meeting.items.all():
            meeting_services.decision_record(
                item=item,
                outcome=outcome,
                text="تصمیم دوباره دربارهٔ ابلاغیه",
                actor=self.secretary,
                **extra,
            )  # type: ignore[arg-type]
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
        with self.assertRaisesMessage(ApplicationError, "مهلت ۳ روزهٔ اعتراض"):  # Persian digits
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
                municipality=self.m,
                channel="web",
                citizen_name="رضا",
                citizen_mobile=mobile,
                service=self.pothole,
                district=self.d1,
                description="پیاده‌رو خراب است و باید درست شود",
            )

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


class MergeDirectionAndUndoTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        spot = {"lat": 36.9, "lon": 54.5, "address": "خیابان گلستان، کوچهٔ ۵"}
        self.untriaged = make_case(self.city, status="submitted", **spot)
        self.accepted = make_case(self.city, status="accepted", **spot)
        self.login(self.manager1)

    def act(self, code: str, **data: str):  # type: ignore[no-untyped-def]
        return self.client.post(f"/office/cases/{code}/act/", data, follow=True)

    def test_buttons_say_which_way_and_merge_in_keeps_this_case(self) -> None:
        page = self.client.get(f"/office/cases/{self.accepted.tracking_code}/")
        self.assertContains(page, f"ادغام {self.untriaged.tracking_code} در این درخواست")
        # "merge that one into this": the page's case stays the primary
        r = self.act(
            self.accepted.tracking_code, action="merge_in", **{"from": self.untriaged.tracking_code}
        )
        self.assertContains(r, "تأیید ادغام")
        self.assertEqual(Case.objects.get(pk=self.untriaged.pk).status, "submitted")
        self.act(
            self.accepted.tracking_code,
            action="merge_in",
            confirm="1",
            **{"from": self.untriaged.tracking_code},
        )
        self.untriaged.refresh_from_db()
        self.assertEqual(
            (self.untriaged.status, self.untriaged.merged_into_id), ("merged", self.accepted.pk)
        )
        self.assertEqual(Case.objects.get(pk=self.accepted.pk).status, "accepted")

    def test_accepted_case_is_not_merged_into_an_untriaged_one(self) -> None:
        r = self.act(
            self.accepted.tracking_code,
            action="merge",
            into=self.untriaged.tracking_code,
            confirm="1",
        )
        self.assertContains(r, "جهت را برعکس کنید")
        self.assertEqual(Case.objects.get(pk=self.accepted.pk).status, "accepted")

    def test_merge_into_closed_case_refused(self) -> None:
        closed = make_case(self.city, status="closed")
        r = self.act(
            self.untriaged.tracking_code, action="merge", into=closed.tracking_code, confirm="1"
        )
        self.assertContains(r, "در آن ادغام نمی‌شود")
        self.assertEqual(Case.objects.get(pk=self.untriaged.pk).status, "submitted")

    def test_undo_a_wrong_merge_then_refused_after_the_decision(self) -> None:
        case_services.case_merge(case=self.untriaged, into=self.accepted, actor=self.manager1)
        page = self.client.get(f"/office/cases/{self.untriaged.tracking_code}/")
        self.assertContains(page, "برگرداندن ادغام")
        r = self.act(self.untriaged.tracking_code, action="unmerge")
        self.assertContains(r, "دوباره جداگانه بررسی می‌شود")  # the confirmation says so
        self.assertEqual(Case.objects.get(pk=self.untriaged.pk).status, "merged")
        self.act(self.untriaged.tracking_code, action="unmerge", confirm="1")
        self.untriaged.refresh_from_db()
        self.assertEqual(
            (self.untriaged.status, self.untriaged.merged_into_id), ("submitted", None)
        )
        self.assertEqual(templates_to(self.untriaged.citizen_mobile)[-1], "cases/messages/unmerged")
        # merged again, and the meeting decides the shared case: no undo any more
        case_services.case_merge(case=self.untriaged, into=self.accepted, actor=self.manager1)
        Case.objects.filter(pk=self.accepted.pk).update(status="decided")
        before = Case.objects.get(pk=self.untriaged.pk)
        r = self.act(self.untriaged.tracking_code, action="unmerge", confirm="1")
        self.assertContains(r, "ادغام دیگر برگشت‌پذیر نیست")
        after = Case.objects.get(pk=self.untriaged.pk)
        self.assertEqual(
            (after.status, after.merged_into_id), (before.status, before.merged_into_id)
        )


class InfoRequestAndDeferralTests(BaseTestCase):
    def test_info_request_reminded_then_decided_without_the_answer(self) -> None:
        case = make_case(self.city, status="submitted")
        case_services.case_request_info(
            case=case, question="عکس محل را بفرستید", actor=self.manager1
        )
        asked = case.events.get(new_status="info_requested").at
        self.assertEqual(
            case_services.info_requests_follow_up(
                municipality_id=self.m.pk, now=asked + dt.timedelta(days=1)
            ),
            {"reminded": 0, "expired": 0},
        )
        case_services.info_requests_follow_up(
            municipality_id=self.m.pk, now=asked + dt.timedelta(days=4)
        )
        case_services.info_requests_follow_up(
            municipality_id=self.m.pk, now=asked + dt.timedelta(days=5)
        )
        self.assertEqual(templates_to(case.citizen_mobile).count("cases/messages/info_reminder"), 1)
        result = case_services.info_requests_follow_up(
            municipality_id=self.m.pk, now=asked + dt.timedelta(days=8)
        )
        self.assertEqual(result["expired"], 1)
        case.refresh_from_db()
        self.assertEqual(case.status, "submitted")  # back on the desk, to decide without it
        self.assertEqual(templates_to(case.citizen_mobile)[-1], "cases/messages/info_expired")

    def test_deferrals_are_counted_and_past_the_limit_go_to_the_mayor(self) -> None:
        case = make_case(self.city, status="on_agenda")
        for n in (1, 2):
            case_services.case_record_decision(
                case=case,
                outcome="defer",
                text="هفتهٔ بعد",
                actor=self.secretary,
                decision_number=f"D{n}",
            )
            case.refresh_from_db()
            self.assertEqual((case.status, case.deferrals), ("deferred", n))
            if n == 1:
                Case.objects.filter(pk=case.pk).update(status="on_agenda")
        self.assertIsNotNone(case.due_week)
        meeting = meeting_services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        item = meeting.items.get(cases=case)
        self.assertEqual((item.deferrals, item.urgency), (2, 3))
        self.assertTrue(
            Message.objects.filter(
                to=self.mayor.mobile, template="meetings/messages/deferred_often"
            ).exists()
        )
        page = self.client
        self.login(self.secretary)
        self.assertContains(page.get(f"/office/meetings/{meeting.pk}/"), "۲ بار موکول‌شده")
