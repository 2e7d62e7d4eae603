from __future__ import annotations

import secrets

from django.core import signing
from django.core.cache import cache
from django.test import override_settings

from pishkhan.core.audit import audit_verify
from pishkhan.core.errors import PermissionDeniedError
from pishkhan.portal.forms import CHALLENGE_SALT
from pishkhan.portal.models import Comment
from pishkhan.portal.services import comment_moderate, comment_reply
from pishkhan.portal.tests.helpers import published
from pishkhan.test import BaseTestCase, make_city


def form(body: str = "سلام، پیشنهاد خوبی است", **extra: str) -> dict[str, str]:
    data = {
        "name": "مهمان",
        "email": "guest@example.com",
        "body": body,
        "answer": "۷",
        "challenge": signing.dumps({"s": 7, "n": secrets.token_hex(6)}, salt=CHALLENGE_SALT),
        "website": "",
    }
    data.update(extra)
    return data


class CommentPostTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.article = published(self.city, "خبر", "متن خبر")
        self.url = self.article.get_absolute_url() + "comment/"

    def test_comment_waits_for_moderation_then_appears(self) -> None:
        response = self.client.post(self.url, form(), follow=True)
        self.assertContains(response, "پس از بررسی نمایش داده می‌شود")
        comment = Comment.objects.get()
        self.assertEqual(comment.status, Comment.Status.PENDING)
        self.assertTrue(comment.ip_hash)
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "پیشنهاد خوبی")
        with self.captureOnCommitCallbacks(execute=True):
            comment_moderate(comment=comment, to=Comment.Status.APPROVED, actor=self.secretary)
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, "پیشنهاد خوبی")
        self.assertNotContains(page, "guest@example.com")
        self.assertEqual(audit_verify(), [])

    def test_script_tag_is_stored_as_text_and_shown_escaped(self) -> None:
        self.client.post(self.url, form("<script>alert('x')</script> <b>bold</b>"))
        comment = Comment.objects.get()
        comment_moderate(comment=comment, to=Comment.Status.APPROVED, actor=self.secretary)
        cache.clear()
        page = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertIn("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", page)
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("<b>bold</b>", page)

    def test_five_megabyte_comment_is_refused_and_nothing_stored(self) -> None:
        response = self.client.post(self.url, form("آ" * (5 * 1024 * 1024)))
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "بیش از حد طولانی", status_code=413)
        self.assertFalse(Comment.objects.exists())

    def test_slightly_too_long_comment_gets_a_field_error(self) -> None:
        response = self.client.post(self.url, form("ب" * 3001))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "حداکثر ۳۰۰۰ نویسه", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_fifty_comments_a_minute_from_one_address(self) -> None:
        codes = []
        for i in range(50):
            r = self.client.post(self.url, form(f"نظر شمارهٔ {i} دربارهٔ خبر"))
            codes.append(r.status_code)
            if r.status_code == 429:
                self.assertIn("کمی بعد دوباره", r.content.decode())
        self.assertEqual(codes.count(302), 5)
        self.assertEqual(codes.count(429), 45)
        self.assertEqual(Comment.objects.count(), 5)
        self.assertFalse(Comment.objects.exclude(status="pending").exists())
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "نظر شمارهٔ")

    def test_honeypot_pretends_success_and_stores_nothing(self) -> None:
        response = self.client.post(self.url, form(website="http://spam.example"), follow=True)
        self.assertContains(response, "دریافت شد")
        self.assertFalse(Comment.objects.exists())

    def test_wrong_or_forged_challenge(self) -> None:
        response = self.client.post(self.url, form(answer="8"))
        self.assertContains(response, "پاسخ پرسش درست نیست", status_code=400)
        response = self.client.post(self.url, form(challenge="forged"))
        self.assertContains(response, "منقضی شده", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_duplicate_comment_detected_after_normalisation(self) -> None:
        self.client.post(self.url, form("نظر يكسان"))
        response = self.client.post(self.url, form("نظر یکسان", email=""))
        self.assertContains(response, "پیش‌تر فرستاده شده", status_code=400)
        self.assertEqual(Comment.objects.count(), 1)

    def test_trusted_email_skips_the_queue(self) -> None:
        for i in range(3):
            Comment.objects.create(
                article=self.article,
                name="ثابت",
                email="loyal@example.com",
                body=f"قدیمی {i}",
                status="approved",
            )
        self.client.post(self.url, form("نظر تازهٔ کاربر قدیمی", email="LOYAL@example.com"))
        self.assertEqual(Comment.objects.get(body="نظر تازهٔ کاربر قدیمی").status, "approved")

    def test_staff_comment_is_published_directly(self) -> None:
        self.login(self.secretary)
        self.client.post(self.url, form("نظر کارمند"))
        self.assertEqual(Comment.objects.get().status, "approved")

    def test_comment_on_unpublished_article_is_404(self) -> None:
        self.article.status = "draft"
        self.article.save()
        self.assertEqual(self.client.post(self.url, form()).status_code, 404)


class ModerationOfficeTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.article = published(self.city, "خبر", "متن")
        self.comment = Comment.objects.create(article=self.article, name="م", body="نظر در صف")

    def test_queue_and_actions(self) -> None:
        self.login(self.secretary)
        self.client.get("/office/site/comments/")  # warm the host → municipality cache
        with self.assertNumQueries(5):
            response = self.client.get("/office/site/comments/")
        self.assertContains(response, "نظر در صف")
        for i in range(12):
            Comment.objects.create(article=self.article, name="م", body=f"نظر دیگر {i}")
        with self.assertNumQueries(5):
            self.client.get("/office/site/comments/")
        self.client.post(f"/office/site/comments/{self.comment.pk}/spam/")
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, "spam")
        self.assertEqual(self.comment.moderated_by, self.secretary)
        self.client.post(f"/office/site/comments/{self.comment.pk}/approve/")
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, "approved")
        # approved → approved is not a transition: clear message, no change.
        response = self.client.post(
            f"/office/site/comments/{self.comment.pk}/approve/", follow=True
        )
        self.assertContains(response, "ممکن نیست")

    def test_official_reply_is_marked(self) -> None:
        self.login(self.secretary)
        self.client.post(
            f"/office/site/comments/{self.comment.pk}/reply/", {"body": "پیگیری می‌شود"}
        )
        reply = Comment.objects.get(parent=self.comment)
        self.assertTrue(reply.is_official)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, "approved")
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, "پاسخ رسمی شهرداری")
        self.assertContains(page, "پیگیری می‌شود")

    def test_roles_without_permission_are_refused(self) -> None:
        for user in (self.manager1, self.head_civil, self.citizen):
            self.client.logout()
            self.login(user)
            self.assertIn(self.client.get("/office/site/comments/").status_code, (302, 403))
            self.client.post(f"/office/site/comments/{self.comment.pk}/approve/")
        self.client.logout()
        self.assertEqual(self.client.get("/office/site/comments/").status_code, 302)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, "pending")

    def test_other_city_secretary_cannot_touch_comment(self) -> None:
        other = make_city("othercity")
        self.login(other["secretary"])
        self.assertEqual(self.client.get("/office/site/comments/").status_code, 403)
        with override_settings(ALLOWED_HOSTS=["othercity.test"]):
            own = self.client.get("/office/site/comments/", HTTP_HOST="othercity.test")
            self.assertEqual(own.status_code, 200)
            self.assertNotContains(own, "نظر در صف")
            url = f"/office/site/comments/{self.comment.pk}/approve/"
            self.assertEqual(self.client.post(url, HTTP_HOST="othercity.test").status_code, 404)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, "pending")
        with self.assertRaises(PermissionDeniedError):
            comment_reply(parent=self.comment, body="x", actor=other["secretary"])
