"""Anonymise closed cases past settings.RETENTION_DAYS. Dry run unless --commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pishkhan.cases.retention import case_anonymise, cases_past_retention


class Command(BaseCommand):
    help = "Remove personal data from closed cases older than the retention period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--commit", action="store_true", help="apply (default: dry run)")
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        days = options["days"] if options["days"] is not None else settings.RETENTION_DAYS
        qs = cases_past_retention(now=now, days=days)
        total = qs.count()
        if not options["commit"]:
            self.stdout.write(f"{total} cases would be anonymised (dry run; use --commit)")
            return
        done = 0
        for case in qs.iterator(chunk_size=500):
            case_anonymise(case=case, now=now)
            done += 1
        self.stdout.write(f"{done} cases anonymised")
