"""Persian error pages (plain templates, no context processors that might fail)."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template.loader import render_to_string

from pishkhan.core.middleware import database_unavailable_response, is_database_unavailable


def _page(name: str, status: int, context: dict[str, object] | None = None) -> HttpResponse:
    return HttpResponse(render_to_string(name, context), status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (sent from an old page, or without the cookie): Persian,
    saying that nothing was saved and what to do (``settings.CSRF_FAILURE_VIEW``; Django's own
    view gives its template no context to tell the two apart)."""
    return _page("403_csrf.html", 403, {"no_cookie": reason == REASON_NO_CSRF_COOKIE})


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
