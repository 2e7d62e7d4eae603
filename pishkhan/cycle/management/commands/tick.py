"""Do whatever the clock says is due and has not been done (idempotent, catch-up safe)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pishkhan.cycle.tick import clock_tick


class Command(BaseCommand):
    help = "Run the weekly clock up to --now (ISO datetime; default: now)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--now", help="ISO datetime with offset, e.g. 2026-11-25T13:30:00+03:30"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options.get("now"):
            parsed = parse_datetime(options["now"])
            if parsed is None:
                raise CommandError("--now must be an ISO datetime")
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            now = parsed
        done = clock_tick(now=now)
        for line in done:
            self.stdout.write(line)
        if not done and options["verbosity"] > 1:
            self.stdout.write("nothing due")
