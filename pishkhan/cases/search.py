"""Persian full-text search over cases.

``Case.search_key`` holds ``normalize_fa(description + address + service name)`` (see
``case_submit``). The query is normalised the same way and split into tokens; every token must
match (AND), as a substring, so partial words ("خیاب" → "خیابان") are found.

- SQLite: an FTS5 external-content table ``cases_case_fts`` with the trigram tokenizer. A new
  case is indexed by the worker (``case_search_index_pending``, a background job), not by the
  request that stores it: the index entry was half of a submission's cost (2.8 of 5.4 ms, and
  its p99 32 -> 10 ms; bench/citizen_profile.py). Until then the search also reads the few
  unindexed cases' text (every case above ``INDEXED_UPTO``), so a case is found the moment it
  is stored. Edits and deletes of indexed cases reach the index by triggers (migration 0013).
  Tokens of 3+ characters go to ``MATCH``; shorter tokens
  (trigrams need 3 characters) fall back to a plain substring filter on the remaining rows.
  One query reads the hits' ids (up to ``COMMON_HITS``) and the count and the page get them as
  one JSON parameter; very common words skip the hit list and use the substring filter, which
  the caller's ``ORDER BY … LIMIT`` stops early.
- PostgreSQL: a GIN trigram index (pg_trgm) on ``search_key`` serves ``LIKE '%token%'``.
  ``search_key`` is already lower-cased by ``normalize_fa``, so a case-sensitive ``contains``
  is equivalent to ``icontains`` and, unlike ``UPPER(...) LIKE``, can use the index.
"""

from __future__ import annotations

import json

from django.db import connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BigIntegerField, F, Func, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from pishkhan.cases.models import Case
from pishkhan.core.text import normalize_fa

MAX_TOKENS = 8
# On SQLite, a query matching at least this many cases is served by a substring scan along the
# caller's index (newest first, LIMIT) instead of the FTS hit list (see bench/ and PERFORMANCE.md).
COMMON_HITS = 20_000
FTS_TABLE = "cases_case_fts"

# The highest indexed case id. The index is filled in id order and SQLite gives ids in commit
# order (one writer at a time), so every case up to it is indexed and none after it (deleting
# the highest indexed case lowers it to the next indexed one, and this still holds).
INDEXED_UPTO = "SELECT coalesce(max(id), 0) FROM cases_case_fts_docsize"

# SQLite objects, also used by the migrations and by fts_ensure() (a later migration that makes
# Django rebuild the cases_case table on SQLite drops the triggers; call fts_ensure() after it).
# An edit or delete of a case not indexed yet must not touch the index: FTS5 would "delete"
# words it never held (a corrupt index); the worker indexes the case's text as it is then.
SQLITE_FTS_CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_case_fts USING fts5("
    "search_key, content='cases_case', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS cases_case_fts_ad AFTER DELETE ON cases_case "  # noqa: S608
    f"WHEN old.id <= ({INDEXED_UPTO}) BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER IF NOT EXISTS cases_case_fts_au AFTER UPDATE OF search_key ON cases_case "  # noqa: S608
    f"WHEN old.search_key IS NOT new.search_key AND old.id <= ({INDEXED_UPTO}) BEGIN "
    "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO cases_case_fts(rowid, search_key) VALUES (new.id, new.search_key); END",
]
# Every trigger the index has had (the insert one, until migration 0013, indexed each case
# inside the request that stored it).
SQLITE_FTS_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS cases_case_fts_au",
    "DROP TRIGGER IF EXISTS cases_case_fts_ad",
    "DROP TRIGGER IF EXISTS cases_case_fts_ai",
]
SQLITE_FTS_DROP = [*SQLITE_FTS_DROP_TRIGGERS, "DROP TABLE IF EXISTS cases_case_fts"]
SQLITE_FTS_REBUILD = "INSERT INTO cases_case_fts(cases_case_fts) VALUES ('rebuild')"

# Newest-first within a district: lets "district + ORDER BY created_at DESC LIMIT n" (district
# lists, and search inside a district) stop early instead of sorting the whole district.
# Created by SQL in migration 0002 (not in Case.Meta, see the migration); both databases.
DISTRICT_RECENT_CREATE = (
    "CREATE INDEX IF NOT EXISTS case_district_recent_idx"
    " ON cases_case (district_id, created_at DESC)"
)
DISTRICT_RECENT_DROP = "DROP INDEX IF EXISTS case_district_recent_idx"

PG_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_search_trgm_idx ON cases_case "
    "USING gin (search_key gin_trgm_ops)",
]
PG_DROP = ["DROP INDEX IF EXISTS case_search_trgm_idx"]


class _NoIndex(Func):
    """SQLite's ``+column``: the same value, but not usable as an index constraint."""

    template = "+%(expressions)s"
    output_field = BigIntegerField()


