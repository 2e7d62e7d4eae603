"""Dispatch, the department's work, overdue escalation, extensions and re-decisions."""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.directives import services
from pishkhan.directives.models import Directive
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.notify.models import Message
from pishkhan.test import BaseTestCase


def photo(name: str = "done.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 128, 0)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class DirectiveTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.case = make_case(self.city)
        self.meeting = meeting_services.meeting_for_date(
            municipality=self.m, week_start=this_week()
        )
        meeting_services.agenda_build(
            meeting=self.meeting, now=timezone.now(), actor=self.secretary
        )
        self.meeting = run_meeting(self, self.meeting)
        self.now = timezone.now()
        self.issued = services.meeting_dispatch(
            meeting=self.meeting, actor=self.secretary, now=self.now
        )
        self.lead = Directive.objects.get(role="lead")
        self.support = Directive.objects.get(role="support")

    def test_dispatch_numbers_letters_notifications_idempotent(self) -> None:
        self.assertEqual(len(self.issued), 2)
        self.assertEqual(self.lead.department, self.civil)
        self.assertEqual(self.support.department, self.green)
        self.assertTrue(self.lead.number.startswith(self.meeting.number))
        # Issued at once; the letters are the worker's job (off the clock's transaction).
        self.assertFalse(self.lead.letter_pdf)
        self.assertEqual(services.letters_render(), 2)
        self.lead.refresh_from_db()
        self.assertTrue(self.lead.letter_pdf.read().startswith(b"%PDF"))
        self.assertEqual(services.letters_render(), 0)
        self.assertTrue(
            Message.objects.filter(
                to=self.head_civil.mobile, template="directives/messages/issued"
            ).exists()
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "dispatched")
        again = services.meeting_dispatch(meeting=self.meeting, actor=self.secretary, now=self.now)
        self.assertEqual(again, [])
        self.assertEqual(Directive.objects.count(), 2)

    def test_only_own_department_may_work(self) -> None:
        with self.assertRaises(PermissionDeniedError):
            services.directive_acknowledge(directive=self.lead, actor=self.head_green)
        with self.assertRaises(PermissionDeniedError):
            services.directive_acknowledge(directive=self.lead, actor=self.secretary)

    def test_lead_completion_completes_case(self) -> None:
        services.directive_acknowledge(directive=self.lead, actor=self.head_civil)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "in_progress")
        services.directive_progress(
            directive=self.lead,
            progress=40,
            note="آغاز کار",
            actor=self.head_civil,
            files=[photo()],
        )
        with self.assertRaisesMessage(ApplicationError, "مستند"):
            services.directive_complete(directive=self.lead, note="تمام شد", actor=self.head_civil)
        bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
        with self.assertRaises(ValidationError):
            services.directive_complete(
                directive=self.lead, note="تمام شد", actor=self.head_civil, files=[bad]
            )
        self.assertEqual(Directive.objects.get(pk=self.lead.pk).status, "in_progress")
        services.directive_complete(
            directive=self.lead, note="تمام شد", actor=self.head_civil, files=[photo()]
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "done")
        self.assertEqual(Directive.objects.get(pk=self.lead.pk).progress, 100)

    def test_overdue_once_deputy_alerted_next_agenda_and_redecision_supersedes(self) -> None:
        late = timezone.now() + dt.timedelta(days=30)
        self.assertEqual(services.directives_mark_overdue(now=late), 2)
        self.assertEqual(services.directives_mark_overdue(now=late + dt.timedelta(days=1)), 0)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "overdue")
        self.assertEqual(
            Message.objects.filter(
                to=self.member.mobile, template="directives/messages/overdue"
            ).count(),
            1,
        )
        nxt = meeting_services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )
        meeting_services.agenda_build(meeting=nxt, now=late, actor=self.secretary)
        items = list(nxt.items.filter(kind="overdue"))
        self.assertEqual({i.source_directive_id for i in items}, {self.lead.pk, self.support.pk})
        nxt = run_meeting(self, nxt)  # re-decide (approve with a new deadline)
        services.meeting_dispatch(meeting=nxt, actor=self.secretary, now=late)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "superseded")
        new = Directive.objects.filter(
            decision__item__meeting=nxt, role="lead", department=self.civil
        ).first()
        self.assertIsNotNone(new)
        services.directive_complete(
            directive=new, note="انجام شد", actor=self.head_civil, files=[photo()]
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, "done")

    def test_extension_request_goes_to_agenda(self) -> None:
        with self.assertRaises(ApplicationError):
            services.directive_request_extension(
                directive=self.lead,
                until=self.lead.deadline,
                reason="کمبود قیر",
                actor=self.head_civil,
            )
        services.directive_request_extension(
            directive=self.lead,
            until=self.lead.deadline + dt.timedelta(days=10),
            reason="کمبود قیر در انبار",
            actor=self.head_civil,
        )
        nxt = meeting_services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )
        meeting_services.agenda_build(meeting=nxt, now=timezone.now(), actor=self.secretary)
        item = nxt.items.get(kind="extension")
        self.assertEqual(item.source_directive_id, self.lead.pk)
        self.assertIn("کمبود قیر", item.summary)
