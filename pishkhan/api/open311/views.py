"""Open311 GeoReport v2 (see docs/OPEN311.md): thin views over cases.services and our selectors.

Every answer, errors included, is in the format of the URL's suffix; never an HTML page.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.throttling import SimpleRateThrottle

from pishkhan.accounts.models import ApiClient, Municipality
from pishkhan.accounts.services import api_client_for_key
from pishkhan.api.open311 import present, selectors
from pishkhan.api.open311.media import media_fetch
from pishkhan.api.open311.render import Doc, errors_doc, render, w3c
from pishkhan.cases import services as case_services
from pishkhan.cases.geo import city_contains
from pishkhan.cases.models import Case, ServiceType
from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.core.middleware import is_database_unavailable

logger = logging.getLogger("pishkhan")

SPEC = "http://wiki.open311.org/GeoReport_v2"
SPEC_EXTENSIONS = "http://wiki.open311.org/GeoReport_v2/Extensions/"
MAX_SPAN = dt.timedelta(days=90)
MAX_REQUESTS = 1000
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
MEDIA_FIELDS = re.compile(r"^(media|photo\d*|file_.*)$")
# Statuses FixMyStreet posts with an update (OPEN/CLOSED by default; the rest with its
# extended_statuses option).
UPDATE_STATUSES = frozenset(
    {
        "OPEN",
        "CLOSED",
        "FIXED",
        "IN_PROGRESS",
        "ACTION_SCHEDULED",
        "INVESTIGATING",
        "DUPLICATE",
        "NOT_COUNCILS_RESPONSIBILITY",
        "NO_FURTHER_ACTION",
        "INTERNAL_REFERRAL",
        "REOPEN",
    }
)


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = descriptions


class Open311Throttle(SimpleRateThrottle):
    """Per application (api_key prefix) for writes, per address for reads."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = getattr(request, "open311_client_ident", None) or self.get_ident(request)
        return f"throttle_{self.scope}_{ident}"

    def allows(self, request: HttpRequest) -> bool:
        return self.allow_request(request, None)  # type: ignore[arg-type]


View = Callable[..., Doc]


def open311_view(
    *methods: str, throttle: str = "open311_read"
) -> Callable[[View], Callable[..., HttpResponse]]:
    def decorator(view: View) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            allowed = (*methods, *(["HEAD"] if "GET" in methods else []), "OPTIONS")
            if request.method == "OPTIONS":  # a browser's CORS preflight
                return cors(HttpResponse(status=204), allowed)
            head = request.method == "HEAD" and "GET" in methods
            if head:
                request.method = "GET"  # answered as GET, sent without its body
            try:
                if request.method not in methods:
                    raise Open311Error(405, f"Method {request.method} not allowed here.")
                _decode_form(request)
                municipality = _jurisdiction(request)
                if request.method != "POST" and not Open311Throttle(throttle).allows(request):
                    raise Open311Error(429, "Too many requests; slow down.")
                doc = view(request, municipality, *args, **kwargs)
            except Open311Error as exc:
                doc = errors_doc(exc.status, *exc.descriptions)
            except ValidationError as exc:
                doc = errors_doc(400, *_validation_messages(exc))
            except PermissionDeniedError as exc:
                doc = errors_doc(403, exc.message)
            except ApplicationError as exc:
                doc = errors_doc(400, exc.message)
            except (BadRequest, SuspiciousOperation) as exc:  # body too big, too many fields…
                doc = errors_doc(400, f"Bad request: {exc}")
            except Exception as exc:
                if is_database_unavailable(exc):  # an outage, not a bug: come back later
                    logger.error("open311: database unavailable: %s", exc)
                    doc = errors_doc(503, "Service temporarily unavailable; try again shortly.")
                else:
                    logger.exception("open311 error", extra={"path": request.path})
                    doc = errors_doc(500, "Internal error; the request was not processed.")
            response = render(doc, fmt)
            if doc.root == "discovery":
                # The SeeClickFix validator wants the bare type here (XML declares its encoding
                # in the prolog; JSON is UTF-8 by definition).
                response["Content-Type"] = "text/xml" if fmt == "xml" else "application/json"
            if doc.status == 405:
                response["Allow"] = ", ".join(allowed)
            if doc.status == 503:
                response["Retry-After"] = "30"
            if head:
                response["Content-Length"] = str(len(response.content))
                response.content = b""
            return cors(response, allowed)

        return wrapped

    return decorator


