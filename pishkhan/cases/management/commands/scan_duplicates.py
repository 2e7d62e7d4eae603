"""Check open cases for duplicates and store the suggestions (the worker does this every few
seconds; this command drains a backlog, e.g. after the migration). Dry run unless --commit."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from pishkhan.cases.duplicates import SCAN_BATCH, case_duplicates_scan, case_duplicates_todo
from pishkhan.cases.models import Case, DuplicateLink


class Command(BaseCommand):
    help = "Store duplicate suggestions for the open cases not checked yet."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--commit", action="store_true", help="apply (default: dry run)")
        parser.add_argument("--batch", type=int, default=SCAN_BATCH, help="cases per transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        todo = case_duplicates_todo()
        if not options["commit"]:
            self.stdout.write(
                f"{todo} open cases not checked for duplicates (dry run; use --commit)"
            )
            return
        started = time.monotonic()
        done = 0
        while n := case_duplicates_scan(limit=options["batch"]):
            done += n
            if options["verbosity"] > 1 or done % (options["batch"] * 50) < n:
                elapsed = time.monotonic() - started
                self.stdout.write(f"{done:,}/{todo:,} checked ({elapsed:.0f} s)")
        if done:
            # Fresh planner statistics for the new links and the updated cases: the inbox's
            # suggestion query is planned on them (autovacuum would get there, later).
            with connection.cursor() as cursor:
                for model in (DuplicateLink, Case):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elapsed = time.monotonic() - started
        self.stdout.write(f"{done:,} cases checked for duplicates in {elapsed:.1f} s")
