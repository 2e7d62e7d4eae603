from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pishkhan.notify.models import WorkerHeartbeat


def worker_heartbeat_age(*, name: str = "worker") -> dt.timedelta | None:
    beat = WorkerHeartbeat.objects.filter(name=name).first()
    return timezone.now() - beat.at if beat else None
