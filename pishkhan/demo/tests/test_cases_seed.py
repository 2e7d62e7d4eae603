import time

from django.db.models import Count
from django.test import TestCase

from pishkhan.cases.models import Case
from pishkhan.demo import cases
from pishkhan.demo.org import seed_org


class CasesSeedTests(TestCase):
    def test_seed_spreads_cases_over_weeks_districts_channels_and_states(self):
        m = seed_org()
        t0 = time.monotonic()
        n = cases.seed(m)
        self.assertLess(time.monotonic() - t0, 15)
        self.assertEqual(n, 120)
        qs = Case.objects.filter(municipality=m)
        self.assertEqual(qs.values("week_start").distinct().count(), 4)
        self.assertEqual(qs.values("district").distinct().count(), 3)
        self.assertEqual(qs.values("channel").distinct().count(), 6)
        states = dict(qs.values_list("status").annotate(n=Count("id")))
        for status in ("submitted", "info_requested", "accepted", "rejected", "merged"):
            self.assertGreater(states.get(status, 0), 0, status)
        self.assertTrue(qs.filter(status="accepted", needs_visit=False).exists())
        for case in qs.filter(status="merged"):
            self.assertEqual(case.merged_into.district_id, case.district_id)
        for case in qs[:20]:
            self.assertLessEqual(
                case.created_at.date().toordinal() - case.week_start.toordinal(), 7
            )
