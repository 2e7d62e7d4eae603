"""The promise check's "being carried out without an open order" (#14): a case in execution
must have an open order (its own, or a re-decision of its overdue one); the check is three queries
whatever the number of cases."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.cases.models import Case
from pishkhan.directives import services
from pishkhan.directives.models import Directive
from pishkhan.directives.promise import _without_order, promise_check
from pishkhan.meetings import services as meeting_services
from pishkhan.meetings.models import AgendaItem
from pishkhan.meetings.tests.factories import make_case, this_week
from pishkhan.meetings.tests.test_flow import run_meeting
from pishkhan.test import BaseTestCase

REASON = "در حال اجرا بدون ابلاغیهٔ باز"


class WithoutOrderTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.cases = [make_case(self.city) for _ in range(3)]
        meeting = meeting_services.meeting_for_date(municipality=self.m, week_start=this_week())
        meeting_services.agenda_build(meeting=meeting, now=timezone.now(), actor=self.secretary)
        self.meeting = run_meeting(self, meeting)
        self.now = timezone.now()
        services.meeting_dispatch(meeting=self.meeting, actor=self.secretary, now=self.now)
        self.case = self.cases[0]

    def orders_of(self, case: Case) -> list[Directive]:
        return list(Directive.objects.filter(decision__item__cases=case))

    def listed(self) -> dict[str, str]:
        return {o.code: o.reason for o in _without_order(self.m.pk)}

    def test_each_case_in_execution_with_an_open_order_is_on_the_path(self) -> None:
        self.assertEqual(
            set(Case.objects.filter(pk__in=[c.pk for c in self.cases]).values_list("status")),
            {("dispatched",)},
        )
        with self.assertNumQueries(3):
            self.assertEqual(self.listed(), {})

    def test_a_case_whose_orders_are_all_closed_is_listed_once(self) -> None:
        # Every order of the first case closed (e.g. superseded with nothing new issued).
        Directive.objects.filter(pk__in=[d.pk for d in self.orders_of(self.case)]).update(
            status="superseded"
        )
        Case.objects.filter(pk=self.cases[1].pk).update(status="in_progress")
        # Cases in execution that never had an order (an import, a hand edit): listed too, and
        # the query count does not grow with them (it was one more query per case).
        orphans = [make_case(self.city, status="in_progress") for _ in range(6)]
        with self.assertNumQueries(3):
            listed = self.listed()
        expected = {c.tracking_code: REASON for c in [self.case, *orphans]}
        self.assertEqual(listed, expected)
        off = promise_check(municipality=self.m, now=self.now, fix=False)
        self.assertEqual({o.code for o in off if o.reason == REASON}, set(expected))
        # One order still open (the support department's) is enough.
        support = next(d for d in self.orders_of(self.case) if d.role == "support")
        Directive.objects.filter(pk=support.pk).update(status="in_progress")
        self.assertNotIn(self.case.tracking_code, self.listed())

    def test_an_open_re_decision_of_the_case_order_carries_it(self) -> None:
        old = self.orders_of(self.case)
        late = self.now + dt.timedelta(days=30)
        self.assertGreaterEqual(services.directives_mark_overdue(now=late), 2)
        nxt = meeting_services.meeting_for_date(
            municipality=self.m, week_start=this_week() + dt.timedelta(days=7)
        )
        meeting_services.agenda_build(meeting=nxt, now=late, actor=self.secretary)
        nxt = run_meeting(self, nxt)
        services.meeting_dispatch(meeting=nxt, actor=self.secretary, now=late)
        new = Directive.objects.filter(
            decision__item__meeting=nxt,
            decision__item__source_directive_id__in=[d.pk for d in old],
        )
        self.assertTrue(new.exists())
        # Only the source link ties the re-decision to the case (the item names no case).
        for item in AgendaItem.objects.filter(meeting=nxt, source_directive_id__isnull=False):
            item.cases.remove(self.case)
        self.assertTrue(
            all(
                d.status == "superseded"
                for d in Directive.objects.filter(pk__in=[d.pk for d in old])
            )
        )
        self.assertNotIn(self.case.tracking_code, self.listed())
        Directive.objects.filter(pk__in=list(new.values_list("pk", flat=True))).update(
            status="done"
        )
        self.assertEqual(self.listed().get(self.case.tracking_code), REASON)

    def test_another_city_is_not_looked_at(self) -> None:
        Directive.objects.update(status="superseded")
        self.assertEqual(set(self.listed()), {c.tracking_code for c in self.cases})
        self.assertEqual(_without_order(self.m.pk + 1000), [])
