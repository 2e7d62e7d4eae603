"""Drop the indexes of cases_case that no query uses (#19): every submission writes each one.

The review (every query the test suite sends to cases_case, EXPLAIN QUERY PLAN on the 100k
city, plus a grep of the code for look-ups by each column):

- ``case_service_idx`` (service, status): a prefix of ``case_dup_geo_idx`` /
  ``case_dup_addr_idx`` / ``case_dup_street_idx`` (service, status, …), which answer every
  look-up it did.
- ``due_week``: read with the case, never searched or sorted by.
- the foreign keys ``citizen``, ``registered_by``, ``api_client``, ``lead_department`` and
  ``reject_reason``: no query looks cases up by them; only deleting a user, an app, a department
  or a rejection reason does (once, by a scan of the table; they are deactivated in practice).
- PostgreSQL only: ``…_like`` (varchar_pattern_ops) copies of the ``tracking_code`` and
  ``citizen_mobile`` indexes, which serve ``LIKE 'prefix%'`` only; nothing asks that (the
  search uses ``search_key``'s trigram index). Django keeps no state for them (a later
  AlterField of either column would create its copy again: drop it there too).

Kept because a query uses each: the tracking code's unique index (tracking), the idempotency
constraint (a replayed submission), ``citizen_mobile`` (tracking by mobile, the office's
returning-citizen look-up), ``created_at`` (date filters, the office lists without a city
filter), ``week_start`` (a district's week counts), ``merged_into`` (followers of a merged case),
``origin_committee`` (the committee import's count), ``case_inbox_idx`` (the inbox with a date
range), ``case_inbox_order_idx`` (the inbox page and count), ``case_week_idx``,
``case_recent_idx``, ``case_district_recent_idx``, ``case_dup_*_idx`` (duplicate suggestions),
``case_dup_todo_idx`` (the worker's duplicate scan).

Database side as plain DROP INDEX (as 0007): an AlterField on SQLite rebuilds the whole table,
which takes minutes on a large city and drops the full-text triggers of 0002.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# name → column
INDEXES = {
    "case_service_idx": '"service_id", "status"',
    "cases_case_due_week_2c30d9ba": '"due_week"',
    "cases_case_citizen_id_f15adce1": '"citizen_id"',
    "cases_case_registered_by_id_baa64d7e": '"registered_by_id"',
    "cases_case_api_client_id_1c533e5d": '"api_client_id"',
    "cases_case_lead_department_id_5ebda289": '"lead_department_id"',
    "cases_case_reject_reason_id_67b5955d": '"reject_reason_id"',
}
PG_LIKE = {
    "cases_case_tracking_code_86c901a2_like": "tracking_code",
    "cases_case_citizen_mobile_949ce665_like": "citizen_mobile",
}


def drop_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in PG_LIKE:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_like(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in PG_LIKE.items():
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "cases_case" ("{column}" varchar_pattern_ops)'
            )


def fk(to, **kwargs):
    return models.ForeignKey(blank=True, db_index=False, null=True, to=to, **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_municipality_letterhead_site"),
        ("cases", "0011_street_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "cases_case" ({columns})',
                )
                for name, columns in INDEXES.items()
            ]
            + [migrations.RunPython(drop_like, create_like)],
            state_operations=[
                migrations.RemoveIndex(model_name="case", name="case_service_idx"),
                migrations.AlterField(
                    model_name="case",
                    name="api_client",
                    field=fk(
                        "accounts.apiclient",
                        on_delete=django.db.models.deletion.SET_NULL,
                        verbose_name="برنامهٔ ثبت\u200cکننده",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="citizen",
                    field=fk(
                        settings.AUTH_USER_MODEL,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="cases",
                        verbose_name="شهروند",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="due_week",
                    field=models.DateField(blank=True, null=True, verbose_name="هفتهٔ موعد تصمیم"),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="lead_department",
                    field=fk(
                        "accounts.department",
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="lead_cases",
                        verbose_name="واحد مجری",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="registered_by",
                    field=fk(
                        settings.AUTH_USER_MODEL,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="registered_cases",
                        verbose_name="ثبت\u200cکننده",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="reject_reason",
                    field=fk(
                        "cases.rejectreason",
                        on_delete=django.db.models.deletion.PROTECT,
                        verbose_name="علت رد",
                    ),
                ),
            ],
        ),
    ]
