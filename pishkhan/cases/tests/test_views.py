import datetime as dt
import io
from unittest import mock

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from pishkhan.cases.models import Case, DistrictSummary, RecordView
from pishkhan.cases.selectors import case_ids_newest_first, duplicate_candidates
from pishkhan.cases.services import case_submit
from pishkhan.core.jalali import TEHRAN, format_date
from pishkhan.test import BaseTestCase, make_city

INBOX = "/office/cases/inbox/"


def png():
    buf = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 200)).save(buf, format="PNG")
    return SimpleUploadedFile("a.png", buf.getvalue(), content_type="image/png")


class OfficeTestCase(BaseTestCase):
    def setUp(self):
        cache.clear()

    def case(self, district=None, text="چاله عمیق در خیابان اصلی کنار مدرسه", **kw):
        defaults = {
            "municipality": self.m,
            "channel": "web",
            "citizen_name": "زهرا",
            "citizen_mobile": "09125556677",
            "service": self.pothole,
            "description": text,
            "district": district or self.d1,
        }
        defaults.update(kw)
        return case_submit(**defaults)


class InboxTests(OfficeTestCase):
    def test_manager_sees_own_district_only_and_others_get_403(self):
        mine = self.case()
        theirs = self.case(district=self.d2, text="درخت افتاده در پارک محله")
        self.login(self.manager1)
        r = self.client.get(INBOX)
        self.assertContains(r, mine.tracking_code)
        self.assertNotContains(r, theirs.tracking_code)
        r = self.client.get(INBOX + f"?q=درخت&district={self.d2.pk}&status=submitted")
        self.assertNotContains(r, theirs.tracking_code)
        for user in (self.citizen, self.head_civil, self.operator, self.auditor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(INBOX).status_code, 403, user.role)

    def test_query_count_is_fixed(self):
        self.login(self.manager1)
        for i in range(3):
            self.case(text=f"مورد شماره {i} در کوچه {i} کنار پارک", lat=36.84 + i, lon=54.4)
        from django.utils import timezone

        from pishkhan.cycle.tick import weeks_ensure

        weeks_ensure(self.m, timezone.now())  # the clock keeps this week and the next
        self.client.get(INBOX)
        with self.assertNumQueries(8):  # + the promise: the weeks' meetings and plans
            self.client.get(INBOX)
        for i in range(30):
            self.case(text=f"مشکل جدید {i} در محله {i}", lat=36.84, lon=54.45, address=f"کوچه {i}")
        with self.assertNumQueries(8):
            r = self.client.get(INBOX)
        self.assertEqual(len(r.context["rows"]), 25)

    def test_pages_keep_the_desk_order_urgent_first_then_oldest(self):
        cases = [self.case(text=f"مشکل شمارهٔ {i} در کوچهٔ {i} محله") for i in range(30)]
        urgent = [cases[7], cases[20]]
        Case.objects.filter(pk__in=[c.pk for c in urgent]).update(urgent=True)
        self.login(self.manager1)
        shown = []
        for number in (1, 2):
            rows = self.client.get(INBOX + f"?page={number}").context["rows"]
            shown += [row["case"].pk for row in rows]
        expected = [c.pk for c in urgent] + [c.pk for c in cases if c not in urgent]
        self.assertEqual(shown, expected)

    def test_no_single_column_index_where_a_composite_one_leads_with_the_column(self):
        # Every index is paid by every submission (cases 0007): municipality, service and
        # district are each served by the composite indexes they lead.
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, Case._meta.db_table)
        indexes = [c["columns"] for c in found.values() if c["index"] and not c["primary_key"]]
        for column in ("municipality_id", "service_id", "district_id"):
            self.assertNotIn([column], indexes)
            self.assertTrue(
                any(len(cols) > 1 and cols[0] == column for cols in indexes), (column, indexes)
            )

    def test_inbox_page_and_count_read_the_inbox_index(self):
        from pishkhan.cases import selectors
        from pishkhan.test import query_plan

        for i in range(5):
            self.case(text=f"مشکل شمارهٔ {i} در کوچهٔ {i} محله")
        # The index holds every column the inbox filters and orders by (PostgreSQL's
        # index-only scan needs the id too: EXPLAIN at 1M cases in docs/PERFORMANCE.md).
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, Case._meta.db_table)
        self.assertEqual(
            found["case_inbox_order_idx"]["columns"],
            [
                "district_id",
                "status",
                "urgent",
                "created_at",
                "id",
                "week_start",
                "municipality_id",
            ],
        )
        if connection.vendor != "sqlite":
            return  # PostgreSQL plans a seven-row test table any way it likes
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as the worker's daily upkeep does
        page = selectors.case_inbox(user=self.manager1)
        ids = query_plan(page.values("pk")[:25])
        count = query_plan(page.order_by().select_related(None).values("pk")[:1001])
        self.assertIn("COVERING INDEX case_inbox_order_idx", ids)
        self.assertIn("COVERING INDEX case_inbox_order_idx", count)

    def test_filters_search_and_jalali_dates(self):
        a = self.case(text="چراغ خیابان خاموش است و شب تاریک")
        b = self.case(text="جوی آب گرفته و بوی بد می‌دهد", channel="phone", actor=self.operator)
        self.login(self.manager1)
        r = self.client.get(INBOX + "?q=چراغ")
        self.assertContains(r, a.tracking_code)
        self.assertNotContains(r, b.tracking_code)
        r = self.client.get(INBOX + "?q=تاريك")  # Arabic ي matches
        self.assertContains(r, a.tracking_code)
        r = self.client.get(INBOX + "?channel=phone")
        self.assertContains(r, b.tracking_code)
        self.assertNotContains(r, a.tracking_code)
        today = format_date(timezone.now())
        r = self.client.get(INBOX + f"?date_from={today}&date_to={today}")
        self.assertContains(r, a.tracking_code)
        tomorrow = format_date(timezone.now() + dt.timedelta(days=1))
        r = self.client.get(INBOX + f"?date_from={tomorrow}")
        self.assertNotContains(r, a.tracking_code)
        r = self.client.get(INBOX + "?date_from=1405/13/40")
        self.assertContains(r, "این تاریخ در تقویم شمسی وجود ندارد")

    def test_bulk_accept_and_reject_with_reason(self):
        a, b, c = (self.case(text=f"مورد {i} درخواست تازه برای آزمون") for i in range(3))
        theirs = self.case(district=self.d2)
        self.login(self.manager1)
        self.client.post(
            INBOX + "bulk/",
            {
                "action": "accept_novisit",
                "codes": [a.tracking_code, b.tracking_code, theirs.tracking_code],
            },
        )
        a.refresh_from_db()
        theirs.refresh_from_db()
        self.assertEqual((a.status, a.needs_visit), ("accepted", False))
        self.assertEqual(theirs.status, "submitted")
        self.client.post(
            INBOX + "bulk/",
            {
                "action": "reject",
                "codes": [c.tracking_code],
                "reason": self.reason.pk,
                "note": "به ادارهٔ برق",
            },
        )
        c.refresh_from_db()
        self.assertEqual(c.status, "rejected")
        self.assertIn("خارج از وظایف", c.status_note)
        self.assertIn("به ادارهٔ برق", c.status_note)

    def test_duplicate_badge_and_one_click_merge(self):
        first = self.case(text="چاله بزرگ جلوی نانوایی خیابان گلستان", lat=36.8400, lon=54.4400)
        second = self.case(text="چاله بزرگ جلوی نانوایی در خیابان گلستان", lat=36.8401, lon=54.4401)
        far = self.case(text="چاله بزرگ جلوی نانوایی خیابان گلستان", lat=36.90, lon=54.50)
        other_service = self.case(
            text="چاله بزرگ جلوی نانوایی خیابان گلستان", lat=36.8400, lon=54.4400, service=self.tree
        )
        self.assertEqual(duplicate_candidates(second), [first])
        self.assertNotIn(far, duplicate_candidates(first))
        self.assertNotIn(other_service, duplicate_candidates(first))
        self.login(self.manager1)
        r = self.client.get(INBOX)
        self.assertContains(r, f"مشابه {first.tracking_code}")
        # the one-click button posts the page's merge form to the second case's action URL
        self.assertContains(
            r,
            f'form="merge-form" formaction="/office/cases/{second.tracking_code}/act/" '
            f'name="into" value="{first.tracking_code}"',
        )
        data = {"action": "merge", "into": first.tracking_code, "next": "inbox"}
        confirm = self.client.post(f"/office/cases/{second.tracking_code}/act/", data)
        self.assertContains(confirm, "تأیید ادغام")  # nothing merged before confirming
        second.refresh_from_db()
        self.assertEqual(second.status, "submitted")
        self.client.post(f"/office/cases/{second.tracking_code}/act/", {**data, "confirm": "1"})
        second.refresh_from_db()
        self.assertEqual((second.status, second.merged_into_id), ("merged", first.pk))


