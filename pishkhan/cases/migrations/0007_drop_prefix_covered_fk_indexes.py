"""Drop the single-column indexes of Case.municipality, .service and .district.

Each column leads a composite index (case_week_idx / case_recent_idx, case_service_idx /
case_dup_*_idx, case_inbox_idx / case_district_recent_idx / case_inbox_order_idx) that answers
every look-up the single-column index did, so it only cost every INSERT and UPDATE.

Database side as plain DROP INDEX: on SQLite an AlterField of a foreign key rebuilds the whole
table, which would take minutes on a large city and drop the full-text triggers of 0002.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "cases_case_municipality_id_d40b1c25": "municipality_id",
    "cases_case_service_id_d5119aeb": "service_id",
    "cases_case_district_id_60fa1ba0": "district_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_seed_roles"),
        ("cases", "0006_inbox_order_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "cases_case" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="district",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="accounts.district",
                        verbose_name="منطقه",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="municipality",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="accounts.municipality",
                        verbose_name="شهرداری",
                    ),
                ),
                migrations.AlterField(
                    model_name="case",
                    name="service",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cases",
                        to="cases.servicetype",
                        verbose_name="خدمت",
                    ),
                ),
            ],
        ),
    ]
