"""REST API (read side) for meetings and directives: roles, department scope, other city."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pishkhan.directives.models import Directive
from pishkhan.meetings.models import AgendaItem, Decision, Meeting
from pishkhan.test import BaseTestCase, make_city
from pishkhan.visits.tests.helpers import at, submit

API = "/api/v1/"
WEEK = dt.date(2026, 11, 21)


def build(city, prefix: str):
    """A signed meeting with one approved item and its directive to the civil department."""
    m = city["municipality"]
    case = submit(city, when=at(2026, 11, 21, 9))
    meeting = Meeting.objects.create(
        municipality=m,
        week_start=WEEK,
        scheduled_at=at(2026, 11, 25, 13, 30),
        number=f"{prefix}-1405-36",
        status="signed",
    )
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=1,
        title="ترمیم چالهٔ خیابان گلستان",
        district=city["d1"],
        service=city["pothole"],
    )
    item.cases.add(case)
    decision = Decision.objects.create(
        item=item,
        number=f"{prefix}-M-1",
        outcome="approve",
        text="ظرف دو هفته ترمیم شود",
        lead_department=city["civil"],
        deadline=dt.date(2026, 12, 10),
        recorded_by=city["secretary"],
    )
    directive = Directive.objects.create(
        municipality=m,
        number=f"{prefix}-D-1",
        decision=decision,
        department=city["civil"],
        deadline=dt.date(2026, 12, 10),
        issued_at=timezone.now(),
    )
    return case, meeting, directive


@override_settings(ALLOWED_HOSTS=[".test", "testserver"])
class Base(BaseTestCase):
    client_class = APIClient

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.case, cls.meeting, cls.directive = build(cls.city, "T")
        cls.other = make_city("othercity")
        build(cls.other, "O")

    def as_user(self, user) -> None:
        token, _ = Token.objects.get_or_create(user=user)
        self.client.credentials(
            HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST=f"{user.municipality.slug}.test"
        )


class ReadSideTests(Base):
    def test_meetings(self):
        self.as_user(self.member)
        r = self.client.get(API + "meetings/")
        self.assertEqual([x["number"] for x in r.json()["results"]], ["T-1405-36"])
        r = self.client.get(API + "meetings/2026-11-21/")
        self.assertEqual(r.status_code, 200)
        item = r.json()["items"][0]
        self.assertEqual(item["cases"], [self.case.tracking_code])
        self.assertEqual(item["decision"]["number"], "T-M-1")
        self.assertEqual(item["decision"]["lead_department"], "civil")
        self.assertEqual(self.client.get(API + "meetings/2026-11-28/").status_code, 404)
        self.assertEqual(self.client.get(API + "meetings/soon/").status_code, 404)
        for user in (self.operator, self.manager1, self.head_civil, self.senior):
            self.as_user(user)
            self.assertEqual(self.client.get(API + "meetings/").status_code, 403, user.role)

    def test_meeting_queries_fixed(self):
        self.as_user(self.secretary)
        self.client.get(API + "meetings/")
        with self.assertNumQueries(4):
            self.client.get(API + "meetings/", {"page_size": 1})
        with self.assertNumQueries(4):
            self.client.get(API + "meetings/", {"page_size": 200})

    def test_directives_by_department(self):
        self.as_user(self.head_civil)
        r = self.client.get(API + "directives/")
        self.assertEqual([d["number"] for d in r.json()["results"]], ["T-D-1"])
        r = self.client.get(API + "directives/T-D-1/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["decision_text"], "ظرف دو هفته ترمیم شود")
        self.assertEqual(self.client.get(API + "directives/O-D-1/").status_code, 404)  # other city
        self.as_user(self.head_green)  # another department
        self.assertEqual(self.client.get(API + "directives/").json()["count"], 0)
        self.assertEqual(self.client.get(API + "directives/T-D-1/").status_code, 404)
        self.as_user(self.secretary)
        self.assertEqual(
            self.client.get(API + "directives/", {"department": "civil"}).json()["count"], 1
        )
        self.assertEqual(self.client.get(API + "directives/", {"status": "nope"}).status_code, 400)
        self.as_user(self.auditor)
        self.assertEqual(
            self.client.get(API + "directives/", {"status": "done"}).json()["count"], 0
        )
        for user in (self.operator, self.manager1, self.member):
            self.as_user(user)
            self.assertEqual(self.client.get(API + "directives/").status_code, 403, user.role)

    def test_directive_queries_fixed(self):
        self.as_user(self.auditor)
        self.client.get(API + "directives/")
        with self.assertNumQueries(4):
            self.client.get(API + "directives/", {"page_size": 1})
        with self.assertNumQueries(4):
            self.client.get(API + "directives/", {"page_size": 200})


def png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (90, 90, 200)).save(buf, "PNG")
    return SimpleUploadedFile("done.png", buf.getvalue(), content_type="image/png")


class DirectiveActionTests(Base):
    def post(self, action, data=None, fmt="json", number="T-D-1"):
        return self.client.post(API + f"directives/{number}/{action}/", data or {}, format=fmt)

    def test_acknowledge(self):
        self.as_user(self.head_green)
        self.assertEqual(self.post("acknowledge").status_code, 404)  # another department's
        self.as_user(self.auditor)
        self.assertEqual(self.post("acknowledge").status_code, 403)
        self.as_user(self.head_civil)
        r = self.post("acknowledge")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "acknowledged")
        self.assertEqual(self.post("acknowledge").status_code, 400)  # already seen: Persian message
        self.assertEqual(self.post("acknowledge", number="O-D-1").status_code, 404)  # other city

    def test_progress_extension_and_complete(self):
        self.as_user(self.head_civil)
        self.assertEqual(self.post("progress", {"progress": 100, "note": "تمام"}).status_code, 400)
        self.assertEqual(self.post("progress", {"progress": 40, "note": "ا"}).status_code, 400)
        r = self.post("progress", {"progress": 40, "note": "آسفالت نیمی از مسیر انجام شد"})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["status"], r.json()["progress"]), ("in_progress", 40))
        self.assertEqual(
            self.post("extension", {"until": "2026-12-01", "reason": "بارندگی شدید"}).status_code,
            400,
        )
        r = self.post("extension", {"until": "2026-12-20", "reason": "بارندگی شدید و کمبود قیر"})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["extension_requested_until"], "2026-12-20")
        self.assertEqual(
            self.post("complete", {"note": "انجام شد"}).status_code, 400
        )  # evidence required
        r = self.post("complete", {"note": "ترمیم کامل شد", "files": [png()]}, fmt="multipart")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["status"], r.json()["progress"]), ("done", 100))
        self.assertEqual([e["kind"] for e in r.json()["events"]][-1], "status")
        self.as_user(self.head_green)
        self.assertEqual(
            self.post("progress", {"progress": 10, "note": "شروع کار"}).status_code, 404
        )


class ReportTests(Base):
    def test_reports(self):
        self.as_user(self.auditor)
        r = self.client.get(API + "reports/departments/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(
            r.json(),
            [
                {
                    "department": "معاونت عمرانی",
                    "total": 1,
                    "open": 1,
                    "on_time": 0,
                    "late": 0,
                    "overdue": 0,
                    "superseded": 0,
                }
            ],
        )  # not the other city's
        r = self.client.get(API + "reports/weekly/", {"weeks": 3})
        self.assertEqual(len(r.json()), 3)
        self.assertEqual(self.client.get(API + "reports/weekly/", {"weeks": 0}).status_code, 400)
        for user in (self.operator, self.head_civil, self.manager1):
            self.as_user(user)
            self.assertEqual(
                self.client.get(API + "reports/departments/").status_code, 403, user.role
            )
