"""Office pages: inbox scoping, detail actions, dispatch button, report, meeting screens."""

from __future__ import annotations

import datetime as dt
import io

from django.core.cache import cache
from django.utils import timezone
from openpyxl import load_workbook

from pishkhan.core.jalali import TEHRAN
from pishkhan.directives import services
from pishkhan.directives.models import Directive
from pishkhan.directives.tests.test_directives import photo
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.models import Meeting
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.test import PASSWORD, BaseTestCase, make_city


class InboxTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        make_case(self.city)
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        self.meeting = run_meeting(self, meeting)
        self.client.force_login(self.secretary)
        response = self.client.post(f"/office/directives/dispatch/{self.meeting.pk}/")
        self.assertEqual(response.status_code, 302)
        self.lead = Directive.objects.get(role="lead")
        self.support = Directive.objects.get(role="support")

    def test_department_sees_only_its_own(self) -> None:
        self.login(self.head_green)
        page = self.client.get("/office/directives/")
        self.assertContains(page, f"/office/directives/{self.support.pk}/")
        self.assertNotContains(page, f"/office/directives/{self.lead.pk}/")
        self.assertEqual(self.client.get(f"/office/directives/{self.lead.pk}/").status_code, 404)
        self.assertEqual(
            self.client.get(f"/office/directives/{self.lead.pk}/letter.pdf").status_code, 404
        )
        response = self.client.post(
            f"/office/directives/{self.lead.pk}/", {"action": "acknowledge"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(Directive.objects.get(pk=self.lead.pk).acknowledged_at)

    def test_other_city_and_citizen_cannot_see(self) -> None:
        other = make_city("othercity")
        self.client.force_login(other["head_civil"])
        # tenancy: staff of another city are refused at the door (403) or the row is not found (404)
        self.assertIn(
            self.client.get(f"/office/directives/{self.lead.pk}/").status_code, (403, 404)
        )
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get("/office/directives/").status_code, 403)
        self.login(self.senior)
        self.assertEqual(self.client.get("/office/directives/").status_code, 403)

    def test_inbox_query_count_is_constant(self) -> None:
        self.login(self.head_civil)
        self.client.get("/office/directives/")  # warm the host → municipality cache
        with self.assertNumQueries(4):
            self.client.get("/office/directives/")
        make_case(self.city, start=this_week())
        with self.assertNumQueries(4):
            self.client.get("/office/directives/")

    def test_head_acknowledges_reports_and_completes_through_pages(self) -> None:
        self.login(self.head_civil)
        url = f"/office/directives/{self.lead.pk}/"
        self.assertContains(self.client.get(url), "رؤیت شد")
        self.client.post(url, {"action": "acknowledge"})
        response = self.client.post(url, {"action": "complete", "c-note": "تمام شد"})
        self.assertContains(response, "دست‌کم یک مستند")  # evidence is required
        bad = io.BytesIO(b"MZ not a picture")
        bad.name = "virus.jpg"
        response = self.client.post(
            url, {"action": "complete", "c-note": "تمام شد", "c-evidence": bad}
        )
        self.assertContains(response, "معتبر نیست")
        self.assertEqual(Directive.objects.get(pk=self.lead.pk).status, "acknowledged")
        response = self.client.post(
            url, {"action": "complete", "c-note": "تمام شد", "c-evidence": photo()}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Directive.objects.get(pk=self.lead.pk).status, "done")
        evidence = Directive.objects.get(pk=self.lead.pk).events.last().evidence.get()
        self.assertEqual(self.client.get(f"{url}evidence/{evidence.pk}/").status_code, 200)
        self.assertTrue(self.client.get(f"{url}letter.pdf").content.startswith(b"%PDF"))

    def test_report_and_xlsx(self) -> None:
        services.directive_complete(
            directive=self.lead, note="انجام شد", actor=self.head_civil, files=[photo()]
        )
        self.login(self.secretary)
        page = self.client.get("/office/directives/report/")
        self.assertContains(page, "معاونت عمرانی")
        data = self.client.get("/office/directives/report/?format=xlsx").content
        book = load_workbook(io.BytesIO(data))
        rows = list(book["واحدها"].iter_rows(values_only=True))
        civil = next(r for r in rows if r[0] == "معاونت عمرانی")
        self.assertEqual(civil[1:4], (1, 0, 1))
        weeks = list(book["هفته‌ها"].iter_rows(values_only=True))
        self.assertEqual(sum(r[1] for r in weeks[1:]), 1)


class MeetingPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.cases = [make_case(self.city) for _ in range(2)]

    def test_secretary_runs_meeting_through_pages_and_members_sign(self) -> None:
        self.login(self.secretary)
        response = self.client.post("/office/meetings/")
        meeting = Meeting.objects.get()
        self.assertRedirects(response, f"/office/meetings/{meeting.pk}/")
        self.client.post(f"/office/meetings/{meeting.pk}/agenda/", {"action": "build"})
        self.assertContains(
            self.client.get(f"/office/meetings/{meeting.pk}/"), self.cases[0].tracking_code
        )
        self.assertTrue(
            self.client.get(f"/office/meetings/{meeting.pk}/agenda.pdf").content.startswith(b"%PDF")
        )
        self.client.post(f"/office/meetings/{meeting.pk}/agenda/", {"action": "freeze"})
        url = f"/office/meetings/{meeting.pk}/session/"
        present = [self.member.pk, self.member2.pk, self.mayor.pk]
        self.client.post(url, {"action": "start", "present": present})
        self.assertEqual(Meeting.objects.get().status, "in_session")
        items = list(meeting.items.order_by("number"))
        bad = self.client.post(
            f"/office/meetings/{meeting.pk}/items/{items[0].pk}/decide/",
            {f"i{items[0].pk}-outcome": "approve", f"i{items[0].pk}-text": "اجرا شود"},
            HTTP_HX_REQUEST="true",
        )
        self.assertContains(bad, "واحد مجری و مهلت")
        for item in items:
            p = f"i{item.pk}-"
            data = {
                p + "outcome": "approve",
                p + "text": "آسفالت شود",
                p + "lead_department": self.civil.pk,
                p + "deadline": "1499/01/15",
                p + "cost_note": "۱۰ میلیون",
            }
            data.update({f"{p}pos_{m}": "agree" for m in present})
            response = self.client.post(
                f"/office/meetings/{meeting.pk}/items/{item.pk}/decide/",
                data,
                HTTP_HX_REQUEST="true",
            )
            self.assertContains(response, "ذخیره شد")
        response = self.client.post(url, {"action": "close"})
        self.assertRedirects(response, f"/office/meetings/{meeting.pk}/sign/")
        for member in (self.member, self.member2, self.mayor):
            self.login(member)
            page = self.client.get(f"/office/meetings/{meeting.pk}/sign/")
            self.assertContains(page, "امضا می‌کنم")
            wrong = self.client.post(f"/office/meetings/{meeting.pk}/sign/", {"password": "nope"})
            self.assertContains(wrong, "گذرواژه درست نیست")
            self.client.post(f"/office/meetings/{meeting.pk}/sign/", {"password": PASSWORD})
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, "signed")
        self.assertTrue(
            self.client.get(f"/office/meetings/{meeting.pk}/minutes.pdf").content.startswith(
                b"%PDF"
            )
        )

    def test_boundaries(self) -> None:
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        self.login(self.member)
        self.assertEqual(
            self.client.post(
                f"/office/meetings/{meeting.pk}/agenda/", {"action": "build"}
            ).status_code,
            403,
        )
        self.login(self.head_civil)
        self.assertEqual(self.client.get(f"/office/meetings/{meeting.pk}/").status_code, 403)
        other = make_city("othercity")
        self.client.force_login(other["secretary"])
        self.assertIn(self.client.get(f"/office/meetings/{meeting.pk}/").status_code, (403, 404))

    def test_meeting_list_query_count(self) -> None:
        self.login(self.secretary)
        meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        self.client.get("/office/meetings/")  # warm the host → municipality cache
        with self.assertNumQueries(4):
            self.client.get("/office/meetings/")
        import datetime as dt

        meeting_services.meeting_for_date(
            municipality=self.m, week_start=this_week() - dt.timedelta(days=7)
        )
        with self.assertNumQueries(4):
            self.client.get("/office/meetings/")


