import datetime as dt
import io

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pishkhan.cases.models import Attachment, Case, CaseEvent
from pishkhan.cases.services import (
    case_accept,
    case_close_expired,
    case_mark_dispatched,
    case_mark_done,
    case_merge,
    case_put_on_agenda,
    case_record_decision,
    case_request_info,
    case_submit,
    objection_window_days,
)
from pishkhan.core.templatetags.fa import jdate
from pishkhan.notify.models import Message
from pishkhan.portal.request_views import RECEIPTS, TRACKED
from pishkhan.test import BaseTestCase

NEW = "/requests/new/"


def png(name="p.png"):
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 0)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


class RequestTestCase(BaseTestCase):
    def setUp(self):
        cache.clear()

    def data(self, **kw):
        data = {
            "service": self.pothole.pk,
            "citizen_name": "مریم احمدی",
            "citizen_mobile": "۰۹۱۲۳۴۵۶۷۸۹",
            "description": "چاله بزرگی جلوی خانهٔ شمارهٔ ۱۲ کوچهٔ لاله ایجاد شده است",
            "address": "خیابان ولیعصر، کوچهٔ لاله",
            "district": self.d1.pk,
            "idempotency_key": "k-" + str(len(kw)) + str(sorted(kw)),
        }
        data.update(kw)
        return {k: v for k, v in data.items() if v is not None}

    def make_case(self, mobile="09121112233", district=None, **kw):
        return case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="رضا",
            citizen_mobile=mobile,
            service=self.pothole,
            district=district or self.d1,
            description=kw.pop("description", "پیاده‌رو خراب است و باید درست شود"),
            **kw,
        )


