"""Hostile input the outside test sent (#13, item 7): each answered 500 or was accepted."""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings

from pishkhan.cases.services import case_submit
from pishkhan.test import BaseTestCase

INVISIBLE = "\u200c\u200b\u2060\u00ad\u200d \u200c"


class HostileInputTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        self.client.raise_request_exception = False

    def test_decision_number_with_a_slash_is_a_400(self) -> None:
        for number in ("a/b", "../../x", "1405/37/04"):
            response = self.client.get("/decisions/verify/", {"number": number})
            self.assertEqual(response.status_code, 400, number)
            self.assertContains(response, "درست نوشته نشده", status_code=400)

    def test_deeply_nested_json_is_a_400(self) -> None:
        deep = "[" * 100_000 + "]" * 100_000
        response = self.client.post("/api/v1/auth/token/", deep, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.login(self.manager1)
        response = self.client.post(
            "/api/v1/cases/XXXX-XXXX/accept/", deep, content_type="application/json"
        )
        self.assertIn(response.status_code, (400, 404))

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_bodies_over_the_limit_are_a_413(self) -> None:
        big = '{"mobile": "' + "9" * 5000 + '", "password": "x"}'
        response = self.client.post("/api/v1/auth/token/", big, content_type="application/json")
        self.assertEqual(response.status_code, 413)
        response = self.client.post("/api/v1/auth/token/", {"mobile": "9" * 5000, "password": "x"})
        self.assertEqual(response.status_code, 413)
        response = self.client.post(
            "/open311/v2/requests.json", {"service_code": "pothole", "description": "x" * 5000}
        )
        self.assertEqual(response.status_code, 400)  # Open311 answers errors in its spec's 400

    def test_a_name_of_invisible_characters_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            case_submit(
                municipality=self.m,
                channel="web",
                citizen_name=INVISIBLE,
                citizen_mobile="09121112233",
                service=self.pothole,
                description="چاله بزرگ در خیابان ولیعصر",
                district=self.d1,
            )

    def test_a_solved_comment_challenge_is_good_for_one_comment(self) -> None:
        from pishkhan.portal.forms import CHALLENGE_SALT
        from pishkhan.portal.models import Comment
        from pishkhan.portal.tests.helpers import published

        article = published(self.city, "خبر", "متن خبر")
        url = article.get_absolute_url() + "comment/"
        token = signing.dumps({"s": 7, "n": secrets.token_hex(6)}, salt=CHALLENGE_SALT)
        solved = {"name": "مهمان", "email": "", "answer": "7", "challenge": token, "website": ""}
        first = self.client.post(url, {**solved, "body": "نظر نخست دربارهٔ این خبر"})
        self.assertEqual(first.status_code, 302)
        again = self.client.post(url, {**solved, "body": "نظر دوم با همان پاسخ"})
        self.assertEqual(again.status_code, 400)
        self.assertEqual(Comment.objects.count(), 1)

    def test_comment_name_of_invisible_characters_is_refused(self) -> None:
        from pishkhan.portal.forms import CHALLENGE_SALT
        from pishkhan.portal.models import Comment
        from pishkhan.portal.tests.helpers import published

        article = published(self.city, "خبر", "متن خبر")
        token = signing.dumps({"s": 7, "n": secrets.token_hex(6)}, salt=CHALLENGE_SALT)
        response = self.client.post(
            article.get_absolute_url() + "comment/",
            {
                "name": INVISIBLE,
                "body": "متن نظر",
                "answer": "7",
                "challenge": token,
                "website": "",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Comment.objects.exists())


class ApiDocsTests(BaseTestCase):
    @override_settings(API_DOCS_PUBLIC=False)
    def test_production_docs_are_for_staff_only(self) -> None:
        for url in ("/api/schema/", "/api/docs/"):
            self.assertIn(self.client.get(url).status_code, (401, 403), url)
            self.login(self.citizen)
            self.assertIn(self.client.get(url).status_code, (401, 403), url)
            self.login(self.operator)
            self.assertEqual(self.client.get(url).status_code, 200, url)
            self.client.logout()

    @override_settings(API_DOCS_PUBLIC=True)
    def test_an_install_may_publish_them(self) -> None:
        self.assertEqual(self.client.get("/api/schema/").status_code, 200)
