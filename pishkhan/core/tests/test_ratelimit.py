from __future__ import annotations

from unittest import mock

from django.core.cache import cache
from django.test import SimpleTestCase, override_settings

from pishkhan.core.ratelimit import rate_limited, rate_parse

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@override_settings(CACHES=LOCMEM)
class RateLimitTests(SimpleTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_spec(self) -> None:
        self.assertEqual(rate_parse("5/m"), (5, 60))
        self.assertEqual(rate_parse("20/h"), (20, 3600))
        self.assertEqual(rate_parse("3/second"), (3, 1))
        self.assertEqual(rate_parse("7"), (7, 60))

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
