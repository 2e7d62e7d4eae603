from __future__ import annotations

from unittest import mock

from django.core.cache import cache, caches
from django.test import RequestFactory, SimpleTestCase, override_settings

from pishkhan.core.checks import rate_settings_check
from pishkhan.core.ratelimit import client_ip, rate_limited, rate_parse

LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}


@override_settings(CACHES=LOCMEM)
class RateLimitTests(SimpleTestCase):
    def setUp(self) -> None:
        cache.clear()
        caches["limits"].clear()

    def test_spec(self) -> None:
        self.assertEqual(rate_parse("5/m"), (5, 60))
        self.assertEqual(rate_parse("20/h"), (20, 3600))
        self.assertEqual(rate_parse("3/s"), (3, 1))
        self.assertEqual(rate_parse("20/10m"), (20, 600))
        with self.assertRaises(ValueError):
            rate_parse("7")
        with self.assertRaises(ValueError):
            rate_parse("many/m")

    def test_limit_per_key(self) -> None:
        hits = [rate_limited("comment:a", "3/m") for _ in range(5)]
        self.assertEqual(hits, [False, False, False, True, True])
        self.assertFalse(rate_limited("comment:b", "3/m"))

    def test_turn_of_the_minute_does_not_open_a_new_window(self) -> None:
        # First hit ten seconds before a minute turns, the rest just after it: a window aligned
        # to the clock's minute would let 2 × limit through in a few seconds.
        turn = 1_800_000_000.0  # a whole minute (divisible by 60)
        with mock.patch("time.time", return_value=turn - 10):
            self.assertFalse(rate_limited("comment:c", "2/m"))
        with mock.patch("time.time", return_value=turn + 5):
            self.assertEqual(
                [rate_limited("comment:c", "2/m") for _ in range(3)], [False, True, True]
            )
        # The window opened at turn - 10 and lasts a minute: after that the address may post again.
        with mock.patch("time.time", return_value=turn + 51):
            self.assertFalse(rate_limited("comment:c", "2/m"))


class ClientAddressTests(SimpleTestCase):
    def address(self, remote: str, forwarded: str | None = None) -> str:
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(RequestFactory().get("/", **extra))

    def test_without_a_trusted_proxy_the_header_is_ignored(self) -> None:
        self.assertEqual(self.address("5.1.1.1", "9.9.9.9"), "5.1.1.1")

    @override_settings(TRUSTED_PROXIES=("127.0.0.1", "10.0.0.2"))
    def test_behind_trusted_proxies_the_last_untrusted_address(self) -> None:
        self.assertEqual(self.address("127.0.0.1", "5.1.1.1"), "5.1.1.1")
        # what the client wrote itself comes first and is not reached
        self.assertEqual(self.address("127.0.0.1", "9.9.9.9, 5.1.1.1"), "5.1.1.1")
        # two proxies in a row
        self.assertEqual(self.address("127.0.0.1", "9.9.9.9, 5.1.1.1, 10.0.0.2"), "5.1.1.1")
        # a request from an untrusted address: its header is not believed
        self.assertEqual(self.address("5.3.3.3", "9.9.9.9"), "5.3.3.3")
        # the proxy itself, or an empty header
        self.assertEqual(self.address("127.0.0.1", ""), "127.0.0.1")
        self.assertEqual(self.address("127.0.0.1"), "127.0.0.1")


class RateSettingsCheckTests(SimpleTestCase):
    def test_a_malformed_rate_stops_the_start(self) -> None:
        self.assertEqual(rate_settings_check(), [])
        with override_settings(COMMENT_RATE_LIMIT="five a minute"):
            errors = rate_settings_check()
        self.assertEqual([e.id for e in errors], ["pishkhan.E001"])
        self.assertIn("COMMENT_RATE_LIMIT", errors[0].msg)
