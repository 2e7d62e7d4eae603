from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.cache import cache
from django.utils import timezone

from pishkhan.core.errors import ApplicationError
from pishkhan.core.jalali import week_start
from pishkhan.cycle.clock import STEPS
from pishkhan.cycle.services import week_get_or_create
from pishkhan.meetings.models import Meeting
from pishkhan.portal.models import Article
from pishkhan.portal.services import bulletin_publish_for_week
from pishkhan.portal.tests.helpers import decision, seal_record
from pishkhan.test import BaseTestCase, make_city


class DecisionRegisterTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_only_signed_decisions_with_status_and_verify_link(self) -> None:
        today = timezone.localdate()
        decision(self.city, number="1405-10", directive_status="done", text="ترمیم آسفالت کوچه")
        decision(
            self.city,
            number="1405-11",
            text="هرس درختان پارک",
            directive_status="in_progress",
            week=week_start(today) - dt.timedelta(days=7),
            deadline=today - dt.timedelta(days=2),
        )
        decision(
            self.city,
            number="1405-12",
            status=Meeting.Status.CLOSED,
            text="مصوبهٔ امضانشده",
            week=week_start(today) - dt.timedelta(days=14),
        )
        response = self.client.get("/decisions/")
        body = response.content.decode()
        self.assertIn("1405-10", body)
        self.assertIn("1405-11", body)
        self.assertNotIn("1405-12", body)
        self.assertNotIn("مصوبهٔ امضانشده", body)
        self.assertIn('href="/decisions/verify/1405-10/"', body)
        # The number as a person reads it: Persian digits, isolated so it is not drawn reversed.
        self.assertIn('<bdi dir="ltr">۱۴۰۵-۱۰</bdi>', body)
        self.assertIn("status-done", body)
        self.assertIn("status-overdue", body)
        self.assertNotIn("زهرا رضایی", body)
        self.assertNotIn("+98912", body)

    def test_search_normalised_and_filters(self) -> None:
        today = timezone.localdate()
        decision(self.city, number="1405-20", text="ترمیم آسفالت کوچهٔ ۱۲")
        decision(
            self.city,
            number="1405-21",
            text="هرس درختان",
            district=self.d2,
            week=week_start(today) - dt.timedelta(days=7),
        )
        r = self.client.get("/decisions/", {"q": "آسفالت كوچه"})  # Arabic kaf
        self.assertContains(r, "1405-20")
        self.assertNotContains(r, "1405-21")
        self.assertContains(self.client.get("/decisions/", {"q": "12"}), "1405-20")
        r = self.client.get("/decisions/", {"district": "2"})
        self.assertContains(r, "1405-21")
        self.assertNotContains(r, "1405-20")
        r = self.client.get("/decisions/", {"week": week_start(today).isoformat()})
        self.assertContains(r, "1405-20")
        self.assertNotContains(r, "1405-21")
        self.assertContains(
            self.client.get("/decisions/", {"department": "civil", "service": "pothole"}), "1405-21"
        )
        self.assertNotContains(self.client.get("/decisions/", {"department": "green"}), "1405-2")
        self.assertEqual(
            self.client.get("/decisions/", {"week": "bad", "district": "x"}).status_code, 200
        )

    def test_query_count_constant(self) -> None:
        for i in range(3):
            decision(self.city, number=f"Q-{i}", directive_status="issued")
        self.client.get("/decisions/")
        with self.assertNumQueries(0):  # anonymous visitors get the cached page
            self.client.get("/decisions/")
        # filters are part of the key: a new page renders; the page's meetings are verified
        # against their sealed minutes (a fixed number of queries per meeting on the page);
        # one query for the later decisions that correct those on the page
        with self.assertNumQueries(17):
            self.client.get("/decisions/?q=Q")
        for i in range(3, 15):
            decision(self.city, number=f"Q-{i}", directive_status="done")
        with self.assertNumQueries(17):
            self.client.get("/decisions/?q=Q&page=1")

    def test_other_city_decisions_hidden(self) -> None:
        other = make_city("othercity")
        decision(other, number="OTHER-1")
        self.assertNotContains(self.client.get("/decisions/"), "OTHER-1")


