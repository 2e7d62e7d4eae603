"""New cases are indexed for full-text search by the worker, not by the request (SQLite).

Drops the AFTER INSERT trigger and recreates the edit/delete triggers so they leave cases the
worker has not indexed yet alone (see ``pishkhan.cases.search``). PostgreSQL: nothing to do.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from pishkhan.cases.search import SQLITE_FTS_DROP_TRIGGERS, fts_ensure

    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in SQLITE_FTS_DROP_TRIGGERS:
        schema_editor.execute(sql)
    fts_ensure(schema_editor.connection)


def backwards(apps, schema_editor):
    """The old triggers back, and the cases stored since indexed at once (they would be
    missing from the index for good: the old triggers only index new writes)."""
    from pishkhan.cases.search import SQLITE_FTS_DROP_TRIGGERS, case_search_index_pending

    if schema_editor.connection.vendor != "sqlite":
        return
    while case_search_index_pending():
        pass
    for sql in SQLITE_FTS_DROP_TRIGGERS:
        schema_editor.execute(sql)
    schema_editor.execute(
        "CREATE TRIGGER cases_case_fts_ai AFTER INSERT ON cases_case BEGIN "
        "INSERT INTO cases_case_fts(rowid, search_key) VALUES (new.id, new.search_key); END"
    )
    schema_editor.execute(
        "CREATE TRIGGER cases_case_fts_ad AFTER DELETE ON cases_case BEGIN "
        "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_key) "
        "VALUES ('delete', old.id, old.search_key); END"
    )
    schema_editor.execute(
        "CREATE TRIGGER cases_case_fts_au AFTER UPDATE OF search_key ON cases_case "
        "WHEN old.search_key IS NOT new.search_key BEGIN "
        "INSERT INTO cases_case_fts(cases_case_fts, rowid, search_key) "
        "VALUES ('delete', old.id, old.search_key); "
        "INSERT INTO cases_case_fts(rowid, search_key) VALUES (new.id, new.search_key); END"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_drop_unused_case_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
