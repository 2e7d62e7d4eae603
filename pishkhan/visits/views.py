"""Office pages for field visits: today's route, day sheet PDF, iCal, plan, report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pishkhan.accounts.access import staff_required
from pishkhan.accounts.models import Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.core.jalali import TEHRAN, week_start
from pishkhan.core.text import local_number
from pishkhan.cycle.services import week_get_or_create
from pishkhan.visits import selectors, services
from pishkhan.visits.forms import VisitReportForm
from pishkhan.visits.ical import visits_ical
from pishkhan.visits.models import Visit, VisitPhoto


def _user(request: HttpRequest) -> User:
    """The logged-in staff user (staff_required has checked it)."""
    return cast(User, request.user)


def _municipality(user: User) -> Municipality:
    if user.municipality is None:
        raise PermissionDenied
    return user.municipality


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return timezone.localdate()


def _route_manager(request: HttpRequest) -> User:
    """A senior manager sees his own route; the secretary/auditor may pick one (?manager=)."""
    user = _user(request)
    wanted = request.GET.get("manager")
    if wanted and wanted.isdigit() and int(wanted) != user.pk:
        if not user.has_perm("visits.view_visit_plan") or user.role == Role.SENIOR_MANAGER:
            raise PermissionDenied
        return get_object_or_404(
            User, pk=int(wanted), municipality_id=user.municipality_id, role=Role.SENIOR_MANAGER
        )
    return user


def _route_context(request: HttpRequest) -> dict[str, Any]:
    manager = _route_manager(request)
    day = _day(request)
    week = week_get_or_create(_municipality(manager), week_start(day))
    visits = selectors.route_for(manager.pk, day)
    m = manager.municipality
    points = [
        {
            "order": v.order,
            "lat": v.case.lat,
            "lon": v.case.lon,
            "title": v.case.address or str(v.case.service),
            "time": timezone.localtime(v.planned_at).strftime("%H:%M") if v.planned_at else "",
        }
        for v in visits
        if v.case.lat is not None
    ]
    return {
        "manager": manager,
        "day": day,
        "week": week,
        "visit_days": week.visit_dates(),
        "visits": visits,
        "distance_km": sum(v.distance_m for v in visits) / 1000,
        "map_data": {
            "start": [m.start_lat, m.start_lon] if m and m.start_lat else None,
            "points": points,
            "tiles": settings.MAP_TILE_URL,
        },
        "is_own": manager.pk == _user(request).pk,
    }


@staff_required("visits.view_visit_plan")
def today(request: HttpRequest) -> HttpResponse:
    context = _route_context(request)
    if context["is_own"]:
        context["swappable"] = selectors.swappable_visits(context["manager"], context["week"].start)
        context["can_ical"] = _user(request).role == Role.SENIOR_MANAGER
        context["ical_feed"] = selectors.calendar_feed_of(_user(request))
        context["ical_expired"] = (
            context["ical_feed"] is not None and context["ical_feed"].expires_at <= timezone.now()
        )
        # The link itself is shown once, right after it is made (only its hash is kept).
        token = request.session.pop(ICAL_SESSION_KEY, None)
        if token:
            context["ical_url"] = request.build_absolute_uri(reverse("visits:ical", args=[token]))
    return render(request, "visits/today.html", context)


ICAL_SESSION_KEY = "visits.ical_token_once"


@require_POST
@staff_required("visits.view_visit_plan")
def ical_issue(request: HttpRequest) -> HttpResponse:
    """A new calendar link for the senior manager; the previous one stops working."""
    try:
        token = services.calendar_feed_issue(actor=_user(request))
    except PermissionDeniedError:
        raise PermissionDenied from None
    request.session[ICAL_SESSION_KEY] = token
    messages.success(
        request,
        _("پیوند تازهٔ تقویم ساخته شد؛ پیوند پیشین دیگر کار نمی‌کند. آن را در تقویم گوشی وارد کنید."),
    )
    return redirect("visits:today")


@require_POST
@staff_required("visits.view_visit_plan")
def ical_revoke(request: HttpRequest) -> HttpResponse:
    """The owner turns the calendar link off (a lost phone, a shared link)."""
    if _user(request).role != Role.SENIOR_MANAGER:
        raise PermissionDenied
    if services.calendar_feed_revoke(actor=_user(request)):
        messages.success(request, _("پیوند تقویم باطل شد."))
    return redirect("visits:today")


SW_FILE = Path(__file__).resolve().parent / "static" / "visits" / "sw.js"


@staff_required("visits.view_visit_plan")
def service_worker(request: HttpRequest) -> HttpResponse:
    """The field app's service worker, served under /office/visits/ so that its scope covers
    the route and the report pages (a file under /static/ could only control /static/)."""
    response = HttpResponse(SW_FILE.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@staff_required("visits.view_visit_plan")
def manifest(request: HttpRequest) -> HttpResponse:
    """Web app manifest: the senior manager installs the day route on the phone's home screen."""
    today_url = reverse("visits:today")
    data = {
        "name": _("پیشخوان خدمت — بازدید میدانی"),
        "short_name": _("بازدید"),
        "lang": translation.get_language() or "fa",
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "start_url": today_url,
        "scope": today_url.rsplit("today/", 1)[0],
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5d5b",
        "icons": [{"src": static("visits/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


@staff_required("visits.view_visit_plan")
def day_sheet_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import HTML

    context = _route_context(request)
    context["font_dir"] = (
        Path(settings.BASE_DIR) / "pishkhan/static/vendor/vazirmatn/fonts/webfonts"
    ).as_uri()
    with translation.override(settings.LANGUAGE_CODE):  # the printed sheet stays Persian
        html = render_to_string("visits/day_sheet.html", context, request=request)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visits-{context["day"].isoformat()}.pdf"'
    return response


def ical(request: HttpRequest, token: str) -> HttpResponse:
    """A senior manager's visits as a calendar feed (secret token URL, no login)."""
    user = selectors.user_for_ical_token(token)
    if user is None:
        raise Http404
    since = timezone.localdate() - dt.timedelta(days=14)
    route_url = request.build_absolute_uri(reverse("visits:today"))
    body = visits_ical(user, selectors.ical_visits(user, since), route_url=route_url)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def _plan_week(request: HttpRequest) -> dt.date:
    try:
        return week_start(
            dt.date.fromisoformat(request.GET.get("start") or request.POST.get("start", ""))
        )
    except ValueError:
        return week_start(timezone.localdate())


def _plan_context(request: HttpRequest, start: dt.date) -> dict[str, Any]:
    user = _user(request)
    week = week_get_or_create(_municipality(user), start)
    return {
        "week": week,
        "routes": selectors.routes_of_week(_municipality(user).pk, start),
        "managers": selectors.senior_managers(_municipality(user).pk),
        "visit_days": week.visit_dates(),
        "prev_start": start - dt.timedelta(days=7),
        "next_start": start + dt.timedelta(days=7),
    }


@staff_required("visits.plan_visits")
def plan(request: HttpRequest) -> HttpResponse:
    return render(request, "visits/plan.html", _plan_context(request, _plan_week(request)))


def _plan_response(request: HttpRequest, start: dt.date, error: str = "") -> HttpResponse:
    context = _plan_context(request, start)
    context["error"] = error
    if request.headers.get("HX-Request"):
        return render(request, "visits/_plan_routes.html", context)
    if error:
        messages.error(request, error)
    return redirect(reverse("visits:plan") + f"?start={start.isoformat()}")


@require_POST
@staff_required("visits.plan_visits")
def plan_run(request: HttpRequest) -> HttpResponse:
    start = _plan_week(request)
    week = week_get_or_create(_municipality(_user(request)), start)
    result = services.visits_plan(week=week, now=timezone.now(), actor=_user(request))
    messages.success(
        request,
        ngettext(
            "%(count)s بازدید برنامه‌ریزی شد.", "%(count)s بازدید برنامه‌ریزی شد.", result["planned"]
        )
        % {"count": local_number(result["planned"])},
    )
    return redirect(reverse("visits:plan") + f"?start={start.isoformat()}")


def _visit(request: HttpRequest, pk: int) -> Visit:
    return get_object_or_404(Visit, pk=pk, municipality_id=_user(request).municipality_id)


@require_POST
@staff_required("visits.plan_visits")
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    error = ""
    manager = User.objects.filter(pk=request.POST.get("manager") or 0).first()
    try:
        day = (
            dt.date.fromisoformat(request.POST.get("day", "")) if request.POST.get("day") else None
        )
        if manager is None:
            raise ApplicationError(_("مدیر ارشد را برگزینید."))
        services.visit_reassign(
            visit=visit, manager=manager, day=day, actor=_user(request), now=timezone.now()
        )
    except ValueError:
        error = _("روز نامعتبر است.")
    except ApplicationError as exc:
        error = exc.message
    return _plan_response(request, visit.week_start, error)


@require_POST
@staff_required("visits.view_visit_plan")
def reorder(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    user = _user(request)
    if user.pk != visit.manager_id and not user.has_perm("visits.plan_visits"):
        raise PermissionDenied  # read-only roles (auditor) see routes but change nothing
    error = ""
    try:
        position = int(request.POST.get("position", ""))
        services.visit_reorder(
            visit=visit, position=position, actor=_user(request), now=timezone.now()
        )
    except ValueError:
        error = _("جایگاه نامعتبر است.")
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as exc:
        error = exc.message
    if request.POST.get("back") == "today":
        if error:
            messages.error(request, error)
        return redirect(reverse("visits:today") + f"?day={visit.day.isoformat()}")
    return _plan_response(request, visit.week_start, error)


@require_POST
@staff_required("visits.view_visit_plan")
def swap(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    other = _visit(request, int(request.POST.get("other") or 0))
    try:
        services.visit_swap(visit=visit, other=other, actor=_user(request), now=timezone.now())
        messages.success(request, _("دو بازدید جابه‌جا شد."))
    except PermissionDeniedError:
        raise PermissionDenied from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("visits:today") + f"?day={visit.day.isoformat()}")


def _may_file(user: User, visit: Visit) -> bool:
    return user.pk == visit.manager_id or user.has_perm("visits.plan_visits")


def _report_errors(form: VisitReportForm) -> dict[str, list[str]]:
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


@staff_required()
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The report form; the phone's offline queue posts here too (``X-Pishkhan-Queue``) and gets
    JSON back: 200 filed (also when the same report_key was filed before), 400 with errors."""
    visit = _visit(request, pk)
    user = _user(request)
    if not _may_file(user, visit):
        raise PermissionDenied
    queued = request.headers.get("X-Pishkhan-Queue") == "1"
    form = VisitReportForm(
        request.POST or None, request.FILES or None, municipality_id=visit.municipality_id
    )
    done_url = reverse("visits:today") + f"?day={visit.day.isoformat()}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.visit_report_file(
                visit=visit,
                actor=user,
                now=timezone.now(),
                findings=data["findings"],
                recommendation=data["recommendation"],
                measurements=data["measurements"],
                proposed_text=data["proposed_text"],
                lead_department=data["lead_department"],
                estimated_cost=data["estimated_cost"],
                urgency=data["urgency"],
                photos=request.FILES.getlist("photos"),
                checkin_lat=data["checkin_lat"],
                checkin_lon=data["checkin_lon"],
                checked_in_at=data["checkin_at"],
                report_key=data["report_key"],
            )
        except PermissionDeniedError:
            raise PermissionDenied from None
        except ApplicationError as exc:
            for field, errors in exc.extra.get("errors", {}).items():  # type: ignore[attr-defined]
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.extra.get("errors"):
                form.add_error(None, exc.message)
        else:
            if queued:
                return JsonResponse({"ok": True, "redirect": done_url})
            messages.success(request, _("گزارش بازدید ثبت شد."))
            return redirect(done_url)
    if queued and request.method == "POST":
        return JsonResponse({"ok": False, "errors": _report_errors(form)}, status=400)
    case = visit.case
    return render(
        request,
        "visits/report.html",
        {
            "visit": visit,
            "form": form,
            "case": case,
            "photos": visit.photos.all(),
            "citizen_photos": selectors.case_images(case=case),
            "merged": selectors.merged_cases(case=case),
            "max_photo_bytes": settings.UPLOAD_MAX_BYTES,
        },
    )


@require_POST
@staff_required()
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    try:
        lat = float(request.POST["lat"]) if request.POST.get("lat") else None
        lon = float(request.POST["lon"]) if request.POST.get("lon") else None
        visit = services.visit_check_in(
            visit=visit, actor=_user(request), lat=lat, lon=lon, now=timezone.now()
        )
    except PermissionDeniedError:
        raise PermissionDenied from None
    except (ValueError, ApplicationError):
        return HttpResponse(_("ثبت حضور ممکن نشد."), status=400)
    when = (
        timezone.localtime(visit.checked_in_at).astimezone(TEHRAN) if visit.checked_in_at else None
    )
    return render(request, "visits/_checked_in.html", {"visit": visit, "when": when})


@staff_required()
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        VisitPhoto.objects.select_related("visit"),
        pk=pk,
        visit__municipality_id=_user(request).municipality_id,
    )
    user = _user(request)
    if not (
        user.pk == item.visit.manager_id
        or user.has_perm("visits.view_visit_plan")
        or user.has_perm("meetings.view_agenda")
    ):
        raise PermissionDenied
    return FileResponse(item.file.open("rb"), content_type="image/jpeg")  # type: ignore[return-value]


@staff_required("visits.view_visit_plan")
def citizen_photo(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """A citizen's photo of the visited case (or of a case merged into it), for the visitor,
    who does not open the case file itself."""
    visit = _visit(request, pk)
    if not _may_file(_user(request), visit):
        raise PermissionDenied
    item = selectors.case_image(case_id=visit.case_id, file_id=file_id)
    if item is None:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=86400"  # kept on the phone for the day
    return response  # type: ignore[return-value]