class BulletinTests(BaseTestCase):
    def test_bulletin_is_published_once_per_week_with_links(self) -> None:
        ws = week_start(timezone.localdate())
        self.assertIsNone(bulletin_publish_for_week(municipality=self.m, week_start=ws))
        decision(self.city, number="1405-30", week=ws)
        decision(self.city, number="1405-31", week=ws)
        first = bulletin_publish_for_week(municipality=self.m, week_start=ws)
        again = bulletin_publish_for_week(municipality=self.m, week_start=ws)
        assert first is not None
        self.assertEqual(first, again)
        self.assertEqual(Article.objects.filter(kind="bulletin").count(), 1)
        self.assertEqual(first.status, "published")
        cache.clear()
        page = self.client.get(first.get_absolute_url())
        self.assertContains(page, 'href="/decisions/verify/1405-30/"')
        self.assertContains(page, 'href="/decisions/verify/1405-31/"')

    def test_registered_as_clock_step(self) -> None:
        step = STEPS["publish_bulletin"]
        ws = week_start(timezone.localdate())
        decision(self.city, number="1405-40", week=ws)
        week = week_get_or_create(self.m, ws)
        self.assertEqual(step.due(week), max(week.dispatch_at, week.meeting_at))
        result = step.run(week, timezone.now())
        self.assertEqual(result["bulletin"], f"bulletin-{ws.isoformat()}")

    def test_clock_step_waits_for_signed_minutes(self) -> None:
        ws = week_start(timezone.localdate())
        decision(self.city, number="1405-60", week=ws, status=Meeting.Status.CLOSED)
        week = week_get_or_create(self.m, ws)
        self.assertIsNone(
            STEPS["publish_bulletin"].due(week)
        )  # not yet: nothing runs, nothing fails
        with self.assertRaises(ApplicationError):  # run by hand anyway: refused, nothing published
            STEPS["publish_bulletin"].run(week, timezone.now())
        self.assertFalse(Article.objects.filter(kind="bulletin").exists())
        Meeting.objects.filter(week_start=ws).update(status=Meeting.Status.SIGNED)
        self.assertIsNotNone(STEPS["publish_bulletin"].due(week))
        # marked signed in the database without the seal: nothing unverified is published
        self.assertIn("refused", STEPS["publish_bulletin"].run(week, timezone.now()))
        self.assertFalse(Article.objects.filter(kind="bulletin").exists())
        seal_record(Meeting.objects.get(week_start=ws))
        result = STEPS["publish_bulletin"].run(week, timezone.now())
        self.assertIsNotNone(result["bulletin"])
        empty = week_get_or_create(self.m, ws - dt.timedelta(days=70))
        self.assertIsNone(STEPS["publish_bulletin"].due(empty))  # no meeting: never due


class StatsTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()

    def test_stats_page_and_csv(self) -> None:
        decision(
            self.city, number="1405-50", directive_status="done", deadline=timezone.localdate()
        )
        response = self.client.get("/stats/")
        self.assertContains(response, 'id="stats-data"')
        self.assertContains(response, "portal/stats.js")
        self.assertContains(response, 'dir="ltr"')
        self.assertNotContains(response, "<script>\n")  # no inline script
        self.assertNotContains(response, "زهرا رضایی")
        data = self.client.get("/stats/data.csv")
        self.assertEqual(data["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "section")
        sections = {r[0] for r in rows[1:]}
        self.assertTrue({"received", "decided", "on_time_department", "map_cell"} <= sections)
        dept = [r for r in rows if r[0] == "on_time_department"]
        self.assertEqual(dept[0][1:], ["معاونت عمرانی", "100", "1", "1"])
        self.assertEqual(
            [r for r in rows if r[0] == "on_time_district"][0][1:], ["منطقهٔ یک", "100", "1", "1"]
        )
        cells = [r for r in rows if r[0] == "map_cell"]
        self.assertEqual(cells[0][1], "36.84,54.44")  # rounded to ~1 km
