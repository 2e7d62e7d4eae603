"""Stored duplicate suggestions: the worker's scan writes them, the pages read them."""

import io
from unittest import mock

from django.core.management import call_command
from django.db import connection

from pishkhan.cases import duplicates
from pishkhan.cases.duplicates import case_duplicates_scan, case_duplicates_todo
from pishkhan.cases.models import Case, DuplicateLink
from pishkhan.cases.selectors import duplicate_candidates, duplicates_for_cases, duplicates_stored
from pishkhan.cases.services import case_merge, case_put_on_agenda
from pishkhan.cases.tests.test_views import INBOX, OfficeTestCase
from pishkhan.cycle import jobs
from pishkhan.test import plan_uses, query_plan

POTHOLE = "چاله بزرگ جلوی نانوایی خیابان گلستان"


def links() -> set[tuple[int, int]]:
    return set(DuplicateLink.objects.values_list("case_id", "candidate_id"))


class ScanTests(OfficeTestCase):
    def test_links_nearby_similar_cases_both_ways_and_nothing_else(self):
        first = self.case(text=POTHOLE, lat=36.8400, lon=54.4400)
        second = self.case(text=POTHOLE + " دوباره", lat=36.8401, lon=54.4401)
        far = self.case(text=POTHOLE, lat=36.90, lon=54.50)
        other_service = self.case(text=POTHOLE, lat=36.8400, lon=54.4400, service=self.tree)
        unlike = self.case(text="درخت افتاده روی سیم برق", lat=36.8400, lon=54.4400)
        self.assertEqual(case_duplicates_todo(), 5)
        self.assertEqual(case_duplicates_scan(), 5)
        self.assertEqual(links(), {(first.pk, second.pk), (second.pk, first.pk)})
        self.assertEqual(case_duplicates_todo(), 0)
        checked = Case.objects.filter(duplicates_checked_at__isnull=False)
        self.assertEqual(
            set(checked.values_list("pk", flat=True)),
            {first.pk, second.pk, far.pk, other_service.pk, unlike.pk},
        )

    def test_a_new_case_is_listed_on_the_older_checked_one(self):
        old = self.case(text=POTHOLE, lat=36.8400, lon=54.4400)
        case_duplicates_scan()
        old.refresh_from_db()
        self.assertEqual(duplicate_candidates(old), [])
        new = self.case(text=POTHOLE, lat=36.8400, lon=54.4401)
        self.assertEqual(case_duplicates_scan(), 1)  # only the new case: the old one is done
        old.refresh_from_db()
        new.refresh_from_db()
        with self.assertNumQueries(1):
            self.assertEqual(duplicate_candidates(old), [new])
        self.assertEqual(duplicate_candidates(new), [old])

    def test_a_much_reported_problem_does_not_pile_links_on_its_first_case(self):
        first = self.case(text=POTHOLE, lat=36.8400, lon=54.4400)
        case_duplicates_scan()
        later = []
        with mock.patch.object(duplicates, "LINKS_PER_CASE", 3):
            for i in range(6):  # one citizen after another, each checked on arrival
                later.append(self.case(text=POTHOLE, lat=36.8400, lon=54.4400 + i * 0.00001))
                case_duplicates_scan()
        on_first = DuplicateLink.objects.filter(case_id=first.pk)
        self.assertEqual(on_first.count(), 3)  # reverse links stop at the cap
        self.assertEqual(
            set(on_first.values_list("candidate_id", flat=True)), {c.pk for c in later[:3]}
        )
        # every later case still lists the first one (its own links are not capped by others)
        for case in later:
            self.assertTrue(
                DuplicateLink.objects.filter(case_id=case.pk, candidate_id=first.pk).exists()
            )
        first.refresh_from_db()
        self.assertEqual(duplicate_candidates(first), later[:3])

    def test_rerun_is_idempotent(self):
        a = self.case(text=POTHOLE, lat=36.8400, lon=54.4400)
        b = self.case(text=POTHOLE, lat=36.8400, lon=54.4400)
        self.assertEqual(case_duplicates_scan(), 2)
        self.assertEqual(case_duplicates_scan(), 0)
        Case.objects.update(duplicates_checked_at=None)  # e.g. both reopened: checked again
        self.assertEqual(case_duplicates_scan(), 2)
        self.assertEqual(links(), {(a.pk, b.pk), (b.pk, a.pk)})
        self.assertEqual(DuplicateLink.objects.count(), 2)

    def test_batches_newest_first_and_only_open_cases(self):
        cases = [self.case(text=f"{POTHOLE} {i}", lat=36.84, lon=54.44) for i in range(5)]
        Case.objects.filter(pk=cases[4].pk).update(status="closed")
        self.assertEqual(case_duplicates_scan(limit=2), 2)
        done = Case.objects.filter(duplicates_checked_at__isnull=False)
        self.assertEqual(set(done.values_list("pk", flat=True)), {cases[3].pk, cases[2].pk})
        self.assertEqual(case_duplicates_scan(limit=2), 2)
        self.assertEqual(case_duplicates_scan(limit=2), 0)  # the closed case is not checked
        self.assertIsNone(Case.objects.get(pk=cases[4].pk).duplicates_checked_at)
        self.assertNotIn(cases[4].pk, {pk for pair in links() for pk in pair})

    def test_a_case_back_on_the_agenda_is_checked_again(self):
        case = self.case(text=POTHOLE, lat=36.84, lon=54.44)
        case_duplicates_scan()
        Case.objects.filter(pk=case.pk).update(status="decided")
        case_put_on_agenda(case=case)
        case.refresh_from_db()
        self.assertIsNone(case.duplicates_checked_at)
        self.assertEqual(case_duplicates_todo(), 1)

    def test_the_queue_is_read_from_its_partial_index(self):
        self.case(text=POTHOLE, lat=36.84, lon=54.44)
        plan = query_plan(duplicates._todo().order_by("-id")[:100])
        if connection.vendor == "sqlite":
            self.assertIn("USING INDEX case_dup_todo_idx", plan)
        else:  # the index, or on a partitioned table its copy on each partition
            self.assertTrue(plan_uses(plan, "case_dup_todo_idx"), plan)


