"""Load a city's outline and district boundaries from a GeoJSON file (e.g. exported from QGIS)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pishkhan.accounts.models import Municipality
from pishkhan.cases.geo import boundaries_import


class Command(BaseCommand):
    help = (
        "Set the city outline (feature with properties {'city': true}) and district boundaries "
        "(properties {'district': N} or {'name': '…'}) from a GeoJSON FeatureCollection."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="the municipality's slug")
        parser.add_argument("path", help="GeoJSON FeatureCollection (coordinates lon, lat)")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["slug"]).first()
        if municipality is None:
            raise CommandError(f"no municipality {options['slug']!r}")
        try:
            with open(options["path"], encoding="utf-8") as fh:
                data = json.load(fh)
            done = boundaries_import(municipality=municipality, geojson=data)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for line in done:
            self.stdout.write(line)
