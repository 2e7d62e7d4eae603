"""Range partitioning of ``cases_case`` and ``cases_caseevent`` by ``id`` (PostgreSQL only).

Why RANGE (id): ids come from one sequence and grow with time, so a range of ids is a period
(about a year of Tehran at 2.5 M cases a partition). Because the partition key *is* the primary
key, ``PRIMARY KEY (id)`` stays as it is, and every foreign key that points at ``cases_case(id)``
or ``cases_caseevent(id)`` (events, attachments, visits, agenda items, directives' citizen
checks, duplicate links, …) stays a real foreign key: PostgreSQL accepts references to a
partitioned table whose unique key contains the partition key. The ORM sees the same table.

What PostgreSQL cannot do on a partitioned table is a UNIQUE index that leaves the partition key
out (``tracking_code``; ``(municipality_id, idempotency_key)``). Each such index becomes a small
key table with that index's name on its primary key, kept by triggers on the partitioned table:
a duplicate raises the same ``unique_violation`` (an ``IntegrityError`` in Django) as before.

Everything happens in one transaction (``partition_apply``); the rows are copied into the new
partitions, the indexes are built once, the foreign keys are put back and validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

TABLES = ("cases_case", "cases_caseevent")
KEY = "id"
OLD_SUFFIX = "__unpartitioned"


class PartitionError(Exception):
    """The database is not in a state the plan knows how to convert."""


@dataclass
class UniqueKey:
    """A UNIQUE index without the partition key, kept global by a key table."""

    name: str  # the original index/constraint name, reused for the key table's primary key
    columns: list[str]
    types: list[str]

    def key_table(self, table: str) -> str:
        return _ident(f"{table}_key_{'_'.join(self.columns)}")


@dataclass
class TablePlan:
    table: str
    rows_per_partition: int
    max_id: int
    sequence_value: int
    primary_key: str
    indexes: list[str] = field(default_factory=list)  # CREATE INDEX statements, kept as they are
    unique_keys: list[UniqueKey] = field(default_factory=list)
    indexed: set[tuple[str, ...]] = field(default_factory=set)  # plain btree column lists


def _ident(name: str) -> str:
    if len(name) > 63:
        raise PartitionError(f"name too long for PostgreSQL: {name}")
    return name


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_partitioned(cur: Any, table: str) -> bool:
    cur.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
    row = cur.fetchone()
    return bool(row and row[0] == "p")


def partitions(cur: Any, table: str) -> list[tuple[str, str, int]]:
    """(name, bound, rows estimate) of each partition, in bound order (DEFAULT last)."""
    cur.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [table],
    )
    rows = cur.fetchall()
    return sorted(rows, key=lambda r: (upper_bound(r[1]) or 2**63, r[0]))


def upper_bound(bound: str) -> int | None:
    m = re.search(r"TO \('?(-?\d+)'?\)", bound)
    return int(m.group(1)) if m else None


def _table_plan(cur: Any, table: str, rows_per_partition: int) -> TablePlan:
    if is_partitioned(cur, table):
        raise PartitionError(f"{table} is already partitioned")
    cur.execute(f"SELECT COALESCE(MAX({KEY}), 0) FROM {_q(table)}")  # noqa: S608 — fixed names
    max_id = int(cur.fetchone()[0])
    cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, KEY])
    seq = cur.fetchone()[0]
    seq_value = 0
    if seq:
        cur.execute(f"SELECT last_value FROM {seq}")  # noqa: S608 — a name from the catalog
        seq_value = int(cur.fetchone()[0])
    cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary,"
        " pg_get_expr(i.indpred, i.indrelid),"
        " ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)"
        "       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o),"
        " ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM unnest(i.indkey) WITH ORDINALITY"
        "       k(n, o) JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n"
        "       ORDER BY k.o),"
        " i.indexprs IS NOT NULL "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass ORDER BY c.relname",
        [table],
    )
    plan = TablePlan(table, rows_per_partition, max_id, seq_value, primary_key="")
    for name, definition, unique, primary, predicate, columns, types, has_exprs in cur.fetchall():
        if primary:
            if list(columns) != [KEY]:
                raise PartitionError(f"{table}: primary key is not ({KEY})")
            plan.primary_key = name
        elif not unique or KEY in columns:
            plan.indexes.append(definition)
            if " USING btree " in definition and predicate is None and not has_exprs:
                plan.indexed.add(tuple(columns))
        else:
            # A unique index PostgreSQL cannot keep on a partitioned table: its key table treats
            # NULLs as a unique index does (no row), so the only predicate it can stand for is
            # "the key is not null".
            allowed = {None} | {f"({c} IS NOT NULL)" for c in columns}
            if has_exprs or predicate not in allowed:
                raise PartitionError(
                    f"{table}: unique index {name} ({predicate or 'no predicate'}) cannot be kept"
                    " global by this plan; extend pishkhan/partitioning/plan.py"
                )
            plan.unique_keys.append(UniqueKey(name, list(columns), list(types)))
    if not plan.primary_key:
        raise PartitionError(f"{table} has no primary key")
    return plan


def _foreign_keys(cur: Any, tables: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(table, name, definition) of every foreign key from or to one of ``tables``."""
    cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' "
        "AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[])) "
        "ORDER BY 1, 2",
        [list(tables), list(tables)],
    )
    return [(t, n, d) for t, n, d in cur.fetchall()]


