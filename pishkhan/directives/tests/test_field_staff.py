"""Department staff on a phone: everyone is told, the head confirms the work before it counts."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from pishkhan.accounts.roles import Role
from pishkhan.accounts.services import user_create
from pishkhan.cases.models import Attachment
from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.directives import services
from pishkhan.directives.models import Directive
from pishkhan.directives.tests.test_directives import photo
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase


class DepartmentStaffSetup(BaseTestCase):
    """A case decided and dispatched; the civil department has a head and a staff member."""

    def setUp(self) -> None:
        super().setUp()
        self.staff = user_create(
            mobile="+989990000777",
            full_name="کارمند عمران",
            password=PASSWORD,
            role=Role.DEPARTMENT_STAFF,
            municipality=self.m,
            department=self.civil,
        )
        self.case = make_case(self.city)
        Attachment.objects.create(
            case=self.case, file=photo("citizen.jpg"), content_type="image/jpeg", size=10
        )
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        meeting = run_meeting(self, meeting)
        services.meeting_dispatch(meeting=meeting, actor=self.secretary, now=timezone.now())
        self.lead = Directive.objects.get(role="lead")


class DepartmentStaffTests(DepartmentStaffSetup):
    def test_every_member_of_the_department_is_told(self) -> None:
        told = set(
            Message.objects.filter(template="directives/messages/issued").values_list(
                "to", flat=True
            )
        )
        self.assertIn(self.staff.mobile, told)
        self.assertIn(self.head_civil.mobile, told)

    def test_staff_completion_waits_for_the_head(self) -> None:
        services.directive_complete(
            directive=self.lead, note="آسفالت ترمیم شد", actor=self.staff, files=[photo()]
        )
        self.lead.refresh_from_db()
        self.case.refresh_from_db()
        self.assertEqual(self.lead.status, "awaiting")
        self.assertNotEqual(self.case.status, "done")  # not done until confirmed
        self.assertTrue(
            Message.objects.filter(
                to=self.head_civil.mobile, template="directives/messages/awaiting"
            ).exists()
        )
        with self.assertRaises(PermissionDeniedError):
            services.directive_confirm(directive=self.lead, accept=True, note="", actor=self.staff)
        with self.assertRaises(ApplicationError):  # sending back needs a reason
            services.directive_confirm(
                directive=self.lead, accept=False, note="", actor=self.head_civil
            )
        services.directive_confirm(
            directive=self.lead, accept=False, note="لبهٔ ترمیم ناصاف است", actor=self.head_civil
        )
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "in_progress")
        services.directive_complete(
            directive=self.lead, note="لبه صاف شد", actor=self.staff, files=[photo()]
        )
        services.directive_confirm(directive=self.lead, accept=True, note="", actor=self.head_civil)
        self.lead.refresh_from_db()
        self.case.refresh_from_db()
        self.assertEqual(self.lead.status, "done")
        self.assertEqual(self.case.status, "done")

    def test_phone_inbox_cards_with_days_left_and_directive_page_with_site_and_photos(self) -> None:
        self.login(self.staff)
        html = self.client.get(reverse("directives:inbox")).content.decode()
        self.assertIn('id="directive-cards"', html)
        self.assertIn("روز مانده", html)
        page = self.client.get(reverse("directives:detail", args=[self.lead.pk]))
        self.assertContains(page, self.case.address)
        self.assertContains(page, "citizen-photo")
        attachment = Attachment.objects.get(case=self.case)
        img = self.client.get(
            reverse("directives:photo", args=[self.lead.pk, "citizen", attachment.pk])
        )
        self.assertEqual(img.status_code, 200)
        # another department's staff cannot fetch it
        self.client.force_login(self.head_green)
        other = self.client.get(
            reverse("directives:photo", args=[self.lead.pk, "citizen", attachment.pk])
        )
        self.assertEqual(other.status_code, 404)

    def test_head_confirms_on_the_page(self) -> None:
        services.directive_complete(
            directive=self.lead, note="انجام شد", actor=self.staff, files=[photo()]
        )
        self.login(self.head_civil)
        page = self.client.get(reverse("directives:detail", args=[self.lead.pk]))
        self.assertContains(page, 'id="confirm-box"')
        self.client.post(reverse("directives:detail", args=[self.lead.pk]), {"action": "confirm"})
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.status, "done")
