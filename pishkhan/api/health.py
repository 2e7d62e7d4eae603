from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

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


class HealthProbeMiddleware:
    """Answers ``GET /healthz`` first, before the rest of the stack.

    A load balancer's or systemd's probe carries no session, language, CSRF cookie or user, and
    needs none of the work the stack does for a person (about 120 µs of a ~160 µs probe). It
    also comes over plain HTTP to the machine's own address: after the stack's HTTPS redirect
    and host check it would get a 301 or a 400 instead of the answer. The probe's answer is the
    same view, with the one query that proves the database and the worker."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            response = healthz(request)
            response["Cache-Control"] = "no-store"
            response["X-Content-Type-Options"] = "nosniff"
            return response
        return self.get_response(request)
