"""The limits count in a cache every process shares (#13 item 3): two web workers used to keep
their own counters (32 failed logins before the first refusal with 2 workers), and a restart
reset them."""

from __future__ import annotations

import multiprocessing
import os
import shutil
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


def _counting(directory: str, processes: int, hits: int) -> list[multiprocessing.Process]:
    """``processes`` processes, started, each counting ``hits`` failed logins."""
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_count_hits, args=(directory, hits)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    return workers


class LimitsCacheTests(SimpleTestCase):
    def test_four_processes_share_one_counter_and_lose_no_hit(self):
        with tempfile.TemporaryDirectory() as directory:
            for worker in _counting(directory, 4, 50):
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

    def test_one_step_hit_counts_in_the_window_of_the_first(self):
        with tempfile.TemporaryDirectory() as directory:
            cache = LockedFileCache(directory, {"TIMEOUT": 600})
            self.assertEqual(cache.hit("k", 2), 1)
            time.sleep(1.0)
            self.assertEqual(cache.hit("k", 2), 2)  # still the first hit's window
            self.assertEqual(cache.get("k"), 2)  # written as Django's file cache reads it
            time.sleep(1.3)
            self.assertEqual(cache.hit("k", 2), 1)  # that window closed: a new one

    def test_a_counter_half_written_starts_again_and_is_never_an_error(self):
        # A process killed in the middle of rewriting a counter in place leaves a torn file.
        with tempfile.TemporaryDirectory() as directory:
            cache = LockedFileCache(directory, {"TIMEOUT": 600})
            self.assertEqual([cache.hit("k", 60) for _ in range(3)], [1, 2, 3])
            name = cache._key_to_file("k")
            with open(name, "r+b") as handle:
                handle.truncate(5)
            self.assertIsNone(cache.get("k"))
            self.assertFalse(cache.has_key("k"))
            self.assertEqual(cache.hit("k", 60), 1)
            self.assertEqual(cache.get("k"), 1)

    def test_reads_during_hits_see_whole_counters(self):
        with tempfile.TemporaryDirectory() as directory:
            writers = _counting(directory, 2, 300)
            cache = LockedFileCache(directory, {"TIMEOUT": 600})
            seen = []
            while any(w.is_alive() for w in writers):
                seen.append(cache.get("rl:login-fail:203.0.113.9", 0))
                time.sleep(0.001)  # a reader as the product has them: now and then
            for writer in writers:
                writer.join(60)
            self.assertEqual(seen, sorted(seen))  # never a torn (missing) counter mid-count
            self.assertEqual(cache.get("rl:login-fail:203.0.113.9"), 600)

    def test_the_worker_tidies_closed_windows_and_a_hit_lists_nothing(self):
        from unittest import mock

        with tempfile.TemporaryDirectory() as directory:
            cache = LockedFileCache(directory, {"TIMEOUT": 600})
            with mock.patch.object(cache, "_list_cache_files") as listing:
                for n in range(200):  # the old hit listed it at one hit in fifty
                    cache.hit(f"closed-{n}", 1)
                cache.hit("open", 600)
            listing.assert_not_called()  # no hit lists the directory any more
            time.sleep(1.1)
            cache.hit("open", 600)
            self.assertEqual(cache.tidy(), 200)
            self.assertEqual(len(cache._list_cache_files()), 1)
            self.assertEqual(cache.get("open"), 2)  # the open window is kept
            self.assertEqual(cache.tidy(), 0)

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
        self.assertEqual(out[0], "pishkhan.core.limits_cache.RedisLimitsCache")


class ProductionCacheTests(SimpleTestCase):
    """The production install (CACHE_URL=redis://…, docs/DEPLOY.md) really talks to Redis: the
    limits count there and the page cache reads back. It failed before: the Redis client was
    not among the requirements, so the first request of such an install raised
    ModuleNotFoundError. A private redis-server (Debian's, from `make test`'s system packages)
    on a socket in a temporary directory."""

    def test_limits_and_cache_on_redis(self):
        with tempfile.TemporaryDirectory() as directory:
            sock = Path(directory) / "redis.sock"
            server = subprocess.Popen(  # noqa: S603
                [
                    shutil.which("redis-server") or "redis-server",
                    "--port",
                    "0",
                    "--unixsocket",
                    str(sock),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
            try:
                for _ in range(100):
                    if sock.exists():
                        break
                    time.sleep(0.05)
                env = {**os.environ, "CACHE_URL": f"unix://{sock}?db=0"}
                env.pop("DJANGO_SETTINGS_MODULE", None)
                code = (
                    "import django, os;"
                    "os.environ['DJANGO_SETTINGS_MODULE'] = 'pishkhan.settings_test';"
                    "django.setup();"
                    "from django.core.cache import caches;"
                    "from pishkhan.core.ratelimit import rate_limited;"
                    "caches['default'].set('page', 'صفحه', 60);"
                    "hits = [rate_limited('submit:10.0.0.1', '2/m') for _ in range(3)];"
                    "print(type(caches['limits']).__name__, caches['default'].get('page'), hits)"
                )
                out = subprocess.run(  # noqa: S603
                    [sys.executable, "-c", code],
                    capture_output=True,
                    text=True,
                    cwd=settings.BASE_DIR,
                    env=env,
                )
            finally:
                server.terminate()
                server.wait(10)
        self.assertEqual(out.returncode, 0, out.stderr[-2000:])
        self.assertEqual(out.stdout.strip(), "RedisLimitsCache صفحه [False, False, True]")
