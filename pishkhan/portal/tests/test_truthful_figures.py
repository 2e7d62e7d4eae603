"""Public figures tell the truth: a deferral is not an output decision nor "no execution
needed"; a week without a signed meeting is a gap, not a week of zero."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.models import Decision
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.portal import selectors
from pishkhan.test import BaseTestCase


class TruthfulFiguresTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        make_case(self.city)
        make_case(self.city)
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        # Deferred by the meeting itself, before the minutes are signed (a decision altered
        # after signing is withheld from the register: nothing unverified goes out).
        self.meeting = run_meeting(self, meeting, defer_first=True)
        self.deferred = Decision.objects.filter(item__meeting=self.meeting).order_by("id").first()

    def test_deferral_is_not_a_decision_nor_closed(self) -> None:
        total = Decision.objects.filter(item__meeting=self.meeting).count()
        counter = selectors.week_counter(municipality=self.m)
        self.assertEqual(counter["decided"], total - 1)
        self.deferred.refresh_from_db()
        self.assertEqual(selectors.decision_status(self.deferred), "deferred")
        self.assertNotEqual(str(selectors.STATUS_LABELS["deferred"]), "بدون اقدام اجرایی")
        page = self.client.get("/decisions/")
        self.assertContains(page, "موکول به جلسهٔ بعد")

    def test_weeks_without_meeting_are_gaps(self) -> None:
        figures = selectors._transparency_compute(
            municipality=self.m, weeks=12, today=timezone.localdate()
        )
        self.assertIsNone(figures["decided"][0])
        self.assertIsNone(figures["decision_days"][0])
        total = Decision.objects.filter(item__meeting=self.meeting).count()
        self.assertEqual(figures["decided"][-1], total - 1)
        self.assertIsNotNone(figures["decision_days"][-1])
        page = self.client.get("/stats/")
        self.assertContains(page, "بدون جلسه")
