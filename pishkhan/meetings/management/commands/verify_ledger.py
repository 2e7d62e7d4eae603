"""Check the signed ledger: chain links, content hashes vs the database, every Ed25519
signature, and the audit log. Exits 1 naming each altered record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pishkhan.accounts.models import Municipality
from pishkhan.core.audit import audit_verify
from pishkhan.meetings.selectors import ledger_verify


class Command(BaseCommand):
    help = "Verify the chain of signed minutes, every signature and the audit log."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--municipality", help="slug; default: every municipality")

    def handle(self, *args: Any, **options: Any) -> None:
        city = None
        if options.get("municipality"):
            city = Municipality.objects.filter(slug=options["municipality"]).first()
            if city is None:
                raise CommandError("unknown municipality")
        problems = ledger_verify(city) + audit_verify()
        for problem in problems:
            self.stderr.write(f"ALTERED: {problem}")
        if problems:
            raise CommandError(f"ledger verification failed: {len(problems)} problem(s)")
        self.stdout.write("ledger OK")