def cors(response: HttpResponse, methods: tuple[str, ...]) -> HttpResponse:
    """Browser apps on other origins may call us: no cookies are involved (the api_key is a
    parameter), so any origin is allowed."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = ", ".join(methods)
    response["Access-Control-Allow-Headers"] = "Content-Type, Idempotency-Key"
    response["Access-Control-Max-Age"] = "86400"
    if response.status_code == 204:
        response["Allow"] = ", ".join(methods)
    return response


def _decode_form(request: HttpRequest) -> None:
    """A form posted in another charset (``windows-1256`` from older Persian software): Django
    reads only UTF-8 forms, so decode it here; an unknown charset is a 400."""
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return
    charset = (request.content_params or {}).get("charset", "").strip().strip('"')
    if not charset:
        return
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        raise Open311Error(400, f"charset {charset!r} is unknown; send UTF-8.") from None
    if name == "utf-8":
        return
    try:
        text = request.body.decode(name)
        pairs = parse_qsl(text, keep_blank_values=True, encoding=name, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise Open311Error(400, f"The form is not valid {charset}; send UTF-8.") from None
    form = QueryDict(mutable=True)
    for key, value in pairs:
        form.appendlist(key, value)
    form._mutable = False
    request._post = form  # type: ignore[attr-defined]
    request._files = MultiValueDict()  # type: ignore[attr-defined]


def _param(request: HttpRequest, name: str) -> str:
    """A parameter from the body or the query string; empty means absent."""
    value = request.POST.get(name) if request.method == "POST" else None
    if not value:
        value = request.GET.get(name)
    return (value or "").strip()


def _jurisdiction(request: HttpRequest) -> Municipality:
    municipality: Municipality | None = getattr(request, "municipality", None)
    wanted = _param(request, "jurisdiction_id").lower()
    if municipality is None:
        raise Open311Error(404, "jurisdiction_id not found.")
    if wanted and wanted not in {municipality.slug.lower(), *municipality.host_list()}:
        raise Open311Error(404, f"jurisdiction_id {wanted!r} not found.")
    return municipality


# Our field names → the Open311 parameter the client sent.
FIELD_NAMES = {
    "citizen_name": "first_name",
    "citizen_mobile": "phone",
    "citizen_email": "email",
    "location": "lat/long",
    "district": "lat/long",
    "files": "media",
    "service": "service_code",
    "media_url": "media_url",
}


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{FIELD_NAMES.get(field, field)}: {msg}"
            for field, msgs in exc.message_dict.items()
            for msg in msgs
        ]
    return list(exc.messages)


def _csv(request: HttpRequest, name: str) -> list[str]:
    return [part.strip() for part in _param(request, name).split(",") if part.strip()]


def parse_w3c(value: str, name: str, *, end: bool = False) -> dt.datetime:
    """Lenient W3C date/datetime; a missing zone means Tehran; a bare date is the day's
    start/end."""
    value = value.strip().replace(" ", "+") if "T" in value else value.strip()
    parsed = parse_datetime(value) if "T" in value else None
    if parsed is None and "T" not in value:
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is not None:
            parsed = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if parsed is None:
        raise Open311Error(400, f"{name}: not a W3C datetime (e.g. 2026-01-01T00:00:00+03:30).")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _int(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = _param(request, name)
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise Open311Error(400, f"{name}: must be a positive integer.")
    return min(int(raw), maximum)


def _window(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    """start_date/end_date; default and maximum span 90 days (spec)."""
    raw_start, raw_end = _param(request, "start_date"), _param(request, "end_date")
    start = parse_w3c(raw_start, "start_date") if raw_start else None
    end = parse_w3c(raw_end, "end_date", end=True) if raw_end else None
    if start and end:
        if end < start:
            raise Open311Error(400, "end_date is before start_date.")
        if end - start > MAX_SPAN:
            raise Open311Error(400, "start_date to end_date may not span more than 90 days.")
        return start, end
    if start:
        return start, start + MAX_SPAN
    end = end or timezone.now()
    return end - MAX_SPAN, end


# ---- endpoints ------------------------------------------------------------------------------


# Rules we add to the spec (see docs/API.md); also told in discovery and service definitions.
RULES = [
    "description: at least 10 letters (Persian or Latin); at most 5,000.",
    "contact: email or phone (an Iranian mobile, 09xxxxxxxxx) so we can answer; "
    "a key marked trusted relay may send neither.",
    "location: lat/long inside the municipality; address_string alone must name "  # data:
    "the district (e.g. 'منطقه 2') or one of its streets.",
    "media_url: an http(s) link to a photo; we keep the link.",
]


@open311_view("GET")
def discovery(request: HttpRequest, municipality: Municipality) -> Doc:
    services = list(selectors.service_list(municipality=municipality))
    changed = max((s.updated_at for s in services), default=None)
    changeset = w3c(changed) or "2026-01-01T00:00:00+03:30"
    url = request.build_absolute_uri("/open311/v2").rstrip("/")
    formats = ["text/xml", "application/json"]
    return Doc(
        "discovery",
        {
            "changeset": changeset,
            "contact": _("%(city)s — تلفن %(phone)s")
            % {"city": municipality.name, "phone": municipality.phone},
            "key_service": _(
                "کلید API را مدیر سامانهٔ شهرداری صادر می‌کند "
                "(python manage.py open311_key create APP-NAME)."
            ),
            # Two entries (the spec and mySociety's extensions we serve at the same URL): a
            # single <endpoint> reads as an object, not a list, in XML-to-hash validators.
            "endpoints": [
                {
                    "specification": SPEC,
                    "url": url,
                    "changeset": changeset,
                    "type": "production",
                    "formats": formats,
                },
                {
                    "specification": SPEC_EXTENSIONS,
                    "url": url,
                    "changeset": changeset,
                    "type": "production",
                    "formats": formats,
                },
            ],
            "max_requests": MAX_REQUESTS,
            "requirements": RULES,
        },
    )


@open311_view("GET")
def service_list(request: HttpRequest, municipality: Municipality) -> Doc:
    services = selectors.service_list(municipality=municipality)
    return Doc("services", [present.service_dict(s) for s in services], "service")


@open311_view("GET")
def service_definition(request: HttpRequest, municipality: Municipality, code: str) -> Doc:
    service = selectors.service_get(municipality=municipality, code=code)
    if service is None:
        raise Open311Error(404, f"service_code {code!r} not found.")
    return Doc("service_definition", present.definition_dict(service, RULES))


def _attributes(request: HttpRequest) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key in request.POST:
        match = ATTRIBUTE_RE.match(key)
        if not match:
            continue
        values = [v.strip() for v in request.POST.getlist(key)]
        code = match.group(1)
        if match.group(2) or len(values) > 1:
            result[code] = (
                [*result.get(code, []), *values] if isinstance(result.get(code), list) else values
            )
        else:
            result[code] = values[0]
    return result


def _check_list_values(service: ServiceType, attributes: dict[str, Any]) -> None:
    """singlevaluelist / multivaluelist answers must be keys of the definition's values."""
    problems = []
    for attr in present.attribute_dicts(service):
        if attr["datatype"] not in present.LIST_TYPES or attr["code"] not in attributes:
            continue
        given = attributes[attr["code"]]
        chosen = given if isinstance(given, list) else [given]
        if attr["datatype"] == "singlevaluelist" and len(chosen) > 1:
            problems.append(f"attribute[{attr['code']}]: one value only.")
        keys = {v["key"] for v in attr["values"]}
        bad = [v for v in chosen if v and v not in keys]
        if bad:
            problems.append(
                f"attribute[{attr['code']}]: {', '.join(bad)} is not one of "
                f"{', '.join(sorted(keys))}."
            )
    if problems:
        raise Open311Error(400, *problems)


