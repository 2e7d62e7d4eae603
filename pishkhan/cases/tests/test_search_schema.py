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
from pishkhan.meetings.tests.factories import make_case
from pishkhan.test import BaseTestCase

FTS_TRIGGERS = {"cases_case_fts_ai", "cases_case_fts_ad", "cases_case_fts_au"}
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
    """The triggers do their work: insert, edit and delete reach the index (SQLite)."""

    def match(self, term: str) -> list[int]:
        if connection.vendor != "sqlite":
            return list(Case.objects.filter(search_key__contains=term).values_list("pk", flat=True))
        return [
            int(pk)  # type: ignore[call-overload]
            for (pk,) in _rows(
                "SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s", [f'"{term}"']
            )
        ]

    def test_insert_update_delete_reach_the_index(self) -> None:
        case = make_case(self.city, search_key="چاله در خیابان زنبق")
        self.assertEqual(self.match("زنبق"), [case.pk])
        Case.objects.filter(pk=case.pk).update(search_key="درخت افتاده در کوچهٔ نسترن")
        self.assertEqual(self.match("زنبق"), [])
        self.assertEqual(self.match("نسترن"), [case.pk])
        Case.objects.filter(pk=case.pk).delete()
        self.assertEqual(self.match("نسترن"), [])
