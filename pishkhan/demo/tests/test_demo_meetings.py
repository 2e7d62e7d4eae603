"""The demo's last week: signed, sealed, dispatched; some orders done, one overdue."""

from __future__ import annotations

from pishkhan.demo import meetings
from pishkhan.demo.org import seed_org
from pishkhan.directives.models import Directive
from pishkhan.meetings.models import Meeting
from pishkhan.meetings.selectors import ledger_verify
from pishkhan.test import BaseTestCase


class DemoMeetingsTests(BaseTestCase):
    def test_seed(self) -> None:
        city = seed_org()
        with self.captureOnCommitCallbacks(execute=True):  # the minutes are sealed after commit
            meetings.seed(city)
        meeting = Meeting.objects.get(municipality=city)
        self.assertEqual(meeting.status, "signed")
        self.assertTrue(meeting.minutes_pdf)
        self.assertIsNotNone(meeting.dispatched_at)
        statuses = list(
            Directive.objects.filter(municipality=city).values_list("status", flat=True)
        )
        self.assertIn("done", statuses)
        self.assertEqual(statuses.count("overdue"), 1)
        self.assertEqual(ledger_verify(city), [])