class SubmitPageTests(RequestTestCase):
    def test_form_renders_without_js_with_hidden_key_and_map_data(self):
        r = self.client.get(NEW + "?service=tree")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'name="idempotency_key"')
        self.assertContains(r, "data-tile-url=")
        self.assertContains(r, 'dir="ltr"')
        self.assertContains(r, f'<option value="{self.tree.pk}" selected>')
        self.assertEqual(reverse("portal:request_new"), NEW)

    def test_empty_form_is_cached_but_every_visitor_gets_a_fresh_key_and_token(self):
        import re

        first = self.client.get(NEW).content.decode()
        other = Client()
        with self.assertNumQueries(0):  # page, city and service list all come from the cache
            second = other.get(NEW).content.decode()
        key = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')
        token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
        self.assertNotEqual(key.search(first)[1], key.search(second)[1])
        self.assertNotEqual(token.search(first)[1], token.search(second)[1])
        self.assertNotIn("__PISHKHAN", second)
        r = other.post(NEW, self.data(idempotency_key=key.search(second)[1]))
        self.assertEqual(r.status_code, 302)

    def test_a_sent_form_sent_again_with_other_words_is_told_and_loses_nothing(self):
        # Back in the browser to the form just sent (site.js gives it back its key), another
        # request written in it: not silently answered with the first case, not a duplicate.
        import re

        data = self.data(idempotency_key="back-key-1")
        first = self.client.post(NEW, data)
        case = Case.objects.get()
        self.assertEqual(first.status_code, 302)
        other = "درخت کهنسال کوچهٔ نرگس افتاده و راه را بسته است"
        r = self.client.post(NEW, {**data, "description": other})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(Case.objects.count(), 1)
        self.assertContains(r, "این فرم پیش‌تر یک بار فرستاده شده است")
        self.assertContains(r, case.tracking_code)
        self.assertContains(r, other)  # what was typed is still in the form
        key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', r.content.decode())[1]
        self.assertNotEqual(key, "back-key-1")
        second = self.client.post(NEW, {**data, "description": other, "idempotency_key": key})
        self.assertEqual(second.status_code, 302)
        self.assertEqual(Case.objects.count(), 2)
        self.assertEqual(Case.objects.exclude(pk=case.pk).get().description, other)

    def test_submit_creates_one_case_and_receipt_even_when_posted_twice(self):
        data = self.data(idempotency_key="same-key-1")
        r1 = self.client.post(NEW, data)
        case = Case.objects.get()
        self.assertRedirects(r1, f"/requests/receipt/{case.tracking_code}/")
        r2 = self.client.post(NEW, data)
        self.assertRedirects(r2, f"/requests/receipt/{case.tracking_code}/")
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(Message.objects.filter(template="cases/messages/received").count(), 1)
        receipt = self.client.get(r1["Location"])
        self.assertContains(receipt, case.tracking_code)
        self.assertContains(receipt, "جلسهٔ پیشخوان")
        self.assertEqual(case.channel, "web")
        self.assertEqual(case.citizen_mobile, "+989123456789")

    def test_receipt_only_in_the_submitting_session(self):
        case = self.make_case()
        self.assertEqual(
            self.client.get(f"/requests/receipt/{case.tracking_code}/").status_code, 404
        )

    def test_receipt_cookie_is_signed_and_no_session_is_written(self):
        r = self.client.post(NEW, self.data())
        case = Case.objects.get()
        self.assertRedirects(r, f"/requests/receipt/{case.tracking_code}/")
        self.assertFalse(Session.objects.exists())  # a citizen's submission writes no session
        other = Client()
        other.cookies[RECEIPTS] = case.tracking_code  # forged, unsigned
        self.assertEqual(other.get(r["Location"]).status_code, 404)
        value = self.client.cookies[RECEIPTS].value
        other.cookies[RECEIPTS] = value.replace(case.tracking_code, "AAAAAAAA")
        self.assertEqual(other.get(r["Location"]).status_code, 404)
        other.cookies[RECEIPTS] = value  # the citizen's own cookie, e.g. on a retried page
        self.assertEqual(other.get(r["Location"]).status_code, 200)

    def test_unknown_service_or_district_gets_a_persian_message(self):
        r = self.client.post(NEW, self.data(service=999999, district=999999))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "یک گزینهٔ معتبر انتخاب کنید", count=2)  # next to both fields
        self.assertEqual(Case.objects.count(), 0)

    def test_bad_input_gets_persian_messages_and_no_record(self):
        r = self.client.post(
            NEW, self.data(citizen_mobile="12345", national_id="1234567890", description="")
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "شمارهٔ همراه معتبر نیست")
        self.assertContains(r, "کد ملی معتبر نیست")
        self.assertContains(r, "شرح درخواست را بنویسید")
        r = self.client.post(NEW, self.data(description="ا" * 20000))
        self.assertContains(r, "حداکثر")
        r = self.client.post(NEW, self.data(district=""))
        self.assertContains(r, "نشانی با هیچ‌یک از منطقه‌های شهر جور نشد")
        self.assertEqual(Case.objects.count(), 0)
        self.assertEqual(Message.objects.count(), 0)

    def test_disguised_and_oversize_files(self):
        fake = SimpleUploadedFile("photo.jpg", b"just some text, not an image" * 5)
        r = self.client.post(NEW, self.data(attachments=fake))
        self.assertContains(r, "تصویر یا PDF معتبر نیست")
        with override_settings(UPLOAD_MAX_BYTES=50):
            r = self.client.post(NEW, self.data(attachments=png()))
        self.assertContains(r, "بیش از حد مجاز")
        self.assertEqual(Case.objects.count(), 0)
        self.assertEqual(Attachment.objects.count(), 0)
        r = self.client.post(NEW, self.data(attachments=png()))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Attachment.objects.get().content_type, "image/jpeg")

    def test_arabic_letters_are_stored_persian_and_script_is_inert(self):
        self.client.post(
            NEW,
            self.data(citizen_name="علي كريمي", description="<script>alert(1)</script> كوچه تاريك"),
        )
        case = Case.objects.get()
        self.assertEqual(case.citizen_name, "علی کریمی")
        self.assertIn("کوچه تاریک", case.description)
        self.client.post("/track/", {"code": case.tracking_code, "digits": "6789"})
        r = self.client.get(f"/track/{case.tracking_code}/")
        self.assertNotContains(r, "<script>alert(1)</script>")
        self.assertContains(r, "&lt;script&gt;alert(1)&lt;/script&gt;")

    @override_settings(REQUEST_RATE_LIMIT="2/m")
    def test_submissions_are_rate_limited_per_ip(self):
        for i in range(2):
            self.client.post(NEW, self.data(idempotency_key=f"r{i}"))
        r = self.client.post(NEW, self.data(idempotency_key="r3"))
        self.assertEqual(r.status_code, 429)
        self.assertContains(r, "کمی بعد دوباره تلاش کنید", status_code=429)
        self.assertEqual(Case.objects.count(), 2)

    @override_settings(REQUEST_RATE_LIMIT="2/m", TRUSTED_PROXIES=("127.0.0.1",))
    def test_behind_the_proxy_each_citizen_has_their_own_limit(self):
        # nginx (deploy/nginx.conf) connects from 127.0.0.1 and appends the client's address.
        def post(key, client_address, forged=""):
            forwarded = f"{forged}, {client_address}" if forged else client_address
            return self.client.post(
                NEW,
                self.data(idempotency_key=key),
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=forwarded,
            )

        self.assertEqual(post("a1", "5.1.1.1").status_code, 302)
        self.assertEqual(post("a2", "5.1.1.1", forged="9.9.9.9").status_code, 302)
        # the third from the same citizen, whatever they write into the header themselves
        self.assertEqual(post("a3", "5.1.1.1", forged="8.8.8.8").status_code, 429)
        self.assertEqual(post("b1", "5.2.2.2").status_code, 302)  # another citizen
        self.assertEqual(Case.objects.count(), 3)


