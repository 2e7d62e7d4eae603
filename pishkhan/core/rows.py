"""One new row, written with a statement built once per model: ``row_insert(obj)``.

``Model.save()`` builds its INSERT anew each time — for a wide model most of the cost of a
write once the database is fast (a submission writes three rows, #19). ``row_insert`` does what
``obj.save(force_insert=True)`` does for a plain new instance — each field's ``pre_save``
(``auto_now_add``, defaults already set on the instance) and ``get_db_prep_save``, one INSERT,
the new primary key set on ``obj`` — with the statement's text kept per model and database.
It sends no ``pre_save``/``post_save`` signals: the project has none (STYLE: no logic in
signals), and ``core/tests/test_rows.py`` fails if one is connected for a model it writes.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, router
from django.db.models import Model

_STATEMENTS: dict[tuple[type[Model], str], tuple[str, list[Any]]] = {}


def _statement(model: type[Model], alias: str) -> tuple[str, list[Any]]:
    key = (model, alias)
    found = _STATEMENTS.get(key)
    if found is None:
        connection = connections[alias]
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if f is not meta.pk or not meta.auto_field]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in fields)
        values = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608 — names from the model
        if meta.auto_field is not None:
            sql += f" RETURNING {quote(str(meta.auto_field.column))}"
        found = _STATEMENTS[key] = (sql, fields)
    return found


def row_insert(obj: Model) -> Model:
    """INSERT ``obj`` (a new instance, every related object already saved); returns it."""
    model = type(obj)
    alias = router.db_for_write(model, instance=obj)
    connection = connections[alias]
    if not connection.features.can_return_columns_from_insert:  # pragma: no cover
        obj.save(force_insert=True, using=alias)
        return obj
    sql, fields = _statement(model, alias)
    params = []
    for field in fields:
        value = field.pre_save(obj, True)
        if hasattr(value, "resolve_expression"):  # a database default or expression: the ORM
            obj.save(force_insert=True, using=alias)
            return obj
        params.append(field.get_db_prep_save(value, connection=connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if model._meta.auto_field is not None:
            setattr(obj, model._meta.auto_field.attname, cursor.fetchone()[0])
    obj._state.adding = False
    obj._state.db = alias
    return obj
