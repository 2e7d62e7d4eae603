"""A bulletin the clock refused (the signed minutes were altered) is published by the
secretary by hand from the week page, once the ledger verifies again; not before."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from pishkhan.cycle.clock import STEPS
from pishkhan.cycle.models import ClockStep
from pishkhan.cycle.services import week_get_or_create
from pishkhan.cycle.tick import _run_step
from pishkhan.meetings import services
from pishkhan.meetings.models import Decision
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.notify.models import Message
from pishkhan.portal.models import Article
from pishkhan.test import BaseTestCase

FORGED = "متن جعلی که هیچ‌کس امضا نکرده است"


class BulletinRerunTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        for _ in range(2):
            make_case(self.city)
        meeting = services.meeting_for_date(municipality=self.m, week_start=this_week())
        services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        self.meeting = run_meeting(self, meeting)
        self.week = week_get_or_create(self.m, this_week())
        self.decision = Decision.objects.get(item__meeting=self.meeting, item__number=2)
        self.original = self.decision.text
        self.url = f"/office/site/bulletin/{self.week.start.isoformat()}/rerun/"
        self.week_url = f"/office/week/?start={self.week.start.isoformat()}"

    def _set_text(self, text: str) -> None:
        Decision.objects.filter(pk=self.decision.pk).update(text=text)

    def test_refused_bulletin_rerun_by_hand_once_the_ledger_verifies(self) -> None:
        self.login(self.secretary)
        # nothing refused yet: no re-run to do
        page = self.client.post(self.url, follow=True)
        self.assertContains(page, "رد نشده است")
        self._set_text(FORGED)
        now = timezone.now()
        _run_step(now, STEPS["publish_bulletin"], self.week, now)  # the clock refuses it
        step = ClockStep.objects.get(week=self.week, step="publish_bulletin")
        self.assertIn("refused", step.result)
        alerts = Message.objects.filter(template="meetings/messages/integrity").count()
        week_page = self.client.get(self.week_url)
        self.assertContains(week_page, 'data-rerun="publish_bulletin"')  # the button is there
        # still altered: refused again, in Persian, nothing published, no second alert
        page = self.client.post(self.url, follow=True)
        self.assertContains(page, "انجام نشد")
        self.assertContains(page, "متن مصوبه")
        self.assertFalse(Article.objects.filter(bulletin_week=self.week.start).exists())
        self.assertEqual(
            Message.objects.filter(template="meetings/messages/integrity").count(), alerts
        )
        step.refresh_from_db()
        self.assertIn("refused", step.result)
        # a member (no run_meeting) cannot re-run it
        self._set_text(self.original)
        self.login(self.member)
        self.assertIn(self.client.post(self.url).status_code, (403, 404))
        self.assertFalse(Article.objects.filter(bulletin_week=self.week.start).exists())
        # restored: the secretary publishes it; the bulletin carries the signed text
        self.login(self.secretary)
        page = self.client.post(self.url, follow=True)
        self.assertContains(page, "بولتن مصوبات این هفته منتشر شد")
        body = Article.objects.get(bulletin_week=self.week.start).body
        self.assertIn(self.original, body)
        self.assertNotIn(FORGED, body)
        step.refresh_from_db()
        self.assertNotIn("refused", step.result)
        self.assertEqual(step.result["rerun_by"], self.secretary.full_name)
        self.assertTrue(step.result["refused_before"])  # why the clock's run was refused
        self.assertContains(page, 'data-rerun-done="publish_bulletin"')
        self.assertNotContains(page, 'data-rerun="publish_bulletin"')
        # done: a second re-run is refused, one bulletin
        page = self.client.post(self.url, follow=True)
        self.assertContains(page, "رد نشده است")
        self.assertEqual(Article.objects.filter(bulletin_week=self.week.start).count(), 1)