class TrackTests(RequestTestCase):
    def test_the_proof_is_a_signed_cookie_and_no_session_is_written(self):
        case = self.make_case(mobile="09121112233")
        r = self.client.post("/track/", {"code": case.tracking_code, "digits": "۲۲۳۳"})
        self.assertRedirects(r, f"/track/{case.tracking_code}/")
        self.assertFalse(Session.objects.exists())
        forged = Client()
        forged.cookies[TRACKED] = case.tracking_code
        self.assertEqual(forged.get(r["Location"]).status_code, 404)
        self.assertEqual(self.client.get(r["Location"]).status_code, 200)

    def track(self, code, digits):
        return self.client.post("/track/", {"code": code, "digits": digits})

    def test_code_and_digits_show_the_timeline_with_the_week_clock(self):
        case = self.make_case()
        r = self.track(case.tracking_code.lower(), "۲۲۳۳")
        self.assertRedirects(r, f"/track/{case.tracking_code}/")
        page = self.client.get(r["Location"])
        self.assertContains(page, "ثبت درخواست")
        self.assertContains(page, "جلسه:")
        self.assertContains(page, 'aria-current="step"')
        self.assertContains(page, "۱۴")  # Jalali year in Persian digits

    def test_wrong_digits_and_unknown_code_say_the_same(self):
        case = self.make_case()
        other = self.make_case(description="کد دیگری برای آزمون پیگیری")
        Case.objects.filter(pk=other.pk).delete()
        wrong = self.track(case.tracking_code, "0000")
        unknown = self.track(other.tracking_code, "2233")
        self.assertContains(wrong, "پیدا نشد")
        self.assertContains(unknown, "پیدا نشد")
        self.assertNotContains(wrong, case.description)
        mistyped = self.track(
            case.tracking_code[:-1] + ("A" if case.tracking_code[-1] != "A" else "B"), "2233"
        )
        self.assertContains(mistyped, "درست وارد نشده")
        self.assertEqual(self.client.get(f"/track/{case.tracking_code}/").status_code, 404)

    @override_settings(TRACK_RATE_LIMIT="3/m")
    def test_guessing_is_rate_limited(self):
        case = self.make_case()
        for _ in range(3):
            self.track(case.tracking_code, "0000")
        r = self.track(case.tracking_code, "2233")
        self.assertEqual(r.status_code, 429)
        self.assertContains(r, "بیش از حد مجاز", status_code=429)

    @override_settings(TRACK_RATE_LIMIT="3/m")
    def test_rate_limit_per_code_across_ips(self):
        case = self.make_case()
        for i in range(3):
            self.client.post(
                "/track/", {"code": case.tracking_code, "digits": "0000"}, REMOTE_ADDR=f"10.0.0.{i}"
            )
        r = self.client.post(
            "/track/", {"code": case.tracking_code, "digits": "2233"}, REMOTE_ADDR="10.0.0.9"
        )
        self.assertEqual(r.status_code, 429)

    def test_answer_info_request_needs_session_proof(self):
        case = self.make_case()
        case_request_info(case=case, question="عکس محل را بفرستید", actor=self.manager1)
        url = f"/track/{case.tracking_code}/answer/"
        self.assertEqual(self.client.post(url, {"answer": "این هم نشانی دقیق"}).status_code, 404)
        self.track(case.tracking_code, "2233")
        page = self.client.get(f"/track/{case.tracking_code}/")
        self.assertContains(page, "عکس محل را بفرستید")
        self.client.post(url, {"answer": "این هم نشانی دقیق", "files": png()})
        case.refresh_from_db()
        self.assertEqual(case.status, "submitted")
        self.assertEqual(case.attachments.filter(kind="info").count(), 1)

    def done_case(self):
        case = self.make_case()
        case_accept(case=case, needs_visit=False, actor=self.manager1)
        case_put_on_agenda(case=case)
        case_record_decision(case=case, outcome="approve", text="ترمیم شود", actor=None)
        case_mark_dispatched(case=case)
        return case_mark_done(case=case, actor=None)

    def test_verdict_accept_and_object(self):
        case = self.done_case()
        url = f"/track/{case.tracking_code}/verdict/"
        self.assertEqual(self.client.post(url, {"verdict": "accept"}).status_code, 404)
        self.track(case.tracking_code, "2233")
        self.assertContains(self.client.get(f"/track/{case.tracking_code}/"), "اعتراض دارم")
        self.client.post(url, {"verdict": "object", "note": "کار نیمه‌کاره ماند"})
        case.refresh_from_db()
        self.assertEqual(case.status, "reopened")

    def test_a_merged_citizen_answers_for_the_shared_case(self):
        """A merged citizen got the shared case's «done» message (with 31/33): their answer, on
        the page or by SMS, is for the shared case."""
        primary = self.make_case(mobile="09120000001")
        dup = self.make_case()  # mobile 09121112233
        case_merge(case=dup, into=primary, actor=self.manager1)
        case_accept(case=primary, needs_visit=False, actor=self.manager1)
        case_put_on_agenda(case=primary)
        case_record_decision(case=primary, outcome="approve", text="ترمیم شود", actor=None)
        case_mark_dispatched(case=primary)
        case_mark_done(case=primary, actor=None)
        self.track(dup.tracking_code, "2233")
        self.assertContains(self.client.get(f"/track/{dup.tracking_code}/"), "اعتراض دارم")
        with self.settings(SMS_INBOUND_SECRET="s3cret"):
            r = self.client.post(
                "/sms/inbound/", {"from": "09121112233", "text": "33", "secret": "s3cret"}
            )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["case"], primary.tracking_code)
        primary.refresh_from_db()
        dup.refresh_from_db()
        self.assertEqual((primary.status, dup.status), ("reopened", "merged"))

    def test_a_merged_citizen_accepts_on_the_page(self):
        primary = self.make_case(mobile="09120000001")
        dup = self.make_case()
        case_merge(case=dup, into=primary, actor=self.manager1)
        case_accept(case=primary, needs_visit=False, actor=self.manager1)
        case_put_on_agenda(case=primary)
        case_record_decision(case=primary, outcome="approve", text="ترمیم شود", actor=None)
        case_mark_dispatched(case=primary)
        case_mark_done(case=primary, actor=None)
        self.track(dup.tracking_code, "2233")
        self.client.post(f"/track/{dup.tracking_code}/verdict/", {"verdict": "accept"})
        primary.refresh_from_db()
        self.assertEqual(primary.status, "closed")

    def test_merged_case_shows_the_primary(self):
        primary = self.make_case(mobile="09120000001")
        dup = self.make_case()
        case_merge(case=dup, into=primary, actor=self.manager1)
        case_accept(case=primary, needs_visit=True, actor=self.manager1)
        self.track(dup.tracking_code, "2233")
        page = self.client.get(f"/track/{dup.tracking_code}/")
        self.assertContains(page, primary.tracking_code)
        self.assertContains(page, "پذیرفته‌شده")


