from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from pishkhan.notify.selectors import worker_heartbeat_age


def healthz(request: HttpRequest) -> JsonResponse:
    """Database reachable and the worker's heartbeat age (seconds): one query answers both."""
    try:
        age = worker_heartbeat_age()
    except Exception as exc:  # noqa: BLE001
        return JsonResponse(
            {"status": "error", "database": "unreachable", "error": str(exc)[:200]}, status=503
        )
    seconds = round(age.total_seconds()) if age is not None else None
    worker_ok = seconds is not None and seconds < 300
    return JsonResponse(
        {
            "status": "ok" if worker_ok else "degraded",
            "database": "ok",
            "worker_heartbeat_age": seconds,
        },
        status=200,
    )
