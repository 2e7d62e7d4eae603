"""Must-show of #14: several weeks through the real clock. A meeting held, one skipped, an
overdue order rejected, another re-decided, duplicates merged, a backlog case accepted late —
ending with promise_check clean and every citizen (the merged one too) told each phase."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from unittest import mock

from django.core.management import call_command

from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.core.jalali import combine
from pishkhan.cycle.tick import clock_tick
from pishkhan.directives import services
from pishkhan.directives.models import Directive
from pishkhan.directives.promise import promise_report
from pishkhan.directives.tests.test_directives import photo
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.models import AgendaItem, Meeting
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase

W1 = dt.date(2027, 1, 2)  # Saturdays; no holidays in the test city
W2 = W1 + dt.timedelta(days=7)
W3 = W2 + dt.timedelta(days=7)


def at(week: dt.date, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return combine(week + dt.timedelta(days=day), dt.time(hour, minute))


class PromiseOverWeeksTests(BaseTestCase):
    def submit(self, when: dt.datetime, mobile: str, text: str, **extra: Any) -> Case:
        return case_services.case_submit(
            municipality=self.m,
            channel="web",
            citizen_name="شهروند",
            citizen_mobile=mobile,
            service=self.pothole,
            district=self.d1,
            now=when,
            description=text,
            address=extra.pop("address", "خیابان گلستان"),
            **extra,
        )

    def hold(self, meeting: Meeting, now: dt.datetime, decide: Any) -> Meeting:
        meeting_services.meeting_start(
            meeting=meeting,
            present=[self.member, self.member2, self.mayor],
            actor=self.secretary,
            now=now,
        )
        for item in meeting.items.order_by("number"):
            outcome, extra = decide(item)
            meeting_services.decision_record(
                item=item,
                outcome=outcome,
                text=f"تصمیم: {item.title}"[:200],
                actor=self.secretary,
                **extra,
            )
        meeting = meeting_services.meeting_close(meeting=meeting, actor=self.secretary, now=now)
        for member in (self.member, self.member2, self.mayor):
            meeting_services.minutes_sign(
                meeting=meeting, member=member, password=PASSWORD, now=now
            )
        meeting.refresh_from_db()
        return meeting

    def sms(self, case: Case) -> list[str]:
        return [
            t.rsplit("/", 1)[-1]
            for t in Message.objects.filter(to=case.citizen_mobile, channel="sms")
            .order_by("id")
            .values_list("template", flat=True)
        ]

    def test_weeks(self) -> None:  # noqa: PLR0915 - a story, told in order
        # ---- week 1: intake, a duplicate merged, a backlog case
        c1 = self.submit(at(W1, 0, 9), "09121110001", "چالهٔ بزرگ جلوی مدرسهٔ گلستان")
        c2 = self.submit(
            at(W1, 0, 9, 5), "09121110002", "آسفالت کوچهٔ بهار خراب است", address="کوچهٔ بهار"
        )
        dup = self.submit(at(W1, 0, 9, 10), "09121110003", "چاله جلوی مدرسهٔ گلستان خطرناک است")
        late = self.submit(
            at(W1, 0, 9, 20), "09121110005", "پیاده‌روی خیابان لاله شکسته است", address="لاله"
        )
        clock_tick(now=at(W1, 0, 10))
        for case in (c1, c2):
            case_services.case_accept(
                case=case, needs_visit=False, actor=self.manager1, now=at(W1, 0, 11)
            )
        case_services.case_merge(case=dup, into=c1, actor=self.manager1)
        clock_tick(now=at(W1, 4, 12))  # agenda built and frozen
        late = case_services.case_accept(
            case=late, needs_visit=False, actor=self.manager1, now=at(W1, 4, 12, 5)
        )
        self.assertEqual((late.week_start, late.due_week), (W2, W2))  # joins the next cycle
        m1 = Meeting.objects.get(municipality=self.m, week_start=W1)
        self.assertEqual(set(m1.items.values_list("cases", flat=True)), {c1.pk, c2.pk, dup.pk})
        deadline = at(W1, 4, 0).date() + dt.timedelta(days=3)
        self.hold(
            m1,
            at(W1, 4, 13, 40),
            lambda item: ("approve", {"lead_department": self.civil, "deadline": deadline}),
        )
        clock_tick(now=at(W1, 5, 10))  # dispatch
        self.assertEqual(Directive.objects.filter(decision__item__meeting=m1).count(), 2)
        self.assertEqual(Case.objects.get(pk=c1.pk).status, "dispatched")
        # nobody works on them: both turn overdue
        # ---- week 2: the meeting is never held
        clock_tick(now=at(W2, 4, 12))
        self.assertEqual(Directive.objects.filter(status="overdue").count(), 2)
        m2 = Meeting.objects.get(municipality=self.m, week_start=W2)
        self.assertEqual(m2.status, "frozen")
        self.assertEqual(Case.objects.get(pk=late.pk).status, "on_agenda")
        clock_tick(now=at(W2, 4, 17))
        m2.refresh_from_db()
        self.assertIsNotNone(m2.not_held_at)
        late.refresh_from_db()
        self.assertEqual((late.status, late.due_week), ("deferred", W3))
        # ---- week 3: carried case and both overdue orders; one rejected, one re-decided
        clock_tick(now=at(W3, 4, 12))
        m3 = Meeting.objects.get(municipality=self.m, week_start=W3)
        carried = AgendaItem.objects.get(meeting=m3, cases=late)
        self.assertEqual(carried.carried_from_id, m2.pk)
        c1_order = Directive.objects.get(decision__item__meeting=m1, decision__item__cases=c1)
        new_deadline = at(W3, 4, 0).date() + dt.timedelta(days=10)

        def decide(item: AgendaItem) -> tuple[str, dict[str, Any]]:
            if item.kind == "overdue" and item.source_directive_id == c1_order.pk:
                return "reject", {}
            if item.kind == "overdue":
                return "approve", {"lead_department": self.green, "deadline": new_deadline}
            return "approve", {"lead_department": self.civil, "deadline": new_deadline}

        self.hold(m3, at(W3, 4, 13, 40), decide)
        clock_tick(now=at(W3, 5, 10))
        c1.refresh_from_db()
        c2.refresh_from_db()
        self.assertEqual(c1.status, "rejected")
        self.assertEqual(
            (c2.status, c2.deadline, c2.lead_department_id),
            ("dispatched", new_deadline, self.green.pk),
        )
        for order in Directive.objects.filter(decision__item__meeting=m3):
            head = self.head_green if order.department_id == self.green.pk else self.head_civil
            services.directive_complete(
                directive=order, note="انجام شد", actor=head, files=[photo()], now=at(W3, 5, 12)
            )
        self.assertEqual(Case.objects.get(pk=late.pk).status, "done")
        # ---- the objection window passes: closed on the clock
        end = at(W3, 5, 12) + dt.timedelta(days=8)
        clock_tick(now=end)
        self.assertEqual(Case.objects.get(pk=c2.pk).status, "closed")
        self.assertEqual(Case.objects.get(pk=late.pk).status, "closed")

        # every citizen heard each phase (the merged one under its own code)
        self.assertEqual(
            self.sms(c1), ["received", "accepted", "decision_approve", "decision_reject"]
        )
        self.assertEqual(
            self.sms(dup), ["received", "merged", "decision_approve", "decision_reject"]
        )
        self.assertEqual(
            self.sms(c2),
            ["received", "accepted", "decision_approve", "redecided", "done", "closed"],
        )
        self.assertEqual(
            self.sms(late),
            ["received", "accepted", "carried_over", "decision_approve", "done", "closed"],
        )
        self.assertIn(dup.tracking_code, Message.objects.filter(to=dup.citizen_mobile).last().body)  # type: ignore[union-attr]

        # the promise, as reported: week 1's two kept, the backlog case (week 2) late
        report = promise_report(self.m.pk, weeks=4, now=end)
        by_week = {r["week"]: r for r in report["weeks"]}
        self.assertEqual((by_week[W1]["promised"], by_week[W1]["kept"]), (2, 2))
        self.assertEqual((by_week[W2]["promised"], by_week[W2]["late"]), (1, 1))
        # and nothing is off its path
        out = io.StringIO()
        with mock.patch("django.utils.timezone.now", return_value=end):
            call_command("promise_check", stdout=out)
        self.assertIn("every open case is on the path", out.getvalue())

    def test_report_pages_show_the_promise_without_personal_data(self) -> None:
        from django.core.cache import cache

        cache.clear()
        case = self.submit(at(W1, 0, 9), "09121110009", "چالهٔ بزرگ جلوی مدرسهٔ گلستان")
        Case.objects.filter(pk=case.pk).update(
            status="decided",
            promised_week=W1,
            answered_week=W1,
            deferrals=2,
            citizen_name="نام محرمانه",
        )
        with mock.patch("django.utils.timezone.now", return_value=at(W1, 6, 12)):
            self.login(self.mayor)
            office = self.client.get("/office/directives/report/")
            public = self.client.get("/stats/")
        for page in (office, public):
            self.assertContains(page, "وعدهٔ یک‌هفته‌ای")
            self.assertContains(page, "۱۰۰٪")  # kept %, Persian digits
        self.assertNotContains(public, "نام محرمانه")
        self.assertNotContains(public, case.citizen_mobile)
