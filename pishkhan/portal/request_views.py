"""Public request pages: submit, receipt, tracking, the citizen's answer/verdict, SMS reply
codes."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from pishkhan.accounts.models import Municipality
from pishkhan.cases.forms import CaseForm
from pishkhan.cases.models import Case, ServiceType
from pishkhan.cases.promise import promise_of
from pishkhan.cases.selectors import (
    case_followed_by_mobile,
    case_get_by_code,
    case_public_state,
    case_public_timeline,
    service_choices,
)
from pishkhan.cases.services import (
    case_citizen_verdict,
    case_late_objection_answer,
    case_provide_info,
    case_submit,
)
from pishkhan.cases.tracking import tracking_code_is_valid, tracking_code_normalize
from pishkhan.cases.transitions import PUBLIC_PHASES
from pishkhan.core.errors import ApplicationError
from pishkhan.core.jalali import TEHRAN, combine
from pishkhan.core.ratelimit import client_ip, rate_limited
from pishkhan.core.signed import signed_cookie
from pishkhan.core.text import clean_input, to_ascii_digits
from pishkhan.core.validators import normalize_mobile
from pishkhan.cycle.schedule import week_times_of
from pishkhan.directives.services import CITIZEN_DONE, CITIZEN_NOT_DONE, directive_citizen_reply
from pishkhan.portal.cache import CSRF_MARKER, serve, serve_state

KEY_MARKER = "__PISHKHAN_SUBMIT_KEY__"
# The codes this browser submitted, and those it proved (code + last digits of the mobile),
# up to 10 each, in signed cookies: the receipt and the case's timeline are theirs alone, and a
# citizen never causes a session row to be written.
RECEIPTS = "pishkhan_receipts"
TRACKED = "pishkhan_tracked"
NOT_FOUND = gettext_lazy("درخواستی با این کد رهگیری و شمارهٔ همراه پیدا نشد.")


def _municipality(request: HttpRequest) -> Municipality:
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        raise Http404
    return municipality


def week_info(
    case: Case, municipality: Municipality, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The case's week: when intake closes, visits, the meeting, dispatch (and where we are now)."""
    now = now or timezone.now()
    start = case.week_start
    week = week_times_of(municipality, start)
    times = {
        "intake_close": week.intake_closes_at,
        "visits": week.visits_start_at,
        "meeting": week.meeting_at,
        "dispatch": week.dispatch_at,
    }
    steps = [
        ("intake", gettext("پذیرش و بررسی مدیر منطقه"), combine(start, dt.time.min)),
        ("visits", gettext("بازدید میدانی مدیران ارشد"), times["visits"]),
        ("meeting", gettext("جلسهٔ پیشخوان خدمت و تصمیم‌گیری"), times["meeting"]),
        ("dispatch", gettext("ابلاغ تصمیم به واحد مسئول"), times["dispatch"]),
    ]
    current = 0
    for i, (_key, _label, at) in enumerate(steps):
        if now >= at:
            current = i
    clock = [
        {"key": key, "label": label, "at": at, "state": _state(i, current)}
        for i, (key, label, at) in enumerate(steps)
    ]
    nxt = clock[current + 1] if current + 1 < len(clock) else None
    return {"start": start, **times, "clock": clock, "current": clock[current], "next": nxt}


def _state(i: int, current: int) -> str:
    return "done" if i < current else "current" if i == current else "todo"