class ReadTests(OfficeTestCase):
    def test_stored_links_are_read_for_checked_cases_in_one_query(self):
        a = self.case(text=POTHOLE, lat=36.84, lon=54.44)
        b = self.case(text="موضوعی دیگر در جای دیگر", lat=36.95, lon=54.60)
        case_duplicates_scan()
        # A stored link is shown even though live matching would not find it: it is read, not
        # computed, for a checked case.
        DuplicateLink.objects.create(case=a, candidate=b)
        a.refresh_from_db()
        with self.assertNumQueries(1):
            self.assertEqual(duplicate_candidates(a), [b])

    def test_closed_merged_and_rejected_candidates_vanish(self):
        primary = self.case(text=POTHOLE, lat=36.84, lon=54.44)
        dup = self.case(text=POTHOLE, lat=36.84, lon=54.44)
        closed = self.case(text=POTHOLE, lat=36.84, lon=54.44)
        case_duplicates_scan()
        stored = duplicates_stored([primary.pk])[primary.pk]
        self.assertEqual(stored, [dup, closed])
        Case.objects.filter(pk=closed.pk).update(status="closed")
        case_merge(case=dup, into=primary, actor=self.manager1)
        self.assertEqual(duplicates_stored([primary.pk]), {primary.pk: []})
        self.assertEqual(len(links()), 6)  # the links stay; the status filter hides them

    def test_at_most_five_per_case_oldest_first(self):
        cases = [self.case(text=POTHOLE, lat=36.84, lon=54.44) for _ in range(8)]
        case_duplicates_scan()
        found = duplicates_stored([cases[0].pk, cases[7].pk])
        self.assertEqual(found[cases[0].pk], cases[1:6])
        self.assertEqual(found[cases[7].pk], cases[:5])

    def test_unchecked_cases_fall_back_to_live_matching(self):
        old = self.case(text=POTHOLE, lat=36.84, lon=54.44)
        case_duplicates_scan()
        new = self.case(text=POTHOLE, lat=36.84, lon=54.44)  # the worker has not run yet
        old.refresh_from_db()
        with self.assertNumQueries(2):  # stored for the old case, live for the new one
            found = duplicates_for_cases([old, new])
        self.assertEqual(found, {old.pk: [], new.pk: [old]})
        with self.assertNumQueries(1):
            self.assertEqual(duplicate_candidates(new), [old])
        deferred = Case.objects.only("pk", *duplicates.DUPLICATE_FIELDS).get(pk=old.pk)
        with self.assertNumQueries(1):  # no query per row for the missing field: computed live
            self.assertEqual(duplicate_candidates(deferred), [new])


