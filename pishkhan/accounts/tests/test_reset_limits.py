"""Password reset attacked the way the outside test did (#13 items 2 and 7)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import caches
from rest_framework.authtoken.models import Token

from pishkhan.accounts.models import LoginCode
from pishkhan.accounts.services import password_reset_confirm, password_reset_request
from pishkhan.core.errors import ApplicationError
from pishkhan.notify.models import Message
from pishkhan.test import BaseTestCase

NEW = "a-new-long-password"
# The limits (accounts.services; docs/SECURITY.md): guesses per code, wrong codes and codes
# sent per account and day.
RESET_CODE_MAX_ATTEMPTS = 5
RESET_ACCOUNT_MAX_FAILURES = 10
RESET_ACCOUNT_MAX_CODES = 5


def last_code(mobile: str) -> str:
    sms = Message.objects.filter(to=mobile, channel="sms").latest("id")
    return "".join(ch for ch in sms.body if ch.isdigit())[:6]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


class ResetGuessingTests(BaseTestCase):
    def setUp(self):
        for name in ("default", "limits"):
            try:
                caches[name].clear()
            except Exception:  # noqa: BLE001, S110 — the limits cache is added by item 3
                pass

    def age_codes(self, user, minutes: int = 2) -> None:
        """Move the account's codes back in time (the next one may be asked for)."""
        for code in LoginCode.objects.filter(user=user):
            LoginCode.objects.filter(pk=code.pk).update(
                created_at=code.created_at - dt.timedelta(minutes=minutes)
            )

    def test_wrong_guesses_are_counted_and_the_code_dies_at_the_cap(self):
        password_reset_request(mobile=self.operator.mobile)
        code = last_code(self.operator.mobile)
        for _ in range(RESET_CODE_MAX_ATTEMPTS):
            with self.assertRaises(ApplicationError):
                password_reset_confirm(
                    mobile=self.operator.mobile, code=wrong(code), new_password=NEW
                )
        login_code = LoginCode.objects.get(user=self.operator)
        self.assertEqual(login_code.attempts, RESET_CODE_MAX_ATTEMPTS)  # was 0: rolled back
        self.assertIsNotNone(login_code.used_at)
        with self.assertRaises(ApplicationError):  # the real code is dead too
            password_reset_confirm(mobile=self.operator.mobile, code=code, new_password=NEW)
        self.operator.refresh_from_db()
        self.assertFalse(self.operator.check_password(NEW))

    def test_two_hundred_guesses_from_many_addresses_never_reach_the_code(self):
        """The attack over HTTP, with a fresh address each time (no per-address limit helps)."""
        self.client.post("/accounts/password-reset/", {"send": "1", "mobile": self.operator.mobile})
        code = last_code(self.operator.mobile)
        for i in range(200):
            self.client.post(
                "/accounts/password-reset/",
                {
                    "confirm": "1",
                    "mobile": self.operator.mobile,
                    "code": wrong(code),
                    "new_password": NEW,
                },
                REMOTE_ADDR=f"10.9.{i // 250}.{i % 250}",
            )
        response = self.client.post(
            "/accounts/password-reset/",
            {"confirm": "1", "mobile": self.operator.mobile, "code": code, "new_password": NEW},
            REMOTE_ADDR="10.8.0.1",
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "درست نیست")
        self.operator.refresh_from_db()
        self.assertFalse(self.operator.check_password(NEW))

    def test_fresh_codes_do_not_give_fresh_guesses_past_the_account_cap(self):
        guesses = 0
        for _ in range(RESET_ACCOUNT_MAX_CODES):
            password_reset_request(mobile=self.operator.mobile)
            code = last_code(self.operator.mobile)
            for _ in range(RESET_CODE_MAX_ATTEMPTS):
                try:
                    password_reset_confirm(
                        mobile=self.operator.mobile, code=wrong(code), new_password=NEW
                    )
                except ApplicationError:
                    guesses += 1
            self.age_codes(self.operator)
        self.assertEqual(guesses, RESET_ACCOUNT_MAX_CODES * RESET_CODE_MAX_ATTEMPTS)
        counted = sum(
            LoginCode.objects.filter(user=self.operator).values_list("attempts", flat=True)
        )
        self.assertEqual(counted, RESET_ACCOUNT_MAX_FAILURES)  # codes past the cap took none
        before = Message.objects.count()
        password_reset_request(mobile=self.operator.mobile)
        self.assertEqual(Message.objects.count(), before)  # no new code for the day

    def test_an_account_gets_at_most_its_day_of_codes(self):
        for _ in range(RESET_ACCOUNT_MAX_CODES + 3):
            password_reset_request(mobile=self.operator.mobile)
            self.age_codes(self.operator)
        self.assertEqual(
            Message.objects.filter(to=self.operator.mobile, channel="sms").count(),
            RESET_ACCOUNT_MAX_CODES,
        )

    def test_wrong_codes_from_one_address_are_refused(self):
        staff = [
            self.operator,
            self.secretary,
            self.auditor,
            self.senior,
            self.manager1,
            self.manager2,
        ]
        for user in staff:
            password_reset_request(mobile=user.mobile)
        for i in range(10):  # RESET_RATE_LIMIT: 10 wrong codes an hour, spread over accounts
            user = staff[i % 5]
            self.client.post(
                "/accounts/password-reset/",
                {
                    "confirm": "1",
                    "mobile": user.mobile,
                    "code": wrong(last_code(user.mobile)),
                    "new_password": NEW,
                },
            )
        right = self.client.post(
            "/accounts/password-reset/",
            {
                "confirm": "1",
                "mobile": staff[5].mobile,
                "code": last_code(staff[5].mobile),
                "new_password": NEW,
            },
        )
        self.assertEqual(right.status_code, 429)
        staff[5].refresh_from_db()
        self.assertFalse(staff[5].check_password(NEW))
        other = self.client.post(
            "/accounts/password-reset/",
            {
                "confirm": "1",
                "mobile": staff[5].mobile,
                "code": last_code(staff[5].mobile),
                "new_password": NEW,
            },
            REMOTE_ADDR="10.7.0.1",
        )
        self.assertRedirects(other, "/accounts/login/", fetch_redirect_response=False)

    def test_reset_sms_to_many_staff_from_one_address_is_limited(self):
        staff = [
            self.operator,
            self.secretary,
            self.auditor,
            self.senior,
            self.manager1,
            self.manager2,
            self.mayor,
        ]
        statuses = [
            self.client.post(
                "/accounts/password-reset/", {"send": "1", "mobile": u.mobile}
            ).status_code
            for u in staff
        ]
        self.assertEqual(statuses, [200] * 5 + [429] * 2)  # RESET_SEND_RATE_LIMIT 5/h
        self.assertEqual(Message.objects.filter(channel="sms").count(), 5)

    def test_api_tokens_die_with_the_old_password(self):
        token = Token.objects.create(user=self.operator)
        self.assertEqual(
            self.client.get(
                "/api/v1/districts/", HTTP_AUTHORIZATION=f"Token {token.key}"
            ).status_code,
            200,
        )
        password_reset_request(mobile=self.operator.mobile)
        password_reset_confirm(
            mobile=self.operator.mobile, code=last_code(self.operator.mobile), new_password=NEW
        )
        self.assertFalse(Token.objects.filter(user=self.operator).exists())
        self.assertEqual(
            self.client.get(
                "/api/v1/districts/", HTTP_AUTHORIZATION=f"Token {token.key}"
            ).status_code,
            401,
        )
