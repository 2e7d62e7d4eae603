"""The desks at the top (mayor, secretary, deputy) and /office/reports/ with its XLSX."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from pishkhan.directives import services as directive_services
from pishkhan.directives.models import Directive
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.office import selectors
from pishkhan.test import BaseTestCase


class DeskTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        make_case(self.city)
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        self.meeting = run_meeting(self, meeting, sign=False)
        # the members sign, the mayor has not yet
        for member in (self.member, self.member2):
            meeting_services.minutes_sign(
                meeting=self.meeting,
                member=member,
                password="test-password-1405",
                now=timezone.now(),
            )

    def dispatched(self) -> Directive:
        for member in (self.mayor,):
            meeting_services.minutes_sign(
                meeting=self.meeting,
                member=member,
                password="test-password-1405",
                now=timezone.now(),
            )
        directive_services.meeting_dispatch(
            meeting=self.meeting, actor=self.secretary, now=timezone.now()
        )
        late = timezone.now() + dt.timedelta(days=30)
        directive_services.directives_mark_overdue(now=late)
        return Directive.objects.get(role="lead")

    def test_mayor_sees_minutes_awaiting_his_signature(self) -> None:
        self.login(self.mayor)
        page = self.client.get("/office/")
        self.assertContains(page, 'id="mayor-desk"')
        self.assertContains(page, f"/office/meetings/{self.meeting.pk}/sign/")
        self.assertContains(page, "قول این هفته")
        self.assertContains(page, 'id="desk-chart-data"')
        self.assertContains(page, "chart.umd.min.js")

    def test_secretary_week_lists_missing_signatures(self) -> None:
        self.login(self.secretary)
        page = self.client.get("/office/")
        self.assertContains(page, 'id="secretary-desk"')
        self.assertContains(page, "امضاهای مانده")
        self.assertContains(page, self.mayor.get_full_name())
        self.assertNotContains(page, 'id="mayor-desk"')

    def test_overdue_by_department_deputy_and_reports(self) -> None:
        lead = self.dispatched()
        today = timezone.localdate() + dt.timedelta(days=30)
        rows = selectors.overdue_list(self.m.pk, today=today)
        self.assertEqual(
            {r["number"] for r in rows}, set(Directive.objects.values_list("number", flat=True))
        )
        mine = next(r for r in rows if r["number"] == lead.number)
        self.assertEqual(mine["deputy"], self.member.get_full_name())
        self.assertEqual(mine["days_late"], (today - lead.deadline).days)
        desk = selectors.mayor_desk(self.mayor, today)
        self.assertEqual(
            {r["department"]: r["count"] for r in desk.data["overdue_by_department"]},
            {self.civil.name: 1, self.green.name: 1},
        )
        # a week without a meeting is empty (None), not zero; this week's counts approvals
        weeks = desk.data["weeks"]
        self.assertIsNone(weeks[0]["decided"])
        self.assertIsNone(desk.data["chart"]["kept"][0])
        this = next(w for w in weeks if w["week_start"] == this_week())
        self.assertEqual(this["decided"], self.meeting.items.count())
        # the deputy of civil sees his department's order, not green's
        self.login(self.member)
        page = self.client.get("/office/")
        self.assertContains(page, 'id="deputy-desk"')
        self.assertContains(page, f"/office/directives/{lead.pk}/")
        green = Directive.objects.get(department=self.green)
        self.assertNotContains(page, f"/office/directives/{green.pk}/")

    def test_reports_page_filters_and_xlsx(self) -> None:
        lead = self.dispatched()
        self.login(self.mayor)
        page = self.client.get("/office/reports/")
        self.assertEqual(page.status_code, 200)
        for table in ("overdue-table", "weeks-table", "departments-table", "districts-table"):
            self.assertContains(page, f'id="{table}"')
        self.assertContains(page, f"/office/directives/{lead.pk}/")
        filtered = self.client.get(f"/office/reports/?department={self.green.pk}&weeks=۴")
        self.assertNotContains(filtered, f"/office/directives/{lead.pk}/")
        self.assertContains(filtered, 'value="4" selected')
        response = self.client.get(f"/office/reports/?department={self.civil.pk}&format=xlsx")
        self.assertEqual(response.status_code, 200)
        book = load_workbook(io.BytesIO(response.content))
        self.assertEqual(book.sheetnames, ["هفته‌ها", "واحدها", "مناطق", "ابلاغیه‌های معوق"])
        overdue = list(book["ابلاغیه‌های معوق"].values)
        self.assertEqual([r[0] for r in overdue[1:]], [lead.number])
        self.assertTrue(book["واحدها"].sheet_view.rightToLeft)
        self.login(self.head_civil)
        self.assertEqual(self.client.get("/office/reports/").status_code, 403)

    def test_desks_and_reports_in_english(self) -> None:
        self.login(self.mayor)
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = self.client.get("/office/")
        for text in (
            "What needs you today",
            "Minutes awaiting your signature",
            "Trend over the last 12 weeks",
            "Overdue directives by department",
        ):
            self.assertContains(page, text)
        reports = self.client.get("/office/reports/")
        for text in ("Overdue directives", "By district", "Excel export of all tables", "Period"):
            self.assertContains(reports, text)
        self.assertNotContains(reports, "به تفکیک منطقه")
