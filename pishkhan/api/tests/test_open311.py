"""Open311 GeoReport v2: round trips in XML and JSON, errors in the spec's shape."""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from pishkhan.accounts.models import ApiClient
from pishkhan.accounts.services import api_client_create, api_client_revoke
from pishkhan.api.open311.render import Doc, to_json, to_xml, w3c
from pishkhan.cases.models import Attachment, Case, CaseEvent
from pishkhan.cases.selectors import case_get_by_code
from pishkhan.cases.services import case_accept, case_reject, case_submit
from pishkhan.notify.models import Message
from pishkhan.test import BaseTestCase, make_city

HOST = "testcity.test"
W3C_RE = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$"
DESCRIPTION = "چاله‌ای بزرگ جلوی مدرسهٔ «امید» ایجاد شده است"


def photo() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile("pothole.png", buf.getvalue(), content_type="image/png")


@override_settings(ALLOWED_HOSTS=[".test", "testserver"])
class Open311Base(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pothole.attributes = [
            {
                "code": "depth",
                "datatype": "number",
                "required": True,
                "description": "عمق (سانتی‌متر)",
                "order": 1,
            },
            {
                "code": "side",
                "datatype": "singlevaluelist",
                "required": False,
                "description": "کدام سمت خیابان",
                "order": 2,
                "values": [{"key": "n", "name": "شمال"}, {"key": "s", "name": "جنوب"}],
            },
        ]
        cls.pothole.keywords = "آسفالت,چاله"
        cls.pothole.save()
        cls.client_app, cls.key = api_client_create(municipality=cls.m, name="همراه شهر")

    def get(self, path: str, **params: str):
        return self.client.get(f"/open311/v2/{path}", params, HTTP_HOST=HOST)

    def post(self, path: str, data: dict, **extra):
        return self.client.post(f"/open311/v2/{path}", data, HTTP_HOST=HOST, **extra)

    def form(self, **over: str) -> dict:
        data = {
            "api_key": self.key,
            "jurisdiction_id": "testcity",
            "service_code": "pothole",
            "lat": "36.8401",
            "long": "54.4502",
            "address_string": "خیابان امام، کوچهٔ ۳",
            "first_name": "مریم",
            "last_name": "احمدی",
            "phone": "09121234567",
            "email": "maryam@example.com",
            "description": DESCRIPTION,
            "attribute[depth]": "12",
            "attribute[side]": "n",
        }
        data.update(over)
        return {k: v for k, v in data.items() if v is not None}

    def xml(self, response) -> ET.Element:
        # discovery's is bare (validators want it so); the rest say their charset
        self.assertIn(response["Content-Type"], ("text/xml; charset=utf-8", "text/xml"))
        self.assertTrue(response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>'))
        return ET.fromstring(response.content)  # noqa: S314 — our own response

    def json(self, response):
        self.assertIn(
            response["Content-Type"], ("application/json; charset=utf-8", "application/json")
        )
        return json.loads(response.content.decode())

    def assertError(self, response, status: int, fmt: str = "json") -> str:
        self.assertEqual(response.status_code, status, response.content.decode())
        if fmt == "json":
            body = self.json(response)
            self.assertIsInstance(body, list)
            self.assertEqual(body[0]["code"], status)
            return body[0]["description"]
        root = self.xml(response)
        self.assertEqual(root.tag, "errors")
        self.assertEqual(root.find("error/code").text, str(status))
        return root.find("error/description").text


class RenderTests(Open311Base):
    def test_one_structure_two_formats(self):
        when = dt.datetime(2026, 3, 1, 10, 0, 5, 123456, tzinfo=dt.UTC)
        doc = Doc(
            "service_requests",
            [{"a": True, "b": None, "c": "سلام <&>", "d": when, "n": 1.5}],
            "request",
        )
        self.assertEqual(
            to_xml(doc),
            '<?xml version="1.0" encoding="utf-8"?><service_requests><request><a>true</a><b/>'
            "<c>سلام &lt;&amp;&gt;</c><d>2026-03-01T13:30:05+03:30</d><n>1.5</n>"
            "</request></service_requests>",
        )
        self.assertEqual(
            json.loads(to_json(doc)),
            [{"a": True, "b": None, "c": "سلام <&>", "d": "2026-03-01T13:30:05+03:30", "n": 1.5}],
        )
        self.assertEqual(
            to_xml(Doc("service_requests", [], "request")),
            '<?xml version="1.0" encoding="utf-8"?><service_requests/>',
        )
        self.assertRegex(w3c(timezone.now()), W3C_RE)


class DiscoveryAndServicesTests(Open311Base):
    def test_discovery_both_formats(self):
        body = self.json(self.get("discovery.json"))
        self.assertEqual(
            body["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2"
        )
        self.assertEqual(body["endpoints"][0]["formats"], ["text/xml", "application/json"])
        self.assertEqual(body["endpoints"][0]["url"], "http://testcity.test/open311/v2")
        self.assertRegex(body["changeset"], W3C_RE)
        root = self.xml(self.get("discovery.xml"))
        self.assertEqual(root.tag, "discovery")
        self.assertEqual(
            [f.text for f in root.findall("endpoints/endpoint[1]/formats/format")],
            ["text/xml", "application/json"],
        )

    def test_service_list_and_definition(self):
        self.tree.is_active = False
        self.tree.save()
        services = self.json(self.get("services.json"))
        self.assertEqual([s["service_code"] for s in services], ["pothole"])
        pothole = services[0]
        self.assertEqual(pothole["service_name"], "ترمیم چاله")
        self.assertIs(pothole["metadata"], True)
        self.assertEqual(pothole["type"], "realtime")
        self.assertEqual(pothole["group"], "معابر")
        self.assertEqual(pothole["keywords"], "آسفالت,چاله")
        root = self.xml(self.get("services.xml"))
        self.assertEqual(root.find("service/metadata").text, "true")
        self.assertEqual(root.find("service/service_name").text, "ترمیم چاله")

        definition = self.json(self.get("services/pothole.json"))
        self.assertEqual(definition["service_code"], "pothole")
        depth, side, rules = definition["attributes"]
        self.assertEqual(
            (rules["variable"], rules["order"]), (False, 3)
        )  # our rules, informational
        self.assertEqual(
            (
                depth["code"],
                depth["datatype"],
                depth["required"],
                depth["variable"],
                depth["order"],
            ),
            ("depth", "number", True, True, 1),
        )
        self.assertEqual(
            side["values"], [{"key": "n", "name": "شمال"}, {"key": "s", "name": "جنوب"}]
        )
        root = self.xml(self.get("services/pothole.xml"))
        self.assertEqual(root.tag, "service_definition")
        self.assertEqual(root.find("attributes/attribute/required").text, "true")
        self.assertEqual(
            root.find("attributes/attribute/datatype_description"),
            root.find("attributes/attribute/datatype_description"),
        )
        self.assertEqual(
            root.findall("attributes/attribute")[1].find("values/value/name").text, "شمال"
        )

    def test_unknown_service_inactive_service_and_suffix(self):
        self.assertError(self.get("services/nothing.json"), 404)
        self.assertError(self.get("services/nothing.xml"), 404, "xml")
        self.tree.is_active = False
        self.tree.save()
        self.assertError(self.get("services/tree.json"), 404)
        response = self.get("services.html")
        self.assertEqual(response.status_code, 404)
        # discovery's is bare (validators want it so); the rest say their charset
        self.assertIn(response["Content-Type"], ("text/xml; charset=utf-8", "text/xml"))
        self.assertError(self.get("whatever/else.json"), 404)
        strict = Client(enforce_csrf_checks=True)  # a POST from an app never meets a CSRF page
        self.assertError(strict.post("/open311/v2/whatever.json", {}, HTTP_HOST=HOST), 404)
        self.assertError(strict.post("/open311/v2/requests.json", {}, HTTP_HOST=HOST), 403)

    def test_jurisdiction_absent_empty_right_or_wrong(self):
        self.assertEqual(self.get("services.json", jurisdiction_id="").status_code, 200)
        self.assertEqual(self.get("services.json", jurisdiction_id="testcity").status_code, 200)
        self.assertEqual(
            self.get("services.json", jurisdiction_id="testcity.test").status_code, 200
        )
        self.assertError(self.get("services.json", jurisdiction_id="sfgov.org"), 404)

    def test_other_city_sees_only_its_services(self):
        other = make_city("othercity")
        other["pothole"].name = "چاله شهر دیگر"
        other["pothole"].save()
        body = json.loads(
            self.client.get("/open311/v2/services.json", HTTP_HOST="othercity.test").content
        )
        self.assertEqual({s["service_name"] for s in body}, {"چاله شهر دیگر", "هرس درخت"})


class PostTests(Open311Base):
    def test_round_trip_form_encoded_json(self):
        response = self.post("requests.json", self.form())
        self.assertEqual(response.status_code, 200, response.content.decode())
        created = self.json(response)
        self.assertEqual(len(created), 1)
        code = created[0]["service_request_id"]
        self.assertNotIn("token", created[0])
        case = Case.objects.get(tracking_code=code)
        self.assertEqual(case.channel, "open311")
        self.assertEqual(case.api_client, self.client_app)
        self.assertEqual(case.citizen_name, "مریم احمدی")
        self.assertEqual(case.citizen_mobile, "+989121234567")
        self.assertEqual(case.attributes, {"depth": 12.0, "side": "n"})
        self.assertEqual(case.district, self.d1)

        # The citizen is told by SMS, as for any channel.
        self.assertTrue(
            Message.objects.filter(to="+989121234567", template__contains="received").exists()
        )

        raw = self.get(f"requests/{code}.json").content
        self.assertIn(DESCRIPTION.encode(), raw)  # UTF-8, not \u escapes
        self.assertIn(DESCRIPTION.encode(), self.get(f"requests/{code}.xml").content)  # not &#...;
        one = self.json(self.get(f"requests/{code}.json"))
        self.assertEqual(len(one), 1)
        item = one[0]
        self.assertEqual(item["service_request_id"], code)
        self.assertEqual(item["status"], "open")
        self.assertEqual(item["description"], DESCRIPTION)
        self.assertEqual(item["service_code"], "pothole")
        self.assertEqual(item["address"], "خیابان امام، کوچهٔ ۳")
        self.assertEqual((item["lat"], item["long"]), (36.8401, 54.4502))
        self.assertRegex(item["requested_datetime"], W3C_RE)
        self.assertRegex(item["updated_datetime"], W3C_RE)
        for key in (
            "status_notes",
            "agency_responsible",
            "expected_datetime",
            "address_id",
            "zipcode",
            "media_url",
        ):
            self.assertIn(key, item)
        self.assertNotIn("citizen_mobile", json.dumps(one))
        self.assertNotIn("09121234567", json.dumps(one))

        listed = self.json(self.get("requests.json", service_code="pothole,tree", status="open"))
        self.assertEqual([r["service_request_id"] for r in listed], [code])
        self.assertEqual(self.json(self.get("requests.json", status="closed")), [])
        self.assertEqual(self.json(self.get("requests.json", service_code="tree")), [])
        by_id = self.json(
            self.get("requests.json", service_request_id=f"{code},NOPE", status="closed")
        )
        self.assertEqual([r["service_request_id"] for r in by_id], [code])

        # Trackable by the citizen on /track/ like any case (tracking code + last 4 digits).
        self.assertEqual(case_get_by_code(code=code.lower(), municipality=self.m), case)
        found = self.client.post("/track/", {"code": code, "digits": "4567"}, HTTP_HOST=HOST)
        self.assertEqual(found.status_code, 302)
        page = self.client.get(found["Location"], HTTP_HOST=HOST)
        self.assertEqual(page.status_code, 200)
        self.assertIn(code, page.content.decode())

    def test_round_trip_multipart_xml_with_photo(self):
        data = self.form(api_key=None, **{"attribute[side]": "s"})
        data["media"] = photo()
        response = self.client.post(
            f"/open311/v2/requests.xml?api_key={self.key}", data, HTTP_HOST=HOST
        )
        self.assertEqual(response.status_code, 200, response.content.decode())
        root = self.xml(response)
        self.assertEqual(root.tag, "service_requests")
        code = root.find("request/service_request_id").text
        case = Case.objects.get(tracking_code=code)
        self.assertEqual(Attachment.objects.filter(case=case).count(), 1)
        self.assertEqual(case.attributes["side"], "s")

        root = self.xml(self.get(f"requests/{code}.xml"))
        self.assertEqual(root.find("request/description").text, DESCRIPTION)
        self.assertEqual(root.find("request/status").text, "open")
        self.assertEqual(ET.tostring(root.find("request/media_url")), b"<media_url />")
        root = self.xml(self.get("requests.xml", service_request_id=code))
        self.assertEqual([e.text for e in root.findall("request/service_request_id")], [code])

    def test_multivalue_attribute_and_persian_digits_phone(self):
        self.pothole.attributes = [
            {
                "code": "kinds",
                "datatype": "multivaluelist",
                "required": True,
                "description": "نوع",
                "values": [{"key": "a", "name": "الف"}, {"key": "b", "name": "ب"}],
            }
        ]
        self.pothole.save()
        data = self.form(phone="۰۹۱۲۱۲۳۴۵۶۷")
        data.pop("attribute[depth]")
        data.pop("attribute[side]")
        data["attribute[kinds][]"] = ["a", "b"]
        response = self.post("requests.json", data)
        self.assertEqual(response.status_code, 200, response.content.decode())
        case = Case.objects.get(tracking_code=self.json(response)[0]["service_request_id"])
        self.assertEqual(case.attributes["kinds"], ["a", "b"])

    def test_api_key_missing_wrong_revoked_or_other_city(self):
        self.assertError(self.post("requests.json", self.form(api_key=None)), 403)
        self.assertError(self.post("requests.xml", self.form(api_key="pk_wrong")), 403, "xml")
        other = make_city("othercity")
        _, other_key = api_client_create(municipality=other["municipality"], name="x")
        self.assertError(self.post("requests.json", self.form(api_key=other_key)), 403)
        api_client_revoke(client=self.client_app)
        self.assertError(self.post("requests.json", self.form()), 403)
        self.assertFalse(Case.objects.exists())

    def test_bad_input(self):
        self.assertError(self.post("requests.json", self.form(service_code="nothing")), 404)
        self.assertError(self.post("requests.json", self.form(service_code=None)), 400)
        self.assertError(self.post("requests.json", self.form(jurisdiction_id="other.org")), 404)
        no_place = self.form(lat=None, long=None, address_string=None)
        self.assertIn("location", self.assertError(self.post("requests.json", no_place), 400))
        self.assertIn(
            "long", self.assertError(self.post("requests.json", self.form(long=None)), 400)
        )
        self.assertIn(
            "lat", self.assertError(self.post("requests.json", self.form(lat="north")), 400)
        )
        self.assertIn(
            "phone",
            self.assertError(self.post("requests.json", self.form(phone=None, email=None)), 400),
        )
        self.assertIn(
            "phone", self.assertError(self.post("requests.json", self.form(phone="123")), 400)
        )
        text = self.assertError(
            self.post("requests.json", self.form(**{"attribute[depth]": None})), 400
        )
        self.assertIn("attribute[depth]", text)
        self.assertIn("عمق", text)
        self.assertError(self.post("requests.json", self.form(description="کوتاه")), 400)
        text = self.assertError(
            self.post("requests.json", self.form(**{"attribute[side]": "east"})), 400
        )
        self.assertIn("attribute[side]", text)
        bad = self.form()
        bad["media"] = SimpleUploadedFile(
            "x.jpg", b"<?php echo 1; ?>" * 10, content_type="image/jpeg"
        )
        self.assertIn(
            "media",
            self.assertError(
                self.client.post("/open311/v2/requests.json", bad, HTTP_HOST=HOST), 400
            ),
        )
        self.assertFalse(Case.objects.exists())

    def test_idempotency_key_header_does_not_duplicate(self):
        first = self.post("requests.json", self.form(), HTTP_IDEMPOTENCY_KEY="abc-1")
        again = self.post("requests.json", self.form(), HTTP_IDEMPOTENCY_KEY="abc-1")
        self.assertEqual(self.json(first), self.json(again))
        self.assertEqual(Case.objects.count(), 1)

    def test_an_idempotency_key_reused_for_another_request_is_a_400(self):
        first = self.post("requests.json", self.form(), HTTP_IDEMPOTENCY_KEY="abc-2")
        code = self.json(first)[0]["service_request_id"]
        other = self.form(description="درخت کهنسال کوچهٔ نرگس افتاده و راه را بسته است")
        reused = self.post("requests.json", other, HTTP_IDEMPOTENCY_KEY="abc-2")
        self.assertIn(code, self.assertError(reused, 400))
        self.assertEqual(Case.objects.count(), 1)

    def test_address_only_names_the_district(self):
        response = self.post(
            "requests.json", self.form(lat=None, long=None, address_string="منطقهٔ دو، خیابان بهار")
        )
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(Case.objects.get().district, self.d2)

    def test_methods(self):
        response = self.client.put("/open311/v2/requests.json", HTTP_HOST=HOST)
        self.assertError(response, 405)
        self.assertError(self.post("services.json", {}), 405)

    def test_rate_limits_per_key_and_per_address(self):
        from unittest import mock

        from django.core.cache import cache

        from pishkhan.api.open311.views import Open311Throttle

        cache.clear()
        rates = {
            **Open311Throttle.THROTTLE_RATES,
            "open311_read": "2/min",
            "open311_write": "1/min",
        }
        with mock.patch.object(Open311Throttle, "THROTTLE_RATES", rates):
            codes = [self.get("services.json").status_code for _ in range(3)]
            self.assertEqual(codes, [200, 200, 429])
            self.assertError(self.get("services.xml"), 429, "xml")
            self.assertEqual(self.post("requests.json", self.form()).status_code, 200)
            self.assertError(self.post("requests.json", self.form()), 429)
            _, other_key = api_client_create(municipality=self.m, name="دیگری")
            self.assertEqual(
                self.post("requests.json", self.form(api_key=other_key)).status_code, 200
            )
        cache.clear()

    @override_settings(DEBUG=False)
    def test_server_error_is_in_the_format(self):
        from unittest import mock

        with mock.patch(
            "pishkhan.api.open311.selectors.service_list", side_effect=RuntimeError("boom")
        ):
            self.assertError(self.get("services.xml"), 500, "xml")


class ListTests(Open311Base):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cases = []
        for i in range(3):
            cls.cases.append(
                case_submit(
                    municipality=cls.m,
                    channel="web",
                    citizen_name="علی رضایی",
                    citizen_mobile="09120000000",
                    service=cls.tree if i == 2 else cls.pothole,
                    description=f"درخت خیابان شماره {i} خشک شده است",
                    district=cls.d1,
                    attributes={"depth": 3},
                )
            )
        case_reject(case=cls.cases[0], reason=cls.reason, note="", actor=cls.manager1)
        case_accept(case=cls.cases[1], needs_visit=True, actor=cls.manager1)

    def test_filters_status_and_status_notes(self):
        closed = self.json(self.get("requests.json", status="closed"))
        self.assertEqual([r["service_request_id"] for r in closed], [self.cases[0].tracking_code])
        self.assertIn("خارج از وظایف شهرداری", closed[0]["status_notes"])
        both = self.json(self.get("requests.json", status="open,closed"))
        self.assertEqual(len(both), 3)
        self.assertError(self.get("requests.json", status="pending"), 400)

    def test_decision_department_and_deadline_mapping(self):
        Case.objects.filter(pk=self.cases[1].pk).update(
            status="dispatched",
            decision_text="آسفالت تا پایان ماه ترمیم شود",
            lead_department=self.civil,
            deadline=dt.date(2026, 12, 20),
        )
        item = self.json(self.get(f"requests/{self.cases[1].tracking_code}.json"))[0]
        self.assertEqual(item["status"], "open")
        self.assertEqual(item["status_notes"], "آسفالت تا پایان ماه ترمیم شود")
        self.assertEqual(item["agency_responsible"], "معاونت عمرانی")
        self.assertEqual(item["expected_datetime"], "2026-12-20T23:59:59+03:30")
        Case.objects.filter(pk=self.cases[1].pk).update(status="done", done_at=timezone.now())
        item = self.json(self.get(f"requests/{self.cases[1].tracking_code}.json"))[0]
        self.assertEqual(item["status"], "closed")

    def test_dates(self):
        now = timezone.now()
        start = (now - dt.timedelta(days=1)).replace(microsecond=0).isoformat()
        end = (now + dt.timedelta(days=1)).replace(microsecond=0).isoformat()
        self.assertEqual(
            len(self.json(self.get("requests.json", start_date=start, end_date=end))), 3
        )
        # Unencoded "+" arrives as a space: still understood.
        raw = f"/open311/v2/requests.json?start_date={start.replace('+00:00', 'Z')}&end_date={end}"
        self.assertEqual(self.client.get(raw, HTTP_HOST=HOST).status_code, 200)
        later = (now + dt.timedelta(days=2)).date().isoformat()
        self.assertEqual(self.json(self.get("requests.json", start_date=later)), [])
        self.assertIn(
            "start_date", self.assertError(self.get("requests.json", start_date="yesterday"), 400)
        )
        self.assertError(self.get("requests.xml", end_date="2026-13-45"), 400, "xml")
        self.assertError(
            self.get(
                "requests.json", start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z"
            ),
            400,
        )
        # Older than the default 90 days: not listed without dates.
        Case.objects.filter(pk=self.cases[2].pk).update(created_at=now - dt.timedelta(days=120))
        self.assertEqual(len(self.json(self.get("requests.json"))), 2)

    def test_paging_and_fixed_queries(self):
        page1 = self.json(self.get("requests.json", page_size="2"))
        page2 = self.json(self.get("requests.json", page_size="2", page="2"))
        codes = [r["service_request_id"] for r in page1 + page2]
        self.assertEqual(codes, [c.tracking_code for c in reversed(self.cases)])
        self.assertError(self.get("requests.json", page="0"), 400)
        self.get("requests.json")  # warm the host cache
        with self.assertNumQueries(1):
            self.get("requests.json", page_size="1")
        with self.assertNumQueries(1):
            self.get("requests.json", page_size="1000")

    def test_detail_unknown_and_other_city(self):
        self.assertError(self.get("requests/NOPE123.json"), 404)
        other = make_city("othercity")
        code = self.cases[1].tracking_code
        response = self.client.get(f"/open311/v2/requests/{code}.json", HTTP_HOST="othercity.test")
        self.assertEqual(response.status_code, 404)
        self.assertIsNotNone(other)

    def test_tokens_are_not_used(self):
        self.assertIn("realtime", self.assertError(self.get("tokens/abc.json"), 404))
        self.assertError(self.get("tokens/abc.xml"), 404, "xml")

    def test_service_request_updates(self):
        CaseEvent.objects.create(
            case=self.cases[1],
            kind="note",
            old_status="accepted",
            new_status="accepted",
            at=timezone.now(),
            note="یادداشت درونی",
            public=False,
        )
        updates = self.json(self.get("servicerequestupdates.json"))
        statuses = {(u["service_request_id"], u["status"]) for u in updates}
        self.assertIn((self.cases[0].tracking_code, "not_councils_responsibility"), statuses)
        self.assertIn((self.cases[1].tracking_code, "open"), statuses)
        self.assertNotIn("یادداشت درونی", json.dumps(updates, ensure_ascii=False))
        for update in updates:
            self.assertRegex(update["updated_datetime"], W3C_RE)
            self.assertIsInstance(update["update_id"], str)
        root = self.xml(
            self.get(
                "servicerequestupdates.xml",
                start_date="2020-01-01T00:00:00Z",
                end_date="2020-02-01T00:00:00Z",
            )
        )
        self.assertEqual(root.tag, "service_request_updates")
        self.assertEqual(list(root), [])
        self.assertError(self.get("servicerequestupdates.json", start_date="bad"), 400)


class KeyCommandTests(Open311Base):
    def test_create_list_revoke(self):
        out = StringIO()
        call_command(
            "open311_key",
            "create",
            "FixMyCity",
            "--municipality",
            "testcity",
            stdout=out,
            stderr=StringIO(),
        )
        key = out.getvalue().strip()
        client = ApiClient.objects.get(name="FixMyCity")
        self.assertTrue(key.startswith(client.key_prefix))
        response = self.post("requests.json", self.form(api_key=key))
        self.assertEqual(response.status_code, 200)
        out = StringIO()
        call_command("open311_key", "list", stdout=out)
        self.assertIn("FixMyCity", out.getvalue())
        self.assertNotIn(key, out.getvalue())
        call_command("open311_key", "revoke", client.key_prefix, stdout=StringIO())
        self.assertError(self.post("requests.json", self.form(api_key=key)), 403)

    def test_unknown_city(self):
        from django.core.management import CommandError

        with self.assertRaises(CommandError):
            call_command(
                "open311_key", "create", "X", "--municipality", "nowhere", stdout=StringIO()
            )