class CasePageTests(OfficeTestCase):
    def test_full_record_audited_and_masked_for_auditor(self):
        case = self.case(national_id="0499370899", text="<script>alert('x')</script> كوچه خراب است")
        self.login(self.manager1)
        r = self.client.get(f"/office/cases/{case.tracking_code}/")
        self.assertContains(r, "+989125556677")
        self.assertContains(r, "0499370899")
        self.assertNotContains(r, "<script>alert")
        self.assertContains(r, "&lt;script&gt;")
        self.assertContains(r, "کوچه خراب")
        self.client.force_login(self.auditor)
        r = self.client.get(f"/office/cases/{case.tracking_code}/")
        self.assertContains(r, "0912***6677")
        self.assertNotContains(r, "+989125556677")
        self.assertNotContains(r, "0499370899")
        self.assertNotContains(r, "رد درخواست")  # auditors change nothing
        self.assertEqual(RecordView.objects.filter(case=case).count(), 2)

    def test_triage_sees_the_suggested_service_and_uses_it_with_one_click(self):
        for i in range(15):
            for service, text in (
                (self.tree, f"شاخهٔ درخت خشکیده روی سیم افتاده {i}"),
                (self.pothole, f"چاله عمیق وسط آسفالت خیابان {i}"),
            ):
                c = self.case(text=text, service=service)
                Case.objects.filter(pk=c.pk).update(status="accepted")
        cache.clear()
        # filed under potholes, but the text is about a tree
        case = self.case(text="درخت کهنسال خشکیده و شاخه‌هایش روی سیم برق افتاده")
        self.login(self.manager1)
        page = self.client.get(f"/office/cases/{case.tracking_code}/")
        self.assertContains(page, 'id="service-suggestion"')
        self.assertContains(page, self.tree.name)
        self.assertContains(page, self.tree.department.name)
        case.refresh_from_db()
        self.assertEqual(case.service_id, self.pothole.pk)  # shown, never applied by itself
        r = self.client.post(
            f"/office/cases/{case.tracking_code}/act/",
            {"action": "service", "service": self.tree.pk, "suggested": "1"},
            follow=True,
        )
        self.assertContains(r, self.tree.department.name)
        case.refresh_from_db()
        self.assertEqual(case.service_id, self.tree.pk)
        event = case.events.get(kind="change_service")
        self.assertFalse(event.public)
        self.assertEqual(event.actor, self.manager1)
        self.assertTrue(event.data["suggested"])
        self.assertContains(r, "تغییر خدمت")
        # now the text and the service agree: no button
        self.assertNotContains(r, 'id="use-suggested-service"')
        # the same again or an unknown service: a Persian message, nothing changed
        for bad, said in (
            (self.tree.pk, "همین حالا"),
            ("x", "خدمت را انتخاب کنید"),
            (999999, "خدمت را انتخاب کنید"),
        ):
            r = self.client.post(
                f"/office/cases/{case.tracking_code}/act/",
                {"action": "service", "service": bad},
                follow=True,
            )
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, said)
        self.assertEqual(case.events.filter(kind="change_service").count(), 1)
        # another district's manager cannot use it
        self.client.force_login(self.manager2)
        r = self.client.post(
            f"/office/cases/{case.tracking_code}/act/",
            {"action": "service", "service": self.pothole.pk},
        )
        self.assertEqual(r.status_code, 404)
        case.refresh_from_db()
        self.assertEqual(case.service_id, self.tree.pk)

    def test_other_district_and_city_get_404_everywhere(self):
        case = self.case(attachments=None) if False else self.case(files=[png()])
        att = case.attachments.get()
        urls = [
            f"/office/cases/{case.tracking_code}/",
            f"/office/cases/{case.tracking_code}/files/{att.pk}/",
        ]
        self.client.force_login(self.manager2)
        for url in urls:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        r = self.client.post(f"/office/cases/{case.tracking_code}/act/", {"action": "accept_visit"})
        self.assertEqual(r.status_code, 404)
        case.refresh_from_db()
        self.assertEqual(case.status, "submitted")
        other = make_city("othercity")
        self.client.force_login(other["secretary"])
        for url in urls:  # staff of another city: refused at the door (403) or not found
            self.assertIn(self.client.get(url).status_code, (403, 404), url)
        for user in (self.citizen, self.head_green):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_file_served_only_through_the_checked_view(self):
        case = self.case(files=[png()])
        att = case.attachments.get()
        self.client.logout()
        r = self.client.get(f"/office/cases/{case.tracking_code}/files/{att.pk}/")
        self.assertEqual(r.status_code, 302)
        self.login(self.manager1)
        r = self.client.get(f"/office/cases/{case.tracking_code}/files/{att.pk}/")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "image/jpeg")
        self.assertIn("no-store", r["Cache-Control"])
        self.assertTrue(b"".join(r.streaming_content).startswith(b"\xff\xd8"))

    def act(self, case, **data):
        return self.client.post(f"/office/cases/{case.tracking_code}/act/", data)

    def test_actions(self):
        case = self.case()
        self.login(self.manager1)
        self.act(case, action="request_info", question="لطفاً عکس محل را بفرستید")
        case.refresh_from_db()
        self.assertEqual(case.status, "info_requested")
        r = self.client.post(
            f"/office/cases/{case.tracking_code}/act/", {"action": "reject"}, follow=True
        )  # no reason, no text: a Persian message, no change
        self.assertContains(r, "علت رد را انتخاب یا بنویسید")
        case.refresh_from_db()
        self.assertEqual(case.status, "info_requested")
        self.act(case, action="move", district=self.d2.pk)
        case.refresh_from_db()
        self.assertEqual(case.district_id, self.d2.pk)
        # now it belongs to district 2: manager1 can no longer reach it
        self.assertEqual(self.act(case, action="urgent").status_code, 404)

    def test_urgent_until_agenda_freeze(self):
        sat = dt.datetime(2026, 11, 21, 10, 0, tzinfo=TEHRAN)  # a Saturday
        case = self.case(now=sat + dt.timedelta(days=2))  # Monday: joins next week
        self.assertEqual(case.week_start, dt.date(2026, 11, 28))
        self.login(self.manager1)
        with mock.patch("django.utils.timezone.now", return_value=sat + dt.timedelta(days=3)):
            self.act(case, action="urgent")  # Tuesday: allowed
        case.refresh_from_db()
        self.assertTrue(case.urgent)
        self.assertEqual(case.week_start, dt.date(2026, 11, 21))
        late = self.case(now=sat + dt.timedelta(days=4, hours=2))
        with mock.patch(
            "django.utils.timezone.now", return_value=sat + dt.timedelta(days=4, hours=2)
        ):  # Wednesday 12:00, the agenda froze at 11:30
            self.act(late, action="urgent")
        late.refresh_from_db()
        self.assertFalse(late.urgent)


