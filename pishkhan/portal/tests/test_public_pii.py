"""Public pages republished what people typed: mobiles, national ids and card numbers in
decisions, timelines and comments (issue 13 item 5). Each test publishes such text the way
it happens and reads the public page as anyone would."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from pishkhan.cases.models import CaseEvent
from pishkhan.cases.tracking import tracking_code_new
from pishkhan.core.jalali import week_start
from pishkhan.portal.models import Comment
from pishkhan.portal.services import bulletin_publish_for_week
from pishkhan.portal.tests.helpers import case, decision, published
from pishkhan.test import BaseTestCase

MOBILE = "۰۹۱۲۳۴۵۶۷۸۹"
NATIONAL_ID = "0499370899"
CARD = "6037-9912-3456-7893"
TEXT = f"با آقای رضایی به شمارهٔ {MOBILE} (کد ملی {NATIONAL_ID}، کارت {CARD}) هماهنگ شود."
SECRETS = (MOBILE, "09123456789", NATIONAL_ID, CARD, "6037991234567893")
KEPT = ("مصوبهٔ ۱۴۰۵-۳۰", "۱٬۲۵۰٬۰۰۰ ریال", "1403/05/12")


@override_settings(PUBLIC_CACHE_SECONDS=0)
class PublicTextTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def assertNoSecrets(self, body: str) -> None:
        for secret in SECRETS:
            self.assertNotIn(secret, body)

    def test_decision_register_feed_and_verify_page(self) -> None:
        d = decision(
            self.city,
            number="1405-30",
            text=f"{TEXT} {' '.join(KEPT)}",
            title=f"چاله؛ تماس {MOBILE}",
        )
        for url in ("/decisions/", "/decisions/feed/", f"/decisions/verify/{d.number}/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                body = response.content.decode()
                self.assertNoSecrets(body)
                self.assertIn("هماهنگ شود", body)
        register = self.client.get("/decisions/").content.decode()
        self.assertIn("*" * 11, register)

    def test_weekly_bulletin_article(self) -> None:
        ws = week_start(timezone.localdate())
        decision(self.city, number="1405-40", week=ws, text=TEXT, title=f"تماس {MOBILE}")
        article = bulletin_publish_for_week(municipality=self.m, week_start=ws)
        assert article is not None
        self.assertNoSecrets(article.body)
        self.assertNoSecrets(article.title)
        page = self.client.get(article.get_absolute_url()).content.decode()
        self.assertIn("هماهنگ شود", page)
        self.assertNoSecrets(page)

    def test_approved_comments_and_replies(self) -> None:
        article = published(self.city, "خبر", "متن خبر")
        Comment.objects.create(article=article, name=f"علی {MOBILE}", body=TEXT, status="approved")
        response = self.client.get(f"/news/{article.slug}/")
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertNoSecrets(body)
        self.assertIn("هماهنگ شود", body)

    def test_tracking_timeline(self) -> None:
        c = case(self.city, description="چاله", tracking_code=tracking_code_new())
        CaseEvent.objects.create(
            case=c,
            kind="note",
            old_status="submitted",
            new_status="submitted",
            at=timezone.now(),
            note=TEXT,
            public=True,
        )
        c.status_note = TEXT
        c.save(update_fields=["status_note"])
        self.client.post("/track/", {"code": c.tracking_code, "digits": "4567"})
        response = self.client.get(f"/track/{c.tracking_code}/")
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertIn("هماهنگ شود", body)
        self.assertNoSecrets(body)
