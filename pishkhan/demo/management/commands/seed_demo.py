"""Build the demo city (once). Re-running keeps the existing data."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

# Each part adds its own layer of demo data; parts that are not there yet are skipped.
PARTS = ["cases", "visits", "meetings", "portal"]


class Command(BaseCommand):
    help = "Create the demo municipality (Gorgan-like) with staff, services and a living week."

    def handle(self, *args: Any, **options: Any) -> None:
        from pishkhan.cases.models import Case
        from pishkhan.demo.org import seed_org

        with transaction.atomic():
            municipality = seed_org()
        if Case.objects.filter(municipality=municipality).exists():
            self.stdout.write("demo city already present; nothing changed")
            return
        for part in PARTS:
            try:
                module = importlib.import_module(f"pishkhan.demo.{part}")
            except ModuleNotFoundError:
                continue
            with transaction.atomic():
                module.seed(municipality)
            self.stdout.write(f"demo: {part} done")
        self.stdout.write(self.style.SUCCESS("demo city ready"))
