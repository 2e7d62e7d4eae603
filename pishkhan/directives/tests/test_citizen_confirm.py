"""The citizen confirms by SMS that the work reported done is done (1) or not (2)."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pishkhan.cases.models import Case
from pishkhan.directives import services
from pishkhan.directives.models import CitizenCheck, DirectiveEvent
from pishkhan.directives.tests.test_directives import photo
from pishkhan.directives.tests.test_field_staff import DepartmentStaffSetup
from pishkhan.meetings.tests.factories import make_case
from pishkhan.notify.models import Message

LRI, PDI = "\u2066", "\u2069"


@override_settings(SMS_INBOUND_SECRET="s3cret")
class CitizenConfirmsBySmsTests(DepartmentStaffSetup):
    def report_done(self) -> None:
        services.directive_complete(
            directive=self.lead, note="آسفالت ترمیم شد", actor=self.staff, files=[photo()]
        )

    def reply(self, text: str, mobile: str | None = None) -> tuple[int, dict[str, object]]:
        r = self.client.post(
            "/sms/inbound/",
            {"from": mobile or self.case.citizen_mobile, "text": text},
            HTTP_X_PISHKHAN_SECRET="s3cret",
        )
        return r.status_code, r.json()

    def test_the_citizen_is_asked_when_staff_report_done(self) -> None:
        self.report_done()
        asked = Message.objects.get(template="directives/messages/citizen_check")
        self.assertEqual(asked.to, self.case.citizen_mobile)
        self.assertIn(f"{LRI}{self.case.tracking_code}{PDI}", asked.body)
        self.assertIn("۱", asked.body)
        self.assertIn("۲", asked.body)
        check = CitizenCheck.objects.get()
        self.assertEqual((check.case, check.answer), (self.case, ""))

    def test_head_done_asks_nobody(self) -> None:
        services.directive_complete(
            directive=self.lead, note="انجام شد", actor=self.head_civil, files=[photo()]
        )
        self.assertFalse(CitizenCheck.objects.exists())

    def test_citizen_confirmation_counts_like_the_heads(self) -> None:
        self.report_done()
        status, body = self.reply("۱")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["work"], "done")
        self.lead.refresh_from_db()
        self.case.refresh_from_db()
        self.assertEqual(self.lead.status, "done")
        self.assertEqual(self.case.status, "done")
        last = DirectiveEvent.objects.filter(directive=self.lead).last()
        assert last is not None
        self.assertIsNone(last.actor)
        self.assertIn("تأیید کرد", last.note)
        self.assertIn(self.case.tracking_code, last.note)
        self.assertTrue(
            Message.objects.filter(
                to=self.case.citizen_mobile, template="directives/messages/citizen_thanks"
            ).exists()
        )
        # the same reply again: a clear answer, nothing doubled
        events = DirectiveEvent.objects.count()
        status, body = self.reply("1")
        self.assertEqual(status, 409)
        self.assertIn("پیش‌تر ثبت شده", str(body["reply"]))
        self.assertEqual(DirectiveEvent.objects.count(), events)
        self.assertEqual(
            Message.objects.filter(template="directives/messages/citizen_thanks").count(), 1
        )
        # the head can no longer confirm or send back what is done
        with self.assertRaises(services.ApplicationError):
            services.directive_confirm(
                directive=self.lead, accept=False, note="نه هنوز", actor=self.head_civil
            )

    def test_not_done_goes_back_with_the_citizens_word_and_the_head_is_told(self) -> None:
        self.report_done()
        status, body = self.reply("۲ هنوز چاله پر نشده")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["work"], "not_done")
        self.lead.refresh_from_db()
        self.case.refresh_from_db()
        self.assertEqual(self.lead.status, "in_progress")
        self.assertIsNone(self.lead.completed_at)
        self.assertNotEqual(self.case.status, "done")
        last = DirectiveEvent.objects.filter(directive=self.lead).last()
        assert last is not None
        self.assertIn("هنوز چاله پر نشده", last.note)
        self.assertEqual(CitizenCheck.objects.get().note, "هنوز چاله پر نشده")
        self.login(self.head_civil)  # the head reads the citizen's words on the directive page
        page = self.client.get(reverse("directives:detail", args=[self.lead.pk]))
        self.assertContains(page, "هنوز چاله پر نشده")
        told = set(
            Message.objects.filter(template="directives/messages/citizen_not_done").values_list(
                "to", flat=True
            )
        )
        self.assertEqual(told, {self.head_civil.mobile, self.staff.mobile})
        body_text = Message.objects.filter(template="directives/messages/citizen_not_done")[0].body
        self.assertIn("«هنوز چاله پر نشده»", body_text)
        # a second "not done" (or a change of mind) is not recorded twice
        status, _ = self.reply("1")
        self.assertEqual(status, 409)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "in_progress")
        # the department reports again: a new question; this time the citizen confirms
        self.report_done()
        self.assertEqual(CitizenCheck.objects.count(), 2)
        status, _ = self.reply("1")
        self.assertEqual(status, 200)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "done")

    def test_reply_from_another_mobile_or_without_question(self) -> None:
        status, body = self.reply("1")  # nothing asked yet
        self.assertEqual(status, 404)
        self.assertIn("پرسشی", str(body["reply"]))
        self.report_done()
        status, body = self.reply("1", mobile="09350000000")
        self.assertEqual(status, 404)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "awaiting")
        status, body = self.reply("7")
        self.assertEqual(status, 400)
        self.assertIn("۱", str(body["reply"]))
        status, body = self.reply("1", mobile="not-a-phone")
        self.assertEqual(status, 400)
        self.assertIn("معتبر نیست", str(body["reply"]))

    def test_reply_after_the_head_settled_it(self) -> None:
        self.report_done()
        services.directive_confirm(directive=self.lead, accept=True, note="", actor=self.head_civil)
        self.assertEqual(CitizenCheck.objects.get().answer, "void")
        status, body = self.reply("2 نه")
        self.assertEqual(status, 409)
        self.assertIn("تعیین تکلیف", str(body["reply"]))
        self.assertIn("۳۳", str(body["reply"]))
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "done")
        # the case is done now: 33 is the citizen's way to object, and it still works
        status, body = self.reply("33")
        self.assertEqual(status, 200, body)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "reopened")

    def test_merged_citizens_are_asked_and_the_first_answer_counts(self) -> None:
        follower = make_case(self.city, status="merged", merged_into=self.case)
        self.report_done()
        self.assertEqual(
            set(CitizenCheck.objects.values_list("case__citizen_mobile", flat=True)),
            {self.case.citizen_mobile, follower.citizen_mobile},
        )
        status, _ = self.reply("2 خراب است", mobile=follower.citizen_mobile)
        self.assertEqual(status, 200)
        status, body = self.reply("1")  # the other citizen's question was settled by that
        self.assertEqual(status, 409)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "in_progress")
        self.assertNotEqual(Case.objects.get(pk=self.case.pk).status, Case.Status.DONE)

    def test_an_anonymised_case_keeps_no_mobile_for_the_question(self) -> None:
        from pishkhan.cases.retention import case_anonymise

        self.report_done()
        mobile = self.case.citizen_mobile
        case_anonymise(case=self.case, now=timezone.now())
        self.assertFalse(
            CitizenCheck.objects.filter(case__citizen_mobile=mobile).exists()
        )  # nothing of the citizen's number stays with the question
        status, _ = self.reply("1", mobile=mobile)
        self.assertEqual(status, 404)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "awaiting")