class RegisterTests(OfficeTestCase):
    URL = "/office/cases/register/"

    def data(self, **kw):
        data = {
            "channel": "phone",
            "service": self.tree.pk,
            "citizen_name": "حسن تلفنی",
            "citizen_mobile": "0915 123 4567",
            "description": "شاخهٔ درخت روی سیم برق افتاده است",
            "district": self.d2.pk,
            "idempotency_key": "reg-1",
        }
        data.update(kw)
        return data

    def test_operator_registers_a_phone_request(self):
        self.login(self.operator)
        r = self.client.post(self.URL, self.data())
        case = Case.objects.get()
        self.assertRedirects(r, f"/office/cases/{case.tracking_code}/receipt/")
        self.assertEqual((case.channel, case.registered_by_id), ("phone", self.operator.pk))
        self.client.post(self.URL, self.data())
        self.assertEqual(Case.objects.count(), 1)
        # Back to the form just sent, and the next caller's request written in it: told which
        # case the form made, the new call kept with a new key, registered on the next press.
        call = "تیر چراغ برق کوچهٔ یاس کج شده و در حال افتادن است"
        r = self.client.post(self.URL, self.data(description=call))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "این فرم پیش‌تر یک بار فرستاده شده است")
        self.assertContains(r, case.tracking_code)
        self.assertContains(r, call)
        key = r.context["form"]["idempotency_key"].value()
        self.assertNotEqual(key, "reg-1")
        self.client.post(self.URL, self.data(description=call, idempotency_key=key))
        self.assertEqual(Case.objects.filter(description=call).count(), 1)

    def test_walk_in_citizen_leaves_with_a_printed_receipt_and_an_sms(self):
        from pishkhan.cases.selectors import case_meeting_at
        from pishkhan.core.jalali import format_datetime
        from pishkhan.notify.models import Message

        self.login(self.operator)
        r = self.client.post(self.URL, self.data(channel="walk_in"), follow=True)
        case = Case.objects.get()
        self.assertContains(r, case.tracking_code)
        self.assertContains(r, 'id="print-receipt"')
        self.assertContains(r, "جلسهٔ پیشخوان خدمت")
        meeting = case_meeting_at(case=case)
        self.assertGreater(meeting, case.created_at)
        self.assertContains(r, format_datetime(meeting))
        sms = Message.objects.get(to=case.citizen_mobile, channel="sms")
        # the SMS is a receipt too: isolated code, the promised meeting in Jalali, Persian digits
        self.assertIn(f"\u2066{case.tracking_code}\u2069", sms.body)
        when = format_datetime(meeting, long=True)  # «چهارشنبه ۲۶ آذر ۱۴۰۵ ساعت ۱۳:۳۰»
        self.assertRegex(when, r"^[آ-ی]+ [۰-۹]+ [آ-ی]+ [۰-۹]{4} ساعت [۰-۹]{2}:[۰-۹]{2}$")
        self.assertIn(f"جلسهٔ پیشخوان خدمت: {when}", sms.body)

    def test_web_submission_sms_carries_no_meeting_promise(self):
        from pishkhan.notify.models import Message

        web = self.case(text="چالهٔ بزرگ در خیابان")
        sms = Message.objects.get(to=web.citizen_mobile, channel="sms")
        self.assertIn(web.tracking_code, sms.body)
        self.assertNotIn("جلسه", sms.body)  # the desk's receipt only

    def test_address_alone_places_the_case_or_says_it_matches_nothing(self):
        self.d2.places = "بلوار گلستان"
        self.d2.save()
        self.login(self.operator)
        r = self.client.post(self.URL, self.data(district="", address="خیابان ناشناخته، پلاک ۳"))
        self.assertContains(r, "نشانی با هیچ‌یک از منطقه‌های شهر جور نشد")
        self.assertEqual(Case.objects.count(), 0)
        r = self.client.post(self.URL, self.data(district="", address="بلوار گلستان، نبش کوچهٔ ۵"))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Case.objects.get().district_id, self.d2.pk)

    def test_service_is_suggested_from_the_text_never_chosen(self):
        from django.core.cache import cache

        cache.clear()
        for i in range(15):
            for service, text in (
                (self.tree, f"شاخهٔ درخت خشکیده روی سیم افتاده {i}"),
                (self.pothole, f"چاله عمیق وسط آسفالت خیابان {i}"),
            ):
                c = self.case(text=text, service=service)
                Case.objects.filter(pk=c.pk).update(status="accepted")
        self.login(self.operator)
        r = self.client.get(
            "/office/cases/suggest-service/?description=درخت کهنسال خشکیده و شاخه‌ها روی سیم"
        )
        self.assertContains(r, self.tree.name)
        self.assertContains(r, f'data-suggested-service="{self.tree.pk}"')
        page = self.client.get(self.URL)
        self.assertContains(page, 'id="service-suggestion"')
        self.assertNotContains(page, f'<option value="{self.tree.pk}" selected')
        r = self.client.get("/office/cases/suggest-service/?description=سلام")
        self.assertNotContains(r, "data-suggested-service")

    def test_letter_needs_its_number_and_date(self):
        self.login(self.operator)
        r = self.client.post(self.URL, self.data(channel="letter"))
        self.assertContains(r, "شمارهٔ نامه را وارد کنید")
        self.assertContains(r, "تاریخ نامه را وارد کنید")
        self.assertEqual(Case.objects.count(), 0)
        r = self.client.post(
            self.URL, self.data(channel="letter", letter_number="۱۲۳۴/ص", letter_date="1405/09/10")
        )
        case = Case.objects.get()
        self.assertEqual(case.letter_number, "۱۲۳۴/ص")
        self.assertEqual(case.letter_date.isoformat(), "2026-12-01")
        r = self.client.get(f"/office/cases/{case.tracking_code}/receipt/")
        self.assertContains(r, "۱۲۳۴/ص")

    def test_map_point_sets_the_district_and_a_point_outside_the_city_is_explained(self):
        self.d2.boundary = [[36.70, 54.30], [36.70, 54.60], [36.80, 54.60], [36.80, 54.30]]
        self.d2.save()
        self.login(self.operator)
        page = self.client.get(self.URL)
        self.assertContains(page, 'id="request-map"')
        r = self.client.post(self.URL, self.data(district="", lat="36.75", lon="54.45"))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Case.objects.get().district_id, self.d2.pk)
        r = self.client.post(
            self.URL, self.data(district="", lat="30.0", lon="50.0", idempotency_key="reg-2")
        )
        self.assertContains(r, "در محدودهٔ هیچ‌یک از منطقه‌های شهر نیست")
        self.assertEqual(Case.objects.count(), 1)

    def test_bad_input_and_permissions(self):
        self.login(self.operator)
        r = self.client.post(
            self.URL, self.data(citizen_mobile="0215555", national_id="1111111111")
        )
        self.assertContains(r, "شمارهٔ همراه معتبر نیست")
        self.assertContains(r, "کد ملی معتبر نیست")
        r = self.client.post(self.URL, self.data(channel="web"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(Case.objects.count(), 0)
        for user in (self.citizen, self.head_civil, self.auditor):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.URL).status_code, 403)

    def test_returning_citizen_lookup(self):
        old = self.case(citizen_mobile="09151234567")
        self.login(self.operator)
        r = self.client.get(
            "/office/cases/lookup/?citizen_mobile=۰۹۱۵۱۲۳۴۵۶۷", HTTP_HX_REQUEST="true"
        )
        self.assertContains(r, old.tracking_code)
        r = self.client.get("/office/cases/lookup/?citizen_mobile=0915")
        self.assertContains(r, "کامل نیست")
        self.client.force_login(self.manager2)  # district 2 cannot see the district-1 case
        r = self.client.get("/office/cases/lookup/?citizen_mobile=09151234567")
        self.assertNotContains(r, old.tracking_code)


