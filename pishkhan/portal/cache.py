"""Page cache for anonymous visitors: per municipality + language + content version.

Publishing an article or approving a comment bumps the municipality's version, so every
cached public page of that city is dropped at once (old keys simply expire). The CSRF
token is never cached: pages are rendered with a marker that is swapped per request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CSRF_MARKER = "__PISHKHAN_CSRF__"


def version(municipality_id: int) -> int:
    key = f"portal:ver:{municipality_id}"
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, None)
        value = cache.get(key) or 1
    return int(value)


def invalidate(municipality_id: int) -> None:
    """Drop every cached public page of this municipality (called on commit of a change)."""
    key = f"portal:ver:{municipality_id}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, None)


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def serve(
    request: HttpRequest,
    name: str,
    render: Callable[[], HttpResponse],
    *,
    seconds: int = 0,
    fresh: dict[str, Callable[[], str]] | None = None,
) -> HttpResponse:
    """Serve ``render()`` from the cache for anonymous GETs; always fill in a fresh CSRF token
    and a fresh value for every marker of ``fresh`` (e.g. a form's idempotency key)."""
    municipality = getattr(request, "municipality", None)
    mid = municipality.pk if municipality else 0
    key = None
    content = b""
    status = 0
    if _cacheable(request):
        key = f"portal:page:{mid}:{version(mid)}:{get_language()}:{name}"
        hit = cache.get(key)
        if hit is not None:
            status, content = hit
    if not status:
        response = render()
        if response.status_code not in (200, 404) or response.streaming:
            return response
        status, content = response.status_code, response.content
        if key is not None:
            cache.set(key, (status, content), seconds or settings.PUBLIC_CACHE_SECONDS)
    body = content.replace(CSRF_MARKER.encode(), get_token(request).encode())
    for marker, value in (fresh or {}).items():
        body = body.replace(marker.encode(), value().encode())
    out = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    out["Vary"] = "Cookie"
    return out
