"""After sealing, a decision is corrected only by a new decision of a later meeting that
references it; the sealed record is never altered and the ledger still verifies."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

from pishkhan.cases.models import Case
from pishkhan.core.errors import ApplicationError
from pishkhan.core.text import fa_digits
from pishkhan.directives import services as directive_services
from pishkhan.directives.models import Directive
from pishkhan.meetings import services
from pishkhan.meetings.models import AgendaItem, Decision, Meeting
from pishkhan.meetings.selectors import ledger_verify
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase, make_city, pdf_text


class CorrectionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        for _ in range(2):
            make_case(self.city)
        first = services.meeting_for_date(municipality=self.m, week_start=this_week())
        services.agenda_build(meeting=first, now=timezone.now(), actor=self.secretary)
        self.first = run_meeting(self, first)
        self.old = Decision.objects.get(item__meeting=self.first, item__number=2)
        self.next = services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )

    def _add(self, decision: Decision, meeting: Meeting | None = None, reason: str = "") -> object:
        return services.agenda_item_correction_add(
            meeting=meeting or self.next,
            decision=decision,
            reason=reason or "مهلت اجرا با فصل بارندگی تداخل دارد",
            actor=self.secretary,
        )

    def test_correction_is_a_new_decision_referencing_the_sealed_one(self) -> None:
        sealed_hash = self.first.content_hash
        item = self._add(self.old)
        self.assertEqual(item.kind, "correction")
        self.assertIn(fa_digits(self.old.number), item.title)
        # rebuilding the draft agenda keeps the correction
        services.agenda_build(meeting=self.next, now=timezone.now(), actor=self.secretary)
        item = AgendaItem.objects.get(meeting=self.next, kind="correction")
        self.assertEqual(item.corrects_id, self.old.pk)
        services.agenda_freeze(meeting=self.next, now=timezone.now(), actor=self.secretary)
        services.meeting_start(
            meeting=self.next,
            present=[self.member, self.member2, self.mayor],
            actor=self.secretary,
            now=timezone.now(),
        )
        # the form starts from the decision it corrects
        self.login(self.secretary)
        page = self.client.get(f"/office/meetings/{self.next.pk}/items/{item.pk}/open/")
        self.assertContains(page, f"{self.old.text}</textarea>")
        new_deadline = self.old.deadline + dt.timedelta(days=60)
        new = services.decision_record(
            item=item,
            outcome="approve",
            text=self.old.text + " (با مهلت تازه)",
            actor=self.secretary,
            lead_department=self.civil,
            deadline=new_deadline,
        )
        self.assertEqual(new.corrects_id, self.old.pk)
        with self.captureOnCommitCallbacks(execute=True):
            services.meeting_close(meeting=self.next, actor=self.secretary, now=timezone.now())
            for member in (self.member, self.member2, self.mayor):
                services.minutes_sign(
                    meeting=self.next, member=member, password=PASSWORD, now=timezone.now()
                )
        self.next.refresh_from_db()
        self.assertEqual(self.next.status, "signed")
        # the old sealed record is untouched and the whole ledger verifies
        self.old.refresh_from_db()
        self.first.refresh_from_db()
        self.assertEqual(self.first.content_hash, sealed_hash)
        self.assertEqual(ledger_verify(), [])
        self.assertIn(f'"corrects":"{self.old.number}"', self.next.sealed_content)
        # the minutes (web and PDF) show the reference; the old minutes show "corrected by"
        page = self.client.get(f"/office/meetings/{self.next.pk}/sign/")
        self.assertContains(page, f'data-corrects="{self.old.number}"')
        self.assertContains(page, "اصلاحیهٔ مصوبهٔ")
        page = self.client.get(f"/office/meetings/{self.first.pk}/sign/")
        self.assertContains(page, f'data-corrected-by="{new.number}"')
        self.assertContains(page, "اصلاح‌شده با مصوبهٔ")
        self.assertContains(page, 'data-verify="valid"')
        text = " ".join(pdf_text(self.next.minutes_pdf.read()).split())
        self.assertIn(fa_digits(self.old.number), text)  # only as the reference in these minutes
        # the public register: both, each pointing at the other
        self.client.logout()
        page = self.client.get("/decisions/")
        self.assertContains(page, f'data-corrects="{self.old.number}"')
        self.assertContains(page, f'data-corrected-by="{new.number}"')

    def test_bad_input_is_refused_with_nothing_written(self) -> None:
        # an unsealed decision: corrected by reopening its own minutes, not by a correction
        make_case(self.city, start=self.next.week_start)
        services.agenda_build(meeting=self.next, now=timezone.now(), actor=self.secretary)
        later = services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=14)
        )
        unsealed = run_meeting(self, self.next, sign=False)
        open_decision = Decision.objects.filter(item__meeting=unsealed).first()
        assert open_decision is not None
        with self.assertRaisesMessage(ApplicationError, "هنوز مهر نشده است"):
            self._add(open_decision, meeting=later)
        # a decision of another city
        other = make_city("othercity", "شهر دیگر")
        theirs = Decision.objects.create(
            item=AgendaItem.objects.create(
                meeting=services.meeting_for_date(
                    municipality=other["municipality"], week_start=this_week()
                ),
                number=1,
                title="x",
            ),
            municipality=other["municipality"],
            number="9999-01-01",
            outcome="reject",
            text="رد شد",
            recorded_by=other["secretary"],
        )
        with self.assertRaisesMessage(ApplicationError, "از شهرداری شما نیست"):
            self._add(theirs, meeting=later)
        # the same meeting or an earlier one; no reason; twice on one agenda
        with self.assertRaisesMessage(ApplicationError, "پس از جلسهٔ"):
            self._add(self.old, meeting=self.first)
        with self.assertRaisesMessage(ApplicationError, "علت اصلاح"):
            self._add(self.old, meeting=later, reason="؟")
        self._add(self.old, meeting=later)
        with self.assertRaisesMessage(ApplicationError, "در دستور همین جلسه هست"):
            self._add(self.old, meeting=later)
        self.assertEqual(AgendaItem.objects.filter(kind="correction").count(), 1)
        # through the agenda page: another city's number is simply not found, in Persian
        self.login(self.secretary)
        page = self.client.post(
            f"/office/meetings/{later.pk}/agenda/",
            {"action": "correction", "decision": "9999-01-01", "reason": "اصلاح لازم است"},
            follow=True,
        )
        self.assertContains(page, "در شهرداری شما نیست")
        page = self.client.post(
            f"/office/meetings/{later.pk}/agenda/",
            {"action": "correction", "decision": open_decision.number, "reason": "اصلاح لازم"},
            follow=True,
        )
        self.assertContains(page, "هنوز مهر نشده است")
        self.assertEqual(AgendaItem.objects.filter(kind="correction").count(), 1)


class CorrectionDispatchTests(BaseTestCase):
    """A correction replaces the corrected decision's standing orders: the departments never
    hold two orders for one matter, and the cases (and their citizens) follow the new one."""

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.cases = [make_case(self.city) for _ in range(2)]
        first = services.meeting_for_date(municipality=self.m, week_start=this_week())
        services.agenda_build(meeting=first, now=timezone.now(), actor=self.secretary)
        self.first = run_meeting(self, first)
        directive_services.meeting_dispatch(meeting=self.first, actor=None, now=timezone.now())
        self.old = Decision.objects.get(item__meeting=self.first, item__number=2)
        self.old_orders = list(Directive.objects.filter(decision=self.old))
        self.assertEqual(len(self.old_orders), 2)  # civil leads, green supports
        self.case = self.old.item.cases.get()
        self.assertEqual(self.case.status, Case.Status.DISPATCHED)
        self.next = services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )

    def _decide(self, outcome: str, **fields: object) -> Decision:
        item = services.agenda_item_correction_add(
            meeting=self.next,
            decision=self.old,
            reason="مسئول اجرا باید فضای سبز باشد",
            actor=self.secretary,
        )
        services.agenda_freeze(meeting=self.next, now=timezone.now(), actor=self.secretary)
        present = [self.member, self.member2, self.mayor]
        services.meeting_start(
            meeting=self.next, present=present, actor=self.secretary, now=timezone.now()
        )
        new = services.decision_record(
            item=item, outcome=outcome, text="مصوبهٔ اصلاحی", actor=self.secretary, **fields
        )
        for member in present:
            services.position_set(decision=new, member=member, stance="agree", actor=self.secretary)
        services.meeting_close(meeting=self.next, actor=self.secretary, now=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):
            for member in present:
                services.minutes_sign(
                    meeting=self.next, member=member, password=PASSWORD, now=timezone.now()
                )
        self.next.refresh_from_db()
        directive_services.meeting_dispatch(meeting=self.next, actor=None, now=timezone.now())
        return new

    def test_an_approved_correction_supersedes_the_old_orders_and_moves_the_case(self) -> None:
        deadline = self.old.deadline + dt.timedelta(days=30)
        new = self._decide("approve", lead_department=self.green, deadline=deadline)
        for order in self.old_orders:
            order.refresh_from_db()
            self.assertEqual(order.status, "superseded")
        standing = Directive.objects.exclude(status="superseded").filter(
            decision__in=[self.old, new]
        )
        self.assertEqual(
            [(d.decision_id, d.department_id) for d in standing], [(new.pk, self.green.pk)]
        )
        self.case.refresh_from_db()
        self.assertEqual(
            (self.case.lead_department_id, self.case.deadline), (self.green.pk, deadline)
        )
        self.assertTrue(self.case.events.filter(kind="redecided").exists())
        # dispatched again (the worker's clock, a retry): nothing more is issued or superseded
        directive_services.meeting_dispatch(meeting=self.next, actor=None, now=timezone.now())
        self.assertEqual(Directive.objects.filter(decision=new).count(), 1)

    def test_a_rejecting_correction_ends_the_orders_and_tells_the_citizen(self) -> None:
        self._decide("reject")
        self.assertEqual(
            set(Directive.objects.filter(decision=self.old).values_list("status", flat=True)),
            {"superseded"},
        )
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, Case.Status.REJECTED)
        self.assertTrue(
            Message.objects.filter(
                to=self.case.citizen_mobile, template__contains="reject"
            ).exists()
        )
