"""Page cache for anonymous visitors: per municipality + language + content version.

Publishing an article or approving a comment bumps the municipality's version, so every
cached public page of that city is dropped at once (old keys simply expire). The CSRF
token is never cached: pages are rendered with a marker that is swapped per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.translation import get_language

from pishkhan.core.csrf import csrf_token

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
        and "messages" not in request.COOKIES
        # No session cookie: nobody is signed in (and no session or user is loaded to say so).
        and (
            settings.SESSION_COOKIE_NAME not in request.COOKIES or not request.user.is_authenticated
        )
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
    return _filled(request, status, content, fresh)


def _filled(
    request: HttpRequest,
    status: int,
    content: bytes,
    fresh: dict[str, Callable[[], str]] | None = None,
) -> HttpResponse:
    body = content.replace(CSRF_MARKER.encode(), csrf_token(request).encode())
    for marker, value in (fresh or {}).items():
        body = body.replace(marker.encode(), value().encode())
    out = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    out["Vary"] = "Cookie"
    return out


# Pages cached under the data they show (serve_state): held in the process, newest last.
_by_state: OrderedDict[str, tuple[dt.datetime, bytes]] = OrderedDict()
_by_state_lock = threading.Lock()  # a threaded server (runserver, the tests' live server)
STATE_PAGES_HELD = 2000
STATE_PAGE_MAX = dt.timedelta(minutes=10)


def state_pages_clear() -> None:
    with _by_state_lock:
        _by_state.clear()


def serve_state(
    request: HttpRequest,
    name: str,
    state: object,
    render: Callable[[], tuple[HttpResponse, dt.datetime]],
) -> HttpResponse:
    """Serve a page cached under ``state``: everything the page shows, as read from the
    database (its ``repr`` is hashed). Nothing has to invalidate it — a change to what it
    shows is a new state, hence a new page. What moves with time alone (a countdown, the step
    a week is in) is ``render``'s to bound: it returns the page and the moment it stops being
    true; it renders ``CSRF_MARKER`` as the token. Anonymous GETs only (a signed-in visitor or a
    flash message gets a fresh page); the CSRF token is filled in per request. Held in the process
    (a dictionary look-up, no pickling; the key holds the data, so processes cannot disagree).

    A returning browser's copy is confirmed with 304 Not Modified (``ETag``: the state, the
    CSRF cookie its token belongs to, and when the page stops being true): a phone on a weak
    signal downloads the page again only when it changed."""
    if not _cacheable(request):  # rendered afresh, with the marker filled in all the same
        response, _until = render()
        if response.status_code != 200 or response.streaming:
            return response
        return _private(_filled(request, 200, response.content))
    municipality = getattr(request, "municipality", None)
    digest = hashlib.blake2b(repr(state).encode(), digest_size=20).hexdigest()
    key = f"{name}:{getattr(municipality, 'pk', 0)}:{get_language()}:{digest}"
    now = timezone.now()
    # The browser's copy holds its own CSRF token: it is still good while the CSRF cookie is
    # the same, the data the same, and the moment it stops being true not yet come.
    validator = hashlib.blake2b(
        f"{key}:{request.COOKIES.get(settings.CSRF_COOKIE_NAME, '')}".encode(), digest_size=16
    ).hexdigest()
    # From META: ``request.headers`` would copy every header of the request first (4 µs).
    held = _ETAG.fullmatch(request.META.get("HTTP_IF_NONE_MATCH", "").strip())
    if held and held["v"] == validator and now.timestamp() < int(held["until"]):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = held[0]
        not_modified["Vary"] = "Cookie"
        return _private(not_modified)
    with _by_state_lock:
        hit = _by_state.get(key)
        if hit is not None and now >= hit[0]:
            hit = None  # held past the moment it stopped being true
        if hit is not None:
            _by_state.move_to_end(key)
    if hit is not None:
        until, content = hit
    else:
        response, until = render()
        if response.status_code != 200 or response.streaming:
            return response
        until, content = min(until, now + STATE_PAGE_MAX), response.content
        with _by_state_lock:
            _by_state[key] = (until, content)
            _by_state.move_to_end(key)
            while len(_by_state) > STATE_PAGES_HELD:
                _by_state.popitem(last=False)
    out = _private(_filled(request, 200, content))
    out["ETag"] = f'"{validator}-{int(until.timestamp())}"'
    return out


_ETAG = re.compile(r'(?:W/)?"(?P<v>[0-9a-f]{32})-(?P<until>[0-9]{1,12})"')


def _private(response: HttpResponse) -> HttpResponse:
    """A person's own page: kept by no shared cache, asked again by the browser each time."""
    response["Cache-Control"] = "private, no-cache"
    return response
