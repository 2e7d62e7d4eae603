"""The meeting floor: the whole roll, proposals pre-filled, the consent agenda, members' own
positions, the named roll call, reopening before sealing and declining to sign."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pishkhan.core.errors import ApplicationError
from pishkhan.cycle.models import Schedule
from pishkhan.meetings import floor, services
from pishkhan.meetings.models import Attendance, Decision, Meeting, Position, Signature
from pishkhan.meetings.selectors import (
    agenda_items,
    item_proposals,
    ledger_verify,
    roll_calls,
    uncontested,
)
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase
from pishkhan.visits.models import Visit


def pdf_words(text: str) -> str:
    """pdftotext's Persian without bidi controls and with single spaces."""
    for mark in ("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u200c", "\u200f"):
        text = text.replace(mark, "")
    return " ".join(text.replace(" :", ":").replace(":", ": ").split())


class FloorSetup(BaseTestCase):
    """Four cases (three with a reported visit) on a started meeting: the mayor, one member
    and a district manager present, member2 absent, a guest."""

    def add_reported_items(self, n: int) -> None:
        """n more items, each a case whose visit proposes a rejection."""
        start = this_week()
        for _ in range(n):
            case = make_case(self.city)
            Visit.objects.create(
                municipality=self.m,
                case=case,
                week_start=start,
                manager=self.senior,
                day=start,
                status="reported",
                recommendation="reject",
                proposed_text="رد شود",
            )
            item = self.meeting.items.create(number=self.meeting.items.count() + 1, title="x")
            item.cases.add(case)

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        start = this_week()
        self.cases = [make_case(self.city) for _ in range(4)]
        for n, case in enumerate(self.cases[:3]):
            Visit.objects.create(
                municipality=self.m,
                case=case,
                week_start=start,
                manager=self.senior,
                day=start,
                status="reported",
                recommendation="approve",
                proposed_text=f"آسفالت معبر {n}",
                urgency=3,
                lead_department=self.civil,
            )
        Schedule.objects.filter(municipality=self.m).update(quorum=2)  # the city's setting
        self.meeting = services.meeting_for_date(municipality=self.m, week_start=start)
        services.agenda_build(meeting=self.meeting, now=timezone.now(), actor=self.secretary)
        services.agenda_freeze(meeting=self.meeting, now=timezone.now(), actor=self.secretary)
        # the mayor, both members; a district manager without a vote; a guest; member2 absent
        services.meeting_start(
            meeting=self.meeting,
            present=[self.member, self.mayor, self.manager1],
            actor=self.secretary,
            now=timezone.now(),
            guests=[("کارشناس مهمان", "مشاور ترافیک")],
        )
        self.meeting.refresh_from_db()
        self.items = agenda_items(self.meeting)

    def _item_with_visit(self, n: int = 0) -> object:
        case = self.cases[n]
        return next(i for i in self.items if case in i.cases.all())


