"""Contract: every Open311 endpoint, in JSON and XML, against the spec (shared/docs/OPEN311.md).

One checker per document shape; the XML is checked to carry exactly the JSON's fields (Spark rule:
JSON drops the root, containers of repeated children are arrays).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from pishkhan.api.tests.test_open311 import HOST, Open311Base
from pishkhan.cases.models import Case
from pishkhan.cases.services import case_accept

W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
UPDATE_FIELDS = {
    "update_id",
    "service_request_id",
    "status",
    "updated_datetime",
    "description",
    "media_url",
}
UPDATE_STATUSES = {
    "open",
    "closed",
    "fixed",
    "in_progress",
    "planned",
    "action_scheduled",
    "investigating",
    "duplicate",
    "not_councils_responsibility",
    "no_further_action",
    "internal_referral",
    "cancelled",
    "reopen",
    "for_triage",
    "unchanged",
}


class ContractTests(Open311Base):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.d1.boundary = [[36.80, 54.40], [36.80, 54.50], [36.88, 54.50], [36.88, 54.40]]
        cls.d1.save()

    def both(self, path: str, method: str = "get", data: dict | None = None, status: int = 200):
        """The same call in both formats: (parsed JSON, XML root)."""
        out = []
        for fmt in ("json", "xml"):
            url = f"/open311/v2/{path}.{fmt}"
            if method == "get":
                response = self.client.get(url, data or {}, HTTP_HOST=HOST)
            else:
                response = self.client.post(url, data or {}, HTTP_HOST=HOST)
            self.assertEqual(response.status_code, status, response.content.decode())
            if path != "discovery":  # discovery's type is bare, for validators
                self.assertTrue(response["Content-Type"].endswith("; charset=utf-8"))
            out.append(self.json(response) if fmt == "json" else self.xml(response))
        return out

    def same_shape(self, data: Any, element: ET.Element, values: bool = True) -> None:
        """XML carries what JSON does: objects → child elements, arrays → repeated children,
        null → empty element, booleans → true/false."""
        if isinstance(data, dict):
            self.assertEqual(sorted(c.tag for c in element), sorted(data), element.tag)
            for key, value in data.items():
                self.same_shape(value, element.find(key), values)
        elif isinstance(data, list):
            children = list(element)
            self.assertEqual(len(children), len(data), element.tag)
            for value, child in zip(data, children, strict=True):
                self.same_shape(value, child, values)
        elif data is None:
            self.assertEqual((element.text, len(element)), (None, 0), element.tag)
        elif isinstance(data, bool):
            self.assertEqual(element.text, "true" if data else "false")
        elif values:
            self.assertEqual(element.text or "", str(data), element.tag)

    def check_list(
        self, data: list, root: ET.Element, root_tag: str, item_tag: str, values: bool = True
    ) -> None:
        self.assertIsInstance(data, list)
        self.assertEqual(root.tag, root_tag)
        self.assertTrue(all(child.tag == item_tag for child in root))
        self.same_shape(data, root, values)

    def check_request(self, item: dict) -> None:
        self.assertLessEqual(REQUEST_FIELDS, set(item))
        for field in ("service_request_id", "service_code", "service_name"):
            self.assertIsInstance(item[field], str)
        self.assertIn(item["status"], ("open", "closed"))
        for field in ("requested_datetime", "updated_datetime"):
            self.assertRegex(item[field], W3C)
        if item["expected_datetime"] is not None:
            self.assertRegex(item["expected_datetime"], W3C)
        for field in ("lat", "long"):
            self.assertIsInstance(item[field], float | None)
        self.assertNotEqual(item["media_url"], "")
        self.assertLessEqual(len(item["description"]), 4000)

    def check_errors(self, data: list, root: ET.Element, status: int) -> None:
        self.check_list(data, root, "errors", "error")
        self.assertTrue(data)
        for error in data:
            self.assertEqual(set(error), {"code", "description"})
            self.assertEqual(error["code"], status)
            self.assertIsInstance(error["description"], str)

    def test_discovery(self):
        data, root = self.both("discovery")
        self.assertEqual(root.tag, "discovery")
        self.same_shape(data, root)
        self.assertLessEqual({"changeset", "contact", "key_service", "endpoints"}, set(data))
        self.assertRegex(data["changeset"], W3C)
        for endpoint in data["endpoints"]:
            self.assertEqual(
                set(endpoint), {"specification", "url", "changeset", "type", "formats"}
            )
            self.assertIn(endpoint["type"], ("production", "test"))
            self.assertEqual(endpoint["formats"], ["text/xml", "application/json"])
        self.assertEqual(len(root.findall("endpoints/endpoint/formats/format")), 4)

    def test_services_and_definitions(self):
        data, root = self.both("services")
        self.check_list(data, root, "services", "service")
        for service in data:
            self.assertLessEqual(SERVICE_FIELDS, set(service))
            self.assertIsInstance(service["service_code"], str)
            self.assertIsInstance(service["metadata"], bool)
            self.assertEqual(service["type"], "realtime")
            definition, xml = self.both(f"services/{service['service_code']}")
            self.assertEqual(xml.tag, "service_definition")
            self.same_shape(definition, xml)
            self.assertEqual(definition["service_code"], service["service_code"])
            orders = [a["order"] for a in definition["attributes"]]
            self.assertEqual(len(orders), len(set(orders)))
            for attribute in definition["attributes"]:
                self.assertLessEqual(ATTRIBUTE_FIELDS, set(attribute))
                self.assertIn(attribute["datatype"], DATATYPES)
                self.assertIsInstance(attribute["variable"], bool)
                self.assertIsInstance(attribute["required"], bool)
                self.assertGreater(attribute["order"], 0)
                for value in attribute["values"]:
                    self.assertEqual(set(value), {"key", "name"})
        self.check_errors(*self.both("services/nothing", status=404), 404)

    def test_requests_create_list_detail_tokens_updates(self):
        data, root = self.both("requests", "post", self.form())
        self.check_list(data, root, "service_requests", "request", values=False)  # two requests
        self.assertEqual(len(data), 1)
        self.assertIn("service_request_id", data[0])
        self.assertNotIn("token", data[0])
        code = data[0]["service_request_id"]
        case_accept(
            case=Case.objects.get(tracking_code=code), needs_visit=True, actor=self.manager1
        )
        for path, params in [
            ("requests", {}),
            ("requests", {"extensions": "true"}),
            (f"requests/{code}", {}),
        ]:
            data, root = self.both(path, data=params)
            self.check_list(data, root, "service_requests", "request")
            self.assertEqual(len(data), 1 if "/" in path else 2)  # the JSON and the XML post
            for item in data:
                self.check_request(item)
        self.check_errors(*self.both("requests/NOPE", status=404), 404)
        self.check_errors(*self.both("tokens/abc", status=404), 404)
        data, root = self.both("servicerequestupdates")
        self.check_list(data, root, "service_request_updates", "request_update")
        for update in data:
            self.assertLessEqual(UPDATE_FIELDS, set(update))
            self.assertIn(update["status"], UPDATE_STATUSES)
            self.assertRegex(update["updated_datetime"], W3C)
            self.assertIsNone(update["media_url"])  # never "" for a URL
        form = {
            "api_key": self.key,
            "service_request_id": code,
            "status": "OPEN",
            "update_id": "u1",
            "updated_datetime": "2026-12-06T10:00:00Z",
            "description": "پرسش دربارهٔ زمان انجام کار",
        }
        data, root = self.both("servicerequestupdates", "post", form)
        self.check_list(data, root, "service_request_updates", "request_update")
        self.assertTrue(data[0]["update_id"])

    def test_every_rejection_is_an_error_array_and_stores_nothing(self):
        before = Case.objects.count()
        cases = [
            ("requests", {**self.form(), "api_key": "wrong"}, 403),
            ("requests", self.form(service_code="nothing"), 404),
            ("requests", self.form(service_code=None), 400),
            ("requests", self.form(lat="0", long="0"), 400),
            ("requests", self.form(description="کوتاه"), 400),
            ("requests", self.form(phone="123"), 400),
            ("requests", self.form(jurisdiction_id="elsewhere.org"), 404),
            ("servicerequestupdates", {"api_key": self.key}, 400),
            ("servicerequestupdates", {"api_key": "wrong"}, 403),
        ]
        for path, form, status in cases:
            self.check_errors(*self.both(path, "post", form, status=status), status)
        for path, params, status in [
            ("requests", {"start_date": "yesterday"}, 400),
            ("requests", {"status": "pending"}, 400),
            ("requests", {"page_size": "-1"}, 400),
            ("servicerequestupdates", {"start_date": "2026-01-01", "end_date": "2025-01-01"}, 400),
            ("services", {"jurisdiction_id": "elsewhere.org"}, 404),
        ]:
            self.check_errors(*self.both(path, data=params, status=status), status)
        self.assertEqual(Case.objects.count(), before)
