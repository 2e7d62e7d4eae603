"""Persian error pages (plain templates, no context processors that might fail)."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from pishkhan.core.middleware import database_unavailable_response, is_database_unavailable


def _page(name: str, status: int) -> HttpResponse:
    return HttpResponse(render_to_string(name), status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # A database outage that struck inside a middleware (session, user, city look-up) never
    # reaches DatabaseUnavailableMiddleware.process_exception: answer it here, as a 503.
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        assert exception is not None  # noqa: S101 — for the type checker
        return database_unavailable_response(request, exception)
    return _page("500.html", 500)