class FloorTests(FloorSetup):
    def test_roll_has_everyone_with_titles_and_the_city_quorum_counts_voters(self) -> None:
        rows = {a.name: a for a in Attendance.objects.filter(meeting=self.meeting)}
        self.assertTrue(rows[self.mayor.full_name].votes)
        self.assertFalse(rows[self.manager1.full_name].votes)
        self.assertTrue(rows[self.manager1.full_name].present)
        self.assertFalse(rows[self.member2.full_name].present)
        self.assertEqual(rows["کارشناس مهمان"].title, "مشاور ترافیک")
        self.assertIn(self.head_civil.full_name, rows)  # department heads are on the roll
        self.assertEqual(rows[self.mayor.full_name].title, "شهردار")
        # only voting members count for the quorum (2 here): 1 voter + 3 non-voters is not 2
        meeting2 = services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )
        services.agenda_freeze(meeting=meeting2, now=timezone.now(), actor=self.secretary)
        with self.assertRaisesMessage(ApplicationError, "حد نصاب"):
            services.meeting_start(
                meeting=meeting2,
                present=[self.mayor, self.manager1, self.senior, self.head_civil],
                actor=self.secretary,
                now=timezone.now(),
            )
        self.assertFalse(Attendance.objects.filter(meeting=meeting2).exists())

    def test_proposal_prefills_outcome_text_lead_and_deadline(self) -> None:
        item = self._item_with_visit(0)
        proposal = item_proposals(self.items)[item.pk]
        self.assertEqual(proposal.outcome, "approve")
        self.assertEqual(proposal.text, "آسفالت معبر 0")
        self.assertEqual(proposal.lead_department_id, self.civil.pk)
        self.assertEqual(proposal.days, 7)  # urgent visit
        self.assertEqual(proposal.deadline, self.meeting.scheduled_at.date() + dt.timedelta(days=7))
        self.login(self.secretary)
        page = self.client.get(f"/office/meetings/{self.meeting.pk}/items/{item.pk}/open/")
        self.assertContains(page, "آسفالت معبر 0</textarea>")
        self.assertContains(page, f'<option value="{self.civil.pk}" selected>')
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.current_item_id, item.pk)  # members follow it

    def test_consent_with_pull_out_and_exceptions(self) -> None:
        proposals = item_proposals(self.items)
        free = uncontested(self.items, proposals)
        self.assertEqual(len(free), 3)  # the item without a visit proposal is not
        floor.consent_mark(meeting=self.meeting, item_ids=free, actor=self.secretary)
        pulled = self._item_with_visit(1)
        floor.consent_pull(item=pulled, actor=self.member, note="نیاز به بحث")
        # a consent action that includes the pulled item: refused, nothing written
        with self.assertRaisesMessage(ApplicationError, "بیرون کشیده شده"):
            floor.consent_decide(meeting=self.meeting, item_ids=free, actor=self.secretary)
        self.assertFalse(Decision.objects.filter(item__meeting=self.meeting).exists())
        self.assertFalse(Position.objects.exists())
        # an item without a proposal cannot be decided by consent either
        bare = next(i for i in self.items if i.pk not in proposals)
        with self.assertRaisesMessage(ApplicationError, "پیشنهاد بازدید ندارند"):
            floor.consent_decide(
                meeting=self.meeting, item_ids=[bare.pk, free[0]], actor=self.secretary
            )
        self.assertFalse(Decision.objects.exists())
        rest = [pk for pk in free if pk != pulled.pk]
        decided = floor.consent_decide(meeting=self.meeting, item_ids=rest, actor=self.secretary)
        self.assertEqual(len(decided), 2)
        for d in decided:
            self.assertEqual(d.outcome, "approve")
            self.assertEqual(d.lead_department, self.civil)
            self.assertEqual(
                sorted(d.positions.values_list("member_id", flat=True)),
                sorted([self.member.pk, self.mayor.pk]),  # present voters; not manager1
            )

    def test_own_positions_absent_second_and_proxy(self) -> None:
        item = self._item_with_visit(0)
        d = services.decision_record(
            item=item,
            outcome="approve",
            text="آسفالت شود",
            actor=self.secretary,
            lead_department=self.civil,
            deadline=timezone.localdate() + dt.timedelta(days=9),
        )
        floor.position_record(
            decision=d, member=self.member, stance="disagree", note="بودجه ندارد", actor=self.member
        )
        with self.assertRaisesMessage(ApplicationError, "پیش‌تر ثبت شده"):
            floor.position_record(decision=d, member=self.member, stance="agree", actor=self.member)
        with self.assertRaisesMessage(ApplicationError, "حاضر نیست"):
            floor.position_record(
                decision=d, member=self.member2, stance="agree", actor=self.member2
            )
        with self.assertRaisesMessage(ApplicationError, "دارای رأی"):
            floor.position_record(
                decision=d, member=self.manager1, stance="agree", actor=self.manager1
            )
        floor.position_record(decision=d, member=self.mayor, stance="agree", actor=self.secretary)
        self.assertEqual(Position.objects.filter(decision=d).count(), 2)
        self.assertTrue(Position.objects.get(decision=d, member=self.mayor).by_proxy)
        call = roll_calls(self.meeting, agenda_items(self.meeting))[item.pk]
        self.assertEqual(
            call.disagreed, [f"{self.member.full_name} (عضو پیشخوان (معاون/مدیر شهری))"]
        )
        self.assertIn("[ثبت دبیر]", call.agreed[0])
        self.assertEqual(call.absent, [f"{self.member2.full_name} (عضو پیشخوان (معاون/مدیر شهری))"])
        self.assertIn("بودجه ندارد", call.notes[0])
        # through the member's own device (htmx)
        self.login(self.member)
        live = self.client.get(f"/office/meetings/{self.meeting.pk}/live/")
        self.assertEqual(live.status_code, 200)
        again = self.client.post(
            f"/office/meetings/{self.meeting.pk}/decisions/{d.pk}/position/",
            {"p-stance": "agree"},
            headers={"HX-Request": "true"},
        )
        self.assertContains(again, "پیش‌تر ثبت شده")

    def _decide_all_and_close(self) -> Meeting:
        for item in self.items:
            d = services.decision_record(
                item=item,
                outcome="approve",
                text=f"اجرا شود {item.number}",
                actor=self.secretary,
                lead_department=self.civil,
                deadline=timezone.localdate() + dt.timedelta(days=9),
            )
            floor.position_record(decision=d, member=self.member, stance="agree", actor=self.member)
            floor.position_record(decision=d, member=self.mayor, stance="abstain", actor=self.mayor)
        return services.meeting_close(
            meeting=self.meeting, actor=self.secretary, now=timezone.now()
        )

    def test_reopen_voids_signatures_then_reseal_with_named_roll_call(self) -> None:
        meeting = self._decide_all_and_close()
        services.minutes_sign(
            meeting=meeting, member=self.member, password=PASSWORD, now=timezone.now()
        )
        with self.assertRaisesMessage(ApplicationError, "علت"):
            floor.minutes_reopen(meeting=meeting, reason="", actor=self.secretary)
        floor.minutes_reopen(meeting=meeting, reason="متن دستور ۲ اصلاح شود", actor=self.secretary)
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, "in_session")
        self.assertFalse(Signature.objects.filter(meeting=meeting).exists())
        self.assertTrue(
            Message.objects.filter(
                template="meetings/messages/reopened", to=self.member.mobile
            ).exists()
        )
        with self.assertRaisesMessage(ApplicationError, "بازگشایی شده"):
            services.minutes_sign(
                meeting=meeting, member=self.mayor, password=PASSWORD, now=timezone.now()
            )
        second = Decision.objects.get(item__meeting=meeting, item__number=2)
        services.decision_record(
            item=second.item,
            outcome="approve",
            text="متن اصلاح‌شده",
            actor=self.secretary,
            lead_department=self.civil,
            deadline=second.deadline,
        )
        meeting = services.meeting_close(meeting=meeting, actor=self.secretary, now=timezone.now())
        with self.captureOnCommitCallbacks(execute=True):  # the seal runs after the commit
            for member in (self.member, self.mayor):
                services.minutes_sign(
                    meeting=meeting, member=member, password=PASSWORD, now=timezone.now()
                )
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, "signed")
        self.assertEqual(ledger_verify(), [])
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(meeting.minutes_pdf.read())
            f.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, timeout=60
            ).stdout
        flat = pdf_words(text)
        self.assertIn("غایب: معاون دوم", flat)  # the absent member, named per decision
        self.assertIn("ممتنع: شهردار (شهردار)", flat)
        self.assertIn("موافق: معاون (عضو پیشخوان", flat)
        self.assertIn(self.manager1.full_name, flat)  # attended without a vote
        self.assertIn("کارشناس مهمان (مشاور ترافیک", flat)
        self.assertIn("بازگشایی پیش از مهر", flat)  # the reopening is on the minutes

    def test_decline_to_sign_recorded_and_sealed_without_them(self) -> None:
        meeting = self._decide_all_and_close()
        with self.assertRaisesMessage(ApplicationError, "علت"):
            floor.minutes_decline(meeting=meeting, member=self.member, reason="")
        floor.minutes_decline(meeting=meeting, member=self.member, reason="با مصوبهٔ ۳ مخالفم")
        with self.assertRaisesMessage(ApplicationError, "امتناع"):
            services.minutes_sign(
                meeting=meeting, member=self.member, password=PASSWORD, now=timezone.now()
            )
        services.minutes_sign(
            meeting=meeting, member=self.mayor, password=PASSWORD, now=timezone.now()
        )
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, "signed")
        self.assertEqual(ledger_verify(), [])
        self.login(self.secretary)
        page = self.client.get(f"/office/meetings/{meeting.pk}/sign/")
        self.assertContains(page, "با مصوبهٔ ۳ مخالفم")
        # the decline is bound into the chain: deleting it is caught
        meeting.declines.all().delete()
        self.assertTrue(any("امضای عضو حاضر کم است" in p for p in ledger_verify()))
        # after sealing: no reopening
        with self.assertRaisesMessage(ApplicationError, "مصوبهٔ تازه"):
            floor.minutes_reopen(meeting=meeting, reason="اصلاح پس از مهر", actor=self.secretary)

    def test_session_page_queries_do_not_grow_with_items(self) -> None:
        self.login(self.secretary)
        url = f"/office/meetings/{self.meeting.pk}/session/"
        self.assertEqual(self.client.get(url).status_code, 200)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        self.add_reported_items(20)
        with CaptureQueriesContext(connection) as many:
            page = self.client.get(url)
        self.assertEqual(len(many), len(few))
        self.assertContains(page, "data-proposal", count=23)
