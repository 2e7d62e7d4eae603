"""core.signed: a signed cookie read as Django reads it, its signature checked once per
process (issue #19: 35 µs of every returning citizen's tracking page)."""

from __future__ import annotations

import time
from unittest import mock

from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings

from pishkhan.core import signed
from pishkhan.core.signed import signed_cookie

SALT = "pishkhan.test"


def cookie_of(value: str, name: str = "tracked") -> str:
    response = HttpResponse()
    response.set_signed_cookie(name, value, salt=SALT)
    return response.cookies[name].value


def request_with(raw: str | None, name: str = "tracked"):
    request = RequestFactory().get("/")
    if raw is not None:
        request.COOKIES[name] = raw
    return request


class SignedCookieTests(SimpleTestCase):
    def setUp(self) -> None:
        signed._unsigned.cache_clear()

    def read(self, request, max_age: int = 3600) -> str:
        return signed_cookie(request, "tracked", salt=SALT, max_age=max_age)

    def test_reads_what_django_reads(self):
        raw = cookie_of("GRG-1,GRG-2")
        for request in (request_with(raw), request_with(None), request_with("")):
            expected = request.get_signed_cookie("tracked", default="", salt=SALT, max_age=3600)
            self.assertEqual(self.read(request), expected)
        self.assertEqual(self.read(request_with(raw)), "GRG-1,GRG-2")

    def test_an_altered_value_is_refused_every_time(self):
        raw = cookie_of("GRG-1")
        forged = raw.replace("GRG-1", "GRG-9")
        for _ in range(2):
            self.assertEqual(self.read(request_with(forged)), "")
        self.assertEqual(self.read(request_with("GRG-9:1abc:nonsense")), "")
        self.assertEqual(self.read(request_with("no-colons")), "")
        self.assertEqual(signed._unsigned.cache_info().currsize, 0)  # nothing forged is kept

    def test_a_cookie_of_another_name_or_salt_is_refused(self):
        raw = cookie_of("GRG-1", name="receipts")
        self.assertEqual(self.read(request_with(raw)), "")
        request = request_with(cookie_of("GRG-1"))
        self.assertEqual(signed_cookie(request, "tracked", salt="other", max_age=3600), "")

    def test_the_age_is_checked_on_every_read(self):
        raw = cookie_of("GRG-1")
        self.assertEqual(self.read(request_with(raw), max_age=60), "GRG-1")
        later = time.time() + 61
        with mock.patch("pishkhan.core.signed.time.time", return_value=later):
            self.assertEqual(self.read(request_with(raw), max_age=60), "")  # remembered, expired
        with mock.patch("django.core.signing.time.time", return_value=later):
            django = request_with(raw).get_signed_cookie(
                "tracked", default="", salt=SALT, max_age=60
            )
        self.assertEqual(django, "")

    def test_the_signature_is_checked_once(self):
        raw = cookie_of("GRG-1")
        with mock.patch.object(
            signing.Signer, "signature", autospec=True, side_effect=signing.Signer.signature
        ) as signature:
            for _ in range(5):
                self.assertEqual(self.read(request_with(raw)), "GRG-1")
        self.assertEqual(signature.call_count, 1)

    def test_a_fallback_key_still_reads(self):
        raw = cookie_of("GRG-1")
        with override_settings(SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[]):
            signed._unsigned.cache_clear()
            self.assertEqual(self.read(request_with(raw)), "")  # the old key is gone
        from django.conf import settings

        with override_settings(
            SECRET_KEY="a-new-key-" + "x" * 50, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]
        ):
            signed._unsigned.cache_clear()
            self.assertEqual(self.read(request_with(raw)), "GRG-1")