def bounds(max_id: int, rows_per_partition: int, ahead: int) -> list[int]:
    """Upper bounds (exclusive) of the partitions: enough for today's rows and ``ahead`` more."""
    n = (max(max_id, 1) - 1) // rows_per_partition + 1 + ahead
    return [(k + 1) * rows_per_partition + 1 for k in range(n)]


def _partition_sql(table: str, k: int, lower: int | None, upper: int) -> str:
    low = "MINVALUE" if lower is None else str(lower)
    name = _ident(f"{table}_p{k:03d}")
    return f"CREATE TABLE {_q(name)} PARTITION OF {_q(table)} FOR VALUES FROM ({low}) TO ({upper})"


def _keys_sql(table: str, keys: list[UniqueKey], indexed: set[tuple[str, ...]]) -> list[str]:
    """Key tables and the triggers that keep them, for the unique indexes without ``id``; and
    an index for the look-ups the unique index served, unless a plain one on the same columns
    is there already (``tracking_code``'s ``varchar_pattern_ops`` index answers ``=`` too)."""
    if not keys:
        return []
    sql = []
    inserts, deletes, changed, truncates = [], [], [], []
    for key in keys:
        kt = key.key_table(table)
        cols = ", ".join(_q(c) for c in key.columns)
        coldefs = ", ".join(
            f"{_q(c)} {t} NOT NULL" for c, t in zip(key.columns, key.types, strict=True)
        )
        sql.append(
            f"CREATE TABLE {_q(kt)} ({coldefs}, row_id bigint NOT NULL, "
            f"CONSTRAINT {_q(key.name)} PRIMARY KEY ({cols}))"
        )
        not_null = " AND ".join(f"{_q(c)} IS NOT NULL" for c in key.columns)
        sql.append(
            f"INSERT INTO {_q(kt)} ({cols}, row_id) SELECT {cols}, {KEY} FROM {_q(table)} "  # noqa: S608
            f"WHERE {not_null}"
        )
        if tuple(key.columns) not in indexed:
            sql.append(
                f"CREATE INDEX {_q(_ident(key.name[:58] + '_part'))} ON {_q(table)} ({cols}) "
                f"WHERE {not_null}"
            )
        new_not_null = " AND ".join(f"NEW.{_q(c)} IS NOT NULL" for c in key.columns)
        new_vals = ", ".join(f"NEW.{_q(c)}" for c in key.columns)
        old_match = " AND ".join(f"{_q(c)} = OLD.{_q(c)}" for c in key.columns)
        insert = f"INSERT INTO {_q(kt)} ({cols}, row_id) VALUES ({new_vals}, NEW.{KEY});"  # noqa: S608
        inserts.append(f"    IF {new_not_null} THEN\n      {insert}\n    END IF;")
        deletes.append(f"    DELETE FROM {_q(kt)} WHERE {old_match} AND row_id = OLD.{KEY};")  # noqa: S608
        changed += [f"OLD.{_q(c)} IS DISTINCT FROM NEW.{_q(c)}" for c in key.columns]
        truncates.append(_q(kt))
    fn = _q(f"{table}_keys_sync")
    sql.append(
        f"CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
        "BEGIN\n"
        "  IF TG_OP IN ('UPDATE', 'DELETE') THEN\n" + "\n".join(deletes) + "\n  END IF;\n"
        "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n" + "\n".join(inserts) + "\n  END IF;\n"
        "  RETURN NULL;\n"
        "END\n$fn$"
    )
    sql.append(
        f"CREATE TRIGGER {_q(table + '_keys_insert')} AFTER INSERT OR DELETE ON {_q(table)} "
        f"FOR EACH ROW EXECUTE FUNCTION {fn}()"
    )
    sql.append(
        f"CREATE TRIGGER {_q(table + '_keys_update')} AFTER UPDATE ON {_q(table)} FOR EACH ROW "
        f"WHEN ({' OR '.join(dict.fromkeys(changed))}) EXECUTE FUNCTION {fn}()"
    )
    tfn = _q(f"{table}_keys_truncate")
    sql.append(
        f"CREATE FUNCTION {tfn}() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
        f"BEGIN\n  TRUNCATE {', '.join(truncates)};\n  RETURN NULL;\nEND\n$fn$"
    )
    sql.append(
        f"CREATE TRIGGER {_q(table + '_keys_truncate')} AFTER TRUNCATE ON {_q(table)} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {tfn}()"
    )
    return sql


