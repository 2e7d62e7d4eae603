"""The worker refreshes SQLite's planner statistics at start and daily; PostgreSQL's own
autovacuum does it there."""

from unittest import mock

from django.db import connection
from django.test import TestCase

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
        patcher = mock.patch.object(upkeep, "_last_run", None)
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
