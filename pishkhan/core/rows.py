"""One new row, written with a statement built once per model: ``row_insert(obj)``.

``Model.save()`` builds its INSERT anew each time — for a wide model most of the cost of a
write once the database is fast (a submission writes three rows, #19). ``row_insert`` does what
``obj.save(force_insert=True)`` does for a plain new instance — each field's ``pre_save``
(``auto_now_add``, defaults already set on the instance) and ``get_db_prep_save``, one INSERT,
the new primary key set on ``obj`` — with the statement's text kept per model and database
(SQLite ≥ 3.35 and PostgreSQL: ``RETURNING``).
It sends no ``pre_save``/``post_save`` signals: the project has none (STYLE: no logic in
signals), and ``cases/tests/test_rows.py`` fails if one is connected for a model written here.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.db.models.constants import OnConflict

_STATEMENTS: dict[tuple[type[Model], str, bool], tuple[str, list[Any]]] = {}


def _statement(model: type[Model], alias: str, ignore: bool) -> tuple[str, list[Any]]:
    key = (model, alias, ignore)
    found = _STATEMENTS.get(key)
    if found is None:
        ops = connections[alias].ops
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.pk or not meta.auto_field]
        columns = ", ".join(ops.quote_name(str(f.column)) for f in fields)
        values = ", ".join(["%s"] * len(fields))
        conflict = OnConflict.IGNORE if ignore else None
        sql = " ".join(
            part
            for part in (
                ops.insert_statement(on_conflict=conflict),
                f"{ops.quote_name(meta.db_table)} ({columns}) VALUES ({values})",
                ops.on_conflict_suffix_sql(fields, conflict, None, None),  # type: ignore[arg-type]
                # The new key, for a row that is surely written (an ignored one may not be).
                ""
                if ignore or meta.auto_field is None
                else f"RETURNING {ops.quote_name(str(meta.auto_field.column))}",
            )
            if part
        )
        found = _STATEMENTS[key] = (sql, fields)
    return found


def _insert(obj: Model, *, ignore: bool) -> int:
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    sql, fields = _statement(model, alias, ignore)
    params = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):  # pragma: no cover — a database default
            raise TypeError(f"row_insert: {model.__name__}.{field.name} is an expression")
        params.append(field.get_db_prep_save(value, connection=connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = int(cursor.rowcount)
        if not ignore and model._meta.auto_field is not None:
            setattr(obj, model._meta.auto_field.attname, cursor.fetchone()[0])
            written = 1
    if written:
        obj._state.adding = False
        obj._state.db = alias
    return written


def row_insert(obj: Model) -> Model:
    """INSERT ``obj`` (a new instance, every related object already saved); returns it with its
    new primary key, as ``obj.save(force_insert=True)`` would."""
    _insert(obj, ignore=False)
    return obj


def row_insert_new(obj: Model) -> bool:
    """INSERT ``obj`` unless a unique key already holds such a row (``ON CONFLICT DO NOTHING``,
    as ``bulk_create(ignore_conflicts=True)``; the primary key is not read back). Whether it was
    written."""
    return _insert(obj, ignore=True) > 0
