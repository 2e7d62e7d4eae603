"""Office pages for visits: who may see and do what."""

import datetime as dt
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from pishkhan.cycle.services import week_get_or_create
from pishkhan.test import BaseTestCase, make_city
from pishkhan.visits.models import Visit
from pishkhan.visits.services import calendar_feed_issue, visits_plan
from pishkhan.visits.tests.helpers import at, submit
from pishkhan.visits.tests.test_services import png_bytes

NOV21 = dt.date(2026, 11, 21)
MON = dt.date(2026, 11, 23)


class VisitPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        week = week_get_or_create(cls.m, NOV21)
        for i in range(5):
            submit(cls.city, when=at(2026, 11, 21, 9), lat=36.84 + i / 100)
        visits_plan(week=week, now=at(2026, 11, 22, 23, 59))
        cls.visit = Visit.objects.filter(manager=cls.senior).order_by("day", "order").first()

    def url(self, name, *args):
        return reverse(f"visits:{name}", args=args)

    def test_today_shows_route_map_and_contacts(self):
        self.login(self.senior)
        day = self.visit.day.isoformat()
        self.client.get(self.url("today") + f"?day={day}")  # warm the per-process caches
        with self.assertNumQueries(9):  # + the calendar link's state
            response = self.client.get(self.url("today") + f"?day={day}")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('dir="ltr"', html)
        self.assertIn("route-data", html)
        self.assertIn(self.visit.case.citizen_mobile, html)
        self.assertIn(self.url("ical_issue"), html)

    def test_route_page_query_count_does_not_grow(self):
        self.login(self.senior)
        day = self.visit.day.isoformat()
        for i in range(6):
            submit(self.city, when=at(2026, 11, 21, 10), lat=36.90 + i / 100)
        visits_plan(week=week_get_or_create(self.m, NOV21), now=at(2026, 11, 23, 1))
        self.client.get(self.url("today") + f"?day={day}")
        with self.assertNumQueries(9):
            self.client.get(self.url("today") + f"?day={day}")

    def test_senior_manager_cannot_look_at_another_route(self):
        self.login(self.senior)
        response = self.client.get(self.url("today") + f"?manager={self.senior2.pk}")
        self.assertEqual(response.status_code, 403)
        self.login(self.secretary)
        response = self.client.get(
            self.url("today") + f"?manager={self.senior.pk}&day={self.visit.day}"
        )
        self.assertEqual(response.status_code, 200)

    def test_department_head_and_citizen_are_refused(self):
        for user in (self.head_civil, self.citizen, self.manager1):
            self.client.force_login(user)
            self.assertIn(self.client.get(self.url("today")).status_code, (302, 403))
            self.assertIn(self.client.get(self.url("plan")).status_code, (302, 403))

    def test_day_sheet_pdf(self):
        self.login(self.senior)
        response = self.client.get(self.url("day_sheet") + f"?day={self.visit.day}")
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_ical_feed(self):
        with mock.patch("django.utils.timezone.localdate", return_value=MON):
            response = self.client.get(self.url("ical", calendar_feed_issue(actor=self.senior)))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        body = response.content.decode()
        self.assertIn("BEGIN:VEVENT", body)
        self.assertEqual(
            body.count("BEGIN:VEVENT"), Visit.objects.filter(manager=self.senior).count()
        )
        self.assertEqual(self.client.get(self.url("ical", "1:forged")).status_code, 404)
        summaries = [line for line in body.splitlines() if line.startswith("SUMMARY:")]
        self.assertTrue(summaries)
        for line in summaries:  # «بازدید ۱: …», not «بازدید 1: …»
            self.assertRegex(line, r"^SUMMARY:بازدید [۰-۹]+: ")

    def test_plan_page_and_htmx_reassign(self):
        self.login(self.secretary)
        self.client.get(self.url("plan") + f"?start={NOV21}")  # warm the per-process caches
        with self.assertNumQueries(8):
            response = self.client.get(self.url("plan") + f"?start={NOV21}")
        self.assertContains(response, "reassign-form")
        target = self.senior2
        response = self.client.post(
            self.url("reassign", self.visit.pk),
            {"manager": target.pk, "day": MON.isoformat()},
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(response.status_code, 200)
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.manager_id, self.visit.day), (target.pk, MON))
        response = self.client.post(
            self.url("reassign", self.visit.pk),
            {"manager": self.manager1.pk},
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(response, "alert-danger")

    def test_senior_manager_cannot_reassign(self):
        self.login(self.senior)
        response = self.client.post(
            self.url("reassign", self.visit.pk), {"manager": self.senior2.pk}
        )
        self.assertEqual(response.status_code, 403)

    def test_report_form_only_for_the_assigned_manager(self):
        self.login(self.senior2)
        self.assertEqual(self.client.get(self.url("report", self.visit.pk)).status_code, 403)
        response = self.client.post(
            self.url("report", self.visit.pk), {"findings": "x" * 20, "recommendation": "approve"}
        )
        self.assertEqual(response.status_code, 403)
        other = make_city("othercity")
        self.client.force_login(other["senior"])
        self.assertIn(self.client.get(self.url("report", self.visit.pk)).status_code, (403, 404))

    def test_report_flow_with_photo_and_errors(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login(self.senior)
        page = self.client.get(self.url("report", self.visit.pk))
        self.assertContains(page, 'capture="environment"')
        self.assertContains(page, 'accept="image/*"')
        bad = self.client.post(
            self.url("report", self.visit.pk),
            {"findings": "", "recommendation": "approve", "estimated_cost": "abc"},
        )
        self.assertEqual(bad.status_code, 200)
        self.assertContains(bad, "invalid-feedback")
        photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
        response = self.client.post(
            self.url("report", self.visit.pk),
            {
                "findings": "آسفالت نشست کرده است",
                "recommendation": "approve",
                "urgency": "3",
                "estimated_cost": "۱۲۰۰۰۰۰۰",
                "measurements": "طول: ۲ متر",
                "photos": [photo],
                "checkin_lat": "36.84",
                "checkin_lon": "54.44",
            },
        )
        self.assertEqual(
            response.status_code,
            302,
            response.context and "form" in response.context and response.context["form"].errors,
        )  # (a filed report renders the secretary's check-in warning SMS: another context)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, "reported")
        self.assertEqual(self.visit.estimated_cost, 12_000_000)
        self.assertEqual(self.visit.measurements, {"طول": "۲ متر"})
        self.visit.case.refresh_from_db()
        self.assertEqual(self.visit.case.status, "visited")
        photo_url = self.url("photo", self.visit.photos.get().pk)
        self.assertEqual(self.client.get(photo_url)["Content-Type"], "image/jpeg")
        self.client.force_login(self.head_civil)
        self.assertEqual(self.client.get(photo_url).status_code, 403)

    def test_check_in(self):
        self.login(self.senior)
        response = self.client.post(
            self.url("check_in", self.visit.pk), {"lat": "36.841", "lon": "54.44"}
        )
        self.assertContains(response, "حضور در محل ثبت شد")
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, "checked_in")
        self.assertAlmostEqual(self.visit.checkin_lat, 36.841)
        self.assertLess(abs((self.visit.checked_in_at - timezone.now()).total_seconds()), 60)
        self.login(self.senior2)
        self.assertEqual(self.client.post(self.url("check_in", self.visit.pk)).status_code, 403)

    def test_manager_swaps_a_visit_with_a_colleague(self):
        self.login(self.senior)
        mine = self.visit
        other = Visit.objects.filter(manager=self.senior2, status="planned").first()
        page = self.client.get(self.url("today") + f"?day={mine.day}")
        self.assertContains(page, "swap-box")
        response = self.client.post(self.url("swap", mine.pk), {"other": other.pk})
        self.assertEqual(response.status_code, 302)
        mine.refresh_from_db()
        other.refresh_from_db()
        self.assertEqual((mine.manager_id, other.manager_id), (self.senior2.pk, self.senior.pk))
        # a manager who holds neither visit may not swap them
        self.login(self.senior)
        third = Visit.objects.filter(manager=self.senior2).exclude(pk=mine.pk).first()
        response = self.client.post(self.url("swap", mine.pk), {"other": third.pk})
        self.assertEqual(response.status_code, 403)
