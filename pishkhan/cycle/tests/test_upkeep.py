"""The worker refreshes SQLite's planner statistics at start and daily; PostgreSQL's own
autovacuum does it there."""

import unittest
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import SimpleTestCase, TestCase, TransactionTestCase

from pishkhan.accounts.models import District
from pishkhan.cycle import jobs, upkeep
from pishkhan.test import make_city


def stat_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'accounts_district'")
        return int(cursor.fetchone()[0])


class DatabaseStatisticsTests(TestCase):
    def setUp(self):
        make_city()
        patcher = mock.patch.dict(upkeep._last_run, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_registered_as_a_worker_job(self):
        self.assertIs(
            jobs.JOBS["cycle.database_statistics"].run, upkeep.database_statistics_refresh
        )

    def test_refreshed_at_start_then_once_a_day(self):
        if connection.vendor != "sqlite":
            with self.assertNumQueries(0):
                self.assertEqual(upkeep.database_statistics_refresh(now=1000.0), 0)
            return
        self.assertEqual(upkeep.database_statistics_refresh(now=1000.0), 0)
        self.assertGreater(stat_rows(), 0)  # the districts' indexes have statistics
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
        upkeep.database_statistics_refresh(now=1000.0 + 3600)
        self.assertEqual(stat_rows(), 0)  # an hour later: not again
        upkeep.database_statistics_refresh(now=1000.0 + upkeep.STATISTICS_EVERY_SECONDS + 1)
        self.assertGreater(stat_rows(), 0)

    def test_statistics_count_every_row(self):
        if connection.vendor != "sqlite":
            return  # (PostgreSQL: nothing to do, see test_refreshed_at_start_then_once_a_day)
        # One value in 3,000 rows, as "one city" is in a city's cases. A sampled ANALYZE
        # reported its sample (about 1,000 rows per value), so the planner took the city's
        # index for a selective one and the inbox walked it.
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE upkeep_probe (city INTEGER)")
            cursor.execute("CREATE INDEX upkeep_probe_city ON upkeep_probe (city)")
            cursor.executemany("INSERT INTO upkeep_probe VALUES (?)", [(1,)] * 3000)
            cursor.execute("PRAGMA analysis_limit = 500")  # a connection set otherwise before
        upkeep.database_statistics_refresh(now=1000.0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'upkeep_probe_city'")
            self.assertEqual(cursor.fetchone()[0], "3000 3000")


@unittest.skipUnless(connection.vendor == "sqlite", "SQLite's write-ahead log")
class DatabaseCheckpointTests(TransactionTestCase):
    """The worker copies SQLite's write-ahead log into the database file; a request's commit
    does it only past the backstop threshold."""

    def test_the_worker_checkpoints_what_requests_leave_in_the_log(self):
        self.assertIs(jobs.JOBS["cycle.database_checkpoint"].run, upkeep.database_checkpoint)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            self.assertEqual(cursor.fetchone()[0], settings.SQLITE_WAL_AUTOCHECKPOINT)
        path = Path(connection.settings_dict["NAME"])
        upkeep.database_checkpoint()
        before = path.stat().st_size
        city = make_city()
        District.objects.bulk_create(
            District(municipality=city["municipality"], number=n + 10, name=f"منطقهٔ {n}" * 5)
            for n in range(3000)
        )
        self.assertEqual(path.stat().st_size, before)  # committed, still only in the log
        upkeep.database_checkpoint()
        self.assertGreater(path.stat().st_size, before)


class LimitsTidyTests(SimpleTestCase):
    def test_the_worker_tidies_the_limits_every_ten_minutes(self):
        self.assertIs(jobs.JOBS["cycle.limits_tidy"].run, upkeep.limits_tidy)
        tidy = mock.Mock(return_value=3)
        limits = mock.Mock(tidy=tidy)
        with (
            mock.patch.object(upkeep, "caches", {"limits": limits}),
            mock.patch.dict(upkeep._last_run, clear=True),
        ):
            upkeep.limits_tidy(now=1000.0)
            upkeep.limits_tidy(now=1000.0 + upkeep.LIMITS_TIDY_EVERY_SECONDS - 1)
            self.assertEqual(tidy.call_count, 1)
            upkeep.limits_tidy(now=1000.0 + upkeep.LIMITS_TIDY_EVERY_SECONDS)
            self.assertEqual(tidy.call_count, 2)
        with mock.patch.object(upkeep, "caches", {"limits": object()}):  # Redis: nothing to do
            self.assertEqual(upkeep.limits_tidy(now=5000.0), 0)
