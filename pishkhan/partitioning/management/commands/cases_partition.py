"""Partition cases_case and cases_caseevent by RANGE (id) on PostgreSQL (docs/DEPLOY.md §9).

manage.py cases_partition                 # print the plan (nothing changes)
manage.py cases_partition --commit        # apply it, in one transaction
manage.py cases_partition --extend        # add partitions ahead of the newest id (monthly; rows
                                          # already in the default partition stay there)
manage.py cases_partition --status        # partitions and their sizes
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from pishkhan.partitioning.plan import (
    TABLES,
    PartitionError,
    is_partitioned,
    partition_apply,
    partition_extend,
    partition_plan,
    partitions,
)


class Command(BaseCommand):
    help = "Partition the two big tables by RANGE (id) (PostgreSQL; dry run unless --commit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commit", action="store_true", help="apply the plan")
        parser.add_argument("--extend", action="store_true", help="add partitions ahead")
        parser.add_argument("--status", action="store_true", help="list the partitions")
        parser.add_argument(
            "--case-rows", type=int, default=settings.PARTITION_CASE_ROWS, help="ids a partition"
        )
        parser.add_argument(
            "--event-rows", type=int, default=settings.PARTITION_EVENT_ROWS, help="ids a partition"
        )
        parser.add_argument("--ahead", type=int, default=2, help="empty partitions to keep ahead")

    def handle(self, *args: Any, **opts: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Partitioning needs PostgreSQL; SQLite stays as it is.")
        rows = dict(zip(TABLES, (opts["case_rows"], opts["event_rows"]), strict=True))
        try:
            if opts["status"]:
                self._status()
            elif opts["extend"]:
                for statement in partition_extend(connection, rows=rows, ahead=opts["ahead"]):
                    self.stdout.write(statement + ";")
            elif opts["commit"]:
                t0 = time.monotonic()
                sql = partition_apply(connection, rows=rows, ahead=opts["ahead"])
                self.stdout.write(f"{len(sql)} statements in {time.monotonic() - t0:.1f} s")
            else:
                with connection.cursor() as cur:
                    for statement in partition_plan(cur, rows=rows, ahead=opts["ahead"]):
                        self.stdout.write(statement + ";")
        except PartitionError as exc:
            raise CommandError(str(exc)) from exc

    def _status(self) -> None:
        with connection.cursor() as cur:
            for table in TABLES:
                if not is_partitioned(cur, table):
                    self.stdout.write(f"{table}: not partitioned")
                    continue
                for name, bound, estimate in partitions(cur, table):
                    self.stdout.write(f"{name}\t{bound}\t~{estimate} rows")
