"""Duplicates without a map point: folded Persian addresses and texts, and the same citizen."""

from django.test import SimpleTestCase

from pishkhan.cases.selectors import duplicate_candidates
from pishkhan.cases.services import case_submit
from pishkhan.cases.textmatch import address_segments, likely_duplicate, street_key, text_similarity
from pishkhan.test import BaseTestCase


class FoldingTests(SimpleTestCase):
    def test_abbreviations_half_spaces_and_arabic_letters_meet(self):
        self.assertEqual(street_key("خ. ولیعصر، ک. لاله"), street_key("خیابان ولی عصر کوچه لاله"))
        self.assertEqual(street_key("خيابان ولي‌عصر"), "ولیعصر")
        self.assertEqual(address_segments("بل. شهید بهشتي، نبش ک ۵"), ["بلوار:بهشتی", "کوچه:5"])
        self.assertEqual(street_key("پلاک ۱۲"), "")

    def test_typos_and_rewording_stay_similar_other_problems_do_not(self):
        a = "چاله بزرگ جلوی نانوایی سنگکی"
        self.assertGreater(text_similarity(a, "چالهٔ بزرگی کنار نانوائی سنگکی هست"), 0.4)
        self.assertLess(text_similarity(a, "درخت افتاده روی سیم برق"), 0.1)
        self.assertTrue(
            likely_duplicate(
                address_a="خ. ولیعصر، ک. لاله",
                address_b="خیابان ولی عصر",
                text_a=a,
                text_b="چاله بزرگ جلو نانوای سنگکی",
            )
        )
        self.assertFalse(
            likely_duplicate(
                address_a="خیابان ولیعصر", address_b="خیابان بهشتی", text_a=a, text_b=a
            )
        )


class PointlessDuplicateTests(BaseTestCase):
    def make(self, address, text, mobile="09125556677", channel="phone"):
        return case_submit(
            municipality=self.m,
            channel=channel,
            citizen_name="شهروند",
            citizen_mobile=mobile,
            service=self.pothole,
            description=text,
            address=address,
            district=self.d1,
            actor=self.operator,
        )

    def test_phone_cases_meet_by_street_and_text(self):
        first = self.make(
            "خ. ولیعصر، ک. لاله", "چاله بزرگ جلوی نانوایی سنگکی", mobile="09120000001"
        )
        second = self.make(
            "خیابان ولی عصر کوچه لاله پلاک ۴",
            "چالهٔ بزرگی کنار نانوائی سنگکی هست",
            mobile="09120000002",
        )
        other = self.make(
            "خیابان ولی عصر", "آسفالت جلوی مدرسه ترک خورده و نشست کرده", mobile="09120000003"
        )
        found = [c.pk for c in duplicate_candidates(second)]
        self.assertIn(first.pk, found)
        self.assertNotIn(other.pk, found)

    def test_same_citizen_without_address(self):
        first = self.make("", "چاله عمیق سر کوچه ما خطرناک است", mobile="09121234567")
        again = self.make("", "دوباره: چاله عمیق سر کوچه ما خطرناک است", mobile="09121234567")
        stranger = self.make("", "چاله عمیق سر کوچه ما خطرناک است", mobile="09127654321")
        found = [c.pk for c in duplicate_candidates(again)]
        self.assertIn(first.pk, found)
        self.assertNotIn(stranger.pk, found)
        self.assertEqual(first.street_key, "")