@override_settings(SMS_INBOUND_SECRET="s3cret")
class SmsInboundTests(RequestTestCase):
    def test_secret_required(self):
        self.assertEqual(
            self.client.post("/sms/inbound/", {"from": "x", "text": "31"}).status_code, 403
        )
        r = self.client.post("/sms/inbound/", {"from": "x", "text": "31", "secret": "bad"})
        self.assertEqual(r.status_code, 403)
        with override_settings(SMS_INBOUND_SECRET=""):
            r = self.client.post("/sms/inbound/", {"from": "x", "text": "31", "secret": ""})
            self.assertEqual(r.status_code, 403)

    def test_reply_codes(self):
        case = TrackTests.done_case(self)
        r = self.client.post(
            "/sms/inbound/", {"from": "989121112233", "text": "۳۱"}, HTTP_X_PISHKHAN_SECRET="s3cret"
        )
        self.assertEqual(r.status_code, 200)
        case.refresh_from_db()
        self.assertEqual(case.status, "closed")
        other = TrackTests.done_case(self)
        self.client.post("/sms/inbound/", {"from": "09121112233", "text": "33", "secret": "s3cret"})
        other.refresh_from_db()
        self.assertEqual(other.status, "reopened")
        # No done case left: the «۳۳» is about the case the citizen accepted (closed). It is
        # answered, not reopened.
        r = self.client.post(
            "/sms/inbound/", {"from": "09121112233", "text": "33", "secret": "s3cret"}
        )
        self.assertEqual(r.status_code, 409)
        self.assertEqual(r.json()["error"], "window closed")
        case.refresh_from_db()
        self.assertEqual(case.status, "closed")
        self.assertIn("با پذیرش نتیجه از سوی شما بسته شده است", r.json()["reply"])
        r = self.client.post(
            "/sms/inbound/", {"from": "09350000000", "text": "33", "secret": "s3cret"}
        )
        self.assertEqual(r.status_code, 404)
        r = self.client.post(
            "/sms/inbound/", {"from": "09121112233", "text": "99", "secret": "s3cret"}
        )
        self.assertEqual(r.status_code, 400)

    def late_33(self):
        return self.client.post(
            "/sms/inbound/", {"from": "09121112233", "text": "۳۳", "secret": "s3cret"}
        )

    def test_late_objection_after_the_clock_closed_the_case(self):
        case = TrackTests.done_case(self)
        later = case.done_at + dt.timedelta(
            days=objection_window_days(case.municipality_id), hours=1
        )
        self.assertEqual(case_close_expired(now=later), 1)
        sent = Message.objects.count()
        r = self.late_33()
        self.assertEqual(r.status_code, 409, r.content)
        body = r.json()
        self.assertEqual((body["ok"], body["error"]), (False, "window closed"))
        self.assertEqual(body["case"], case.tracking_code)
        case.refresh_from_db()
        self.assertEqual(case.status, "closed")  # not reopened
        event = CaseEvent.objects.get(case=case, kind="late_objection")
        self.assertEqual(event.data["channel"], "sms")
        self.assertFalse(event.public)
        # The answer (sent back by the gateway) says what happened and what to do.
        reply = body["reply"]
        self.assertIn(case.tracking_code, reply)
        self.assertIn("روزهٔ اعتراض", reply)
        self.assertIn("به پایان رسید و پرونده بسته شده است", reply)
        self.assertIn(jdate(case.done_at + dt.timedelta(days=7), "long"), reply)
        self.assertIn("درخواست تازه", reply)
        self.assertIn("/requests/new/", reply)
        self.assertEqual(Message.objects.count(), sent)  # no second SMS beside the reply
        # Each late reply is recorded.
        self.assertEqual(self.late_33().status_code, 409)
        self.assertEqual(CaseEvent.objects.filter(case=case, kind="late_objection").count(), 2)

    def test_late_objection_before_the_clock_closed_the_case(self):
        """Past the window but the clock has not closed it yet (it was down): the answer closes
        it now, as the clock would, and says so."""
        case = TrackTests.done_case(self)
        Case.objects.filter(pk=case.pk).update(done_at=timezone.now() - dt.timedelta(days=30))
        r = self.late_33()
        self.assertEqual(r.status_code, 409, r.content)
        self.assertEqual(r.json()["error"], "window closed")
        case.refresh_from_db()
        self.assertEqual(case.status, "closed")
        self.assertEqual(case.citizen_verdict, "")
        self.assertTrue(Message.objects.filter(template="cases/messages/closed").exists())
        self.assertIn("به پایان رسید و پرونده بسته شده است", r.json()["reply"])
        self.assertTrue(CaseEvent.objects.filter(case=case, kind="late_objection").exists())

    def test_objection_in_the_window_still_reopens(self):
        case = TrackTests.done_case(self)
        self.assertEqual(self.late_33().json()["verdict"], "object")
        case.refresh_from_db()
        self.assertEqual(case.status, "reopened")
        self.assertFalse(CaseEvent.objects.filter(case=case, kind="late_objection").exists())

    def test_reply_with_control_characters_from_the_gateway(self):
        case = TrackTests.done_case(self)
        r = self.client.post(
            "/sms/inbound/", {"from": "09121112233", "text": "\x0231\x03\r\n", "secret": "s3cret"}
        )
        self.assertEqual(r.status_code, 200, r.content)
        case.refresh_from_db()
        self.assertEqual(case.status, "closed")
