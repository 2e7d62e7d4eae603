import datetime as dt
import io
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pishkhan.cases.models import Attachment, Case, CaseEvent
from pishkhan.cases.services import (
    case_accept,
    case_citizen_verdict,
    case_mark_done,
    case_merge,
    case_put_on_agenda,
    case_record_decision,
    case_reject,
    case_submit,
)
from pishkhan.cases.tracking import tracking_code_is_valid, tracking_code_new
from pishkhan.core.audit import audit_verify
from pishkhan.core.errors import InvalidTransition, PermissionDeniedError
from pishkhan.core.jalali import TEHRAN
from pishkhan.core.models import AuditEntry
from pishkhan.notify.models import Message
from pishkhan.test import BaseTestCase


def photo(name="p.png", exif=False):
    buf = io.BytesIO()
    img = Image.new("RGB", (40, 30), (200, 10, 10))
    if exif:
        ex = Image.Exif()
        ex[0x010F] = "SecretCam"
        img.save(buf, format="JPEG", exif=ex)
    else:
        img.save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


class SubmitTests(BaseTestCase):
    def submit(self, **kw):
        data = {
            "municipality": self.m,
            "channel": "web",
            "citizen_name": "علي رضايي",
            "citizen_mobile": "۰۹۱۲۳۴۵۶۷۸۹",
            "service": self.pothole,
            "description": "چاله بزرگ در كوچه ۱۲ باعث خرابی خودروها شده",
            "district": self.d1,
        }
        data.update(kw)
        return case_submit(**data)

    def test_submit_normalises_and_records(self):
        case = self.submit()
        self.assertTrue(tracking_code_is_valid(case.tracking_code))
        self.assertEqual(case.citizen_mobile, "+989123456789")
        self.assertEqual(case.citizen_name, "علی رضایی")  # Arabic ي fixed, kept as typed otherwise
        self.assertIn("کوچه 12", case.search_key)
        self.assertEqual(case.events.get().new_status, "submitted")
        self.assertTrue(
            Message.objects.filter(to="+989123456789", template="cases/messages/received").exists()
        )
        self.assertEqual(audit_verify(), [])

    def test_idempotency_key_returns_the_same_case(self):
        a = self.submit(idempotency_key="abc")
        b = self.submit(idempotency_key="abc")
        self.assertEqual(a.pk, b.pk)
        self.assertEqual(Case.objects.count(), 1)

    def test_bad_input_gives_persian_errors_and_writes_nothing(self):
        with self.assertRaises(ValidationError) as ctx:
            self.submit(
                citizen_mobile="123", national_id="1234567890", description="کوتاه", district=None
            )
        errors = ctx.exception.message_dict
        self.assertIn("citizen_mobile", errors)
        self.assertIn("national_id", errors)
        self.assertIn("description", errors)
        self.assertIn("district", errors)
        with self.assertRaises(ValidationError):
            self.submit(description="ا" * 20001)
        self.assertEqual(Case.objects.count(), 0)
        self.assertEqual(Message.objects.count(), 0)

    def test_disguised_file_is_refused(self):
        fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>" * 10, content_type="image/jpeg")
        with self.assertRaises(ValidationError) as ctx:
            self.submit(files=[fake])
        self.assertIn("files", ctx.exception.message_dict)
        self.assertEqual(Case.objects.count(), 0)

    def test_images_are_reencoded_without_metadata(self):
        case = self.submit(files=[photo("x.jpg", exif=True)])
        att = Attachment.objects.get(case=case)
        self.assertEqual(att.content_type, "image/jpeg")
        with att.file.open("rb") as fh:
            data = fh.read()
        self.assertNotIn(b"SecretCam", data)

    def test_after_cutoff_joins_next_week(self):
        sunday_late = dt.datetime(2026, 11, 29, 23, 58, tzinfo=TEHRAN)
        monday = dt.datetime(2026, 11, 30, 0, 5, tzinfo=TEHRAN)
        self.assertEqual(self.submit(now=sunday_late).week_start, dt.date(2026, 11, 28))
        self.assertEqual(self.submit(now=monday).week_start, dt.date(2026, 12, 5))

    def test_a_tracking_code_already_taken_is_drawn_again(self):
        first = self.submit()
        fresh = tracking_code_new()
        with mock.patch(
            "pishkhan.cases.services.tracking_code_new", side_effect=[first.tracking_code, fresh]
        ):
            second = self.submit()
        self.assertEqual(second.tracking_code, fresh)
        self.assertEqual(Case.objects.count(), 2)
        self.assertEqual(CaseEvent.objects.filter(case=second).count(), 1)

    def test_a_replayed_idempotency_key_returns_the_first_case_and_writes_nothing(self):
        first = self.submit(idempotency_key="replay-1")
        audit = AuditEntry.objects.count()
        messages = Message.objects.count()
        again = self.submit(idempotency_key="replay-1")
        self.assertEqual(again.pk, first.pk)
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(AuditEntry.objects.count(), audit)
        self.assertEqual(Message.objects.count(), messages)

    def test_a_key_reused_for_another_request_is_refused_and_names_the_first_case(self):
        first = self.submit(idempotency_key="reused-1")
        audit = AuditEntry.objects.count()
        with self.assertRaises(ValidationError) as ctx:
            self.submit(idempotency_key="reused-1", description="درخت افتاده راه را بسته است")
        (error,) = ctx.exception.error_dict["idempotency_key"]
        self.assertEqual(error.code, "reused")
        self.assertIn(first.tracking_code, ctx.exception.message_dict["idempotency_key"][0])
        self.assertEqual(Case.objects.count(), 1)
        self.assertEqual(AuditEntry.objects.count(), audit)
        # the same request again (a retry) is still answered with its case, even after the
        # desk corrected its service
        Case.objects.filter(pk=first.pk).update(service=self.tree)
        self.assertEqual(self.submit(idempotency_key="reused-1").pk, first.pk)

    def test_tracking_code_check_character_catches_typos(self):
        code = tracking_code_new()
        self.assertTrue(tracking_code_is_valid(code))
        typo = code[:2] + ("A" if code[2] != "A" else "B") + code[3:]
        self.assertFalse(tracking_code_is_valid(typo))
        swapped = code[1] + code[0] + code[2:]
        if swapped != code:
            self.assertFalse(tracking_code_is_valid(swapped))


