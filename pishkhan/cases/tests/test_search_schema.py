"""Guard: after every migration, cases_case still has its full-text search objects.

On SQLite, a migration that makes Django rebuild ``cases_case`` (a NOT NULL column, an altered
field, a changed constraint…) copies the table and drops its triggers without a word; search
then silently misses every case written afterwards. Such a migration must call
``pishkhan.cases.search.fts_ensure()`` (see 0010/0011). This test runs on the database the
test run migrated, so it fails as soon as a new migration forgets to.
"""

from __future__ import annotations

from django.db import connection
from django.test import TestCase

from pishkhan.cases.models import Case
from pishkhan.cases.search import case_search, case_search_index_pending
from pishkhan.cycle.jobs import jobs_run
from pishkhan.meetings.tests.factories import make_case
from pishkhan.test import BaseTestCase

# Edits and deletes; a new case is indexed by the worker (cases.search_index), not a trigger.
FTS_TRIGGERS = {"cases_case_fts_ad", "cases_case_fts_au"}
FIX = (
    "a migration rebuilt cases_case and dropped its full-text search objects: "
    "call pishkhan.cases.search.fts_ensure(schema_editor.connection) in a RunPython after it"
)


def _rows(sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


class SearchSchemaAfterMigrationsTests(TestCase):
    def test_cases_case_keeps_its_search_objects(self) -> None:
        if connection.vendor == "sqlite":
            triggers = {
                name
                for (name,) in _rows(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    ["cases_case"],
                )
            }
            self.assertEqual(FTS_TRIGGERS - triggers, set(), FIX)
            self.assertNotIn("cases_case_fts_ai", triggers, "the request indexes no case")
            tables = _rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s",
                ["cases_case_fts"],
            )
            self.assertEqual(len(tables), 1, FIX)
        else:  # PostgreSQL: the trigram index on search_key (no triggers there)
            indexes = _rows(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s",
                ["cases_case"],
            )
            self.assertIn(("case_search_trgm_idx",), indexes, "cases_case lost its trigram index")


class SearchIndexFollowsWritesTests(BaseTestCase):
    """A case is found the moment it is stored; the worker's job indexes it; edits and deletes
    reach the index, and never corrupt it, whether the case was indexed yet or not (SQLite)."""

    def match(self, term: str) -> list[int]:
        if connection.vendor != "sqlite":
            return list(Case.objects.filter(search_key__contains=term).values_list("pk", flat=True))
        return [
            int(pk)  # type: ignore[call-overload]
            for (pk,) in _rows(
                "SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s", [f'"{term}"']
            )
        ]

    def found(self, term: str) -> list[int]:
        return list(case_search(Case.objects.all(), term).values_list("pk", flat=True))

    def assert_index_sound(self) -> None:
        if connection.vendor == "sqlite":
            # FTS5 compares the index with every case's text (so only once the job caught up):
            # "database disk image is malformed" if a word is missing or was removed that it
            # never held.
            _rows("INSERT INTO cases_case_fts(cases_case_fts, rank) VALUES ('integrity-check', 1)")

    def test_insert_update_delete_reach_the_index(self) -> None:
        case = make_case(self.city, search_key="چاله در خیابان زنبق")
        self.assertEqual(self.found("زنبق"), [case.pk])  # stored: found before the job ran
        self.assertGreaterEqual(
            case_search_index_pending(), 1 if connection.vendor == "sqlite" else 0
        )
        self.assertEqual(self.match("زنبق"), [case.pk])
        self.assertEqual(self.found("زنبق"), [case.pk])  # once, not from the index and the tail
        Case.objects.filter(pk=case.pk).update(search_key="درخت افتاده در کوچهٔ نسترن")
        self.assertEqual(self.match("زنبق"), [])
        self.assertEqual(self.match("نسترن"), [case.pk])
        Case.objects.filter(pk=case.pk).delete()
        self.assertEqual(self.match("نسترن"), [])
        self.assert_index_sound()

    def test_edits_and_deletes_before_the_job_leave_the_index_sound(self) -> None:
        indexed = make_case(self.city, search_key="چراغ خاموش در کوچهٔ یاس")
        case_search_index_pending()
        edited = make_case(self.city, search_key="چاله در خیابان زنبق")
        deleted = make_case(self.city, search_key="درخت افتاده در کوچهٔ نسترن")
        Case.objects.filter(pk=edited.pk).update(search_key="آب گرفتگی در میدان لاله")
        Case.objects.filter(pk=deleted.pk).delete()
        self.assertEqual(self.found("لاله"), [edited.pk])
        self.assertEqual(self.found("زنبق"), [])
        self.assertEqual(self.found("نسترن"), [])
        case_search_index_pending()
        self.assert_index_sound()
        self.assertEqual(self.match("لاله"), [edited.pk])
        self.assertEqual(self.match("زنبق"), [])
        self.assertEqual(self.found("یاس"), [indexed.pk])
        # The highest indexed case deleted: the one below is now the mark, and a new case after
        # it is still indexed once.
        Case.objects.filter(pk=edited.pk).delete()
        newer = make_case(self.city, search_key="چاله در خیابان زنبق")
        self.assertEqual(self.found("زنبق"), [newer.pk])
        case_search_index_pending()
        self.assertEqual(self.found("زنبق"), [newer.pk])
        self.assert_index_sound()

    def test_the_job_indexes_in_batches_oldest_first_and_runs_in_the_worker(self) -> None:
        if connection.vendor != "sqlite":
            self.assertEqual(case_search_index_pending(), 0)
            return
        case_search_index_pending()
        cases = [make_case(self.city, search_key=f"شرح شمارهٔ {n} کوچهٔ اقاقیا") for n in range(5)]
        self.assertEqual(case_search_index_pending(limit=2), 2)
        self.assertEqual(self.match("اقاقیا"), [c.pk for c in cases[:2]])
        self.assertEqual(sorted(self.found("اقاقیا")), [c.pk for c in cases])
        self.assertEqual(jobs_run()["cases.search_index"], 3)
        self.assertEqual(sorted(self.match("اقاقیا")), [c.pk for c in cases])
        self.assertEqual(case_search_index_pending(), 0)
        self.assert_index_sound()