# ---------------------------------------------------------------- submit


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    if request.method == "POST":
        form = CaseForm(request.POST, request.FILES, municipality=municipality)
        if rate_limited(f"submit:{client_ip(request)}", settings.REQUEST_RATE_LIMIT):
            form.is_valid()
            form.add_error(
                None,
                gettext(
                    "تعداد درخواست‌های ارسالی از این دستگاه زیاد است؛ کمی بعد دوباره تلاش کنید."
                ),
            )
            return render(request, "portal/requests/new.html", _new_ctx(form), status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = case_submit(
                    municipality=municipality,
                    channel=Case.Channel.WEB,
                    citizen_name=data["citizen_name"],
                    citizen_mobile=data["citizen_mobile"],
                    service=data["service"],
                    description=data["description"],
                    address=data["address"],
                    lat=data["lat"],
                    lon=data["lon"],
                    district=data["district"],
                    national_id=data["national_id"],
                    citizen_email=data["citizen_email"],
                    files=data["attachments"],
                    idempotency_key=data["idempotency_key"] or None,
                    actor=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                response = redirect("portal:request_receipt", code=case.tracking_code)
                _remember(request, response, RECEIPTS, case.tracking_code)
                return response
        form.keep_uploads()  # shown again: the chosen photos are not lost
    else:
        # The empty form is the same for every visitor but for its CSRF token and idempotency
        # key: it is cached as a page with markers for both.
        service = _preselect(request, municipality)

        def build() -> HttpResponse:
            form = CaseForm(
                municipality=municipality,
                initial={"service": service, "idempotency_key": KEY_MARKER},
            )
            return render(
                request, "portal/requests/new.html", {**_new_ctx(form), "csrf_token": CSRF_MARKER}
            )

        return serve(
            request,
            f"request-new:{service.code if service else ''}",
            build,
            fresh={KEY_MARKER: lambda: uuid.uuid4().hex},
        )
    return render(request, "portal/requests/new.html", _new_ctx(form))


def _codes(request: HttpRequest, name: str) -> list[str]:
    value = signed_cookie(
        request, name, salt=f"pishkhan.portal.{name}", max_age=settings.SESSION_COOKIE_AGE
    )
    return [code for code in value.split(",") if code]


def _remember(request: HttpRequest, response: HttpResponse, name: str, code: str) -> None:
    codes = [c for c in _codes(request, name) if c != code]
    response.set_signed_cookie(
        name,
        ",".join([*codes[-9:], code]),
        salt=f"pishkhan.portal.{name}",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def _preselect(request: HttpRequest, municipality: Municipality) -> ServiceType | None:
    code = request.GET.get("service", "")
    return next((s for s in service_choices(municipality) if code and s.code == code), None)


def _new_ctx(form: CaseForm) -> dict[str, Any]:
    return {
        "form": form,
        "tile_url": settings.MAP_TILE_URL,
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    }


def request_receipt(request: HttpRequest, code: str) -> HttpResponse:
    if code not in _codes(request, RECEIPTS):
        raise Http404
    case = case_get_by_code(code=code, municipality=_municipality(request))
    if case is None:
        raise Http404
    return render(
        request,
        "portal/requests/receipt.html",
        {"case": case, "week": week_info(case, _municipality(request))},
    )


# ---------------------------------------------------------------- tracking


def _primary(case: Case) -> Case:
    seen = {case.pk}
    while case.merged_into_id and case.merged_into_id not in seen:
        nxt = case_get_by_code(code=case.merged_into.tracking_code)  # type: ignore[union-attr]
        if nxt is None:
            break
        seen.add(nxt.pk)
        case = nxt
    return case


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    municipality = _municipality(request)
    error = ""
    code = tracking_code_normalize(request.POST.get("code", "")) if request.method == "POST" else ""
    if request.method == "POST":
        digits = to_ascii_digits(request.POST.get("digits", "")).strip()
        ip = client_ip(request)
        limit = settings.TRACK_RATE_LIMIT
        if rate_limited(f"track-ip:{ip}", limit) or rate_limited(f"track-code:{code}", limit):
            error = gettext("تلاش‌های پیگیری بیش از حد مجاز است؛ یک دقیقه بعد دوباره تلاش کنید.")
            return render(
                request, "portal/requests/track.html", {"error": error, "code": code}, status=429
            )
        if not tracking_code_is_valid(code):
            error = gettext(
                "کد رهگیری درست وارد نشده است؛ آن را دوباره از پیامک بخوانید و وارد کنید."
            )
        else:
            case = case_get_by_code(code=code, municipality=municipality)
            if case is None or len(digits) != 4 or not case.citizen_mobile.endswith(digits):
                error = str(NOT_FOUND)
            else:
                response = redirect("portal:track_case", code=code)
                _remember(request, response, TRACKED, code)
                return response
    return render(request, "portal/requests/track.html", {"error": error, "code": code})


def _proved(request: HttpRequest, code: str) -> str:
    """Only a browser that proved code + last digits may see or act on the case: the code."""
    code = tracking_code_normalize(code)
    if code not in _codes(request, TRACKED):
        raise Http404
    return code


def _case_or_404(request: HttpRequest, code: str) -> Case:
    case = case_get_by_code(code=code, municipality=_municipality(request))
    if case is None:
        raise Http404
    return case


def _tracked_case(request: HttpRequest, code: str) -> Case:
    return _case_or_404(request, _proved(request, code))


def track_case(request: HttpRequest, code: str) -> HttpResponse:
    code = _proved(request, code)
    municipality = _municipality(request)
    state = case_public_state(code=code, municipality_id=municipality.pk)
    if state is None:
        raise Http404
    # The city's name and phone are on every page (the header and footer), the path in the
    # language switch's "next".
    name = f"track:{request.get_full_path()}:{municipality.name}:{municipality.phone}"
    return serve_state(request, name, state, lambda: _track_page(request, code, state))


def _track_page(request: HttpRequest, code: str, state: Any) -> tuple[HttpResponse, dt.datetime]:
    """The tracking page, and the moment it stops being true by the clock alone: the week's
    next step, the promise turning late, or midnight in Tehran (the countdown's day)."""
    case = _case_or_404(request, code)  # the proof was checked by track_case
    shown = _primary(case)
    events = list(case_public_timeline(case=shown))
    reached = {e.new_status for e in events}
    phases = [{"key": key, "label": label, "done": key in reached} for key, label in PUBLIC_PHASES]
    now = timezone.now()
    week = week_info(shown, _municipality(request), now)
    promise = promise_of(shown, now)
    changes = [step["at"] for step in week["clock"] if step["at"] > now]
    changes.append(combine(now.astimezone(TEHRAN).date() + dt.timedelta(days=1), dt.time.min))
    if promise.late_at is not None:
        changes.append(promise.late_at)
    if state.computed_weeks:  # times from the schedule, which the office may still change
        changes.append(now + dt.timedelta(seconds=settings.PUBLIC_CACHE_SECONDS))
    response = render(
        request,
        "portal/requests/track_case.html",
        {
            "case": case,
            "shown": shown,
            "events": events,
            "phases": phases,
            "week": week,
            "promise": promise,
            "csrf_token": CSRF_MARKER,
        },
    )
    return response, min(changes)


@require_POST
def track_answer(request: HttpRequest, code: str) -> HttpResponse:
    case = _tracked_case(request, code)
    try:
        case_provide_info(
            case=case,
            answer=request.POST.get("answer", ""),
            files=request.FILES.getlist("files"),
        )
    except (ApplicationError, ValidationError) as exc:
        return _back_with(request, case, getattr(exc, "message", None) or "; ".join(exc.messages))  # type: ignore[union-attr]
    return _back_with(
        request, case, gettext("پاسخ شما ثبت شد و درخواست دوباره بررسی می‌شود."), ok=True
    )


@require_POST
def track_verdict(request: HttpRequest, code: str) -> HttpResponse:
    case = _tracked_case(request, code)
    try:
        # A merged citizen answers for the shared case the page shows them.
        case_citizen_verdict(
            case=_primary(case),
            verdict=request.POST.get("verdict", ""),
            note=request.POST.get("note", ""),
        )
    except ApplicationError as exc:
        return _back_with(request, case, exc.message)
    return _back_with(request, case, gettext("نظر شما ثبت شد. سپاس‌گزاریم."), ok=True)


def _back_with(request: HttpRequest, case: Case, text: str, ok: bool = False) -> HttpResponse:
    from django.contrib import messages

    (messages.success if ok else messages.error)(request, text)
    return redirect("portal:track_case", code=case.tracking_code)


# ---------------------------------------------------------------- SMS reply codes

SMS_VERDICTS = {"31": "accept", "33": "object"}
SMS_WORK = {CITIZEN_DONE: True, CITIZEN_NOT_DONE: False}  # "is the work really done?"
SMS_HELP = gettext_lazy(
    "پاسخ شناخته نشد. برای تأیید انجام کار ۱ و اگر انجام نشده ۲ را بفرستید؛ "
    "برای پذیرفتن نتیجه ۳۱ و برای اعتراض ۳۳."
)
_SMS_REPLY = re.compile(r"\s*([0-9]+)\s*(.*)", re.DOTALL)


def _sms_answer(status: int, reply: object, **data: Any) -> JsonResponse:
    """``reply`` is the Persian answer the gateway sends back to the citizen."""
    return JsonResponse({"ok": status == 200, "reply": str(reply), **data}, status=status)


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> HttpResponse:
    """The SMS gateway posts replies here: 1/2 = the work reported done is done / not done
    (optionally followed by the citizen's words); 31 = accept the outcome, 33 = object."""
    secret = settings.SMS_INBOUND_SECRET
    given = request.headers.get("X-Pishkhan-Secret", "") or request.POST.get("secret", "")
    if not secret or not hmac.compare_digest(secret.encode(), given.encode()):
        return JsonResponse({"ok": False, "error": "forbidden"}, status=403)
    matched = _SMS_REPLY.fullmatch(to_ascii_digits(clean_input(request.POST.get("text", ""))))
    code, words = (matched.group(1), matched.group(2).strip()) if matched else ("", "")
    if code not in SMS_WORK and (code not in SMS_VERDICTS or words):
        return _sms_answer(400, SMS_HELP, error="unknown code")
    try:
        mobile = normalize_mobile(request.POST.get("from", ""))
    except ValidationError:
        return _sms_answer(400, gettext("شمارهٔ فرستنده معتبر نیست."), error="bad sender")
    if code in SMS_WORK:
        try:
            check = directive_citizen_reply(mobile=mobile, done=SMS_WORK[code], note=words)
        except ApplicationError as exc:
            reason = str(exc.extra.get("reason", ""))
            return _sms_answer(404 if reason == "unknown" else 409, exc.message, error=reason)
        return _sms_answer(
            200,
            gettext("پاسخ شما ثبت شد. سپاس‌گزاریم."),
            case=check.case.tracking_code,
            work="done" if check.answer == "done" else "not_done",
        )
    verdict = SMS_VERDICTS[code]
    case = case_followed_by_mobile(mobile=mobile, status=Case.Status.DONE)
    if case is None and verdict == "object":
        # A late «۳۳»: the window ended and the clock closed the case. Answer it, never ignore it.
        case = case_followed_by_mobile(mobile=mobile, status=Case.Status.CLOSED)
        if case is not None:
            return _sms_late_objection(case)
    if case is None:
        reply = gettext("برای این شماره درخواست پایان‌یافته‌ای که منتظر نظر شما باشد نداریم.")
        return _sms_answer(404, reply, error="no case")
    try:
        case_citizen_verdict(case=case, verdict=verdict, note="پاسخ پیامکی")  # record: stored note
    except ApplicationError as exc:
        if exc.extra.get("new_request"):  # past the window, not yet closed by the clock
            return _sms_late_objection(case)
        return _sms_answer(409, exc.message, error="closed")
    return _sms_answer(
        200,
        gettext("نظر شما ثبت شد. سپاس‌گزاریم."),
        case=case.tracking_code,
        verdict=verdict,
    )


def _sms_late_objection(case: Case) -> JsonResponse:
    """A «۳۳» after the objection window: recorded, answered with what happened and what to do."""
    case, reply = case_late_objection_answer(case=case, channel="sms")
    return _sms_answer(409, reply, error="window closed", case=case.tracking_code)
