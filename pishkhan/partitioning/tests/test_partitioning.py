"""The optional partitioning (issue #19): the plan, applied inside the test's transaction on
PostgreSQL (DDL is transactional there: the rollback gives the next test its plain tables)."""

from __future__ import annotations

from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import SimpleTestCase, TestCase

from pishkhan.cases.models import Case, CaseEvent
from pishkhan.cases.selectors import case_get_by_code
from pishkhan.cases.services import case_accept, case_submit
from pishkhan.partitioning.management.commands.cases_partition import Command
from pishkhan.partitioning.plan import (
    TABLES,
    PartitionError,
    bounds,
    is_partitioned,
    partition_apply,
    partition_extend,
    partitions,
    upper_bound,
)
from pishkhan.test import make_city, query_plan

ROWS = {"cases_case": 3, "cases_caseevent": 4}


class BoundsTests(SimpleTestCase):
    def test_partitions_hold_todays_ids_and_ahead_more(self) -> None:
        self.assertEqual(bounds(0, 10, ahead=2), [11, 21, 31])
        self.assertEqual(bounds(10, 10, ahead=2), [11, 21, 31])
        self.assertEqual(bounds(11, 10, ahead=1), [11, 21, 31])


class SqliteRefusesTests(TestCase):
    def test_the_command_needs_postgresql(self) -> None:
        if connection.vendor == "postgresql":
            self.skipTest("the PostgreSQL pass applies the plan below")
        with self.assertRaisesMessage(CommandError, "PostgreSQL"):
            call_command(Command(), stdout=StringIO())  # the app is optional: not installed here
        with self.assertRaises(PartitionError):
            partition_apply(connection, rows=ROWS)


class PartitionedTablesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.city = make_city()

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("SQLite has no partitioning; this runs in the PostgreSQL pass")
        with connection.cursor() as cur:
            if is_partitioned(cur, "cases_case"):
                self.skipTest("the migration partitioned this test database already")
            # The ids go on across the suite's tests (a rollback does not give them back): at
            # 3 ids a partition, thousands of ids would be thousands of partitions made in one
            # transaction, past PostgreSQL's lock table ("out of shared memory" in CI). Start
            # this test's ids where its tables' rows end (none are committed between tests).
            for table in TABLES:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                    f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )
        self.before = self.submit("چاله قبل از بخش‌بندی جلوی نانوایی", key="k-before")
        partition_apply(connection, rows=ROWS)

    def submit(self, text: str, key: str | None = None) -> Case:
        return case_submit(
            municipality=self.city["municipality"],
            channel="web",
            citizen_name="شهروند",
            citizen_mobile="09121112233",
            service=self.city["pothole"],
            district=self.city["d1"],
            description=text,
            idempotency_key=key,
        )

    def test_the_orm_creates_reads_and_updates_cases_across_partitions(self) -> None:
        with connection.cursor() as cur:
            self.assertTrue(all(is_partitioned(cur, t) for t in TABLES))
        cases = [self.submit(f"چاله شمارهٔ {n} در خیابان گلستان") for n in range(7)]
        self.assertEqual(len({c.pk for c in cases}), 7)
        self.assertGreater(cases[-1].pk, self.before.pk)  # the sequence carried on
        accepted = case_accept(case=cases[-1], needs_visit=True, actor=self.city["manager1"])
        accepted.refresh_from_db()
        self.assertEqual(accepted.status, Case.Status.ACCEPTED)
        self.assertEqual(
            list(
                CaseEvent.objects.filter(case=accepted)
                .order_by("pk")
                .values_list("new_status", flat=True)
            ),
            [Case.Status.SUBMITTED, Case.Status.ACCEPTED],
        )
        for case in [self.before, *cases]:
            found = case_get_by_code(code=case.tracking_code)
            self.assertEqual(found and found.pk, case.pk)
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(DISTINCT tableoid) FROM cases_case")
            self.assertGreaterEqual(cur.fetchone()[0], 3)  # 8 cases, 3 ids a partition
        plan = query_plan(Case.objects.filter(pk=accepted.pk))
        self.assertEqual(plan.count(" on cases_case_p"), 1, plan)  # pruned to one partition

    def test_tracking_codes_and_idempotency_keys_stay_unique_across_partitions(self) -> None:
        for n in range(6):
            self.submit(f"درخواست شمارهٔ {n}")
        newest = Case.objects.order_by("-pk").first()
        assert newest is not None
        self.assertNotEqual(newest.pk // ROWS["cases_case"], self.before.pk // ROWS["cases_case"])
        with self.assertRaises(IntegrityError), transaction.atomic():
            Case.objects.filter(pk=newest.pk).update(tracking_code=self.before.tracking_code)
        again = self.submit("چاله قبل از بخش‌بندی جلوی نانوایی", key="k-before")
        self.assertEqual(again.pk, self.before.pk)  # the retry finds the first case
        with self.assertRaises(ValidationError):  # the key with another request: refused
            self.submit("درخواستی دیگر با همان کلید", key="k-before")
        # Deleting a case frees its code; changing a code moves its key.
        code = newest.tracking_code
        Case.objects.filter(pk=newest.pk).update(tracking_code="ZZZZZZZZ")
        Case.objects.filter(pk=self.before.pk).update(tracking_code=code)
        self.assertEqual(case_get_by_code(code=code) and self.before.pk, self.before.pk)

    def test_extend_after_ids_outran_the_partitions_keeps_the_default_rows(self) -> None:
        # No --extend for too long: the newest cases went to the DEFAULT partition.
        with connection.cursor() as cur:
            top = max(
                b for _, bound, _ in partitions(cur, "cases_case") if (b := upper_bound(bound))
            )
            cur.execute(f"SELECT setval('cases_case_id_seq', {top + 4}, false)")
        stray = [self.submit(f"درخواست پس از آخرین بخش {n}") for n in range(3)]
        with connection.cursor() as cur:
            cur.execute(
                "SELECT COUNT(*) FROM cases_case_default WHERE id = ANY(%s)",
                [[c.pk for c in stray]],
            )
            self.assertEqual(cur.fetchone()[0], 3)
        added = partition_extend(connection, rows=ROWS)
        self.assertIn("cases_case_default keeps 3 rows", added[0])
        newer = self.submit("درخواست پس از افزودن بخش‌ها")
        with connection.cursor() as cur:
            cur.execute("SELECT tableoid::regclass::text FROM cases_case WHERE id = %s", [newer.pk])
            self.assertRegex(cur.fetchone()[0], r"^cases_case_p\d+$")  # not the default
            cur.execute("SELECT COUNT(*) FROM cases_case_default")
            self.assertEqual(cur.fetchone()[0], 3)  # the stray rows stay where they are
        for case in [*stray, newer]:
            found = case_get_by_code(code=case.tracking_code)
            self.assertEqual(found and found.pk, case.pk)
            self.assertEqual(CaseEvent.objects.filter(case=case).count(), 1)
        accepted = case_accept(case=stray[0], needs_visit=False, actor=self.city["manager1"])
        self.assertEqual(accepted.status, Case.Status.ACCEPTED)  # a stray row still updates

    def test_extend_adds_partitions_ahead_and_apply_refuses_twice(self) -> None:
        for n in range(8):
            self.submit(f"درخواست شمارهٔ {n}")
        added = partition_extend(connection, rows=ROWS)
        self.assertTrue(added)
        with connection.cursor() as cur:
            names = [name for name, _, _ in partitions(cur, "cases_case")]
        self.assertIn("cases_case_default", names)
        self.assertEqual(partition_extend(connection, rows=ROWS), [])  # nothing more to add
        with self.assertRaisesMessage(PartitionError, "already partitioned"):
            partition_apply(connection, rows=ROWS)
