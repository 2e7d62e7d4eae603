"""Login limits attacked the way the outside test did (#13 item 3): anyone could lock any
named account (the mayor's too) with five wrong passwords; the API token and the admin had no
per-address limit."""

from __future__ import annotations

from django.core.cache import cache, caches

from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase


def addr(i: int) -> str:
    return f"198.51.{i // 250}.{i % 250 + 1}"


class AccountSlowDownTests(BaseTestCase):
    def setUp(self):
        cache.clear()

    def wrong(self, user, i: int) -> int:
        return self.client.post(
            "/accounts/login/", {"mobile": user.mobile, "password": "nope"}, REMOTE_ADDR=addr(i)
        ).status_code

    def test_wrong_passwords_from_anywhere_never_lock_the_owner_out(self):
        # The mayor signs in on her own laptop once (her browser is remembered) …
        laptop = self.client_class()
        laptop.post("/accounts/login/", {"mobile": self.mayor.mobile, "password": PASSWORD})
        laptop.post("/accounts/logout/")
        # … then someone types wrong passwords for her from 40 addresses before the meeting.
        for i in range(40):
            self.wrong(self.mayor, i)
        response = laptop.post(
            "/accounts/login/", {"mobile": self.mayor.mobile, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/two-factor/"))
        self.assertIn("_auth_user_id", laptop.session)

    def spend(self, user, failures: int = 10) -> None:
        """An attacker has already typed ``failures`` wrong passwords for ``user``."""
        for i in range(5):
            self.assertEqual(self.wrong(user, i), 200)  # five free failures, nothing refused
        caches["limits"].set(f"rl:login-account:{user.pk}", failures, 900)

    def pass_time(self, user) -> None:
        """The account's turn (2**(failures-5) s, at most 60 s) has passed."""
        caches["limits"].delete(f"turn:login-account:{user.pk}")

    def test_an_unknown_browser_is_slowed_down_not_locked(self):
        self.spend(self.operator)
        self.assertEqual(self.wrong(self.operator, 6), 200)  # takes the account's 32 s turn
        right = {"mobile": self.operator.mobile, "password": PASSWORD}
        refused = self.client.post("/accounts/login/", right, REMOTE_ADDR=addr(7))
        self.assertEqual(refused.status_code, 429)
        self.assertContains(refused, "کمی بعد", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.pass_time(self.operator)
        allowed = self.client.post("/accounts/login/", right, REMOTE_ADDR=addr(8))
        self.assertRedirects(allowed, "/office/", fetch_redirect_response=False)

    def test_the_owner_is_told_once(self):
        for i in range(15):
            self.wrong(self.secretary, i)
            self.pass_time(self.secretary)
        warned = Message.objects.filter(
            to=self.secretary.mobile, template="accounts/messages/login_failures"
        )
        self.assertEqual(warned.count(), 1)
        self.assertIn("گذرواژهٔ نادرست", warned.get().body)

    def test_the_api_token_counts_against_the_same_account(self):
        self.spend(self.operator)
        self.client.post(
            "/api/v1/auth/token/",
            {"mobile": self.operator.mobile, "password": "nope"},
            REMOTE_ADDR=addr(6),
        )
        response = self.client.post(
            "/api/v1/auth/token/",
            {"mobile": self.operator.mobile, "password": PASSWORD},
            REMOTE_ADDR=addr(9),
        )
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("token", response.json())
