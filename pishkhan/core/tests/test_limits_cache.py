"""The limits count in a cache every process shares (#13 item 3): two web workers used to keep
their own counters (32 failed logins before the first refusal with 2 workers), and a restart
reset them."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from pishkhan.core import ratelimit
from pishkhan.core.limits_cache import LockedFileCache


def _count_hits(directory: str, hits: int) -> None:
    cache = LockedFileCache(directory, {"TIMEOUT": 600})
    ratelimit._cache = lambda: cache  # type: ignore[assignment]
    for _ in range(hits):
        ratelimit.rate_limited("login-fail:203.0.113.9", "20/10m")


class LimitsCacheTests(SimpleTestCase):
    def test_four_processes_share_one_counter_and_lose_no_hit(self):
        with tempfile.TemporaryDirectory() as directory:
            context = multiprocessing.get_context("fork")
            workers = [context.Process(target=_count_hits, args=(directory, 50)) for _ in range(4)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(60)
            cache = LockedFileCache(directory, {"TIMEOUT": 600})
            self.assertEqual(cache.get("rl:login-fail:203.0.113.9"), 200)
            # A new process (a restart) sees the spent limit.
            self.assertTrue(self._spent_in_new_process(directory))

    def _spent_in_new_process(self, directory: str) -> bool:
        code = (
            "import django,os;"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE','pishkhan.settings_test');"
            "django.setup();from pishkhan.core import ratelimit;"
            "from pishkhan.core.limits_cache import LockedFileCache;"
            f"c=LockedFileCache({directory!r},{{'TIMEOUT':600}});ratelimit._cache=lambda:c;"
            "print(ratelimit.rate_spent('login-fail:203.0.113.9','20/10m'))"
        )
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
        )
        return out.stdout.strip() == "True"

    def test_a_hit_keeps_the_window_of_the_first(self):
        with tempfile.TemporaryDirectory() as directory:
            cache = LockedFileCache(directory, {"TIMEOUT": 600})
            cache.add("k", 0, 3)
            time.sleep(1.0)
            self.assertEqual(cache.incr("k"), 1)  # Django's incr would set a fresh 600 s
            time.sleep(2.5)
            self.assertIsNone(cache.get("k"))
            with self.assertRaises(ValueError):
                cache.incr("k")

    def test_the_default_install_counts_in_files_under_var(self):
        env = {**os.environ, "PISHKHAN_TESTING": "0", "DJANGO_DEBUG": "1", "CACHE_URL": ""}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        code = (
            "from pishkhan import settings as s;"
            "print(s.CACHES['limits']['BACKEND'], s.CACHES['limits']['LOCATION'])"
        )
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
            env=env,
        ).stdout.split()
        self.assertEqual(out[0], "pishkhan.core.limits_cache.LockedFileCache")
        self.assertEqual(Path(out[1]).name, "limits")
        env["CACHE_URL"] = "redis://127.0.0.1:6379/1"
        out = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=settings.BASE_DIR,
            env=env,
        ).stdout.split()
        self.assertEqual(out[0], "django.core.cache.backends.redis.RedisCache")
