from __future__ import annotations

from django.test import TestCase

from pishkhan.demo import portal
from pishkhan.demo.org import seed_org
from pishkhan.portal.models import Article
from pishkhan.portal.selectors import article_list_public


class DemoPortalTests(TestCase):
    def test_seed_article_first_then_realistic_news(self) -> None:
        m = seed_org()
        portal.seed(m)
        portal.seed(m)  # idempotent
        articles = list(article_list_public(municipality=m))
        self.assertEqual(len(articles), 7)
        first = articles[0]
        self.assertEqual(first.title, portal.SEED_TITLE)
        self.assertEqual(first.source, portal.SEED_SOURCE)
        self.assertIn("پیشخوان خدمت تنها مرجع تصمیم گیری در شهرداری است", first.body)
        self.assertTrue(all(a.status == Article.Status.PUBLISHED for a in articles))
        response = self.client.get(first.get_absolute_url())
        self.assertContains(response, "منبع محتوا")
        self.assertContains(response, "محتوای مشابه")
