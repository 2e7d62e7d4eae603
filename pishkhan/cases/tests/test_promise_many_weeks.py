"""The promises of a page of cases are read in a fixed number of queries, however many weeks
they fall in (#19): each case of an old backlog sits in a week the clock never created, and each
such week cost two queries (its holidays and the schedule) — 72 of the 80 queries of an inbox
page on the 5M city."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.cases.models import Case
from pishkhan.cases.promise import promises_for
from pishkhan.cycle.models import Holiday
from pishkhan.cycle.schedule import week_times
from pishkhan.test import BaseTestCase


class PromisesOverManyWeeksTests(BaseTestCase):
    def test_twenty_weeks_in_a_fixed_number_of_queries_and_the_same_times(self):
        now = timezone.now()
        start = dt.date(2027, 1, 2)  # a Saturday
        Holiday.objects.create(
            municipality=self.m, date=start + dt.timedelta(days=25), name="تعطیل"
        )
        cases = []
        for n in range(20):
            week = start + dt.timedelta(days=7 * n)
            case = Case(
                pk=10_000 + n,
                municipality=self.m,
                status="accepted",
                week_start=week,
                due_week=week,
            )
            cases.append(case)
        with self.assertNumQueries(4):  # weeks made by the clock, the city, holidays, schedule
            promises = promises_for(cases, now)
        for case in cases:  # the same times as one week computed alone
            self.assertEqual(
                promises[case.pk].meeting_at, week_times(self.m, case.due_week).meeting_at
            )
