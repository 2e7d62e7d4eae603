import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from pishkhan.cases.models import Case
from pishkhan.cases.services import case_reject, case_submit
from pishkhan.core.audit import audit_verify
from pishkhan.test import BaseTestCase


class RetentionTests(BaseTestCase):
    def make(self, closed_days_ago):
        case = case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="سارا کریمی",
            citizen_mobile="09121231234",
            national_id="0499370899",
            service=self.pothole,
            description="چاله در خیابان اصلی",
            district=self.d1,
        )
        case = case_reject(case=case, reason=self.reason, note="", actor=self.manager1)
        Case.objects.filter(pk=case.pk).update(
            closed_at=timezone.now() - dt.timedelta(days=closed_days_ago)
        )
        return case

    def test_dry_run_changes_nothing_and_commit_anonymises_only_old_cases(self):
        old, recent = self.make(400), self.make(10)
        out = StringIO()
        call_command("anonymise_closed_cases", days=365, stdout=out)
        self.assertIn("1 cases would be anonymised", out.getvalue())
        self.assertEqual(Case.objects.get(pk=old.pk).citizen_name, "سارا کریمی")
        call_command("anonymise_closed_cases", days=365, commit=True, stdout=StringIO())
        old.refresh_from_db()
        recent.refresh_from_db()
        self.assertNotIn("سارا", old.citizen_name)
        self.assertEqual(old.national_id, "")
        self.assertIsNotNone(old.anonymised_at)
        self.assertEqual(recent.citizen_name, "سارا کریمی")
        self.assertEqual(old.service_id, self.pothole.pk)  # statistics keep working
        self.assertEqual(audit_verify(), [])
