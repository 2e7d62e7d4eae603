"""Open311 as real clients use it: FixMyStreet's exact requests, the city's outline, bad input."""

from __future__ import annotations

from pishkhan.api.tests.test_open311 import HOST, Open311Base
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


class FixMyStreetSubmitTests(Open311Base):
    """POST requests.xml exactly as FixMyStreet's Open311 client builds it (default settings)."""

    def fms_form(self, **over: str | None) -> dict:
        data = {
            "jurisdiction_id": "testcity",
            "api_key": self.key,
            "service_code": "pothole",
            "description": "چاله در خیابان امام\n\nچاله‌ای بزرگ جلوی مدرسه ایجاد شده است\n\nhttps://fms.example/report/42\n",
            "first_name": "مریم",
            "last_name": "احمدی",
            "email": "maryam@example.com",
            "lat": "36.840100",
            "long": "54.450200",
            "media_url": "https://fms.example/photo/42.0.full.jpeg",
            "attribute[depth]": "12",
        }
        data.update(over)
        return {k: v for k, v in data.items() if v is not None}

    def test_email_only_report_is_answered_by_email(self):
        from pishkhan.notify.models import Message

        response = self.post("requests.xml", self.fms_form())
        root = self.xml(response)
        self.assertEqual(response.status_code, 200, response.content.decode())
        code = root.find("request/service_request_id").text
        case = Case.objects.get(tracking_code=code)
        self.assertEqual((case.citizen_mobile, case.citizen_email), ("", "maryam@example.com"))
        self.assertEqual(case.citizen_name, "مریم احمدی")
        self.assertEqual(case.media_url, "https://fms.example/photo/42.0.full.jpeg")
        sent = list(Message.objects.values_list("channel", "to"))
        self.assertEqual(sent, [("email", "maryam@example.com")])
        shown = self.json(self.get(f"requests/{code}.json"))[0]
        self.assertEqual(shown["media_url"], "https://fms.example/photo/42.0.full.jpeg")

    def test_phone_and_email_and_account_id(self):
        from pishkhan.notify.models import Message

        form = self.fms_form(phone="09121234567", account_id="fms-user-7")
        response = self.post("requests.json", form)
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(self.json(response)[0]["account_id"], "fms-user-7")
        case = Case.objects.get()
        self.assertEqual((case.citizen_mobile, case.external_ref), ("+989121234567", "fms-user-7"))
        self.assertEqual(
            sorted(Message.objects.values_list("channel", flat=True)), ["email", "sms"]
        )

    def test_multipart_with_several_media_urls_keeps_the_first(self):
        from django.test.client import MULTIPART_CONTENT

        form = self.fms_form()
        form["media_url"] = ["https://fms.example/p/1.jpeg", "https://fms.example/p/2.jpeg"]
        response = self.client.post(
            "/open311/v2/requests.xml", form, content_type=MULTIPART_CONTENT, HTTP_HOST=HOST
        )
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(Case.objects.get().media_url, "https://fms.example/p/1.jpeg")

    def test_no_contact_needs_a_trusted_relay(self):
        from pishkhan.accounts.services import api_client_create

        form = self.fms_form(email=None)
        text = self.assertError(self.post("requests.xml", form), 400, "xml")
        self.assertIn("phone", text)
        self.assertFalse(Case.objects.exists())
        _, relay_key = api_client_create(
            municipality=self.m, name="FixMyStreet گرگان", trusted_relay=True
        )
        response = self.post("requests.xml", self.fms_form(email=None, api_key=relay_key))
        self.assertEqual(response.status_code, 200, response.content.decode())
        case = Case.objects.get()
        self.assertEqual((case.citizen_mobile, case.citizen_email), ("", ""))

    def test_bad_contact_or_media_url_is_a_400_and_stores_nothing(self):
        for over, word in [
            ({"email": "not-an-address"}, "email"),
            ({"phone": "02188776655"}, "phone"),
            ({"media_url": "javascript:alert(1)"}, "media_url"),
            ({"media_url": "file:///etc/passwd"}, "media_url"),
        ]:
            self.assertIn(
                word, self.assertError(self.post("requests.json", self.fms_form(**over)), 400)
            )
        self.assertFalse(Case.objects.exists())

    def test_windows_1256_form(self):
        from urllib.parse import urlencode

        form = self.fms_form(
            description="چاله بزرگ جلوی مدرسه امید ایجاد شده است", first_name="علی"
        )
        arabic = str.maketrans("یک", "يك")  # what a Windows-1256 keyboard types
        body = urlencode({k: v.translate(arabic) for k, v in form.items()}, encoding="cp1256")
        response = self.client.post(
            "/open311/v2/requests.json",
            body,
            content_type="application/x-www-form-urlencoded; charset=windows-1256",
            HTTP_HOST=HOST,
        )
        self.assertEqual(response.status_code, 200, response.content.decode())
        case = Case.objects.get()
        self.assertEqual(case.description, "چاله بزرگ جلوی مدرسه امید ایجاد شده است")
        self.assertEqual(case.citizen_name, "علی احمدی")

    def test_unknown_charset_is_a_spec_400(self):
        response = self.client.generic(
            "POST",
            "/open311/v2/requests.xml",
            b"service_code=pothole",
            content_type="application/x-www-form-urlencoded; charset=x-no-such-charset",
            HTTP_HOST=HOST,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.xml(response).tag, "errors")
        broken = self.client.post(
            "/open311/v2/requests.json",
            b"service_code=%FF%FE%81",
            content_type="application/x-www-form-urlencoded; charset=utf-8",
            HTTP_HOST=HOST,
        )
        self.assertError(broken, 403)  # undecodable bytes read as U+FFFD: no key, no 500
        self.assertFalse(Case.objects.exists())


