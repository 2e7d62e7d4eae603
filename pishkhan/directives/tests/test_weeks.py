"""Several consecutive weeks end to end, driven by the registered clock steps at their due times:
intake → visits → agenda → decisions → signatures → directives → completions, with an overdue
escalation and a citizen's objection coming back on later agendas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from pishkhan.cases import services as case_services
from pishkhan.cases.models import Case
from pishkhan.core.jalali import combine, week_label, week_start
from pishkhan.cycle.models import Week
from pishkhan.cycle.services import week_get_or_create
from pishkhan.cycle.tick import clock_tick
from pishkhan.directives import services
from pishkhan.directives.models import Directive
from pishkhan.directives.tests.test_directives import photo
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.models import AgendaItem, Decision, Meeting
from pishkhan.meetings.selectors import ledger_verify
from pishkhan.notify.models import Message
from pishkhan.test import PASSWORD, BaseTestCase
from pishkhan.visits.models import Visit

WEEKS = 3


def make_week(municipality: Any, start: dt.date) -> Week:
    year, number = week_label(start)
    meeting_at = combine(start + dt.timedelta(days=4), dt.time(13, 30))
    return Week.objects.create(
        municipality=municipality,
        start=start,
        jalali_year=year,
        jalali_week=number,
        intake_opens_at=combine(start, dt.time(0, 0)),
        intake_closes_at=combine(start + dt.timedelta(days=1), dt.time(23, 59)),
        visits_start_at=combine(start + dt.timedelta(days=2), dt.time(6, 0)),
        visits_end_at=combine(start + dt.timedelta(days=3), dt.time(23, 59)),
        agenda_freeze_at=meeting_at - dt.timedelta(minutes=120),
        meeting_at=meeting_at,
        dispatch_at=combine(start + dt.timedelta(days=5), dt.time(8, 0)),
    )


class SeveralWeeksTests(BaseTestCase):
    def test_weeks_end_to_end(self) -> None:  # noqa: C901 - a story, told in order
        first = week_start(timezone.localdate()) + dt.timedelta(days=7)
        weeks = [week_get_or_create(self.m, first + dt.timedelta(days=7 * i)) for i in range(WEEKS)]
        events: list[tuple[dt.datetime, int, Callable[[dt.datetime], None]]] = []
        accepted: dict[int, list[int]] = {i: [] for i in range(WEEKS)}
        log: list[str] = []
        state: dict[str, Any] = {}

        def at(when: dt.datetime, order: int, fn: Callable[[dt.datetime], None]) -> None:
            events.append((when, order, fn))

        def intake(i: int) -> Callable[[dt.datetime], None]:
            def run(now: dt.datetime) -> None:
                for n, (district, manager, service, needs_visit) in enumerate(
                    [
                        (self.d1, self.manager1, self.pothole, True),
                        (self.d1, self.manager1, self.pothole, True),
                        (self.d2, self.manager2, self.tree, False),
                        (
                            self.d2,
                            self.manager2,
                            self.tree,
                            True,
                        ),  # never visited: an "unvisited" item
                    ]
                ):
                    case = case_services.case_submit(
                        municipality=self.m,
                        channel="web",
                        citizen_name=f"شهروند {i}-{n}",
                        citizen_mobile=f"0912{i:03d}{n:04d}",
                        service=service,
                        description=f"درخواست هفتهٔ {i} شمارهٔ {n} دربارهٔ معبر",
                        address=f"خیابان {i}{n}",
                        lat=36.8 + i * 0.05 + n * 0.01,
                        lon=54.4,
                        district=district,
                        now=now,
                    )
                    self.assertEqual(case.week_start, weeks[i].start)
                    case_services.case_accept(case=case, needs_visit=needs_visit, actor=manager)
                    accepted[i].append(case.pk)

            return run

        def visits(i: int) -> Callable[[dt.datetime], None]:
            def run(now: dt.datetime) -> None:
                for pk in accepted[i][:2]:
                    case = Case.objects.get(pk=pk)
                    Visit.objects.update_or_create(  # the clock planned it; the manager reports it
                        case=case,
                        week_start=weeks[i].start,
                        defaults={
                            "municipality": self.m,
                            "manager": self.senior,
                            "day": now.date(),
                            "status": "reported",
                            "findings": "چاله عمیق است",
                            "recommendation": "approve",
                            "proposed_text": "آسفالت شود",
                            "lead_department": self.civil,
                            "urgency": 3,
                            "reported_at": now,
                        },
                    )
                    case_services.case_mark_visited(case=case, actor=self.senior)

            return run

        def meeting(i: int) -> Callable[[dt.datetime], None]:
            def run(now: dt.datetime) -> None:
                m = Meeting.objects.get(municipality=self.m, week_start=weeks[i].start)
                self.assertEqual(m.status, "frozen")
                meeting_services.meeting_start(
                    meeting=m,
                    present=[self.member, self.member2, self.mayor],
                    actor=self.secretary,
                    now=now,
                )
                deadline = now.date() + dt.timedelta(days=4)  # Sunday of next week
                for item in m.items.order_by("number"):
                    if i == 0 and item.kind == "unvisited":
                        meeting_services.decision_record(
                            item=item,
                            outcome="defer",
                            actor=self.secretary,
                            text="پس از بازدید در هفتهٔ بعد",
                        )
                    else:
                        d = meeting_services.decision_record(
                            item=item,
                            outcome="approve",
                            text=f"اقدام شود ({item.get_kind_display()})",
                            actor=self.secretary,
                            lead_department=self.civil,
                            supporting_departments=[self.green] if item.kind == "new" else [],
                            deadline=deadline,
                        )
                        meeting_services.position_set(
                            decision=d, member=self.member, stance="agree", actor=self.secretary
                        )
                meeting_services.meeting_close(meeting=m, actor=self.secretary, now=now)
                for member in (self.member, self.member2, self.mayor):
                    meeting_services.minutes_sign(
                        meeting=m, member=member, password=PASSWORD, now=now
                    )

            return run

        def work(i: int) -> Callable[[dt.datetime], None]:
            def run(now: dt.datetime) -> None:
                open_ = Directive.objects.filter(status__in=services.OPEN).order_by("id")
                for d in open_:
                    head = self.head_civil if d.department_id == self.civil.pk else self.head_green
                    if i == 0 and d.role == "lead" and "held" not in state:
                        state["held"] = d.pk  # this one is left undone: it must escalate
                        services.directive_acknowledge(directive=d, actor=head, now=now)
                        continue
                    if d.status == "overdue" and d.pk == state.get("held"):
                        continue  # only the meeting's re-decision moves it
                    services.directive_complete(
                        directive=d, note="انجام شد", actor=head, files=[photo()], now=now
                    )

            return run

        def objection(now: dt.datetime) -> None:
            done = Case.objects.filter(status="done").order_by("id").first()
            self.assertIsNotNone(done)
            state["objected"] = done.pk  # type: ignore[union-attr]
            case_services.case_citizen_verdict(
                case=done, verdict="object", note="چاله دوباره باز شد"
            )  # type: ignore[arg-type]

        for i, week in enumerate(weeks):
            at(week.intake_opens_at + dt.timedelta(hours=10), 0, intake(i))
            at(week.visits_start_at + dt.timedelta(hours=4), 0, visits(i))
            at(week.meeting_at + dt.timedelta(minutes=1), 0, meeting(i))
            at(week.dispatch_at + dt.timedelta(hours=2), 0, work(i))
        at(weeks[1].intake_opens_at + dt.timedelta(hours=12), 1, objection)

        for when, _, fn in sorted(events, key=lambda e: (e[0], e[1])):
            log.extend(clock_tick(now=when))  # the worker's tick: every step due by now, once
            fn(when)
        end = weeks[-1].dispatch_at + dt.timedelta(days=1)
        log.extend(clock_tick(now=end))
        # after the last week, the departments finish what is left
        work(WEEKS)(end)
        self.assertEqual(clock_tick(now=end), [])  # nothing runs twice

        # every week had a signed, dispatched meeting, chained to the one before
        meetings = list(Meeting.objects.filter(municipality=self.m).order_by("week_start"))
        self.assertEqual([m.status for m in meetings], ["signed"] * WEEKS)
        self.assertTrue(all(m.dispatched_at for m in meetings))
        for before, after in zip(meetings, meetings[1:], strict=False):
            self.assertEqual(after.prev_hash, before.chain_hash)
        self.assertEqual(ledger_verify(), [])
        from pishkhan.core.audit import audit_verify

        self.assertEqual(audit_verify(), [])  # every state change of the three weeks is intact

        # every accepted case of every week was decided, or explicitly deferred by a decision
        for i in range(WEEKS):
            for pk in accepted[i]:
                case = Case.objects.get(pk=pk)
                decisions = Decision.objects.filter(item__cases=case)
                self.assertTrue(decisions.exists(), f"week {i} case {case} never decided")
                if case.status == "deferred":
                    self.assertEqual(decisions.order_by("-created_at").first().outcome, "defer")
                else:
                    self.assertIn(
                        case.status,
                        {"done", "closed", "reopened", "dispatched", "in_progress", "decided"},
                    )
        # the deferred unvisited case of week 0 came back in week 1 and was decided there
        deferred_item = AgendaItem.objects.get(meeting=meetings[0], kind="unvisited")
        back = AgendaItem.objects.filter(
            meeting=meetings[1], cases__in=deferred_item.cases.all(), kind="deferred"
        )
        self.assertTrue(back.exists())

        # the held directive turned overdue once, alerted the deputy, came back and was superseded
        held = Directive.objects.get(pk=state["held"])
        self.assertEqual(held.status, "superseded")
        self.assertEqual(held.events.filter(new_status="overdue").count(), 1)
        self.assertEqual(
            Message.objects.filter(
                template="directives/messages/overdue", to=self.member.mobile
            ).count(),
            1,
        )
        overdue_items = AgendaItem.objects.filter(kind="overdue", source_directive_id=held.pk)
        self.assertEqual(overdue_items.count(), 1)
        self.assertEqual(overdue_items.get().meeting, meetings[1])

        # the objection came back as an OBJECTION item and was re-decided
        item = AgendaItem.objects.get(kind="objection", cases__pk=state["objected"])
        self.assertEqual(item.meeting, meetings[1])  # objected on Saturday: on that week's agenda
        self.assertEqual(item.decision.outcome, "approve")

        # every directive ends completed or superseded; nothing is left in the loop
        self.assertEqual(
            set(Directive.objects.values_list("status", flat=True)) - {"done", "superseded"}, set()
        )
        self.assertFalse(
            Case.objects.filter(
                status__in=["accepted", "visited", "on_agenda", "reopened"]
            ).exists()
        )

        # and tampering is caught afterwards
        Decision.objects.filter(item__meeting=meetings[0]).update(text="دست‌کاری")
        self.assertTrue(any(meetings[0].number in p for p in ledger_verify()))
        self.assertEqual(sum(" dispatch:" in line for line in log), WEEKS)
        self.assertEqual(sum(" build_agenda:" in line for line in log), WEEKS)
