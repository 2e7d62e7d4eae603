"""Nothing unverified goes out: a signed decision altered in the database stops the Thursday
dispatch, every letter, the bulletin and the public register; the secretary and the mayor are
alerted and the week shows why."""

from __future__ import annotations

import io

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from pishkhan.cycle.clock import STEPS
from pishkhan.cycle.models import ClockStep
from pishkhan.cycle.services import week_get_or_create
from pishkhan.cycle.tick import _run_step
from pishkhan.directives import services as directive_services
from pishkhan.directives.models import Directive
from pishkhan.meetings import services
from pishkhan.meetings.integrity import UnverifiedMinutes
from pishkhan.meetings.models import Decision, MeetingEvent
from pishkhan.meetings.selectors import ledger_verify
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.notify.models import Message
from pishkhan.portal.models import Article
from pishkhan.portal.services import bulletin_clock_step
from pishkhan.test import BaseTestCase

FORGED = "متن جعلی که هیچ‌کس امضا نکرده است"


class TamperedDecisionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.cases = [make_case(self.city) for _ in range(2)]
        self.meeting = services.meeting_for_date(municipality=self.m, week_start=this_week())
        services.agenda_build(meeting=self.meeting, now=timezone.now(), actor=self.secretary)
        self.meeting = run_meeting(self, self.meeting)
        self.week = week_get_or_create(self.m, this_week())
        self.decision = Decision.objects.get(item__meeting=self.meeting, item__number=2)
        self.original = self.decision.text

    def _tamper(self) -> None:
        Decision.objects.filter(pk=self.decision.pk).update(text=FORGED)

    def _restore(self) -> None:
        Decision.objects.filter(pk=self.decision.pk).update(text=self.original)

    def _alerts(self) -> set[str]:
        return set(
            Message.objects.filter(template="meetings/messages/integrity").values_list(
                "to", flat=True
            )
        )

    def test_ledger_names_meeting_item_field_and_signers(self) -> None:
        self._tamper()
        problems = ledger_verify()
        joined = "\n".join(problems)
        self.assertIn(f"جلسهٔ {self.meeting.number}، دستور ۲: «متن مصوبه»", joined)
        self.assertNotIn("دستور ۱:", joined)  # item 1 is intact
        # signers by name and title (the role when no title is set)
        self.assertIn(f"امضای {self.member.full_name} (", joined)
        self.assertIn(f"امضای {self.mayor.full_name} (شهردار)", joined)
        err = io.StringIO()
        with self.assertRaises(CommandError):
            call_command("verify_ledger", stdout=io.StringIO(), stderr=err)
        self.assertIn("دستور ۲", err.getvalue())

    def test_dispatch_letters_bulletin_register_refuse_then_resume_once_restored(self) -> None:
        self._tamper()
        now = timezone.now()
        # Thursday: nothing issued, the step records why (the week shows it), both alerted.
        _run_step(now, STEPS["dispatch"], self.week, now)  # as the clock does
        result = ClockStep.objects.get(week=self.week, step="dispatch").result
        self.assertIn("refused", result)
        self.assertTrue(any("متن مصوبه" in p for p in result["refused"]))
        self.assertEqual(Directive.objects.count(), 0)
        self.assertEqual(self._alerts(), {self.secretary.mobile, self.mayor.mobile})
        self.assertTrue(
            MeetingEvent.objects.filter(meeting=self.meeting, kind="integrity_refused").exists()
        )
        # by hand: the same refusal, in Persian, nothing half-written
        with self.assertRaises(UnverifiedMinutes) as ctx:
            directive_services.meeting_dispatch(meeting=self.meeting, actor=self.secretary, now=now)
        self.assertIn("ابلاغ مصوبات انجام نشد", ctx.exception.message)
        self.assertEqual(Directive.objects.count(), 0)
        # a second refusal of the same altered state does not alert again
        before = Message.objects.filter(template="meetings/messages/integrity").count()
        directive_services.dispatch_step(self.week, now)
        self.assertEqual(
            Message.objects.filter(template="meetings/messages/integrity").count(), before
        )
        # the bulletin is not published
        result = bulletin_clock_step(self.week, now)
        self.assertIn("refused", result)
        self.assertFalse(Article.objects.filter(bulletin_week=self.week.start).exists())
        # the public register withholds the altered meeting's decisions
        page = self.client.get("/decisions/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, FORGED)
        self.assertContains(page, f'data-withheld="{self.decision.number}"')
        # the week page shows why
        self.login(self.secretary)
        week_page = self.client.get(f"/office/week/?start={self.week.start.isoformat()}")
        self.assertContains(week_page, 'data-refused="dispatch"')

        # restored: dispatch, bulletin and register go ahead with the signed text
        self._restore()
        cache.clear()
        issued = directive_services.meeting_dispatch(
            meeting=self.meeting, actor=self.secretary, now=now
        )
        self.assertEqual(len(issued), 4)
        article = bulletin_clock_step(self.week, now)
        self.assertIsNotNone(article["bulletin"])
        body = Article.objects.get(bulletin_week=self.week.start).body
        self.assertIn(self.original, body)
        self.assertNotIn(FORGED, body)

        # tampered after dispatch: the worker renders no letter, the letter is refused
        self._tamper()
        self.assertEqual(directive_services.letters_render(), 0)
        self.assertFalse(Directive.objects.exclude(letter_pdf="").exists())
        lead = Directive.objects.filter(decision=self.decision, role="lead").get()
        self.login(self.head_civil)
        response = self.client.get(f"/office/directives/{lead.pk}/letter.pdf")
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "متن مصوبه", status_code=409)
        # restored: rendered on first request
        self._restore()
        response = self.client.get(f"/office/directives/{lead.pk}/letter.pdf")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