class InboxTests(OfficeTestCase):
    def test_inbox_shows_stored_suggestions_with_a_fixed_query_count(self):
        self.login(self.manager1)
        first = self.case(text=POTHOLE, lat=36.8400, lon=54.4400)
        second = self.case(text=POTHOLE, lat=36.8401, lon=54.4401)
        for i in range(20):
            self.case(text=f"مشکل جدید {i} در محله {i}", lat=36.84, lon=54.45, address=f"کوچه {i}")
        case_duplicates_scan()
        from django.utils import timezone

        from pishkhan.cycle.tick import weeks_ensure

        weeks_ensure(self.m, timezone.now())  # the clock keeps this week and the next
        self.client.get(INBOX)
        with self.assertNumQueries(8):  # one duplicates query for the page, one for the promise
            r = self.client.get(INBOX)
        self.assertContains(r, f"مشابه {first.tracking_code}")
        self.assertContains(r, f"مشابه {second.tracking_code}")
        with mock.patch("pishkhan.cases.selectors.duplicates_live") as live:
            self.client.get(INBOX)
        live.assert_not_called()
        third = self.case(text=POTHOLE, lat=36.8400, lon=54.4400)  # not checked yet
        with self.assertNumQueries(9):  # + the live query for the one unchecked case
            r = self.client.get(INBOX)
        rows = {row["case"].pk: row["duplicates"] for row in r.context["rows"]}
        self.assertEqual(len(rows), 23)
        self.assertEqual(rows[third.pk], [first, second])
        self.assertEqual(rows[first.pk], [second])  # until the worker checks the new case
        case_duplicates_scan()
        with self.assertNumQueries(8):
            r = self.client.get(INBOX)
        rows = {row["case"].pk: row["duplicates"] for row in r.context["rows"]}
        self.assertEqual(rows[first.pk], [second, third])
        case_merge(case=second, into=first, actor=self.manager1)
        r = self.client.get(INBOX)
        self.assertNotContains(r, f"مشابه {second.tracking_code}")
        self.assertContains(r, f"مشابه {first.tracking_code}")

    def test_case_page_reads_stored_suggestions(self):
        first = self.case(text=POTHOLE, lat=36.8400, lon=54.4400)
        second = self.case(text=POTHOLE, lat=36.8401, lon=54.4401)
        case_duplicates_scan()
        self.login(self.manager1)
        with mock.patch("pishkhan.cases.selectors.duplicates_live") as live:
            r = self.client.get(f"/office/cases/{first.tracking_code}/")
        live.assert_not_called()
        self.assertEqual(r.context["duplicates"], [second])


class WorkerJobTests(OfficeTestCase):
    def test_the_scan_is_registered_and_the_worker_runs_it(self):
        self.assertIs(jobs.JOBS["cases.duplicates_scan"].run, case_duplicates_scan)
        a = self.case(text=POTHOLE, lat=36.84, lon=54.44)
        b = self.case(text=POTHOLE, lat=36.84, lon=54.44)
        worker = "pishkhan.cycle.management.commands.worker"
        # One round in-process: no clock tick, no signal handlers, and the test's connection kept
        # (close_old_connections would close it inside the test transaction).
        with (
            mock.patch(f"{worker}.call_command"),
            mock.patch(f"{worker}.signal.signal"),
            mock.patch(f"{worker}.close_old_connections"),
        ):
            call_command("worker", "--once", stdout=mock.Mock(), stderr=mock.Mock())
        self.assertEqual(case_duplicates_todo(), 0)
        self.assertEqual(links(), {(a.pk, b.pk), (b.pk, a.pk)})


class ScanCommandTests(OfficeTestCase):
    def test_dry_run_counts_and_commit_drains_the_backlog_in_batches(self):
        for _ in range(3):
            self.case(text=POTHOLE, lat=36.84, lon=54.44)
        out = io.StringIO()
        call_command("scan_duplicates", stdout=out)
        self.assertIn("3 open cases not checked", out.getvalue())
        self.assertEqual(case_duplicates_todo(), 3)
        out = io.StringIO()
        call_command("scan_duplicates", "--commit", "--batch", "2", stdout=out)
        self.assertIn("3 cases checked", out.getvalue())
        self.assertEqual(case_duplicates_todo(), 0)
        self.assertEqual(DuplicateLink.objects.count(), 6)


class PoolLimitTests(OfficeTestCase):
    def test_a_candidate_pool_cut_at_its_limit_is_logged(self):
        from pishkhan.cases import selectors

        cases = [self.case(text=POTHOLE, lat=36.8400, lon=54.4400) for _ in range(4)]
        with self.assertNoLogs("pishkhan.cases", level="WARNING"):
            found = selectors.duplicates_live(cases[:1])
        self.assertEqual(len(found[cases[0].pk]), 3)
        with (
            mock.patch.object(selectors, "POOL_LIMIT", 2),
            self.assertLogs("pishkhan.cases", level="WARNING") as logged,
        ):
            selectors.duplicates_live(cases[:1])
        self.assertIn("candidate pool cut at 2 rows", logged.output[0])
