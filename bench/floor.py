"""The floor of a submission on this stack: how fast could *any* intake design be here?

Not product code. ``bench/bench_submit.py --mode floor`` serves the product with these settings
(``DJANGO_SETTINGS_MODULE=bench.floor_settings``: the product's settings, middleware and URLs, plus two
bench-only endpoints) and POSTs the same form body to each, in one run:

- ``/bench-floor/form/``: the whole request path of a submission with nothing written — CSRF
  check, the real ``CaseForm`` validated against the city's cached lists, a 302. What any
  design pays before it stores anything.
- ``/bench-floor/append/``: the same plus one INSERT of the cleaned form into a one-table queue
  and its COMMIT — a "queued intake" (the worker would register the case later) at its leanest.
- ``/bench-floor/read/<code>/``: the tracking page's one statement (``case_public_state``, the
  case and its weeks) and a constant answer — what any tracking page that reads the case from
  the database pays, before it checks the browser's proof or shows anything
  (``bench/citizen_paths.py --floors``).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import include, path

TABLE = "bench_floor_intake"


def table_ensure() -> None:
    serial = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id {serial} PRIMARY KEY, body TEXT)")


def _valid(request: HttpRequest) -> dict[str, Any] | None:
    from pishkhan.cases.forms import CaseForm

    form = CaseForm(request.POST, request.FILES, municipality=request.municipality)  # type: ignore[attr-defined]
    if not form.is_valid():
        return None
    return {k: getattr(v, "pk", v) for k, v in form.cleaned_data.items() if k != "attachments"}


def form_only(request: HttpRequest) -> HttpResponse:
    data = _valid(request)
    if data is None:
        return HttpResponse("invalid", status=400)
    return HttpResponseRedirect("/track/")


def form_append(request: HttpRequest) -> HttpResponse:
    data = _valid(request)
    if data is None:
        return HttpResponse("invalid", status=400)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (body) VALUES (%s)",  # noqa: S608 — a constant table name
            [json.dumps(data, ensure_ascii=False, default=str)],
        )
    return HttpResponseRedirect("/track/")


def read(request: HttpRequest, code: str) -> HttpResponse:
    from pishkhan.cases.selectors import case_public_state

    state = case_public_state(code=code, municipality_id=request.municipality.pk)  # type: ignore[attr-defined]
    return HttpResponse("found" if state else "none", status=200 if state else 404)


def ok(request: HttpRequest) -> HttpResponse:
    """The trivial view behind the product's whole middleware stack (bench/citizen_paths.py)."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench-floor/ok/", ok),
    path("bench-floor/form/", form_only),
    path("bench-floor/append/", form_append),
    path("bench-floor/read/<str:code>/", read),
    path("", include("pishkhan.urls")),
]
handler403 = "pishkhan.core.views.permission_denied"
handler404 = "pishkhan.core.views.page_not_found"
handler500 = "pishkhan.core.views.server_error"
