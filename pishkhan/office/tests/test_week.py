"""The week page (cycle:week)."""

import datetime as dt

from django.urls import reverse

from pishkhan.cycle.services import holidays_seed, week_get_or_create
from pishkhan.cycle.tick import clock_tick
from pishkhan.test import BaseTestCase
from pishkhan.visits.tests.helpers import at, submit

TASUA_WEEK = dt.date(2026, 6, 20)


class WeekPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        holidays_seed(municipality=cls.m, today=dt.date(2026, 3, 21))
        week_get_or_create(cls.m, TASUA_WEEK)
        submit(cls.city, when=at(2026, 6, 20, 9))  # accepted, d1
        submit(cls.city, when=at(2026, 6, 20, 10), district="d2", accept=False)  # d2 not triaged
        clock_tick(now=at(2026, 6, 21, 23, 59))  # plans the visit

    def test_phases_shifts_counts_and_who_is_behind(self):
        self.login(self.secretary)
        url = reverse("cycle:week") + f"?start={TASUA_WEEK}"
        self.client.get(url)
        with self.assertNumQueries(14):  # + the week's meeting (not held?)
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("تاسوعای حسینی", html)
        self.assertIn("عاشورای حسینی", html)
        self.assertIn("۶ تیر ۱۴۰۵", html)  # meeting moved to Saturday 6 Tir
        self.assertIn(str(self.manager2), html)  # has not finished triage
        ctx = response.context
        self.assertEqual([r["user"] for r in ctx["triage_behind"]], [self.manager2])
        self.assertEqual(sum(r["n"] for r in ctx["visits_behind"]), 1)
        self.assertEqual(ctx["totals"][:2], [1, 1])
        upcoming = [step["name"] for step in ctx["upcoming"]]
        self.assertIn("یادآوری بازدید روز دوم", upcoming)
        self.assertTrue(
            all(not name.isascii() for name in upcoming), upcoming
        )  # every step has a Persian label

    def test_mayor_may_see_it_district_manager_and_department_may_not(self):
        self.login(self.mayor)
        self.assertEqual(self.client.get(reverse("cycle:week")).status_code, 200)
        for user in (self.manager1, self.head_civil, self.senior):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("cycle:week")).status_code, 403)
