"""Former committees' open items: upload → mapping → dry run → import (idempotent)."""

from __future__ import annotations

import io

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from pishkhan.accounts.models import Committee
from pishkhan.cases.models import Case
from pishkhan.meetings import services
from pishkhan.meetings.tests.factories import this_week
from pishkhan.test import BaseTestCase

CSV = (
    "شماره,نام متقاضی,همراه,خدمت,شرح,منطقه,نشانی\n"
    "K-1,علی رضایی,09121234567,pothole,چالهٔ بزرگ جلوی مدرسه مانده است,1,خیابان امام\n"
    "K-2,مریم احمدی,09121234568,ترمیم چاله,آسفالت کوچه پس از حفاری ترمیم نشده,منطقهٔ دو,کوچهٔ ۵\n"
    "K-3,بی‌نام,123,نامعلوم,کوتاه,9,\n"
)


class CommitteeImportTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.committee = Committee.objects.create(municipality=self.m, name="کمیتهٔ معابر")
        self.login(self.secretary)

    def _upload(self, name: str, data: bytes) -> None:
        response = self.client.post(
            "/office/meetings/import/",
            {
                "committee": self.committee.pk,
                "file": SimpleUploadedFile(name, data),
            },
        )
        self.assertRedirects(response, "/office/meetings/import/map/")

    def _mapping(self) -> dict[str, str]:
        return {
            "map_external_ref": "0",
            "map_citizen_name": "1",
            "map_citizen_mobile": "2",
            "map_service": "3",
            "map_description": "4",
            "map_district": "5",
            "map_address": "6",
        }

    def test_csv_dry_run_reports_rows_then_import_is_idempotent(self) -> None:
        self._upload("items.csv", CSV.encode())
        page = self.client.get("/office/meetings/import/map/")
        self.assertContains(page, "علی رضایی")
        dry = self.client.post("/office/meetings/import/map/", {**self._mapping(), "action": "dry"})
        self.assertContains(dry, "سطر با خطا")
        self.assertContains(dry, "نامعلوم")  # row 4: unknown service
        self.assertEqual(Case.objects.count(), 0)  # the dry run wrote nothing
        # fix the file: drop the bad row
        self._upload("items.csv", "\n".join(CSV.splitlines()[:3]).encode())
        response = self.client.post(
            "/office/meetings/import/map/", {**self._mapping(), "action": "import"}
        )
        self.assertRedirects(
            response, "/office/meetings/import/run/", fetch_redirect_response=False
        )
        page = self.client.post("/office/meetings/import/run/", HTTP_HX_REQUEST="true")
        self.assertContains(page, "ورود پایان یافت")
        cases = Case.objects.filter(origin_committee=self.committee)
        self.assertEqual(sorted(cases.values_list("external_ref", flat=True)), ["K-1", "K-2"])
        self.assertEqual({c.status for c in cases}, {"accepted"})
        self.assertEqual({c.channel for c in cases}, {"committee"})
        # again: nothing new
        self._upload("items.csv", "\n".join(CSV.splitlines()[:3]).encode())
        self.client.post("/office/meetings/import/map/", {**self._mapping(), "action": "import"})
        page = self.client.post("/office/meetings/import/run/", HTTP_HX_REQUEST="true")
        self.assertEqual(Case.objects.filter(origin_committee=self.committee).count(), 2)
        # and they come to the agenda as committee items
        for case in cases:
            Case.objects.filter(pk=case.pk).update(week_start=this_week())
        meeting = services.meeting_for_date(municipality=self.m, week_start=this_week())
        services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        self.assertEqual(meeting.items.filter(kind="committee").count(), 2)

    def test_xlsx_upload_and_permission(self) -> None:
        book = Workbook()
        sheet = book.active
        for row in CSV.splitlines()[:2]:
            sheet.append(row.split(","))
        buffer = io.BytesIO()
        book.save(buffer)
        self._upload("items.xlsx", buffer.getvalue())
        self.client.post("/office/meetings/import/map/", {**self._mapping(), "action": "import"})
        self.client.post("/office/meetings/import/run/")
        self.assertEqual(
            Case.objects.filter(origin_committee=self.committee, external_ref="K-1").count(), 1
        )
        self.login(self.manager1)
        self.assertEqual(self.client.get("/office/meetings/import/").status_code, 403)
        self.login(self.member)
        self.assertEqual(self.client.get("/office/meetings/import/").status_code, 403)

    def test_broken_file_is_a_message_not_a_500(self) -> None:
        response = self.client.post(
            "/office/meetings/import/",
            {
                "committee": self.committee.pk,
                "file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage"),
            },
        )
        self.assertContains(response, "اکسل خوانده نشد")
