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
        # Only this week's intake waits on a desk: past weeks were triaged in their week.
        this_week = qs.order_by("-week_start").values_list("week_start", flat=True).first()
        self.assertFalse(qs.filter(status="submitted", week_start__lt=this_week).exists())
        self.assertTrue(qs.filter(status="submitted", week_start=this_week).exists())
        for case in qs[:20]:
            self.assertLessEqual(
                case.created_at.date().toordinal() - case.week_start.toordinal(), 7
            )


class RejectGuidanceTests(TestCase):
    def test_each_reason_carries_only_the_guidance_that_fits(self):
        from pishkhan.cases.models import RejectReason

        m = seed_org()
        reasons = {r.text: r.guidance for r in RejectReason.objects.filter(municipality=m)}
        # "outside the municipality's duties" no longer sends every citizen to 122/121
        self.assertNotIn("۱۲۲", reasons["خارج از وظایف شهرداری"])
        self.assertNotIn("۱۲۱", reasons["خارج از وظایف شهرداری"])
        phones = {"۱۲۲": "آب", "۱۲۱": "برق", "۱۹۴": "گاز"}
        for text, guidance in reasons.items():
            for phone, topic in phones.items():
                if phone in guidance:
                    self.assertIn(topic, text, f"{text}: {guidance}")