class AgendaPageQueryTests(BaseTestCase):
    def test_agenda_page_query_count_is_constant(self) -> None:
        cache.clear()
        make_case(self.city)
        old = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=old, now=timezone.now(), actor=self.secretary)
        run_meeting(self, old)  # a decision in force, so the overlap query has rows to match
        import datetime as dt

        nxt = meeting_services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )
        for _ in range(2):
            make_case(self.city, start=nxt.week_start)
        meeting_services.agenda_build(meeting=nxt, now=timezone.now(), actor=self.secretary)
        self.login(self.secretary)
        url = f"/office/meetings/{nxt.pk}/"
        self.client.get(url)
        # 10: the visits' photos of the items are one query for the page (meetings.selectors)
        with self.assertNumQueries(10) as first:
            self.client.get(url)
        for _ in range(4):
            make_case(self.city, start=nxt.week_start, service=self.tree)
        meeting_services.agenda_build(meeting=nxt, now=timezone.now(), actor=self.secretary)
        with self.assertNumQueries(len(first.captured_queries)):
            self.assertContains(self.client.get(url), "مصوبات در جریان مرتبط")


class ClockStepTests(BaseTestCase):
    def test_steps_registered_and_dispatch_waits_for_signatures(self) -> None:
        from pishkhan.cycle.clock import STEPS, week_steps
        from pishkhan.directives.tests.test_weeks import make_week

        for name in ("build_agenda", "freeze_agenda", "dispatch", "mark_overdue"):
            self.assertIn(name, STEPS)
        week = make_week(self.m, this_week())
        # the overdue scan is one daily step: recorded once per day of the week, at 00:05
        daily = [(s.name, due) for s, due in week_steps(week) if s.name.startswith("mark_overdue")]
        self.assertEqual([n for n, _ in daily], [f"mark_overdue_{d}" for d in range(7)])
        self.assertEqual({due.astimezone(TEHRAN).time() for _, due in daily}, {dt.time(0, 5)})
        self.assertEqual(daily[6][1].astimezone(TEHRAN).date(), week.start + dt.timedelta(days=6))
        self.assertEqual(STEPS["dispatch"].run(week, timezone.now()), {"skipped": "no meeting"})
        make_case(self.city)
        STEPS["build_agenda"].run(week, timezone.now())
        STEPS["freeze_agenda"].run(week, timezone.now())
        self.assertEqual(Meeting.objects.get().status, "frozen")
        self.assertEqual(
            STEPS["dispatch"].run(week, timezone.now()), {"skipped": "minutes not signed"}
        )
        self.assertEqual(STEPS["build_agenda"].run(week, timezone.now())["skipped"], "frozen")