def _client(request: HttpRequest, municipality: Municipality) -> ApiClient:
    client = api_client_for_key(key=_param(request, "api_key"))
    if client is None or client.municipality_id != municipality.pk:
        raise Open311Error(403, "Missing or invalid api_key.")
    return client


def _float(request: HttpRequest, name: str) -> float | None:
    raw = _param(request, name)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Open311Error(400, f"{name}: not a number.") from None


@open311_view("GET", "POST")
def requests(request: HttpRequest, municipality: Municipality) -> Doc:
    if request.method == "POST":
        return _create(request, municipality)
    history = _param(request, "extensions").lower() in ("true", "1", "yes")
    codes = _csv(request, "service_request_id")
    if codes:
        cases = selectors.request_list_by_ids(
            municipality=municipality, codes=codes, limit=MAX_REQUESTS
        )
        if history:
            selectors.history_of(cases)
    else:
        statuses = [s.lower() for s in _csv(request, "status")]
        bad = [s for s in statuses if s not in ("open", "closed")]
        if bad:
            raise Open311Error(400, "status: use open, closed or both (comma separated).")
        after, before = _param(request, "updated_after"), _param(request, "updated_before")
        updated_after = parse_w3c(after, "updated_after") if after else None
        updated_before = parse_w3c(before, "updated_before", end=True) if before else None
        if updated_after and updated_before and updated_before < updated_after:
            raise Open311Error(400, "updated_before is before updated_after.")
        incremental = updated_after is not None or updated_before is not None
        has_window = _param(request, "start_date") or _param(request, "end_date")
        start, end = _window(request) if has_window or not incremental else (None, None)
        page = _int(request, "page", 1, 1_000_000)
        size = _int(request, "page_size", MAX_REQUESTS, MAX_REQUESTS)
        cases = selectors.request_list(
            municipality=municipality,
            service_codes=_csv(request, "service_code"),
            statuses=statuses,
            start=start,
            end=end,
            updated_after=updated_after,
            updated_before=updated_before,
            offset=(page - 1) * size,
            limit=size,
            history=history,
        )
    if history:
        body = [present.extended_request_dict(c, c.public_events) for c in cases]  # type: ignore[attr-defined]
    else:
        body = [present.request_dict(c) for c in cases]
    return Doc("service_requests", body, "request")


