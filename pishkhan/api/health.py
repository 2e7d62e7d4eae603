from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from pishkhan.notify.selectors import worker_heartbeat_age


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and a worker wrote its heartbeat within
    WORKER_STALE_SECONDS; 503 otherwise, the JSON saying why (no SMS goes out without one).
    One query answers both: the heartbeat read also proves the database."""
    try:
        age = worker_heartbeat_age()
    except Exception as exc:  # noqa: BLE001
        return JsonResponse(
            {"status": "error", "database": "unreachable", "error": str(exc)[:200]}, status=503
        )
    seconds = round(age.total_seconds()) if age is not None else None
    limit = settings.WORKER_STALE_SECONDS
    if seconds is None:
        worker, reason = "missing", "no worker has ever reported: start `manage.py worker`"
    elif seconds > limit:
        worker, reason = "stale", f"the worker's last heartbeat is {seconds}s old (limit {limit}s)"
    else:
        worker, reason = "ok", ""
    body: dict[str, object] = {
        "status": "ok" if worker == "ok" else "unhealthy",
        "database": "ok",
        "worker": worker,
        "worker_heartbeat_age": seconds,
        "worker_stale_after": limit,
    }
    if reason:
        body["reason"] = reason
    return JsonResponse(body, status=200 if worker == "ok" else 503)