def search_tokens(query: str) -> list[str]:
    """Normalised, de-duplicated tokens of a query, longest first (most selective)."""
    seen: dict[str, None] = {}
    for token in normalize_fa(query or "").split(" "):
        if token:
            seen.setdefault(token, None)
    return sorted(seen, key=len, reverse=True)[:MAX_TOKENS]


def _fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def case_search(qs: QuerySet[Case], query: str, *, small_set: bool = False) -> QuerySet[Case]:
    """Limit ``qs`` to cases whose text contains every token of ``query`` (empty → unchanged).

    ``small_set``: the caller's set is bounded and indexed (a district's inbox, ~1,000 waiting
    cases at city scale). Checking those rows' text is then cheaper than any text index, which
    PostgreSQL would still AND in (a common word's 230k trigram hits: 55 ms instead of 3 ms).
    """
    tokens = search_tokens(query)
    if not tokens:
        return qs
    if small_set:
        # The concatenation hides the column from the text indexes: filter, do not drive.
        qs = qs.alias(_search_text=Concat("search_key", Value(""), output_field=TextField()))
        for token in tokens:
            qs = qs.filter(_search_text__contains=token)
        return qs
    vendor = connections[qs.db].vendor
    if vendor == "sqlite":
        long_tokens = [t for t in tokens if len(t) >= 3]
        if long_tokens:
            fts_query = " ".join(_fts_phrase(t) for t in long_tokens)
            conn = connections[qs.db]
            hits = _fts_rowids(conn, fts_query, COMMON_HITS)
            if len(hits) < COMMON_HITS:
                hits += _unindexed_rowids(conn, long_tokens)
            if len(hits) >= COMMON_HITS:
                # A common word ("خیابان"): materialising every hit would cost more than
                # walking the caller's index and checking the text row by row.
                for token in tokens:
                    qs = qs.filter(search_key__contains=token)
                return qs
            # The hits are read once here and handed to the count and the page as one JSON
            # parameter: each used to run the full-text query again (15–35 ms apiece).
            # "+id IN (…)": the unary plus keeps SQLite from driving the query by primary-key
            # lookups of every hit (then sorting them all); it walks the caller's index instead
            # (newest first, district, inbox) and probes the hit list, stopping at the LIMIT.
            qs = qs.alias(_fts_rowid=_NoIndex(F("id"))).filter(
                _fts_rowid__in=RawSQL(  # noqa: S611 — constant SQL, the ids are a parameter
                    "SELECT value FROM json_each(%s)", [json.dumps(hits)]
                )
            )
        for token in tokens:
            if len(token) < 3:
                qs = qs.filter(search_key__contains=token)
        return qs
    for token in tokens:
        qs = qs.filter(search_key__contains=token)
    return qs


def _fts_rowids(conn: BaseDatabaseWrapper, fts_query: str, cap: int) -> list[int]:
    """The matching cases' ids, no more than ``cap`` (cheap: stops early)."""
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM cases_case_fts WHERE cases_case_fts MATCH %s LIMIT %s",
            [fts_query, cap],
        )
        return [row[0] for row in cursor.fetchall()]


def _unindexed_rowids(conn: BaseDatabaseWrapper, tokens: list[str]) -> list[int]:
    """The matching cases the worker has not indexed yet: the newest few, read by id range."""
    where = " AND ".join(["instr(search_key, %s) > 0"] * len(tokens))
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM cases_case WHERE id > ({INDEXED_UPTO}) AND {where}",  # noqa: S608 — constant SQL
            tokens,
        )
        return [row[0] for row in cursor.fetchall()]


SEARCH_INDEX_BATCH = 2_000


def case_search_index_pending(limit: int = SEARCH_INDEX_BATCH) -> int:
    """The worker's job on SQLite: index the cases stored since its last run, oldest first, up
    to ``limit``; the number indexed (0 on PostgreSQL, whose trigram index needs no job)."""
    if connection.vendor != "sqlite":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_case_fts(rowid, search_key) SELECT id, search_key FROM cases_case"  # noqa: S608 — constant SQL
            f" WHERE id > ({INDEXED_UPTO}) ORDER BY id LIMIT %s",
            [limit],
        )
        return max(cursor.rowcount, 0)


def fts_ensure(conn: BaseDatabaseWrapper | None = None, *, rebuild: bool = False) -> None:
    """(Re)create the search index objects for this database; idempotent."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(DISTRICT_RECENT_CREATE)
        if conn.vendor == "sqlite":
            for sql in SQLITE_FTS_CREATE:
                cursor.execute(sql)
            if rebuild:
                cursor.execute(SQLITE_FTS_REBUILD)
        elif conn.vendor == "postgresql":
            for sql in PG_CREATE:
                cursor.execute(sql)