def _create(request: HttpRequest, municipality: Municipality) -> Doc:
    client = _client(request, municipality)
    request.open311_client_ident = f"client{client.pk}"  # type: ignore[attr-defined]
    if not Open311Throttle("open311_write").allows(request):
        raise Open311Error(429, "Too many requests for this api_key; slow down.")
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, "service_code is required.")
    service = selectors.service_get(municipality=municipality, code=code)
    if service is None:
        raise Open311Error(404, f"service_code {code!r} not found.")
    lat, lon = _float(request, "lat"), _float(request, "long")
    address = _param(request, "address_string") or _param(request, "address_id")
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long must be sent together.")
    if lat is None and not address:
        raise Open311Error(400, "A location is required: lat and long, or address_string.")
    name = f"{_param(request, 'first_name')} {_param(request, 'last_name').strip('-')}".strip()
    files = [
        f for key in request.FILES if MEDIA_FIELDS.match(key) for f in request.FILES.getlist(key)
    ]
    if lat is not None and lon is not None and not city_contains(municipality, lat, lon):
        raise Open311Error(
            400,
            f"lat/long: the point ({lat}, {lon}) is outside "
            f"{municipality.name_en or municipality.name}"
            " (0,0 means no GPS fix); send a point in the city or only address_string.",
        )
    district = selectors.district_for(municipality=municipality, lat=lat, lon=lon, address=address)
    if district is None:
        raise Open311Error(
            400,
            "address_string: name the district (e.g. «منطقه 2») or one of its streets, "  # data:
            "or send lat/long; the address alone does not tell the district.",
        )
    attributes = _attributes(request)
    _check_list_values(service, attributes)
    media_url = _media_url(request)
    if media_url and settings.OPEN311_FETCH_MEDIA and len(files) < case_services.MAX_FILES:
        fetched = media_fetch(media_url)
        if fetched is not None:
            files.append(fetched)
    idempotency = request.headers.get("Idempotency-Key", "").strip()[:40]
    case: Case = case_services.case_submit(
        municipality=municipality,
        channel=Case.Channel.OPEN311,
        citizen_name=name or f"کاربر {client.name}",  # record: stored name
        citizen_mobile=_param(request, "phone"),
        citizen_email=_param(request, "email"),
        media_url=media_url,
        service=service,
        description=_param(request, "description"),
        address=address,
        lat=lat,
        lon=lon,
        district=district,
        attributes=attributes,
        files=files,
        idempotency_key=f"o311-{client.pk}-{idempotency}" if idempotency else None,
        api_client=client,
        external_ref=_param(request, "account_id")[:100],
    )
    return Doc(
        "service_requests",
        [
            {
                "service_request_id": case.tracking_code,
                "service_notice": present.service_notice(case),
                "account_id": _param(request, "account_id") or None,
            }
        ],
        "request",
    )


