"""Open311 as real clients use it: FixMyStreet's exact requests, the city's outline, bad input."""

from __future__ import annotations

from pishkhan.api.tests.test_open311 import Open311Base
from pishkhan.cases.models import Case, CaseEvent

TEHRAN = {"lat": "35.6892", "long": "51.3890"}


class CityOutlineTests(Open311Base):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # d2 west of 54.44, d1 east of it
        cls.d2.boundary = [[36.82, 54.40], [36.82, 54.44], [36.86, 54.44], [36.86, 54.40]]
        cls.d1.boundary = [[36.82, 54.44], [36.82, 54.48], [36.86, 54.48], [36.86, 54.44]]
        cls.d1.save()
        cls.d2.save()

    def test_points_outside_the_city_are_refused_in_both_formats(self):
        for where in ({"lat": "0", "long": "0"}, TEHRAN, {"lat": "36.84", "long": "54.30"}):
            for fmt in ("json", "xml"):
                text = self.assertError(self.post(f"requests.{fmt}", self.form(**where)), 400, fmt)
                self.assertIn("outside", text)
        self.assertFalse(Case.objects.exists())

    def test_the_district_comes_from_the_point(self):
        response = self.post("requests.json", self.form(lat="36.84", long="54.42"))
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(Case.objects.get().district, self.d2)

    def test_address_only_placed_by_street_or_refused(self):
        self.d1.places = "بلوار جرجان\nمیدان کاخ"
        self.d1.save()
        form = self.form(lat=None, long=None, address_string="بلوار جرجان، نبش عدالت ۱۲")
        response = self.post("requests.json", form)
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(Case.objects.get().district, self.d1)
        unknown = self.form(lat=None, long=None, address_string="کوچهٔ گلستان، پلاک ۴")
        self.assertIn(
            "address_string", self.assertError(self.post("requests.xml", unknown), 400, "xml")
        )
        self.assertEqual(Case.objects.count(), 1)


class ControlCharacterTests(Open311Base):
    def test_a_stored_control_character_round_trips_in_xml_and_json(self):
        import xml.etree.ElementTree as ET

        response = self.post(
            "requests.json", self.form(description="چالهٔ\x01 بزرگ\x1b جلوی\r\nمدرسه\x00")
        )
        self.assertEqual(response.status_code, 200, response.content.decode())
        case = Case.objects.get()
        self.assertEqual(case.description, "چالهٔ بزرگ جلوی\nمدرسه")  # cleaned at the input
        # a row written before the input was cleaned (or by hand): the writers still cope
        Case.objects.filter(pk=case.pk).update(description="چاله\x0b\x02 بزرگ\x7f\ufffe در کوچه")
        CaseEvent.objects.filter(case=case).update(note="ثبت\x1f شد")
        xml = self.get("requests.xml")
        root = self.xml(xml)  # parses: well-formed
        as_xml = root.find("request/description").text
        as_json = self.json(self.get("requests.json"))[0]["description"]
        self.assertEqual(as_xml, "چاله  بزرگ در کوچه")
        self.assertEqual(as_json, as_xml)
        self.assertEqual(
            self.xml(self.get(f"requests/{case.tracking_code}.xml"))
            .find("request/description")
            .text,
            as_xml,
        )
        updates = self.xml(self.get("servicerequestupdates.xml"))
        self.assertEqual(updates.find("request_update/description").text, "ثبت شد")
        self.assertEqual(
            self.json(self.get("servicerequestupdates.json"))[0]["description"], "ثبت شد"
        )
        ET.fromstring(xml.content)  # noqa: S314
