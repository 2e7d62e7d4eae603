"""REST API for visits: roles, scope (own route / city / other city), bad input, fixed queries."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pishkhan.cases.models import Case
from pishkhan.cycle.services import week_get_or_create
from pishkhan.test import BaseTestCase, make_city
from pishkhan.visits.models import Visit
from pishkhan.visits.services import visits_plan
from pishkhan.visits.tests.helpers import at, submit

API = "/api/v1/"
NOV21 = dt.date(2026, 11, 21)


def png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 120, 30)).save(buf, "PNG")
    return SimpleUploadedFile("site.png", buf.getvalue(), content_type="image/png")


@override_settings(ALLOWED_HOSTS=[".test", "testserver"])
class VisitApiTests(BaseTestCase):
    client_class = APIClient

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.week = week_get_or_create(cls.m, NOV21)
        for i in range(6):
            submit(cls.city, when=at(2026, 11, 21, 9), lat=36.84 + i / 100)
        visits_plan(week=cls.week, now=at(2026, 11, 22, 23, 59))
        cls.mine = Visit.objects.filter(manager=cls.senior).order_by("day", "order").first()
        cls.theirs = Visit.objects.filter(manager=cls.senior2).order_by("day", "order").first()
        cls.other = make_city("othercity")

    def as_user(self, user) -> None:
        """Token auth, on the site of the user's own city."""
        token, _ = Token.objects.get_or_create(user=user)
        self.client.credentials(
            HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST=f"{user.municipality.slug}.test"
        )

    def ids(self, response) -> set[int]:
        self.assertEqual(response.status_code, 200, response.content)
        return {v["id"] for v in response.json()["results"]}

    def test_list_scope(self):
        self.as_user(self.secretary)
        everything = self.ids(self.client.get(API + "visits/", {"week": "2026-11-24"}))
        self.assertEqual(everything, set(Visit.objects.values_list("pk", flat=True)))
        self.as_user(self.senior)
        own = self.ids(self.client.get(API + "visits/"))
        self.assertEqual(
            own, set(Visit.objects.filter(manager=self.senior).values_list("pk", flat=True))
        )
        self.assertEqual(
            self.ids(self.client.get(API + "visits/", {"manager": self.senior2.pk})), set()
        )
        for user in (self.operator, self.manager1, self.head_civil, self.citizen):
            self.as_user(user)
            self.assertEqual(self.client.get(API + "visits/").status_code, 403, user.role)
        self.as_user(self.other["secretary"])
        self.assertEqual(self.ids(self.client.get(API + "visits/")), set())

    def test_list_filters_bad_input_and_fixed_queries(self):
        self.as_user(self.auditor)
        day = self.mine.day.isoformat()
        on_day = self.ids(self.client.get(API + "visits/", {"day": day}))
        self.assertEqual(
            on_day, set(Visit.objects.filter(day=self.mine.day).values_list("pk", flat=True))
        )
        self.assertEqual(self.ids(self.client.get(API + "visits/", {"status": "reported"})), set())
        self.assertEqual(self.client.get(API + "visits/", {"day": "fri"}).status_code, 400)
        self.assertEqual(self.client.get(API + "visits/", {"status": "done"}).status_code, 400)
        self.client.get(API + "visits/")
        with self.assertNumQueries(4):
            self.client.get(API + "visits/", {"page_size": 1})
        with self.assertNumQueries(4):
            self.client.get(API + "visits/", {"page_size": 200})

    def test_detail(self):
        self.as_user(self.senior)
        r = self.client.get(API + f"visits/{self.mine.pk}/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["case"], self.mine.case.tracking_code)
        self.assertEqual(self.client.get(API + f"visits/{self.theirs.pk}/").status_code, 404)
        self.as_user(self.other["auditor"])
        self.assertEqual(self.client.get(API + f"visits/{self.mine.pk}/").status_code, 404)

    def test_plan(self):
        submit(self.city, when=at(2026, 11, 21, 10), lat=36.95)
        self.as_user(self.senior)
        self.assertEqual(
            self.client.post(API + "visits/plan/", {"week": "2026-11-21"}).status_code, 403
        )
        self.as_user(self.secretary)
        self.assertEqual(self.client.post(API + "visits/plan/", {"week": "nope"}).status_code, 400)
        r = self.client.post(API + "visits/plan/", {"week": "2026-11-23"}, format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json(), {"planned": 1, "unplanned": 0})

    def test_reassign(self):
        self.as_user(self.secretary)
        r = self.client.post(
            API + f"visits/{self.mine.pk}/reassign/", {"manager": self.senior2.pk}, format="json"
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["manager_id"], self.senior2.pk)
        r = self.client.post(
            API + f"visits/{self.mine.pk}/reassign/", {"manager": self.operator.pk}, format="json"
        )
        self.assertEqual(r.status_code, 400)  # not a senior manager: Persian message
        self.assertIn("مدیر ارشد", r.json()["detail"])
        r = self.client.post(
            API + f"visits/{self.mine.pk}/reassign/",
            {"manager": self.other["senior"].pk},
            format="json",
        )
        self.assertEqual(r.status_code, 400)
        self.as_user(self.senior)
        r = self.client.post(
            API + f"visits/{self.theirs.pk}/reassign/", {"manager": self.senior.pk}, format="json"
        )
        self.assertEqual(r.status_code, 403)
        self.as_user(self.other["secretary"])
        r = self.client.post(
            API + f"visits/{self.mine.pk}/reassign/", {"manager": self.senior.pk}, format="json"
        )
        self.assertEqual(r.status_code, 404)

    def test_reorder_and_swap(self):
        self.as_user(self.senior)
        self.assertEqual(
            self.client.post(API + f"visits/{self.mine.pk}/reorder/", {"position": 0}).status_code,
            400,
        )
        r = self.client.post(API + f"visits/{self.mine.pk}/reorder/", {"position": 2})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(
            self.client.post(
                API + f"visits/{self.theirs.pk}/reorder/", {"position": 1}
            ).status_code,
            403,
        )
        r = self.client.post(API + f"visits/{self.mine.pk}/swap/", {"other": 999999})
        self.assertEqual(r.status_code, 400)
        self.as_user(self.manager1)
        self.assertEqual(
            self.client.post(API + f"visits/{self.mine.pk}/reorder/", {"position": 1}).status_code,
            403,
        )

    def test_check_in_and_report(self):
        self.as_user(self.senior2)
        r = self.client.post(API + f"visits/{self.mine.pk}/check-in/", {"lat": 36.84, "lon": 54.44})
        self.assertEqual(r.status_code, 403)
        self.as_user(self.senior)
        self.assertEqual(
            self.client.post(API + f"visits/{self.mine.pk}/check-in/", {"lat": 99}).status_code, 400
        )
        r = self.client.post(API + f"visits/{self.mine.pk}/check-in/", {"lat": 36.84, "lon": 54.44})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["status"], "checked_in")

        def report(**over):
            data = {
                "findings": "آسفالت در طول ۲۰ متر نشست کرده است",
                "recommendation": "approve",
                "lead_department": "civil",
                "estimated_cost": 120000000,
                "urgency": 3,
                "photos": [png()],
            }
            return {**data, **over}

        r = self.client.post(API + f"visits/{self.mine.pk}/report/", report(recommendation="maybe"))
        self.assertEqual(r.status_code, 400)
        r = self.client.post(
            API + f"visits/{self.mine.pk}/report/", report(lead_department="nowhere")
        )
        self.assertEqual(r.status_code, 400)
        r = self.client.post(
            API + f"visits/{self.mine.pk}/report/", report()
        )  # multipart with a photo
        self.assertEqual(r.status_code, 200, r.content)
        body = r.json()
        self.assertEqual(
            (body["status"], body["lead_department"], body["photos"]), ("reported", "civil", 1)
        )
        self.assertEqual(Case.objects.get(pk=self.mine.case_id).status, "visited")
        again = self.client.post(API + f"visits/{self.mine.pk}/report/", report())
        self.assertEqual(again.status_code, 400)  # never filed twice
        self.assertIn("پیش‌تر", again.json()["detail"])