def _media_url(request: HttpRequest) -> str:
    """The first photo link (FixMyStreet repeats media_url when it has several photos)."""
    given = [*request.POST.getlist("media_url"), *request.GET.getlist("media_url")]
    return next((url.strip() for url in given if url.strip()), "")


@open311_view("GET")
def request_detail(request: HttpRequest, municipality: Municipality, code: str) -> Doc:
    case = selectors.request_get(municipality=municipality, code=code)
    if case is None:
        raise Open311Error(404, f"service_request_id {code!r} not found.")
    if _param(request, "extensions").lower() in ("true", "1", "yes"):
        selectors.history_of([case])
        body = present.extended_request_dict(case, case.public_events)  # type: ignore[attr-defined]
        return Doc("service_requests", [body], "request")
    return Doc("service_requests", [present.request_dict(case)], "request")


@open311_view("GET")
def token(request: HttpRequest, municipality: Municipality, token: str) -> Doc:
    """All our services are ``realtime``: POST answers with the id, so no token ever exists."""
    raise Open311Error(
        404, f"token {token!r} not found: services are realtime, use service_request_id."
    )


@open311_view("GET", "POST")
def request_updates(request: HttpRequest, municipality: Municipality) -> Doc:
    if request.method == "POST":
        return _post_update(request, municipality)
    start, end = _window(request)
    events = selectors.update_list(
        municipality=municipality, start=start, end=end, limit=MAX_REQUESTS
    )
    return Doc(
        "service_request_updates", [present.update_dict(e) for e in events], "request_update"
    )


def _post_update(request: HttpRequest, municipality: Municipality) -> Doc:
    """mySociety's POST servicerequestupdates: a citizen's update relayed by the app that filed
    the request (FixMyStreet sends its comments here)."""
    client = _client(request, municipality)
    request.open311_client_ident = f"client{client.pk}"  # type: ignore[attr-defined]
    if not Open311Throttle("open311_write").allows(request):
        raise Open311Error(429, "Too many requests for this api_key; slow down.")
    missing = [
        name
        for name in ("service_request_id", "update_id", "status", "updated_datetime")
        if not _param(request, name)
    ]
    if missing:
        raise Open311Error(400, *(f"{name} is required." for name in missing))
    status = _param(request, "status").upper()
    if status not in UPDATE_STATUSES:
        raise Open311Error(400, f"status: one of {', '.join(sorted(UPDATE_STATUSES))}.")
    parse_w3c(_param(request, "updated_datetime"), "updated_datetime")
    code = _param(request, "service_request_id")
    case = selectors.request_get(municipality=municipality, code=code)
    if case is None:
        raise Open311Error(404, f"service_request_id {code!r} not found.")
    update = case_services.case_app_update(
        case=case,
        api_client=client,
        update_id=_param(request, "update_id"),
        status=status,
        text=_param(request, "description"),
        email=_param(request, "email"),
        mobile=_param(request, "phone"),
        name=f"{_param(request, 'first_name')} {_param(request, 'last_name').strip('-')}".strip(),
        media_url=_media_url(request),
    )
    return Doc(
        "service_request_updates",
        [
            {
                "update_id": str(update.event_id or f"u{update.pk}"),
                "account_id": _param(request, "account_id") or None,
            }
        ],
        "request_update",
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /open311/v2/: a 404 in the suffix's format (XML by default)."""
    fmt = "json" if rest.endswith(".json") else "xml"
    response = render(
        errors_doc(404, "Not found: unknown resource or format (.xml or .json)."), fmt
    )
    return cors(response, ("GET", "HEAD", "POST", "OPTIONS"))
