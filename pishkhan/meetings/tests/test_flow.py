"""Agenda → session → decisions → signatures → sealed minutes → ledger."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
from typing import Any

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.meetings import services
from pishkhan.meetings.models import AgendaItem, Decision, Meeting, Position, Signature
from pishkhan.meetings.selectors import ledger_verify, related_decisions
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.test import PASSWORD, BaseTestCase
from pishkhan.visits.models import Visit


def run_meeting(
    test: Any, meeting: Meeting, *, sign: bool = True, defer_first: bool = False
) -> Meeting:
    now = timezone.now()
    if meeting.status == "draft":
        services.agenda_freeze(meeting=meeting, now=now, actor=test.secretary)
    services.meeting_start(
        meeting=meeting,
        present=[test.member, test.member2, test.mayor],
        actor=test.secretary,
        now=now,
    )
    deadline = meeting.scheduled_at.date() + dt.timedelta(days=14)
    for n, item in enumerate(meeting.items.order_by("number")):
        if defer_first and n == 0:
            d = services.decision_record(
                item=item, outcome="defer", text="بررسی بیشتر در جلسهٔ بعد", actor=test.secretary
            )
            for member in (test.member, test.member2, test.mayor):
                services.position_set(
                    decision=d, member=member, stance="agree", actor=test.secretary
                )
            continue
        d = services.decision_record(
            item=item,
            outcome="approve",
            text=f"اجرا شود: {item.title}",
            actor=test.secretary,
            lead_department=test.civil,
            supporting_departments=[test.green],
            deadline=deadline,
            cost_note="۵۰ میلیون ریال",
        )
        for member in (test.member, test.member2, test.mayor):
            services.position_set(decision=d, member=member, stance="agree", actor=test.secretary)
    meeting = services.meeting_close(meeting=meeting, actor=test.secretary, now=now)
    if sign:
        with test.captureOnCommitCallbacks(execute=True):  # the seal runs after the commit
            for member in (test.member, test.member2, test.mayor):
                services.minutes_sign(
                    meeting=meeting, member=member, password=PASSWORD, now=timezone.now()
                )
    meeting.refresh_from_db()
    return meeting


class AgendaTests(BaseTestCase):
    def test_agenda_collects_week_and_carry_overs_grouped_by_urgency(self) -> None:
        start = this_week()
        a = make_case(self.city, status="visited")
        Visit.objects.create(
            municipality=self.m,
            case=a,
            week_start=start,
            manager=self.senior,
            day=start,
            status="reported",
            recommendation="approve",
            proposed_text="آسفالت شود",
            urgency=3,
            estimated_cost=1000,
        )
        dup = make_case(self.city, status="merged", merged_into=a)
        unvisited = make_case(self.city, status="accepted", needs_visit=True, district=self.d2)
        deferred = make_case(self.city, status="deferred", start=start - dt.timedelta(days=7))
        objection = make_case(self.city, status="reopened", service=self.tree, district=self.d2)
        later = make_case(self.city, status="accepted", start=start + dt.timedelta(days=7))
        meeting = services.meeting_for_date(municipality=self.m, week_start=start)
        services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        items = list(meeting.items.order_by("number").prefetch_related("cases"))
        kinds = {i.kind: {c.pk for c in i.cases.all()} for i in items}
        self.assertEqual(kinds["new"], {a.pk, dup.pk})
        self.assertEqual(kinds["unvisited"], {unvisited.pk})
        self.assertEqual(kinds["deferred"], {deferred.pk})
        self.assertEqual(kinds["objection"], {objection.pk})
        self.assertNotIn(later.pk, {c for s in kinds.values() for c in s})
        self.assertEqual(items[0].urgency, 3)  # most urgent group first
        self.assertIn("آسفالت شود", items[0].summary)
        # rebuild is idempotent while draft
        services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        self.assertEqual(meeting.items.count(), 4)

    def test_secretary_reorders_merges_splits_then_freeze_locks(self) -> None:
        cases = [make_case(self.city) for _ in range(3)]
        meeting = services.meeting_for_date(municipality=self.m, week_start=this_week())
        services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        items = list(meeting.items.order_by("number"))
        services.agenda_item_move(item=items[2], position=1, actor=self.secretary)
        self.assertEqual(AgendaItem.objects.get(pk=items[2].pk).number, 1)
        merged = services.agenda_items_merge(items=items[:2], actor=self.secretary)
        self.assertEqual(meeting.items.count(), 2)
        self.assertEqual(merged.cases.count(), 2)
        new = services.agenda_item_split(item=merged, case_ids=[cases[1].pk], actor=self.secretary)
        self.assertEqual(list(new.cases.all()), [cases[1]])
        self.assertEqual(sorted(meeting.items.values_list("number", flat=True)), [1, 2, 3])
        with self.assertRaises(PermissionDeniedError):
            services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.member)
        services.agenda_freeze(meeting=meeting, now=timezone.now(), actor=self.secretary)
        cases[0].refresh_from_db()
        self.assertEqual(cases[0].status, "on_agenda")
        with self.assertRaises(ApplicationError):
            services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)

    def test_an_agenda_numbers_past_a_small_integer(self) -> None:
        # A city's unaged backlog once put over 32,767 items on one agenda: PostgreSQL's
        # smallint refused the row ("smallint out of range") and the build failed.
        meeting = services.meeting_for_date(municipality=self.m, week_start=this_week())
        item = AgendaItem.objects.create(meeting=meeting, number=40_000, title="ردیف دور")
        item.refresh_from_db()
        self.assertEqual(item.number, 40_000)

    def test_related_decisions_same_place_address_service(self) -> None:
        old = make_case(
            self.city,
            address="خیابان ولیعصر ۱۲",
            lat=36.8400,
            lon=54.4300,
            start=this_week() - dt.timedelta(days=7),
        )
        m1 = services.meeting_for_date(
            municipality=self.m, week_start=this_week() - dt.timedelta(days=7)
        )
        services.agenda_build(meeting=m1, now=timezone.now(), actor=self.secretary)
        run_meeting(self, m1, sign=False)
        near = make_case(self.city, service=self.tree, address="جای دیگر", lat=36.8405, lon=54.4301)
        far_same_service = make_case(self.city, address="دور", lat=37.5, lon=55.0)
        unrelated = make_case(self.city, service=self.tree, address="بی‌ربط", lat=35.0, lon=50.0)
        m2 = services.meeting_for_date(municipality=self.m, week_start=this_week())
        services.agenda_build(meeting=m2, now=timezone.now(), actor=self.secretary)
        by_case = {i.cases.get().pk: i for i in m2.items.all()}
        decision = Decision.objects.get(item__meeting=m1)
        self.assertEqual(
            [r.reason for r in related_decisions(by_case[near.pk])], ["در همین محدوده"]
        )
        self.assertEqual(related_decisions(by_case[near.pk])[0].decision, decision)
        self.assertEqual(
            [r.reason for r in related_decisions(by_case[far_same_service.pk])], ["همان خدمت"]
        )
        self.assertEqual(related_decisions(by_case[unrelated.pk]), [])
        self.assertTrue(old.pk)


class MeetingTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # the host → municipality lookup is cached across test classes
        self.cases = [make_case(self.city) for _ in range(2)]
        self.meeting = services.meeting_for_date(municipality=self.m, week_start=this_week())
        services.agenda_build(meeting=self.meeting, now=timezone.now(), actor=self.secretary)

    def test_quorum_required(self) -> None:
        services.agenda_freeze(meeting=self.meeting, now=timezone.now(), actor=self.secretary)
        with self.assertRaisesMessage(ApplicationError, "حد نصاب"):
            services.meeting_start(
                meeting=self.meeting,
                present=[self.member],
                actor=self.secretary,
                now=timezone.now(),
            )

    def test_full_meeting_signed_sealed_and_chained(self) -> None:
        meeting = run_meeting(self, self.meeting)
        self.assertEqual(meeting.status, "signed")
        self.assertEqual(meeting.items.first().decision.number, f"{meeting.number}-01")
        for case in self.cases:
            case.refresh_from_db()
            self.assertEqual(case.status, "decided")
        self.assertEqual(meeting.prev_hash, "")
        self.assertTrue(meeting.minutes_pdf)
        self.assertEqual(ledger_verify(), [])
        call_command("verify_ledger", stdout=io.StringIO())
        # the next week chains to this one
        make_case(self.city, start=this_week() + dt.timedelta(days=7))
        m2 = services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )
        services.agenda_build(meeting=m2, now=timezone.now(), actor=self.secretary)
        m2 = run_meeting(self, m2)
        self.assertEqual(m2.prev_hash, meeting.chain_hash)
        self.assertEqual(ledger_verify(), [])

    def test_minutes_are_sealed_after_the_commit_not_inside_the_signing_transaction(self) -> None:
        meeting = run_meeting(self, self.meeting, sign=False)
        for member in (self.member, self.member2):
            services.minutes_sign(
                meeting=meeting, member=member, password=PASSWORD, now=timezone.now()
            )
        with self.captureOnCommitCallbacks(execute=False) as after_commit:
            services.minutes_sign(
                meeting=meeting, member=self.mayor, password=PASSWORD, now=timezone.now()
            )
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, "signed")
        self.assertFalse(meeting.minutes_pdf)  # nothing rendered while the row was locked
        self.assertEqual(len(after_commit), 1)
        after_commit[0]()
        meeting.refresh_from_db()
        self.assertTrue(meeting.minutes_pdf)
        self.assertEqual(ledger_verify(), [])

    def test_a_failed_seal_is_made_on_the_first_request_for_the_minutes(self) -> None:
        meeting = run_meeting(self, self.meeting, sign=False)
        with self.captureOnCommitCallbacks(execute=False):  # the seal after the commit is lost
            for member in (self.member, self.member2, self.mayor):
                services.minutes_sign(
                    meeting=meeting, member=member, password=PASSWORD, now=timezone.now()
                )
        self.login(self.secretary)
        response = self.client.get(f"/office/meetings/{meeting.pk}/minutes.pdf")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
        meeting.refresh_from_db()
        self.assertTrue(meeting.minutes_pdf)

    def test_mayor_signs_last_and_password_required(self) -> None:
        meeting = run_meeting(self, self.meeting, sign=False)
        with self.assertRaisesMessage(ApplicationError, "شهردار"):
            services.minutes_sign(
                meeting=meeting, member=self.mayor, password=PASSWORD, now=timezone.now()
            )
        with self.assertRaisesMessage(ApplicationError, "گذرواژه"):
            services.minutes_sign(
                meeting=meeting, member=self.member, password="wrong", now=timezone.now()
            )
        with self.assertRaises(PermissionDeniedError):
            services.minutes_sign(
                meeting=meeting, member=self.secretary, password=PASSWORD, now=timezone.now()
            )
        services.minutes_sign(
            meeting=meeting, member=self.member, password=PASSWORD, now=timezone.now()
        )
        with self.assertRaisesMessage(ApplicationError, "پیش‌تر"):
            services.minutes_sign(
                meeting=meeting, member=self.member, password=PASSWORD, now=timezone.now()
            )
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).status, "closed")

    def _assert_tampered(self, meeting: Meeting, needle: str) -> None:
        problems = ledger_verify()
        self.assertTrue(any(meeting.number in p for p in problems), problems)
        with self.assertRaises(CommandError):
            call_command("verify_ledger", stdout=io.StringIO(), stderr=io.StringIO())
        number = meeting.items.first().decision.number
        page = self.client.get(f"/decisions/verify/{number}/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "نامعتبر")
        self.assertContains(page, needle)

    def test_tamper_decision_text(self) -> None:
        meeting = run_meeting(self, self.meeting)
        page = self.client.get(f"/decisions/verify/{meeting.number}-01/")
        self.assertContains(page, "معتبر")
        self.assertNotContains(page, "نامعتبر")
        Decision.objects.filter(item__meeting=meeting, number__endswith="-01").update(
            text="متن دیگر"
        )
        self._assert_tampered(meeting, "تغییر کرده")

    def test_tamper_position(self) -> None:
        meeting = run_meeting(self, self.meeting)
        Position.objects.filter(decision__item__meeting=meeting, member=self.member2).update(
            stance="disagree"
        )
        self._assert_tampered(meeting, "تغییر کرده")

    def test_tamper_signature(self) -> None:
        meeting = run_meeting(self, self.meeting)
        sig = Signature.objects.get(meeting=meeting, member=self.member)
        forged = ("A" if sig.signature[0] != "A" else "B") + sig.signature[1:]
        Signature.objects.filter(pk=sig.pk).update(signature=forged)
        self._assert_tampered(meeting, "امضای")

    def test_sealed_pdf_verifies_with_pdfsig_and_pyhanko(self) -> None:
        from pishkhan.meetings.pdf import validate_sealed

        meeting = run_meeting(self, self.meeting)
        data = meeting.minutes_pdf.read()
        self.assertTrue(validate_sealed(self.m, data))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(data)
            f.flush()
            out = subprocess.run(
                ["/usr/bin/pdfsig", f.name], capture_output=True, text=True, timeout=60
            )
        self.assertIn("Signature is Valid", out.stdout)
        # a byte changed inside the signed range breaks it
        broken = bytearray(data)
        idx = broken.find(b"/Producer")
        broken[idx + 1] = ord("Q")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(bytes(broken))
            f.flush()
            out = subprocess.run(
                ["/usr/bin/pdfsig", f.name], capture_output=True, text=True, timeout=60
            )
        self.assertNotIn("Signature is Valid", out.stdout)
