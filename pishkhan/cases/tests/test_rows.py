"""core.rows.row_insert writes what Model.save() would: the rows of a submission read back
field for field, and no signal a save would send is being skipped."""

import datetime as dt

from django.db.models import Model, signals

from pishkhan.cases.models import Case, CaseEvent
from pishkhan.cases.services import case_submit
from pishkhan.core.models import AuditEntry
from pishkhan.core.rows import row_insert, row_insert_new
from pishkhan.notify.models import Message
from pishkhan.test import BaseTestCase


def stored(obj):
    """Every column as the database gives it back."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in type(obj)._meta.concrete_fields}


def held(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


class RowInsertTests(BaseTestCase):
    def submit(self):
        return case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="مریم رضایی",
            citizen_mobile="09121112233",
            service=self.pothole,
            description="چاله عمیق جلوی مدرسه، خطرناک برای دوچرخه‌ها",
            address="خیابان ولیعصر، کوچه ۱۲",
            district=self.d1,
            attributes={"ignored": "x"},
            idempotency_key="row-insert-1",
        )

    def test_the_submission_rows_read_back_as_written(self):
        case = self.submit()
        self.assertIsNotNone(case.pk)
        self.assertFalse(case._state.adding)
        self.assertEqual(held(case), stored(case))
        self.assertIsNotNone(case.created_at)
        event = case.events.get()
        self.assertEqual((event.old_status, event.new_status), ("", "submitted"))
        entry = AuditEntry.objects.get(object_type="case", object_id=case.tracking_code)
        self.assertEqual(entry.data["to"], "submitted")

    def test_a_row_written_either_way_is_the_same(self):
        case = self.submit()
        at = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
        fields = {
            "case": case,
            "kind": "note",
            "old_status": "submitted",
            "new_status": "submitted",
            "actor": self.manager1,
            "note": "یادداشت",
            "public": False,
            "data": {"a": [1, "ب"], "n": None},
            "at": at,
        }
        quick = row_insert(CaseEvent(**fields))
        orm = CaseEvent.objects.create(**fields)
        a, b = stored(quick), stored(orm)
        a.pop("id"), b.pop("id")
        self.assertEqual(a, b)
        self.assertEqual(quick._state.db, "default")

    def test_nothing_a_save_would_do_is_skipped(self):
        # row_insert neither sends pre_save/post_save nor calls save(): it may only write models
        # nobody listens to and whose save() is Django's.
        for model in (Case, CaseEvent, AuditEntry, Message):
            self.assertFalse(signals.pre_save.has_listeners(model), model)
            self.assertFalse(signals.post_save.has_listeners(model), model)
            self.assertIs(model.save, Model.save, model)

    def test_the_sms_is_still_queued_once(self):
        case = self.submit()
        again = self.submit()  # the same idempotency key: the first case, nothing new
        self.assertEqual(again.pk, case.pk)
        self.assertEqual(Case.objects.filter(idempotency_key="row-insert-1").count(), 1)
        self.assertEqual(Message.objects.filter(template="cases/messages/received").count(), 1)

    def test_a_row_already_held_by_a_unique_key_is_not_written_again(self):
        def message():
            return Message(
                municipality_id=self.m.pk,
                channel="sms",
                to="+989121112233",
                body="پیام",
                template="t",
                dedupe_key="case:X:received::sms",
                next_attempt_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            )

        self.assertTrue(row_insert_new(message()))
        self.assertFalse(row_insert_new(message()))
        Message.objects.bulk_create([message()], ignore_conflicts=True)
        stored_row = Message.objects.get(dedupe_key="case:X:received::sms")
        self.assertEqual(stored_row.status, "queued")
        self.assertEqual(stored_row.body, "پیام")
        self.assertIsNotNone(stored_row.created_at)
        self.assertEqual(Message.objects.count(), 1)
