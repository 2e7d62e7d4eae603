"""Optional: PostgreSQL range partitioning of the two big tables (issue #19).

Not installed by default. ``PISHKHAN_PARTITION_CASES=1`` adds this app to INSTALLED_APPS, and
``manage.py migrate`` then turns ``cases_case`` and ``cases_caseevent`` into tables partitioned
by RANGE (id) in one transaction (docs/DEPLOY.md, "Scaling out"). SQLite is left alone.
"""
