"""Storage of the biggest tables on PostgreSQL, and per million cases (issue #19).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pk_5m python bench/pg_storage.py [--top 12]

A partitioned table counts all its partitions (pg_partition_tree); "table" is
pg_table_size (heap + TOAST + maps), "indexes" pg_indexes_size, "total" their sum.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup  # noqa: E402

SIZES = """
SELECT c.relname,
       SUM(l.reltuples)::bigint,
       SUM(pg_table_size(l.oid))::bigint, SUM(pg_indexes_size(l.oid))::bigint,
       SUM(pg_total_relation_size(l.oid))::bigint,
       COUNT(*) FILTER (WHERE l.oid <> c.oid)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
CROSS JOIN LATERAL (
    SELECT t.relid FROM pg_partition_tree(c.oid) t WHERE t.isleaf AND c.relkind = 'p'
    UNION ALL SELECT c.oid WHERE c.relkind = 'r'
) leaf
JOIN pg_class l ON l.oid = leaf.relid
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
GROUP BY c.relname
ORDER BY 5 DESC
"""


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("pg_storage.py measures PostgreSQL (set DATABASE_URL); SQLite is one file: ls -l")
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM cases_case")
        cases = cur.fetchone()[0]
        cur.execute("SELECT pg_database_size(current_database())")
        db_size = cur.fetchone()[0]
        cur.execute(SIZES)
        rows = cur.fetchall()
    per = 1_000_000 / max(cases, 1)
    print(f"{cases:,} cases; database {mb(db_size)} MB ({mb(db_size * per)} MB per million cases)")
    print(
        "\n| table | partitions | rows (est.) | table MB | indexes MB | total MB "
        "| total MB per million cases |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for name, tuples, table, indexes, total, parts in rows[: args.top]:
        print(
            f"| {name} | {parts or '–'} | {f'{tuples:,}' if tuples >= 0 else '?'} | {mb(table)} | {mb(indexes)} | {mb(total)} "
            f"| {mb(total * per)} |"
        )
    rest = sum(r[4] for r in rows[args.top :])
    print(f"| (the other {len(rows) - args.top} tables) | | | | | {mb(rest)} | {mb(rest * per)} |")


if __name__ == "__main__":
    main()
