"""Persian full-text search index for cases (see pishkhan/cases/search.py).

SQLite: FTS5 trigram table + sync triggers. PostgreSQL: pg_trgm GIN index. Other: nothing.
"""

from django.db import migrations

from pishkhan.cases.search import (
    PG_CREATE,
    PG_DROP,
    SQLITE_FTS_CREATE,
    SQLITE_FTS_DROP,
    SQLITE_FTS_REBUILD,
)


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        for sql in SQLITE_FTS_CREATE:
            schema_editor.execute(sql)
        schema_editor.execute(SQLITE_FTS_REBUILD)  # index the cases that already exist
    elif conn.vendor == "postgresql":
        for sql in PG_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "sqlite":
        for sql in SQLITE_FTS_DROP:
            schema_editor.execute(sql)
    elif conn.vendor == "postgresql":
        for sql in PG_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
