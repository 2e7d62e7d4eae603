"""Planning, moving and reporting visits."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from pishkhan.accounts.models import Absence
from pishkhan.accounts.roles import Role
from pishkhan.accounts.services import user_create
from pishkhan.core.audit import audit_verify
from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.cycle.services import week_get_or_create
from pishkhan.test import PASSWORD, BaseTestCase
from pishkhan.visits.models import Visit, VisitEvent
from pishkhan.visits.services import (
    visit_reassign,
    visit_reorder,
    visit_report_file,
    visit_swap,
    visits_plan,
)
from pishkhan.visits.tests.helpers import at, submit

NOV21 = dt.date(2026, 11, 21)
MON, TUE = dt.date(2026, 11, 23), dt.date(2026, 11, 24)


def png_bytes(exif=False):
    img = Image.new("RGB", (40, 30), (200, 40, 40))
    out = io.BytesIO()
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "SecretCam"
        img.save(out, "JPEG", exif=ex)
    else:
        img.save(out, "PNG")
    return out.getvalue()


class PlanTests(BaseTestCase):
    def setUp(self):
        self.week = week_get_or_create(self.m, NOV21)

    def plan(self, now=None):
        return visits_plan(week=self.week, now=now or at(2026, 11, 22, 23, 59))

    def test_assigns_by_domain_balances_and_orders_from_the_start_point(self):
        trees = [
            submit(self.city, when=at(2026, 11, 21, 9), service="tree", lat=36.84 + i / 200)
            for i in range(3)
        ]
        holes = [
            submit(self.city, when=at(2026, 11, 21, 9), lat=36.80 - i / 200, district="d2")
            for i in range(6)
        ]
        result = self.plan()
        self.assertEqual(result, {"planned": 9, "unplanned": 0})
        # only `senior` covers green
        self.assertEqual(
            {v.manager_id for v in Visit.objects.filter(case__in=trees)}, {self.senior.pk}
        )
        loads = {u: Visit.objects.filter(manager=u).count() for u in (self.senior, self.senior2)}
        self.assertLessEqual(abs(loads[self.senior] - loads[self.senior2]), 3)
        for visit in Visit.objects.all():
            self.assertIn(visit.day, (MON, TUE))
            self.assertIsNotNone(visit.planned_at)
        first = Visit.objects.filter(order=1).order_by("planned_at").first()
        self.assertGreaterEqual(
            first.planned_at, at(first.day.year, first.day.month, first.day.day, 6)
        )
        # routes are timed in order along each manager-day
        for manager in (self.senior, self.senior2):
            for day in (MON, TUE):
                times = list(
                    Visit.objects.filter(manager=manager, day=day)
                    .order_by("order")
                    .values_list("planned_at", flat=True)
                )
                self.assertEqual(times, sorted(times))
        self.assertEqual(holes[0].status, "accepted")

    def test_rerun_is_idempotent_and_adds_only_new_cases(self):
        for i in range(4):
            submit(self.city, when=at(2026, 11, 21, 9), lat=36.84 + i / 100)
        self.plan()
        self.assertEqual(self.plan(), {"planned": 0, "unplanned": 0})
        self.assertEqual(Visit.objects.count(), 4)
        new = submit(self.city, when=at(2026, 11, 22, 9), lat=36.8405)
        self.assertEqual(self.plan(at(2026, 11, 23, 7))["planned"], 1)
        visit = Visit.objects.get(case=new)
        route = list(
            Visit.objects.filter(manager=visit.manager, day=visit.day)
            .order_by("order")
            .values_list("order", flat=True)
        )
        self.assertEqual(route, list(range(1, len(route) + 1)))
        self.assertEqual(VisitEvent.objects.filter(visit=visit).count(), 1)

    def test_nearby_cases_are_one_stop(self):
        a = submit(self.city, when=at(2026, 11, 21, 9), lat=36.8500, lon=54.4400)
        b = submit(self.city, when=at(2026, 11, 21, 9), lat=36.8503, lon=54.4402)  # ~40 m
        self.plan()
        va, vb = Visit.objects.get(case=a), Visit.objects.get(case=b)
        self.assertEqual((va.manager_id, va.day), (vb.manager_id, vb.day))
        # one stop, seen one after the other: the second starts when the first's dwell ends
        first, second = sorted((va, vb), key=lambda v: v.order)
        self.assertEqual(second.planned_at - first.planned_at, dt.timedelta(minutes=20))
        self.assertEqual(abs(va.order - vb.order), 1)
        self.assertEqual(min(va.distance_m, vb.distance_m), 0)

    def test_absence_and_capacity_are_respected(self):
        Absence.objects.create(user=self.senior2, start=MON, end=MON, reason="مرخصی")
        type(self.senior).objects.filter(pk=self.senior.pk).update(daily_visit_capacity=2)
        for i in range(8):
            submit(self.city, when=at(2026, 11, 21, 9), lat=36.84 + i / 100)
        result = self.plan()
        self.assertEqual(Visit.objects.filter(manager=self.senior2, day=MON).count(), 0)
        for day in (MON, TUE):
            self.assertLessEqual(Visit.objects.filter(manager=self.senior, day=day).count(), 2)
        # senior: 2×2, senior2: Tuesday only (12) → all 8 placed
        self.assertEqual(result["planned"], 8)

    def test_reassign_reorder_swap(self):
        for i in range(4):
            submit(self.city, when=at(2026, 11, 21, 9), lat=36.84 + i / 100)
        self.plan()
        visit = Visit.objects.filter(manager=self.senior2).first() or Visit.objects.first()
        now = at(2026, 11, 23, 5)
        with self.assertRaises(PermissionDeniedError):
            visit_reassign(visit=visit, manager=self.senior, actor=self.senior2, now=now)
        with self.assertRaises(ApplicationError):
            visit_reassign(visit=visit, manager=self.manager1, actor=self.secretary, now=now)
        moved = visit_reassign(
            visit=visit, manager=self.senior, day=TUE, actor=self.secretary, now=now
        )
        self.assertEqual((moved.manager_id, moved.day), (self.senior.pk, TUE))
        route = list(Visit.objects.filter(manager=self.senior, day=TUE).order_by("order"))
        self.assertEqual([v.order for v in route], list(range(1, len(route) + 1)))
        last = route[-1]
        visit_reorder(visit=last, position=1, actor=self.senior, now=now)
        self.assertEqual(Visit.objects.get(pk=last.pk).order, 1)
        with self.assertRaises(PermissionDeniedError):
            visit_reorder(visit=last, position=2, actor=self.senior2, now=now)
        # swap between managers (both cover civil)
        other = Visit.objects.exclude(manager=self.senior).first()
        if other is None:
            other = visit_reassign(
                visit=route[0], manager=self.senior2, day=MON, actor=self.secretary, now=now
            )
        mine = Visit.objects.filter(manager=self.senior).first()
        a, b = visit_swap(visit=mine, other=other, actor=self.senior, now=now)
        self.assertEqual(a.manager_id, self.senior2.pk)
        self.assertEqual(b.manager_id, self.senior.pk)
        self.assertEqual(audit_verify(), [])  # every change recorded and intact

    def test_swap_refused_when_the_domain_does_not_match(self):
        tree = submit(self.city, when=at(2026, 11, 21, 9), service="tree")
        hole = submit(self.city, when=at(2026, 11, 21, 9), lat=36.9)
        self.plan()
        vt, vh = Visit.objects.get(case=tree), Visit.objects.get(case=hole)
        if vh.manager_id == vt.manager_id:
            vh = visit_reassign(
                visit=vh, manager=self.senior2, actor=self.secretary, now=at(2026, 11, 23, 5)
            )
        with self.assertRaises(ApplicationError):
            visit_swap(visit=vt, other=vh, actor=self.secretary, now=at(2026, 11, 23, 5))


class ReportTests(BaseTestCase):
    def setUp(self):
        self.week = week_get_or_create(self.m, NOV21)
        self.case = submit(self.city, when=at(2026, 11, 21, 9))
        visits_plan(week=self.week, now=at(2026, 11, 22, 23, 59))
        self.visit = Visit.objects.get(case=self.case)
        self.other = self.senior2 if self.visit.manager_id == self.senior.pk else self.senior

    def file(self, actor, **kw):
        args = {
            "findings": "چاله‌ای به قطر ۸۰ سانتی‌متر",
            "recommendation": "approve",
            "now": at(2026, 11, 23, 9),
        }
        args.update(kw)
        return visit_report_file(visit=self.visit, actor=actor, **args)

    def test_only_the_assigned_manager_or_secretary_may_file(self):
        with self.assertRaises(PermissionDeniedError):
            self.file(self.other)
        with self.assertRaises(PermissionDeniedError):
            self.file(self.manager1)
        from pishkhan.test import make_city

        foreign = make_city("othercity")
        with self.assertRaises(PermissionDeniedError):
            self.file(foreign["secretary"])
        visit = self.file(self.secretary)
        self.assertEqual(visit.status, Visit.Status.REPORTED)

    def test_report_marks_the_case_visited_and_reencodes_photos(self):
        photo = SimpleUploadedFile("p.jpg", png_bytes(exif=True), content_type="image/jpeg")
        visit = self.file(
            self.visit.manager,
            photos=[photo],
            checkin_lat=36.84,
            checkin_lon=54.44,
            measurements={"طول": "۲ متر"},
            estimated_cost=5_000_000,
            urgency=3,
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "visited")
        saved = visit.photos.get()
        with Image.open(saved.file.path) as img:
            self.assertEqual(img.format, "JPEG")
            self.assertFalse(img.getexif())
        with self.assertRaises(ApplicationError):  # a retried submit does not duplicate
            self.file(self.visit.manager)
        self.assertEqual(visit.photos.count(), 1)

    def test_bad_photo_and_missing_fields_write_nothing(self):
        fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
        with self.assertRaises(ApplicationError) as ctx:
            self.file(self.visit.manager, photos=[fake], findings=" ", recommendation="maybe")
        errors = ctx.exception.extra["errors"]
        self.assertEqual(set(errors), {"photos", "findings", "recommendation"})
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, Visit.Status.PLANNED)
        with override_settings(UPLOAD_MAX_BYTES=100):
            big = SimpleUploadedFile("b.png", png_bytes(), content_type="image/png")
            with self.assertRaises(ApplicationError):
                self.file(self.visit.manager, photos=[big])

    def test_absent_manager_cannot_receive_a_visit(self):
        extra = user_create(
            mobile="+989990000001",
            full_name="مدیر سوم",
            role=Role.SENIOR_MANAGER,
            municipality=self.m,
            password=PASSWORD,
            domains="civil",
        )
        Absence.objects.create(user=extra, start=MON, end=TUE)
        with self.assertRaises(ApplicationError):
            visit_reassign(
                visit=self.visit,
                manager=extra,
                day=MON,
                actor=self.secretary,
                now=at(2026, 11, 23, 5),
            )
