"""Persian error pages (plain templates, no context processors that might fail)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(name: str, status: int) -> HttpResponse:
    return HttpResponse(render_to_string(name), status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _page("500.html", 500)