class ListAndSummaryTests(OfficeTestCase):
    def test_list_scope_and_fixed_queries(self):
        a = self.case()
        b = self.case(district=self.d2)
        self.client.force_login(self.secretary)
        r = self.client.get("/office/cases/")
        self.assertContains(r, a.tracking_code)
        self.assertContains(r, b.tracking_code)
        self.client.force_login(self.manager2)
        r = self.client.get("/office/cases/")
        self.assertNotContains(r, a.tracking_code)
        self.assertContains(r, b.tracking_code)
        self.client.force_login(self.secretary)
        with self.assertNumQueries(5):
            self.client.get("/office/cases/")
        for i in range(30):
            self.case(text=f"موضوع تازه {i} برای فهرست")
        with self.assertNumQueries(5):
            self.client.get("/office/cases/?status=submitted")
        self.client.force_login(self.head_civil)
        self.assertEqual(self.client.get("/office/cases/").status_code, 403)

    def test_search_pages_from_the_newest_cases_match_the_full_search(self):
        # A search first looks at the scope's newest cases (selectors.case_search_window):
        # whatever the window's size, every page, count and "N+" label must be those of the
        # full search.
        base = timezone.now() - dt.timedelta(days=30)
        made = []
        for i in range(120):
            text = f"چراغ خاموش کوچهٔ {i}" if i % 4 else f"جوی گرفته کوچهٔ {i}"
            made.append(self.case(text=text, district=self.d1 if i % 2 else self.d2))
            # Three by three in the same instant: pages, windows and limits cut among them.
            at = base + dt.timedelta(hours=i // 3)
            Case.objects.filter(pk=made[-1].pk).update(created_at=at)
        # the lists' order: newest first, then the highest id
        matching = [c.pk for c in reversed(made) if "چراغ" in c.description]
        in_d1 = [c.pk for c in reversed(made) if "چراغ" in c.description and c.district == self.d1]
        self.assertEqual((len(matching), len(in_d1)), (90, 60))

        def pages(user):
            self.client.force_login(user)
            seen = []
            for n in (1, 2, 3, 4, 9):  # 9: out of range, the last page is shown
                page = self.client.get(f"/office/cases/?q=چراغ خاموش&page={n}").context["page"]
                seen.append(
                    (
                        [c.pk for c in page.object_list],
                        page.paginator.count,
                        page.paginator.num_pages_label,
                    )
                )
            return seen

        def listed(ids, count, label):
            return [(ids[i : i + 25], count, label) for i in (0, 25, 50, 75)]

        with mock.patch("pishkhan.cases.selectors.case_search_window", return_value=None):
            self.assertEqual(
                pages(self.secretary), [*listed(matching, 90, "4"), listed(matching, 90, "4")[3]]
            )
            self.assertEqual(pages(self.manager1)[:3], listed(in_d1, 60, "3")[:3])
            with mock.patch("pishkhan.cases.views.SEARCH_COUNT_CAP", 10):
                capped = {who: pages(who) for who in (self.secretary, self.manager1)}
        full = {who: pages(who) for who in (self.secretary, self.manager1)}
        # window sizes: none of the page, the first page only, more than the count needs, all
        for size in (10, 36, 110, 1000):
            for whole_city_window in (size, 10_000):  # the city's window read whole, or not
                with (
                    override_settings(DB_VENDOR="postgresql"),  # (the window's database)
                    mock.patch("pishkhan.cases.selectors.DISTRICT_SEARCH_WINDOW", size),
                    mock.patch("pishkhan.cases.selectors.RECENT_SEARCH_WINDOW", whole_city_window),
                    CaptureQueriesContext(connection) as queries,
                ):
                    for who in (self.secretary, self.manager1):
                        self.assertEqual(pages(who), full[who], (size, whole_city_window))
                        with mock.patch("pishkhan.cases.views.SEARCH_COUNT_CAP", 10):
                            self.assertEqual(pages(who), capped[who], (size, whole_city_window))
                # (a window as large as the scope is no window: 60 cases in d1, 120 in all)
                used = any('"created_at" >=' in q["sql"] for q in queries)
                self.assertEqual(used, size < 60 or whole_city_window < 120)
        self.assertEqual(capped[self.secretary][0], (matching[:25], 75, "3+"))

    def test_weekly_summary(self):
        a = self.case()
        theirs = self.case(district=self.d2)
        self.login(self.manager1)
        r = self.client.get("/office/cases/summary/")
        self.assertContains(r, "ترمیم چاله")
        self.assertContains(r, a.tracking_code)
        self.assertNotContains(r, theirs.tracking_code)
        week = a.week_start.isoformat()
        self.client.post(
            f"/office/cases/summary/?week={week}",
            {
                "note": "هفتهٔ پرکاری بود",
                "notable": [a.tracking_code, theirs.tracking_code],
                "submit": "1",
            },
        )
        self.client.post(f"/office/cases/summary/?week={week}", {"note": "ویرایش", "notable": []})
        summary = DistrictSummary.objects.get()
        self.assertEqual(summary.note, "ویرایش")
        self.assertIsNotNone(summary.submitted_at)
        self.assertEqual(summary.district_id, self.d1.pk)
        self.client.force_login(self.operator)
        self.assertEqual(self.client.get("/office/cases/summary/").status_code, 403)


@override_settings(DUPLICATE_RADIUS_METERS=50)
class DuplicateRadiusTests(OfficeTestCase):
    def test_radius_setting(self):
        a = self.case(text="سطل زباله شکسته کنار پارک ملت", lat=36.8400, lon=54.4400)
        b = self.case(text="سطل زباله شکسته کنار پارک ملت", lat=36.8408, lon=54.4400)  # ~90 m
        self.assertEqual(duplicate_candidates(b), [])
        self.assertEqual(duplicate_candidates(a), [])


class EndpointAccessTests(OfficeTestCase):
    def test_citizens_and_department_staff_get_403_on_every_office_endpoint(self):
        case = self.case(files=[png()])
        att = case.attachments.get()
        code = case.tracking_code
        gets = [
            "/office/cases/",
            INBOX,
            "/office/cases/register/",
            "/office/cases/lookup/?mobile=09125556677",
            "/office/cases/summary/",
            f"/office/cases/{code}/",
            f"/office/cases/{code}/files/{att.pk}/",
        ]
        posts = [INBOX + "bulk/", f"/office/cases/{code}/act/"]
        for user in (self.citizen, self.head_civil, self.head_green):
            self.client.force_login(user)
            for url in gets:
                self.assertEqual(self.client.get(url).status_code, 403, (user.role, url))
            for url in posts:
                r = self.client.post(url, {"action": "accept_visit", "codes": [code]})
                self.assertEqual(r.status_code, 403, (user.role, url))
        self.client.logout()
        for url in gets:
            self.assertEqual(self.client.get(url).status_code, 302, url)
        case.refresh_from_db()
        self.assertEqual(case.status, "submitted")


class NewestFirstIdsTests(SimpleTestCase):
    """selectors.case_ids_newest_first asks the database for the date order alone; the order
    among cases stamped in the same instant is then the database's to choose."""

    class Rows:
        """A stand-in queryset whose ties come back in the worst order (lowest id first)."""

        def __init__(self, rows):
            self.rows = rows

        def order_by(self, *_):
            return self

        def filter(self, created_at):
            return NewestFirstIdsTests.Rows([r for r in self.rows if r[0] == created_at])

        def values_list(self, *_):
            return sorted(self.rows, key=lambda r: (-r[0], r[1]))

    def test_ties_at_the_cut_are_read_in_full(self):
        rows = [(t, pk) for pk, t in enumerate([5, 4, 4, 4, 4, 3, 2, 2, 1], start=1)]
        expected = [pk for _, pk in sorted(rows, reverse=True)]  # newest, then highest id
        for limit in range(1, len(rows) + 1):
            self.assertEqual(case_ids_newest_first(self.Rows(rows), limit), expected[:limit], limit)