def partition_plan(
    cur: Any, *, rows: dict[str, int], ahead: int = 2, tables: tuple[str, ...] = TABLES
) -> list[str]:
    """The statements that partition ``tables`` by RANGE (id), ``rows[table]`` ids a partition.

    Read from the catalog as it is now; ``partition_apply`` runs them under a lock."""
    plans = [_table_plan(cur, t, rows[t]) for t in tables]
    fks = _foreign_keys(cur, tables)
    sql = ["SET CONSTRAINTS ALL IMMEDIATE"]  # no pending deferred checks may block ALTER TABLE
    sql.append(f"LOCK TABLE {', '.join(_q(t) for t in tables)} IN ACCESS EXCLUSIVE MODE")
    sql += [f"ALTER TABLE {_q(t)} DROP CONSTRAINT {_q(n)}" for t, n, _ in fks]
    for p in plans:
        t, old = p.table, _ident(p.table + OLD_SUFFIX)
        sql.append(f"ALTER TABLE {_q(t)} RENAME TO {_q(old)}")
        sql.append(
            f"CREATE TABLE {_q(t)} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({KEY})"
        )
        lower = None
        for k, upper in enumerate(bounds(p.max_id, p.rows_per_partition, ahead)):
            sql.append(_partition_sql(t, k, lower, upper))
            lower = upper
        sql.append(f"CREATE TABLE {_q(t + '_default')} PARTITION OF {_q(t)} DEFAULT")
        sql.append(f"INSERT INTO {_q(t)} SELECT * FROM {_q(old)}")  # noqa: S608 — fixed names
        sql.append(f"DROP TABLE {_q(old)}")  # and its identity sequence
        seq = _ident(f"{t}_{KEY}_seq")
        sql.append(
            f"ALTER TABLE {_q(t)} ALTER COLUMN {KEY} ADD GENERATED BY DEFAULT AS IDENTITY "
            f"(SEQUENCE NAME {_q(seq)})"
        )
        sql.append(f"SELECT setval('{seq}', {max(p.max_id, p.sequence_value, 1)})")
        sql.append(f"ALTER TABLE {_q(t)} ADD CONSTRAINT {_q(p.primary_key)} PRIMARY KEY ({KEY})")
        sql += p.indexes
        sql += _keys_sql(t, p.unique_keys, p.indexed)
    sql += [f"ALTER TABLE {_q(t)} ADD CONSTRAINT {_q(n)} {d}" for t, n, d in fks]
    sql += [f"ANALYZE {_q(t)}" for t in tables]
    return sql


def partition_apply(
    connection: Any, *, rows: dict[str, int], ahead: int = 2, tables: tuple[str, ...] = TABLES
) -> list[str]:
    """Partition ``tables`` in one transaction (the caller's, or a new one); returns the SQL."""
    from django.db import transaction

    if connection.vendor != "postgresql":
        raise PartitionError("partitioning needs PostgreSQL")
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        cur.execute(f"LOCK TABLE {', '.join(_q(t) for t in tables)} IN ACCESS EXCLUSIVE MODE")
        sql = partition_plan(cur, rows=rows, ahead=ahead, tables=tables)
        for statement in sql:
            cur.execute(statement)
    return sql


def partition_extend(
    connection: Any, *, rows: dict[str, int], ahead: int = 2, tables: tuple[str, ...] = TABLES
) -> list[str]:
    """Add partitions so that ``ahead`` empty ones follow the newest id; run it monthly.

    When ids outran the partitions (no ``--extend`` for too long), the rows beyond them are in
    the DEFAULT partition; they stay there, found through the table as every row is (moving
    them would mean dropping and re-adding every foreign key that points at the table), and
    the new partitions start above the highest of them. The returned list says so in a
    comment. Writes to the table wait while this runs (a few milliseconds a partition)."""
    from django.db import transaction

    done: list[str] = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cur:
        for t in tables:
            if not is_partitioned(cur, t):
                raise PartitionError(f"{t} is not partitioned")
            # No new id may land in DEFAULT between reading the ids and adding the partitions.
            cur.execute(f"LOCK TABLE {_q(t)} IN SHARE ROW EXCLUSIVE MODE")
            parts = partitions(cur, t)
            uppers = [u for _, b, _ in parts if (u := upper_bound(b)) is not None]
            top = max(uppers)
            cur.execute(
                f"SELECT COUNT(*), MIN({KEY}), MAX({KEY}) FROM {_q(t + '_default')}"  # noqa: S608
            )
            stray, low, high = cur.fetchone()
            if stray and high >= top:
                done.append(
                    f"-- {t}_default keeps {stray} rows (ids {low}-{high}, beyond the partitions"
                    f" that were); the new partitions start at {high + 1}"
                )
                top = high + 1
            cur.execute(f"SELECT COALESCE(MAX({KEY}), 0) FROM {_q(t)}")  # noqa: S608
            max_id = int(cur.fetchone()[0])
            k = len(uppers)
            for upper in bounds(max_id, rows[t], ahead):
                if upper > top:
                    statement = _partition_sql(t, k, top, upper)
                    cur.execute(statement)
                    done.append(statement)
                    top, k = upper, k + 1
    return done
