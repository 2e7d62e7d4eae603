"""City outline and districts: a point maps to exactly one district, outside points to none."""

from __future__ import annotations

import json
import tempfile
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase

from pishkhan.accounts.models import District, Municipality
from pishkhan.cases.geo import (
    city_contains,
    district_at,
    district_for_address,
    polygon_from_geojson,
)
from pishkhan.demo.org import DISTRICTS, seed_org
from pishkhan.test import make_city

TEHRAN = (35.6892, 51.3890)


class DemoCityOutlineTests(TestCase):
    def test_gorgan_districts_hold_their_centres_and_the_city_holds_nothing_else(self):
        m = seed_org()
        self.assertIsNotNone(m.boundary)
        for number, _name, lat, lon in DISTRICTS:
            self.assertEqual(district_at(m, lat, lon).number, number)
            self.assertTrue(city_contains(m, lat, lon))
        self.assertTrue(city_contains(m, 36.8389, 54.4340))  # the municipality building
        self.assertFalse(city_contains(m, 0, 0))
        self.assertFalse(city_contains(m, *TEHRAN))
        self.assertFalse(city_contains(m, 36.90, 54.43))  # the plain north of the city
        self.assertIsNone(district_at(m, *TEHRAN))

    def test_an_older_demo_gets_its_outline_and_places(self):
        m = seed_org()
        Municipality.objects.filter(pk=m.pk).update(boundary=None)
        District.objects.filter(municipality=m).update(boundary=None, places="")
        m = seed_org()
        self.assertIsNotNone(m.boundary)
        self.assertFalse(District.objects.filter(municipality=m, boundary__isnull=True).exists())
        self.assertEqual(district_for_address(m, "بلوار ناهارخوران، کوچه ۵").number, 3)


class OutlineRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        city = make_city()
        cls.m, cls.d1, cls.d2 = city["municipality"], city["d1"], city["d2"]

    def test_without_outline_a_radius_around_the_centre(self):
        self.assertTrue(city_contains(self.m, 36.85, 54.44))
        self.assertFalse(city_contains(self.m, 0, 0))
        self.assertFalse(city_contains(self.m, *TEHRAN))
        self.assertFalse(city_contains(self.m, 91, 54))

    def test_district_boundaries_make_the_city_when_it_has_no_outline(self):
        self.d1.boundary = [[36.83, 54.44], [36.83, 54.46], [36.85, 54.46], [36.85, 54.44]]
        self.d1.save()
        self.assertTrue(city_contains(self.m, 36.84, 54.45))
        self.assertFalse(city_contains(self.m, 36.84, 54.43))  # inside the radius, outside d1
        self.assertEqual(district_at(self.m, 36.84, 54.45), self.d1)

    def test_address_by_district_name_number_or_place(self):
        self.d2.places = "خیابان ولی‌آباد\nکوی بهزیستی"
        self.d2.save()
        self.d1.places = "خیابان ولی آباد شمالی"
        self.d1.save()
        self.assertEqual(district_for_address(self.m, "منطقه ۲، کوچه ۳"), self.d2)
        self.assertEqual(district_for_address(self.m, "منطقهٔ یک"), self.d1)
        self.assertEqual(district_for_address(self.m, "كوي بهزيستي، پلاک ۴"), self.d2)  # Arabic ي/ك
        # the longest name wins
        self.assertEqual(district_for_address(self.m, "خیابان ولی‌آباد شمالی"), self.d1)
        self.assertIsNone(district_for_address(self.m, "کوچهٔ گلستان"))
        self.assertIsNone(district_for_address(self.m, ""))


class BoundaryImportTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        city = make_city()
        cls.m, cls.d1, cls.d2 = city["municipality"], city["d1"], city["d2"]

    def run_command(self, data: dict) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".geojson", delete=False) as fh:
            json.dump(data, fh, ensure_ascii=False)
        out = StringIO()
        call_command("city_boundaries", self.m.slug, fh.name, stdout=out)
        return out.getvalue()

    def square(self, lon: float, lat: float, size: float = 0.01) -> dict:
        ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}

    def test_geojson_sets_the_city_and_districts(self):
        out = self.run_command(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"city": True},
                        "geometry": self.square(54.40, 36.82, 0.05),
                    },
                    {
                        "type": "Feature",
                        "properties": {"district": 1},
                        "geometry": self.square(54.44, 36.83),
                    },
                    {
                        "type": "Feature",
                        "properties": {"name": "منطقه دو"},
                        "geometry": self.square(54.41, 36.83),
                    },
                ],
            }
        )
        self.assertIn("city", out)
        self.m.refresh_from_db()
        self.assertEqual(len(self.m.boundary), 4)  # closing point dropped
        self.assertEqual(self.m.boundary[0], [36.82, 54.40])  # stored [lat, lon]
        self.assertEqual(district_at(self.m, 36.835, 54.445), self.d1)
        self.assertEqual(district_at(self.m, 36.835, 54.415), self.d2)
        self.assertFalse(city_contains(self.m, 36.9, 54.3))

    def test_an_unknown_district_changes_nothing(self):
        with self.assertRaisesMessage(CommandError, "no district"):
            self.run_command(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"district": 1},
                            "geometry": self.square(54.44, 36.83),
                        },
                        {
                            "type": "Feature",
                            "properties": {"district": 9},
                            "geometry": self.square(54.41, 36.83),
                        },
                    ],
                }
            )
        self.d1.refresh_from_db()
        self.assertIsNone(self.d1.boundary)

    def test_bad_geometry(self):
        with self.assertRaises(ValueError):
            polygon_from_geojson({"type": "Point", "coordinates": [54, 36]})
        with self.assertRaises(ValueError):
            polygon_from_geojson(
                {"type": "Polygon", "coordinates": [[[54, 36], [54, 95], [55, 36]]]}
            )
