"""Duplicate suggestions are answered from indexes, not by reading the whole city (issue #8)."""

from unittest import mock

from django.db import connection
from django.db.models import Q

from pishkhan.cases.models import Case
from pishkhan.cases.selectors import (
    DUPLICATE_FIELDS,
    POOL_LIMIT,
    _candidate_q,
    duplicate_candidates,
    duplicates_for_cases,
)
from pishkhan.cases.tests.test_views import OfficeTestCase
from pishkhan.test import plan_uses, query_plan


class DuplicateIndexTests(OfficeTestCase):
    def test_same_address_without_coordinates_is_still_a_candidate(self):
        first = self.case(
            text="چاله بزرگ جلوی نانوایی خیابان گلستان", address="خیابان گلستان، پلاک ۱۲"
        )
        second = self.case(
            text="چاله جلوی نانوایی خیابان گلستان",
            address="خیابان گلستان، پلاک ۱۲",
            lat=36.84,
            lon=54.44,
        )
        closed = self.case(
            text="چاله بزرگ جلوی نانوایی خیابان گلستان", address="خیابان گلستان، پلاک ۱۲"
        )
        Case.objects.filter(pk=closed.pk).update(status="closed")
        self.assertEqual(duplicate_candidates(second), [first])
        self.assertEqual(duplicates_for_cases([first, second])[first.pk], [second])

    def test_candidates_come_in_creation_order_in_one_query(self):
        cases = [
            self.case(text="درخت خشکیده کنار پارک ملت", lat=36.8400 + i * 0.00001, lon=54.44)
            for i in range(4)
        ]
        with self.assertNumQueries(1):
            found = duplicates_for_cases(cases)
        self.assertEqual(found[cases[3].pk], cases[:3])

    def test_every_branch_uses_a_duplicate_index(self):
        # The test database is SQLite, without ANALYZE statistics (like a young production file).
        a = self.case(lat=36.84, lon=54.44, address="بلوار جمهوری، پلاک ۳")
        b = self.case(address="خیابان ولیعصر، پلاک ۹")
        q = _candidate_q(a, 100.0) | _candidate_q(b, 100.0)
        plan = query_plan(Case.objects.filter(q).only(*DUPLICATE_FIELDS).order_by()[:POOL_LIMIT])
        if connection.vendor == "sqlite":
            self.assertIn("MULTI-INDEX OR", plan)
            self.assertNotIn("SCAN cases_case", plan)
            self.assertIn("case_dup_geo_idx", plan)
            self.assertIn("case_dup_addr_idx", plan)
        else:
            self.assertNotIn("Seq Scan", plan)
            # PostgreSQL factors the common service/status out and may use any of the duplicate
            # indexes that lead with them (geo, address, or the street key added for cases
            # without a point).
            # (on a partitioned table: their copies on the partitions)
            dup = ("case_dup_geo_idx", "case_dup_addr_idx", "case_dup_street_idx")
            self.assertTrue(any(plan_uses(plan, index) for index in dup), plan)
        self.assertIsInstance(q, Q)


class CappedCountTests(OfficeTestCase):
    def test_case_list_counts_at_most_the_cap_and_says_so(self):
        from pishkhan.cases import views

        for i in range(7):
            self.case(text=f"چاله شماره {i} در خیابان اصلی")
        self.login(self.manager1)
        label = lambda r: r.context["page"].paginator.num_pages_label  # noqa: E731
        with (
            mock.patch.object(views, "PAGE_SIZE", 1),
            mock.patch.object(views, "COUNT_CAP", 5),
            mock.patch.object(views, "SEARCH_COUNT_CAP", 2),
        ):
            r = self.client.get("/office/cases/")
            self.assertEqual(r.context["page"].paginator.count, 5)
            self.assertEqual(label(r), "5+")
            self.assertContains(r, "صفحهٔ ۱ از ۵+")
            r = self.client.get("/office/cases/?page=6")  # paging on raises the cap
            self.assertEqual(r.context["page"].number, 6)
            self.assertEqual(label(r), "7")
            self.assertEqual(len(r.context["page"].object_list), 1)
            r = self.client.get("/office/cases/?q=" + "شماره")  # a search counts less
            self.assertEqual(label(r), "3+")
            r = self.client.get("/office/cases/?q=" + "شماره ۶")
            self.assertEqual(label(r), "1")
        r = self.client.get("/office/cases/")
        self.assertEqual(r.context["page"].paginator.count, 7)
        self.assertEqual(r.context["page"].paginator.num_pages_label, "1")
