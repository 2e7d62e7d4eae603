"""manage.py promise_check [--city SLUG] [--fix]: every open case against its one-week promise.

Prints each case that is off the path of its promise with the reason; exits 1 if any is left
(``--fix`` first puts back what has a clear rule, as the clock's check does)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pishkhan.accounts.models import Municipality
from pishkhan.directives.promise import promise_check


class Command(BaseCommand):
    help = "List open cases off the path of their one-week promise; exit 1 if any."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", help="municipality slug (default: every active city)")
        parser.add_argument("--fix", action="store_true", help="put back what has a clear rule")

    def handle(self, *args: Any, **options: Any) -> None:
        cities = Municipality.objects.filter(is_active=True).order_by("slug")
        if options["city"]:
            cities = cities.filter(slug=options["city"])
            if not cities.exists():
                raise CommandError(f"unknown city: {options['city']}")
        now = timezone.now()
        left = 0
        for city in cities:
            for off in promise_check(municipality=city, now=now, fix=options["fix"]):
                mark = "fixed" if off.fixed else "OFF"
                self.stdout.write(f"{city.slug}\t{off.code}\t{off.status}\t{mark}\t{off.reason}")
                left += not off.fixed
        if left:
            self.stderr.write(f"{left} case(s) off the path of their promise")
            raise SystemExit(1)
        self.stdout.write("promise_check: every open case is on the path of its promise")
