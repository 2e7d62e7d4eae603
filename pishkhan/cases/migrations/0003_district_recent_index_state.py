"""Register the (district, created_at DESC) index that 0002 created in SQL, so Django's model
state knows it (and a later table rebuild on SQLite recreates it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_search_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["district", "-created_at"], name="case_district_recent_idx"),
                )
            ],
            database_operations=[],
        )
    ]