class FixMyStreetUpdateTests(Open311Base):
    """POST servicerequestupdates.xml as FixMyStreet's client sends a citizen's comment."""

    def filed(self, **over: str) -> Case:
        form = FixMyStreetSubmitTests.fms_form(self, **over)
        response = self.post("requests.xml", form)
        self.assertEqual(response.status_code, 200, response.content.decode())
        return Case.objects.get(
            tracking_code=self.xml(response).find("request/service_request_id").text
        )

    def done(self, case: Case) -> Case:
        from pishkhan.cases.services import (
            case_accept,
            case_mark_dispatched,
            case_mark_done,
            case_put_on_agenda,
            case_record_decision,
        )

        case_accept(case=case, needs_visit=False, actor=self.manager1)
        case_put_on_agenda(case=case)
        case_record_decision(case=case, outcome="approve", text="ترمیم شود", actor=None)
        case_mark_dispatched(case=case)
        return case_mark_done(case=case, actor=None)

    def update(self, case: Case, fmt: str = "xml", **over: str | None):
        data = {
            "jurisdiction_id": "testcity",
            "api_key": self.key,
            "updated_datetime": "2026-12-06T10:15:30Z",
            "service_request_id": case.tracking_code,
            "status": "OPEN",
            "description": "هنوز چاله پر نشده است",
            "first_name": "مریم",
            "last_name": "احمدی",
            "email": "maryam@example.com",
            "update_id": "9001",
        }
        data.update(over)
        return self.post(
            f"servicerequestupdates.{fmt}", {k: v for k, v in data.items() if v is not None}
        )

    def test_a_comment_on_an_open_case_is_for_staff_and_idempotent(self):
        case = self.filed()
        response = self.update(case)
        root = self.xml(response)
        self.assertEqual(response.status_code, 200, response.content.decode())
        self.assertEqual(root.tag, "service_request_updates")
        update_id = root.find("request_update/update_id").text
        self.assertTrue(update_id)
        event = CaseEvent.objects.get(case=case, kind="citizen_comment")
        self.assertEqual(
            (event.note, event.public, str(event.pk)), ("هنوز چاله پر نشده است", False, update_id)
        )
        again = self.update(case, fmt="json")
        self.assertEqual(self.json(again)[0]["update_id"], update_id)
        self.assertEqual(CaseEvent.objects.filter(kind="citizen_comment").count(), 1)
        # a comment is not echoed back to FixMyStreet as a council update
        feed = self.json(self.get("servicerequestupdates.json"))
        self.assertNotIn(update_id, [u["update_id"] for u in feed])
        case.refresh_from_db()
        self.assertEqual(case.status, "submitted")

    def test_on_a_done_case_open_objects_and_closed_confirms(self):
        objected = self.done(self.filed())
        response = self.update(objected, status="OPEN", update_id="1")
        self.assertEqual(response.status_code, 200, response.content.decode())
        objected.refresh_from_db()
        self.assertEqual((objected.status, objected.citizen_verdict), ("reopened", "object"))
        confirmed = self.done(self.filed())
        self.update(confirmed, status="CLOSED", update_id="2", description="")
        confirmed.refresh_from_db()
        self.assertEqual((confirmed.status, confirmed.citizen_verdict), ("closed", "accept"))
        # a repeat of the confirmation changes nothing more
        self.assertEqual(self.update(confirmed, status="CLOSED", update_id="2").status_code, 200)
        self.assertEqual(CaseEvent.objects.filter(case=confirmed, new_status="closed").count(), 1)

    def test_someone_else_cannot_give_the_verdict(self):
        case = self.done(self.filed())
        response = self.update(case, status="CLOSED", email="other@example.com", description="تشکر")
        self.assertEqual(response.status_code, 200, response.content.decode())
        case.refresh_from_db()
        self.assertEqual(case.status, "done")  # only a comment
        self.assertTrue(CaseEvent.objects.filter(case=case, kind="citizen_comment").exists())

    def test_only_the_filing_app_may_update_and_bad_input_is_a_spec_error(self):
        from pishkhan.accounts.services import api_client_create
        from pishkhan.cases.services import case_submit

        case = self.filed()
        _, other_key = api_client_create(municipality=self.m, name="دیگری")
        self.assertError(self.update(case, fmt="json", api_key=other_key), 403)
        self.assertError(self.update(case, fmt="json", api_key=None), 403)
        web = case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="علی",
            citizen_mobile="09120000000",
            service=self.pothole,
            description="درخت خیابان خشک شده است",
            district=self.d1,
            attributes={"depth": 3},
        )
        self.assertError(self.update(web, fmt="xml"), 403, "xml")
        self.assertError(self.update(case, fmt="json", service_request_id="NOPE"), 404)
        for field in ("update_id", "status", "updated_datetime", "service_request_id"):
            self.assertIn(
                field, self.assertError(self.update(case, fmt="json", **{field: None}), 400)
            )
        self.assertIn(
            "status", self.assertError(self.update(case, fmt="json", status="MAYBE"), 400)
        )
        text = self.assertError(self.update(case, fmt="json", updated_datetime="yesterday"), 400)
        self.assertIn("updated_datetime", text)
        self.assertIn(
            "description", self.assertError(self.update(case, fmt="json", description=""), 400)
        )
        self.assertFalse(CaseEvent.objects.filter(kind="citizen_comment").exists())
        # the same update_id for another request
        self.assertEqual(self.update(case, update_id="7").status_code, 200)
        other = self.filed()
        self.assertError(self.update(other, fmt="json", update_id="7"), 400)

    def test_fixmystreet_fetch_window(self):
        """GET servicerequestupdates.xml?start_date&end_date (last two hours, UTC, api_key sent)."""
        import datetime as dt

        from django.utils import timezone

        case = self.done(self.filed())
        now = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
        start = (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        end = (now + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        root = self.xml(
            self.get(
                "servicerequestupdates.xml",
                start_date=start,
                end_date=end,
                api_key=self.key,
                jurisdiction_id="testcity",
            )
        )
        updates = root.findall("request_update")
        self.assertTrue(updates)
        self.assertTrue(
            all(u.find("service_request_id").text == case.tracking_code for u in updates)
        )
        self.assertIn("fixed", [u.find("status").text for u in updates])
        for u in updates:
            self.assertTrue(u.find("update_id").text)
            self.assertIsNone(u.find("media_url").text)  # empty: FixMyStreet fetches no photo
        old = self.get(
            "servicerequestupdates.xml",
            start_date="2020-01-01T00:00:00Z",
            end_date="2020-01-02T00:00:00Z",
        )
        self.assertEqual(self.xml(old).findall("request_update"), [])


class DiscoveryAndBrowserTests(Open311Base):
    def test_discovery_lists_endpoints_as_a_list_where_clients_look(self):
        import json
        import xml.etree.ElementTree as ET

        for path in ("/open311/v2/discovery", "/open311/discovery"):
            response = self.client.get(f"{path}.json", HTTP_HOST=HOST)
            self.assertEqual(response["Content-Type"], "application/json")
            body = json.loads(response.content)
            self.assertIsInstance(body["endpoints"], list)
            self.assertGreaterEqual(len(body["endpoints"]), 2)
            for endpoint in body["endpoints"]:
                self.assertEqual(endpoint["url"], "http://testcity.test/open311/v2")
                self.assertEqual(endpoint["type"], "production")
            self.assertTrue(any("Iranian mobile" in rule for rule in body["requirements"]))
            xml = self.client.get(f"{path}.xml", HTTP_HOST=HOST)
            self.assertEqual(xml["Content-Type"], "text/xml")  # bare, as validators want
            self.assertTrue(xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>'))
            root = ET.fromstring(xml.content)  # noqa: S314
            self.assertEqual(len(root.findall("endpoints/endpoint")), 2)
            for field in ("changeset", "contact", "key_service"):
                self.assertTrue(root.find(field).text, field)
        self.assertEqual(
            self.client.get("/open311/discovery.html", HTTP_HOST=HOST).status_code, 404
        )

    def test_cors_head_and_options(self):
        get = self.get("services.json")
        self.assertEqual(get["Access-Control-Allow-Origin"], "*")
        head = self.client.head("/open311/v2/services.json", HTTP_HOST=HOST)
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.content, b"")
        self.assertEqual(head["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(head["Content-Length"], str(len(get.content)))
        options = self.client.options(
            "/open311/v2/requests.json",
            HTTP_HOST=HOST,
            HTTP_ORIGIN="https://app.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        )
        self.assertEqual(options.status_code, 204)
        self.assertIn("POST", options["Access-Control-Allow-Methods"])
        self.assertEqual(options["Access-Control-Allow-Origin"], "*")
        self.assertIn("Content-Type", options["Access-Control-Allow-Headers"])
        posted = self.post("requests.json", self.form())
        self.assertEqual(posted["Access-Control-Allow-Origin"], "*")
        error = self.get("nothing.json")
        self.assertEqual((error.status_code, error["Access-Control-Allow-Origin"]), (404, "*"))
        put = self.client.put("/open311/v2/services.json", HTTP_HOST=HOST)
        self.assertEqual(put.status_code, 405)
        self.assertIn("OPTIONS", put["Allow"])


class BeyondTheBasicsTests(Open311Base):
    def test_groups_keywords_automated_and_rules_in_the_definition(self):
        self.pothole.attributes = [
            *self.pothole.attributes,
            {
                "code": "asset_id",
                "datatype": "string",
                "description": "شناسهٔ دارایی",
                "automated": "hidden_field",
            },
        ]
        self.pothole.save()
        services = self.json(self.get("services.json"))
        pothole = next(s for s in services if s["service_code"] == "pothole")
        self.assertEqual(pothole["groups"], ["معابر"])
        self.assertEqual(pothole["keywords"], "آسفالت,چاله")
        root = self.xml(self.get("services.xml"))
        self.assertEqual([g.text for g in root.findall("service/groups/group")], ["معابر", "معابر"])
        definition = self.json(self.get("services/pothole.json"))
        by_code = {a["code"]: a for a in definition["attributes"]}
        self.assertEqual(by_code["asset_id"]["automated"], "hidden_field")
        self.assertNotIn("automated", by_code["depth"])
        rules = by_code["pishkhan_rules"]
        self.assertIs(rules["variable"], False)
        for word in ("10", "Iranian mobile", "district"):
            self.assertIn(word, rules["description"])
        orders = [a["order"] for a in definition["attributes"]]
        self.assertEqual(len(orders), len(set(orders)))
        # the rules attribute is never asked for: a report without it is fine
        self.assertEqual(self.post("requests.json", self.form()).status_code, 200)

    def test_extensions_true_gives_history_and_external_status_code(self):
        from pishkhan.cases.services import case_accept

        code = self.json(self.post("requests.json", self.form()))[0]["service_request_id"]
        case_accept(
            case=Case.objects.get(tracking_code=code), needs_visit=True, actor=self.manager1
        )
        self.get("requests.json")  # warm the host cache
        with self.assertNumQueries(2):  # cases (with district), public events
            body = self.json(self.get("requests.json", extensions="true"))
        item = body[0]
        self.assertEqual(item["external_status_code"], "accepted")
        self.assertEqual(item["extended_attributes"]["channel"], "open311")
        self.assertEqual(item["extended_attributes"]["district"], self.d1.name)
        self.assertEqual([n["type"] for n in item["notes"]], ["submitted", "opened"])
        self.assertEqual({"code": "depth", "name": "depth", "value": 12.0}, item["attributes"][0])
        root = self.xml(self.get(f"requests/{code}.xml", extensions="true"))
        self.assertEqual(len(root.findall("request/notes/note")), 2)
        self.assertEqual(root.find("request/external_status_code").text, "accepted")
        plain = self.json(self.get("requests.json"))[0]
        self.assertNotIn("notes", plain)
        updates = self.json(self.get("servicerequestupdates.json"))
        self.assertEqual([u["external_status_code"] for u in updates], ["submitted", "accepted"])

    def test_updated_after_and_before_for_incremental_fetch(self):
        import datetime as dt

        from django.utils import timezone

        first = self.json(self.post("requests.json", self.form()))[0]["service_request_id"]
        second = self.json(
            self.post("requests.json", self.form(description="درخت کهنسال خیابان شکسته است"))
        )[0]["service_request_id"]
        long_ago = timezone.now() - dt.timedelta(days=200)
        Case.objects.filter(tracking_code=first).update(
            created_at=long_ago, updated_at=long_ago + dt.timedelta(days=1)
        )
        mark = (timezone.now() - dt.timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
        # the default 90-day window would hide the first; updated_* looks at changes only
        self.assertEqual(
            [r["service_request_id"] for r in self.json(self.get("requests.json"))], [second]
        )
        old = self.json(self.get("requests.json", updated_before=mark))
        self.assertEqual([r["service_request_id"] for r in old], [first])
        new = self.json(self.get("requests.json", updated_after=mark))
        self.assertEqual([r["service_request_id"] for r in new], [second])
        Case.objects.filter(tracking_code=first).update(updated_at=timezone.now())
        both = self.json(self.get("requests.json", updated_after=mark))
        self.assertEqual(
            [r["service_request_id"] for r in both], [second, first]
        )  # oldest change first
        self.assertError(self.get("requests.json", updated_after="soon"), 400)
        self.assertError(
            self.get("requests.json", updated_after=mark, updated_before="2000-01-01"), 400
        )


class MediaFetchTests(Open311Base):
    def test_off_by_default_the_link_only(self):
        from unittest import mock

        with mock.patch("pishkhan.api.open311.views.media_fetch") as fetch:
            self.assertEqual(
                self.post(
                    "requests.json", self.form(media_url="https://fms.example/p.jpeg")
                ).status_code,
                200,
            )
        fetch.assert_not_called()
        case = Case.objects.get()
        self.assertEqual(
            (case.media_url, case.attachments.count()), ("https://fms.example/p.jpeg", 0)
        )

    def test_when_on_a_public_image_is_kept_and_anything_else_ignored(self):
        import io
        from unittest import mock

        from django.test import override_settings
        from PIL import Image

        from pishkhan.api.open311 import media

        buf = io.BytesIO()
        Image.new("RGB", (20, 20), (10, 200, 10)).save(buf, "JPEG")

        class Reply(io.BytesIO):
            status = 200

            def __init__(self, data: bytes, ctype: str) -> None:
                super().__init__(data)
                self.headers = mock.Mock(get_content_type=lambda: ctype)

        public = [(2, 1, 6, "", ("93.184.216.34", 0))]
        private = [(2, 1, 6, "", ("10.0.0.5", 0))]
        with (
            override_settings(OPEN311_FETCH_MEDIA=True),
            mock.patch.object(media.socket, "getaddrinfo", return_value=public),
            mock.patch.object(
                media.urllib.request.OpenerDirector,
                "open",
                return_value=Reply(buf.getvalue(), "image/jpeg"),
            ),
        ):
            response = self.post("requests.json", self.form(media_url="https://fms.example/p.jpeg"))
            self.assertEqual(response.status_code, 200, response.content.decode())
            self.assertEqual(Case.objects.get().attachments.count(), 1)
            self.assertIsNone(media.media_fetch("file:///etc/passwd"))
            with mock.patch.object(
                media.urllib.request.OpenerDirector,
                "open",
                return_value=Reply(b"<?php", "image/jpeg"),
            ):
                self.assertIsNone(media.media_fetch("https://fms.example/bad.jpeg"))
            with mock.patch.object(
                media.urllib.request.OpenerDirector,
                "open",
                return_value=Reply(b"<html>", "text/html"),
            ):
                self.assertIsNone(media.media_fetch("https://fms.example/page"))
        with mock.patch.object(media.socket, "getaddrinfo", return_value=private):
            self.assertIsNone(media.media_fetch("http://intranet.example/p.jpeg"))