class PersianInputTests(InboxTests):
    """Numbers typed in Persian or Arabic-Indic digits; history in words and Jalali dates."""

    def test_progress_in_persian_digits_and_history_in_words(self) -> None:
        self.login(self.head_civil)
        url = f"/office/directives/{self.lead.pk}/"
        self.client.post(url, {"action": "acknowledge"})
        page = self.client.get(url)
        self.assertContains(page, 'name="p-progress"')
        self.assertNotContains(page, 'type="number"')
        response = self.client.post(
            url, {"action": "progress", "p-progress": "۴۰", "p-note": "آغاز"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Directive.objects.get(pk=self.lead.pk).progress, 40)
        self.client.post(url, {"action": "progress", "p-progress": "٦٠", "p-note": "ادامه"})
        self.assertEqual(Directive.objects.get(pk=self.lead.pk).progress, 60)
        deadline = Directive.objects.get(pk=self.lead.pk).deadline
        from pishkhan.core.jalali import to_jalali

        later = to_jalali(deadline + __import__("datetime").timedelta(days=10))
        until = f"{later.year}/{later.month:02d}/{later.day:02d}".translate(
            str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
        )
        self.client.post(url, {"action": "extension", "e-until": until, "e-reason": "باران پیاپی"})
        html = self.client.get(url).content.decode()
        history = html[html.index('<ul class="list-unstyled">') :]
        for code in ("progress", "acknowledged", "extension_requested"):
            self.assertNotIn(f": {code}", history)
        self.assertIn("گزارش پیشرفت", history)
        self.assertIn("درخواست تمدید مهلت", history)
        self.assertIn(until, history)
        self.assertNotRegex(history, r"\b20\d\d-\d\d-\d\d\b")
        # progress reads «۶۰٪», sign after the number even after Persian text (isolated)
        self.assertIn(
            '<bdi dir="rtl">\u061c۶۰٪</bdi>', html[: html.index('<ul class="list-unstyled">')]
        )
        self.assertIn('(<bdi dir="rtl">\u061c۴۰٪</bdi>)', history)
        self.assertNotIn("%", history)

    def test_progress_in_english(self) -> None:
        from django.conf import settings

        self.login(self.head_civil)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        Directive.objects.filter(pk=self.lead.pk).update(progress=40)
        html = self.client.get(f"/office/directives/{self.lead.pk}/").content.decode()
        self.assertIn("40%", html)
        self.assertNotIn("٪", html)
