from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from pishkhan.notify.models import WorkerHeartbeat

_TABLE = WorkerHeartbeat._meta.db_table
_HEARTBEAT_SQL = f"SELECT at FROM {_TABLE} WHERE name = %s"  # noqa: S608
_FRESHEST_SQL = f"SELECT MAX(at) FROM {_TABLE}"  # noqa: S608


def worker_heartbeat_at(*, name: str | None = None) -> dt.datetime | None:
    """When the named worker (by default: the freshest of all workers, which systemd names
    after the host) last beat (None: never). One plain query: ``/healthz`` asks this, and
    building the ORM query cost more than the rest of the request."""
    with connection.cursor() as cursor:
        if name is None:
            cursor.execute(_FRESHEST_SQL)
        else:
            cursor.execute(_HEARTBEAT_SQL, [name])
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    value: dt.datetime | str = row[0]
    # SQLite hands the column back as text
    at = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.make_aware(at, dt.UTC) if timezone.is_naive(at) else at
