from pishkhan.core.audit import audit_record, audit_verify
from pishkhan.core.models import AuditEntry
from pishkhan.test import BaseTestCase


class AuditChainTests(BaseTestCase):
    def test_intact_chain_verifies(self):
        for i in range(3):
            audit_record(
                municipality_id=self.m.pk,
                actor_id=None,
                action="x.test",
                object_type="x",
                object_id=i,
            )
        self.assertEqual(audit_verify(), [])

    def test_entries_recorded_in_tehran_time_verify(self):
        import datetime as dt

        from pishkhan.core.jalali import TEHRAN

        audit_record(
            municipality_id=self.m.pk,
            actor_id=None,
            action="x.test",
            object_type="x",
            object_id=1,
            at=dt.datetime(2026, 11, 30, 6, 0, tzinfo=TEHRAN),
        )
        self.assertEqual(audit_verify(), [])

    def test_altered_entry_is_named(self):
        entry = audit_record(
            municipality_id=self.m.pk,
            actor_id=None,
            action="x.test",
            object_type="x",
            object_id=1,
            data={"a": 1},
        )
        audit_record(
            municipality_id=self.m.pk, actor_id=None, action="x.test", object_type="x", object_id=2
        )
        AuditEntry.objects.filter(pk=entry.pk).update(data={"a": 2})
        problems = audit_verify()
        self.assertTrue(any(f"#{entry.seq}" in p and "altered" in p for p in problems), problems)

    def test_deleted_entry_is_detected(self):
        last = None
        for i in range(3):
            last = audit_record(
                municipality_id=self.m.pk,
                actor_id=None,
                action="x.test",
                object_type="x",
                object_id=i,
            )
        AuditEntry.objects.filter(pk=last.pk).delete()
        self.assertTrue(audit_verify())
