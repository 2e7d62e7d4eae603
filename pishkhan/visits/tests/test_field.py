"""The 06:00 visit on a phone: the checked check-in, the report queued offline and sent once,
the recommendation kept off the citizen's timeline."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from pishkhan.cases.models import Attachment, Case, CaseEvent
from pishkhan.cases.selectors import case_public_timeline
from pishkhan.cases.services import case_merge
from pishkhan.cycle.services import week_get_or_create
from pishkhan.notify.models import Message
from pishkhan.test import BaseTestCase
from pishkhan.visits.models import Visit, VisitPhoto
from pishkhan.visits.services import visit_check_in, visit_reorder, visit_report_file, visits_plan
from pishkhan.visits.tests.helpers import at, submit
from pishkhan.visits.tests.test_services import png_bytes

NOV21 = dt.date(2026, 11, 21)


class FieldVisitTests(BaseTestCase):
    def setUp(self):
        self.week = week_get_or_create(self.m, NOV21)
        self.case = submit(self.city, when=at(2026, 11, 21, 9), lat=36.845, lon=54.44)
        visits_plan(week=self.week, now=at(2026, 11, 22, 23, 59))
        self.visit = Visit.objects.get(case=self.case)
        self.on_day = at(self.visit.day.year, self.visit.day.month, self.visit.day.day, 6, 30)

    def secretary_sms(self):
        return Message.objects.filter(to=self.secretary.mobile, template__contains="checkin_flag")

    def test_recommendation_stays_off_the_public_timeline(self):
        visit_report_file(
            visit=self.visit,
            actor=self.visit.manager,
            findings="چاله عمیق است",
            recommendation="reject",
            now=self.on_day,
        )
        public = " ".join(e.note for e in case_public_timeline(case=self.case))
        self.assertNotIn("رد", public)
        self.assertIn("بازدید میدانی انجام شد", public)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "visited")

    def test_near_check_in_on_the_day_is_clean(self):
        v = visit_check_in(
            visit=self.visit, actor=self.visit.manager, lat=36.8452, lon=54.4401, now=self.on_day
        )
        self.assertEqual(v.checkin_flags, "")
        self.assertLess(v.checkin_distance_m, 50)
        self.assertFalse(self.secretary_sms().exists())

    def test_far_check_in_on_the_wrong_day_is_flagged_to_the_secretary(self):
        wrong_day = self.on_day + dt.timedelta(days=3)
        v = visit_check_in(
            visit=self.visit, actor=self.visit.manager, lat=35.70, lon=51.40, now=wrong_day
        )
        self.assertEqual(v.checkin_flags, "far,wrong_day")
        self.assertGreater(v.checkin_distance_m, 250_000)
        sms = self.secretary_sms().get()
        self.assertIn(self.case.tracking_code, sms.body)
        self.assertIn("دور از محل", sms.body)

    def test_check_in_without_location_is_recorded_as_such(self):
        v = visit_check_in(
            visit=self.visit, actor=self.visit.manager, lat=None, lon=None, now=self.on_day
        )
        self.assertEqual(v.checkin_flags, "no_location")
        self.assertIsNone(v.checkin_distance_m)

    def test_offline_report_checks_in_at_the_time_it_was_made(self):
        v = visit_report_file(
            visit=self.visit,
            actor=self.visit.manager,
            findings="x",
            recommendation="approve",
            now=self.on_day + dt.timedelta(days=1),
            checkin_lat=36.845,
            checkin_lon=54.44,
            checked_in_at=self.on_day,
        )
        self.assertEqual(v.checked_in_at, self.on_day)
        self.assertEqual(v.checkin_flags, "")


@override_settings(UPLOAD_MAX_BYTES=5 * 1024 * 1024)
class QueuedReportTests(BaseTestCase):
    """What the phone's queue posts: the same report twice is filed once."""

    def setUp(self):
        self.week = week_get_or_create(self.m, NOV21)
        self.case = submit(self.city, when=at(2026, 11, 21, 9))
        visits_plan(week=self.week, now=at(2026, 11, 22, 23, 59))
        self.visit = Visit.objects.get(case=self.case)
        self.login(self.visit.manager)
        self.url = reverse("visits:report", args=[self.visit.pk])

    def post(self, key, **extra):
        data = {
            "findings": "آسفالت نشست کرده است",
            "recommendation": "approve",
            "urgency": 2,
            "report_key": key,
            "photos": SimpleUploadedFile("p.png", png_bytes(), "image/png"),
        }
        data.update(extra)
        return self.client.post(self.url, data, headers={"X-Pishkhan-Queue": "1"})

    def test_same_report_sent_twice_is_filed_once(self):
        first = self.post("k" * 32)
        self.assertEqual(first.status_code, 200)
        self.assertTrue(first.json()["ok"])
        again = self.post("k" * 32)  # the answer was lost with the signal; the queue sends again
        self.assertEqual(again.status_code, 200)
        self.assertTrue(again.json()["ok"])
        self.assertEqual(VisitPhoto.objects.filter(visit=self.visit).count(), 1)
        self.assertEqual(CaseEvent.objects.filter(case=self.case, new_status="visited").count(), 1)

    def test_another_report_for_a_filed_visit_is_refused_in_persian(self):
        self.post("a" * 32)
        other = self.post("b" * 32)
        self.assertEqual(other.status_code, 400)
        self.assertIn("پیش‌تر ثبت شده", " ".join(sum(other.json()["errors"].values(), [])))
        self.assertEqual(VisitPhoto.objects.filter(visit=self.visit).count(), 1)

    def test_photo_too_large_is_refused_and_nothing_written(self):
        with override_settings(UPLOAD_MAX_BYTES=100):
            r = self.post("c" * 32)
        self.assertEqual(r.status_code, 400)
        self.assertIn("بزرگ‌تر از", " ".join(r.json()["errors"]["photos"]))
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, Visit.Status.PLANNED)
        self.assertFalse(VisitPhoto.objects.exists())

    def test_report_page_shows_citizen_photos_merged_cases_and_full_text(self):
        Attachment.objects.create(
            case=self.case,
            file=SimpleUploadedFile("a.jpg", png_bytes()),
            content_type="image/jpeg",
            size=10,
        )
        other = submit(self.city, when=at(2026, 11, 21, 10), accept=False)
        case_merge(case=other, into=self.case, actor=self.manager1)
        html = self.client.get(self.url).content.decode()
        self.assertIn("citizen-photo", html)
        photo_url = reverse(
            "visits:citizen_photo", args=[self.visit.pk, Attachment.objects.get(case=self.case).pk]
        )
        self.assertIn(photo_url, html)
        self.assertEqual(self.client.get(photo_url).status_code, 200)
        self.assertIn(other.tracking_code, html)
        self.assertIn('name="report_key"', html)
        self.assertIn("manifest", html)
        self.assertIn(Case.objects.get(pk=self.case.pk).description, html)

    def test_service_worker_and_manifest_are_served_under_the_visit_scope(self):
        sw = self.client.get(reverse("visits:sw"))
        self.assertEqual(sw.status_code, 200)
        self.assertIn("javascript", sw["Content-Type"])
        manifest = self.client.get(reverse("visits:manifest")).json()
        self.assertEqual(manifest["start_url"], reverse("visits:today"))
        self.assertEqual(manifest["scope"], "/office/visits/")


