from __future__ import annotations

import datetime as dt
import io

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from pishkhan.core.audit import audit_verify
from pishkhan.core.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from pishkhan.portal.models import Article
from pishkhan.portal.services import (
    article_archive,
    article_create,
    article_publish,
    article_submit,
)
from pishkhan.test import BaseTestCase, make_city


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), (10, 120, 100)).save(out, format="PNG")
    return out.getvalue()


@override_settings(MEDIA_ROOT="/tmp/pishkhan-test-var/media-portal")
class ArticleServiceTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_workflow_draft_review_published_archived(self) -> None:
        a = article_create(
            municipality=self.m,
            title="خبر آزمایشی",
            body="متن",
            actor=self.secretary,
            tags=["آسفالت", "منطقه یک"],
            source="روابط عمومی",
        )
        self.assertEqual(a.status, "draft")
        self.assertEqual(a.slug, "خبر-آزمایشی")
        self.assertEqual(a.tags.count(), 2)
        self.assertIn("اسفالت", a.search_key.replace("آ", "ا"))
        with self.assertRaises(InvalidTransition):
            article_publish(article=a, actor=self.secretary)
        article_submit(article=a, actor=self.secretary)
        a = article_publish(article=a, actor=self.secretary)
        self.assertEqual(a.status, "published")
        self.assertIsNotNone(a.publish_at)
        self.assertEqual(self.client.get(a.get_absolute_url()).status_code, 200)
        article_archive(article=a, actor=self.secretary)
        cache.clear()
        self.assertEqual(self.client.get(a.get_absolute_url()).status_code, 404)
        self.assertEqual(audit_verify(), [])

    def test_scheduled_article_hidden_until_due(self) -> None:
        a = article_create(municipality=self.m, title="فردا", body="متن", actor=self.secretary)
        article_submit(article=a, actor=self.secretary)
        article_publish(
            article=a, actor=self.secretary, publish_at=timezone.now() + dt.timedelta(hours=2)
        )
        self.assertEqual(self.client.get(a.get_absolute_url()).status_code, 404)
        Article.objects.filter(pk=a.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=1))
        self.assertEqual(self.client.get(a.get_absolute_url()).status_code, 200)

    def test_only_publishers_may_publish(self) -> None:
        a = article_create(municipality=self.m, title="خبر", body="متن", actor=self.secretary)
        article_submit(article=a, actor=self.secretary)
        with self.assertRaises(PermissionDeniedError):
            article_publish(article=a, actor=self.manager1)

    def test_cover_is_validated_by_content_and_reencoded(self) -> None:
        fake = SimpleUploadedFile("cover.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
        with self.assertRaises(ApplicationError):
            article_create(
                municipality=self.m, title="ب", body="م", actor=self.secretary, cover=fake
            )
        self.assertFalse(Article.objects.exists())
        good = SimpleUploadedFile("c.png", png_bytes(), content_type="image/png")
        a = article_create(
            municipality=self.m,
            title="با تصویر",
            body="م",
            actor=self.secretary,
            cover=good,
            cover_alt="نمای خیابان",
        )
        self.assertTrue(a.cover.name.endswith(".jpg"))
        with Image.open(a.cover.path) as img:
            self.assertEqual(img.format, "JPEG")
            self.assertLessEqual(max(img.size), 1600)
        article_submit(article=a, actor=self.secretary)
        article_publish(article=a, actor=self.secretary)
        page = self.client.get(a.get_absolute_url())
        self.assertContains(page, 'alt="نمای خیابان"')
        cover = self.client.get(a.get_absolute_url() + "cover/")
        self.assertEqual(cover["Content-Type"], "image/jpeg")


@override_settings(MEDIA_ROOT="/tmp/pishkhan-test-var/media-portal")
class ArticleOfficeViewTests(BaseTestCase):
    def test_secretary_writes_and_publishes_through_the_office(self) -> None:
        self.login(self.secretary)
        self.assertEqual(self.client.get("/office/site/articles/").status_code, 200)
        response = self.client.post(
            "/office/site/articles/new/",
            {
                "title": "خبر دفتر",
                "body": "بند یک\nبند دو",
                "tags": "آسفالت، منطقه",
                "source": "روابط عمومی",
            },
        )
        a = Article.objects.get()
        self.assertRedirects(response, f"/office/site/articles/{a.pk}/")
        self.client.post(f"/office/site/articles/{a.pk}/submit/")
        self.client.post(f"/office/site/articles/{a.pk}/publish/")
        a.refresh_from_db()
        self.assertEqual(a.status, "published")
        self.assertEqual(sorted(t.name for t in a.tags.all()), ["آسفالت", "منطقه"])

    def test_bad_cover_gives_persian_error_and_nothing_saved(self) -> None:
        self.login(self.secretary)
        bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
        response = self.client.post(
            "/office/site/articles/new/",
            {"title": "خبر", "body": "متن", "cover": bad, "cover_alt": "x"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Article.objects.exists())
        self.assertContains(response, "invalid-feedback")

    def test_other_roles_and_cities_are_refused(self) -> None:
        a = article_create(municipality=self.m, title="خبر", body="متن", actor=self.secretary)
        for user in (self.manager1, self.head_green, self.operator):
            self.client.logout()
            self.login(user)
            self.assertEqual(self.client.get("/office/site/articles/").status_code, 403)
        other = make_city("othercity")
        self.client.logout()
        self.login(other["secretary"])
        # On this city's site the tenancy guard refuses them; on their own site the row is not
        # found.
        self.assertEqual(self.client.get(f"/office/site/articles/{a.pk}/").status_code, 403)
        with override_settings(ALLOWED_HOSTS=["othercity.test"]):
            url = f"/office/site/articles/{a.pk}/"
            self.assertEqual(self.client.get(url, HTTP_HOST="othercity.test").status_code, 404)
            self.assertEqual(
                self.client.post(url + "submit/", HTTP_HOST="othercity.test").status_code, 404
            )
        a.refresh_from_db()
        self.assertEqual(a.status, "draft")