class LifeTests(BaseTestCase):
    def new_case(self, district=None):
        return case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="مریم",
            citizen_mobile="09121112233",
            service=self.pothole,
            description="چاله عمیق جلوی مدرسه",
            district=district or self.d1,
        )

    def test_full_life_with_every_arrow_recorded(self):
        case = self.new_case()
        case = case_accept(case=case, needs_visit=False, actor=self.manager1)
        case = case_put_on_agenda(case=case)
        case = case_record_decision(
            case=case,
            outcome="approve",
            text="ترمیم فوری",
            actor=self.secretary,
            lead_department=self.civil,
            deadline=dt.date(2026, 12, 20),
        )
        from pishkhan.cases.services import case_mark_dispatched

        case = case_mark_dispatched(case=case)
        case = case_mark_done(case=case, actor=self.head_civil)
        case = case_citizen_verdict(case=case, verdict="object", note="کار ناقص است")
        self.assertEqual(case.status, "reopened")
        statuses = list(
            CaseEvent.objects.filter(case=case, kind="status").values_list("new_status", flat=True)
        )
        self.assertEqual(
            statuses,
            ["submitted", "accepted", "on_agenda", "decided", "dispatched", "done", "reopened"],
        )

    def test_invalid_move_raises(self):
        case = self.new_case()
        with self.assertRaises(InvalidTransition):
            case_mark_done(case=case, actor=self.head_civil)

    def test_manager_of_another_district_cannot_triage(self):
        case = self.new_case()
        with self.assertRaises(PermissionDeniedError):
            case_accept(case=case, needs_visit=True, actor=self.manager2)
        with self.assertRaises(PermissionDeniedError):
            case_reject(case=case, reason=self.reason, note="", actor=self.manager2)
        self.assertEqual(Case.objects.get(pk=case.pk).status, "submitted")

    def test_merge_follows_the_final_primary(self):
        a, b, c = self.new_case(), self.new_case(), self.new_case()
        case_merge(case=b, into=a, actor=self.manager1)
        case_merge(case=c, into=b, actor=self.manager1)  # b is merged: c goes to a
        self.assertEqual(Case.objects.get(pk=c.pk).merged_into_id, a.pk)