class EtaTests(BaseTestCase):
    def test_stops_without_coordinates_and_shared_stops_get_their_own_times(self):
        week = week_get_or_create(self.m, NOV21)
        for _ in range(3):  # phoned in: no point, all at the district's centre
            submit(self.city, when=at(2026, 11, 21, 9), lat=None, lon=None)
        for _ in range(2):  # two reports of one spot
            submit(self.city, when=at(2026, 11, 21, 9), lat=36.8451, lon=54.4401)
        visits_plan(week=week, now=at(2026, 11, 22, 23, 59))
        for manager_id, day in set(Visit.objects.values_list("manager_id", "day")):
            visit = Visit.objects.filter(manager_id=manager_id, day=day).first()
            visit_reorder(
                visit=visit, position=1, actor=self.secretary, now=at(2026, 11, 22, 23, 59)
            )
            times = list(
                Visit.objects.filter(manager_id=manager_id, day=day).values_list(
                    "planned_at", flat=True
                )
            )
            self.assertEqual(len(times), len(set(times)), times)


class DaySheetTests(BaseTestCase):
    def test_the_day_sheet_shows_each_problem_text(self):
        from unittest import mock

        week = week_get_or_create(self.m, NOV21)
        case = submit(self.city, when=at(2026, 11, 21, 9))
        visits_plan(week=week, now=at(2026, 11, 22, 23, 59))
        visit = Visit.objects.get(case=case)
        self.login(visit.manager)
        with mock.patch("weasyprint.HTML") as html:
            html.return_value.write_pdf.return_value = b"%PDF-1.7"
            self.client.get(reverse("visits:day_sheet") + f"?day={visit.day.isoformat()}")
        self.assertIn(case.description, html.call_args.kwargs["string"])
