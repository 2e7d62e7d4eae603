"""Partition cases_case and cases_caseevent by RANGE (id), in this migration's transaction.

Runs only where this optional app is installed (PISHKHAN_PARTITION_CASES=1) and only on
PostgreSQL; elsewhere it does nothing. Irreversible: to go back, restore the backup taken before
(docs/DEPLOY.md §9)."""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    from pishkhan.partitioning.plan import TABLES, is_partitioned, partition_apply

    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        if all(is_partitioned(cur, t) for t in TABLES):
            return
    rows = dict(zip(TABLES, (settings.PARTITION_CASE_ROWS, settings.PARTITION_EVENT_ROWS)))
    partition_apply(connection, rows=rows)


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_street_key")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
