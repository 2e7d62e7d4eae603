"""Persian full-text search index for cases (see pishkhan/cases/search.py).

SQLite: FTS5 trigram table + sync triggers. PostgreSQL: pg_trgm GIN index. Other: nothing.
Both: an index on (district_id, created_at DESC) for newest-first district lists and searches
(bench/bench_inbox_search.py: district search p50 150 ms → see docs/PERFORMANCE.md). It is plain
SQL, outside Django's model state: if a later migration makes Django rebuild cases_case on
SQLite (table remake), call ``pishkhan.cases.search.fts_ensure()`` in a RunPython after it to
restore this index and the FTS triggers — or move the index into Case.Meta.indexes.
"""

from django.db import migrations

from pishkhan.cases.search import (
    DISTRICT_RECENT_CREATE,
    DISTRICT_RECENT_DROP,
    PG_CREATE,
    PG_DROP,
    SQLITE_FTS_CREATE,
    SQLITE_FTS_DROP,
    SQLITE_FTS_REBUILD,
)


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    schema_editor.execute(DISTRICT_RECENT_CREATE)
    if conn.vendor == "sqlite":
        for sql in SQLITE_FTS_CREATE:
            schema_editor.execute(sql)
        schema_editor.execute(SQLITE_FTS_REBUILD)  # index the cases that already exist
    elif conn.vendor == "postgresql":
        for sql in PG_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    schema_editor.execute(DISTRICT_RECENT_DROP)
    if conn.vendor == "sqlite":
        for sql in SQLITE_FTS_DROP:
            schema_editor.execute(sql)
    elif conn.vendor == "postgresql":
        for sql in PG_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
