"""The back office for citizen requests: the district manager's desk, the case page,
registration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from pishkhan.accounts.access import staff_required
from pishkhan.accounts.models import District, User
from pishkhan.accounts.roles import Role
from pishkhan.cases import selectors, services
from pishkhan.cases.forms import FilterForm, RegisterForm, RejectForm
from pishkhan.cases.models import Attachment, Case, RecordView, RejectReason, ServiceType
from pishkhan.cases.promise import promises_for
from pishkhan.cases.suggest import service_suggest
from pishkhan.core.errors import ApplicationError, PermissionDeniedError
from pishkhan.core.text import local_number
from pishkhan.core.validators import mask_mobile, mask_national_id, normalize_mobile
from pishkhan.cycle.schedule import intake_week_start

PAGE_SIZE = 25
# Roles that work with the citizen directly and so see the full mobile and national ID.
FULL_PII_ROLES = selectors.FULL_PII_ROLES


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _case_or_404(request: HttpRequest, code: str) -> Case:
    case = selectors.case_get_for_staff(user=_user(request), code=code)
    if case is None:
        raise Http404
    return case


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: a district's list (or a common search word) holds tens of
    thousands of cases at city scale and an exact COUNT read all of them (80–120 ms at 1M
    cases) on every page view. Beyond the cap the pager says "N+" pages; filters narrow it.

    ``ids_first``, for a bounded set such as a district's inbox (~1,000 waiting cases at city
    scale) or a search: one query lists the set's ids in page order, at most ``cap + 1`` of
    them; the count is their number and a page reads just its 25 rows by id (from ``rows``,
    the list without the search: the text search is not planned again for 25 rows). The set
    is walked once instead of twice (count, then page), and whole rows are never sorted.

    ``window``: the same search over the scope's newest cases (selectors.case_search_window),
    listed first (up to ``cap + 1`` rows if it is small enough to read whole, else up to the
    wanted page). When it holds more than ``cap`` matches they are the answer (the newest
    matches are the newest matches; the count is capped anyway). When it holds the wanted
    page, the page comes from it and only the count asks the full search (which stops at
    ``cap + 1`` rows and sorts nothing). Otherwise the full search lists the ids."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int,
        ids_first: bool = False,
        window: selectors.SearchWindow | None = None,
        rows: QuerySet[Case] | None = None,
        number: int = 1,
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.capped = False
        self.ids_first = ids_first
        self.window = window
        self.rows = rows if rows is not None else object_list
        self.top = number * per_page  # the wanted page's last row

    @cached_property
    def listing(self) -> tuple[list[int] | None, bool]:
        """The list's ids in page order (at most ``cap + 1``; None: count and page as usual),
        and whether they come from the window."""
        qs: QuerySet[Case] = self.object_list  # type: ignore[assignment]
        if self.window is not None:
            limit = self.cap + 1 if self.window.whole else self.top
            ids = selectors.case_ids_newest_first(self.window.cases, limit)
            if len(ids) > self.cap or len(ids) >= self.top:
                return ids, True
        if not self.ids_first:
            return None, False
        return list(qs.values_list("pk", flat=True)[: self.cap + 1]), False

    @cached_property
    def count(self) -> int:
        qs: QuerySet[Case] = self.object_list  # type: ignore[assignment]
        ids, from_window = self.listing
        if ids is not None and not (from_window and len(ids) <= self.cap):
            n = len(ids)
        else:
            # Which rows are counted does not matter: no ORDER BY (it sorted every waiting case
            # of a district first) and no joins.
            n = qs.order_by().select_related(None)[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    def page(self, number: Any) -> Any:
        page = super().page(number)
        ids, _ = self.listing
        if ids is not None:
            bottom = (page.number - 1) * self.per_page
            wanted = ids[bottom : bottom + self.per_page]
            if bottom + self.per_page > len(ids) and self.count > len(ids):
                # A page past the window's matches (the number asked for was out of range and
                # the last page is shown): from the full search.
                qs: QuerySet[Case] = self.object_list  # type: ignore[assignment]
                wanted = list(qs.values_list("pk", flat=True)[bottom : bottom + self.per_page])
            page.object_list = self.rows.filter(pk__in=wanted)
        return page

    @property
    def num_pages_label(self) -> str:
        pages = self.num_pages
        return f"{pages:,}+" if self.capped else f"{pages:,}"


# Long columns the office lists never show: SQLite sorts whole rows, so a page of the inbox
# (1,300 waiting cases in a busy district) sorted them all along.
LIST_DEFER = (
    "search_key",
    "attributes",
    "decision_text",
    "status_note",
    "citizen_email",
    "service__description",
    "service__eligibility",
    "service__documents",
    "service__fees",
    "service__keywords",
    "service__attributes",
    "service__search_key",
    "district__boundary",
)

# How many rows a list counts: a plain list walks an index (cheap), a search checks every row
# it counts (a common word: ~80 ms for 1,000). Paging further raises the cap as you go.
COUNT_CAP = 1000
SEARCH_COUNT_CAP = 200


def _page(
    request: HttpRequest,
    qs: QuerySet[Case],
    *,
    searching: bool = False,
    small_set: bool = False,
    window: selectors.SearchWindow | None = None,
    rows: QuerySet[Case] | None = None,
) -> Any:
    """``small_set`` (an inbox) or a search: the ids are listed once (CappedPaginator)."""
    wanted = request.GET.get("page", "1")
    number = int(wanted) if wanted.isdigit() else 1
    floor = COUNT_CAP if small_set or not searching else SEARCH_COUNT_CAP
    cap = max(floor, (number + 2) * PAGE_SIZE)
    paginator = CappedPaginator(
        qs,
        PAGE_SIZE,
        cap=min(cap, 100_000),
        ids_first=small_set or searching,
        window=window,
        rows=rows,
        number=number,
    )
    page = paginator.get_page(wanted)
    page.object_list = list(page.object_list)
    return page


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# ---------------------------------------------------------------- lists


@staff_required("cases.triage_case")
def inbox(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = FilterForm(request.GET or None, municipality=user.municipality)
    filters = form.filters()
    inbox = selectors.case_inbox(user=user)
    qs = selectors.case_filter(inbox, **filters, small_set=True).defer(*LIST_DEFER)
    page = _page(request, qs, searching=bool(filters.get("query")), small_set=True)
    dups = selectors.duplicates_for_cases(page.object_list)
    now = timezone.now()
    promises = promises_for(list(page.object_list), now)
    # Two links per row: reverse() once and fill in each code (tracking codes are URL-safe).
    case_url, act_url = reverse("cases:case", args=["CODE"]), reverse("cases:act", args=["CODE"])
    rows = [
        {
            "case": c,
            "url": case_url.replace("CODE", c.tracking_code),
            "act_url": act_url.replace("CODE", c.tracking_code),
            "duplicates": dups.get(c.pk, []),
            "age_days": (now - c.created_at).days,
            "promise": promises.get(c.pk),
        }
        for c in page.object_list
    ]
    reasons = RejectReason.objects.filter(municipality=user.municipality, is_active=True)
    return render(
        request,
        "cases/inbox.html",
        {"form": form, "page": page, "rows": rows, "reasons": reasons, "qs": _querystring(request)},
    )


@staff_required("cases.view_case_list")
def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = FilterForm(request.GET or None, municipality=user.municipality)
    filters = form.filters()
    listed = selectors.case_list(user=user)
    qs = selectors.case_filter(listed, **filters).defer(*LIST_DEFER)
    page = _page(
        request,
        qs,
        searching=bool(filters.get("query")),
        window=selectors.case_search_window(listed, user=user, **filters),
        rows=listed.defer(*LIST_DEFER),
    )
    return render(
        request, "cases/list.html", {"form": form, "page": page, "qs": _querystring(request)}
    )


BULK_ACTIONS = {"accept_visit", "accept_novisit", "reject"}


@require_POST
@staff_required("cases.triage_case")
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    action = request.POST.get("action", "")
    codes = request.POST.getlist("codes")
    cases = list(selectors.case_inbox(user=user).filter(tracking_code__in=codes[:200]))
    if action not in BULK_ACTIONS or not cases:
        messages.error(request, _("درخواستی و اقدامی را انتخاب کنید."))
        return redirect("cases:inbox")
    if action == "reject":
        form = RejectForm(request.POST, municipality=user.municipality)
        if not form.is_valid():
            messages.error(request, _("علت رد نامعتبر است."))
            return redirect("cases:inbox")
        done, errors = services.cases_bulk(
            cases,
            services.case_reject,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            actor=user,
        )
    else:
        done, errors = services.cases_bulk(
            cases, services.case_accept, needs_visit=action == "accept_visit", actor=user
        )
    if done:
        messages.success(
            request,
            ngettext("%(count)s درخواست انجام شد.", "%(count)s درخواست انجام شد.", done)
            % {"count": local_number(done)},
        )
    for error in errors:
        messages.error(request, error)
    return redirect("cases:inbox")


# ---------------------------------------------------------------- one case


def _service_suggestion(case: Case) -> dict[str, Any] | None:
    """What the text sounds like, for triage to take or leave (never applied by itself)."""
    if case.status not in ("submitted", "info_requested", "accepted"):
        return None
    found = service_suggest(municipality_id=case.municipality_id, text=case.description)
    if found is None:
        return None
    service = (
        ServiceType.objects.filter(
            pk=found[0], municipality_id=case.municipality_id, is_active=True
        )
        .select_related("department")
        .first()
    )
    if service is None:
        return None
    # never "100 %": on texts unlike its history the model is over-confident (PERFORMANCE.md)
    percent = min(99, round(found[1] * 100))
    return {"service": service, "percent": percent, "same": service == case.service}


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


@staff_required("cases.view_case_list")
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = _case_or_404(request, code)
    RecordView.objects.create(case=case, viewer=user, via="office")
    full = user.role in FULL_PII_ROLES
    can_triage = user.has_perm("cases.triage_case") and case.district_id == user.district_id
    context = {
        "case": case,
        "mobile": case.citizen_mobile if full else mask_mobile(case.citizen_mobile),
        "national_id": case.national_id if full else mask_national_id(case.national_id),
        "events": selectors.case_events(case=case),
        "attachments": case.attachments.all(),
        "duplicates": selectors.duplicate_candidates(case) if can_triage else [],
        "can_triage": can_triage,
        "open_for_desk": case.status in ("submitted", "info_requested", "accepted"),
        "suggestion": _service_suggestion(case) if can_triage else None,
        "reject_form": RejectForm(municipality=user.municipality),
        "districts": District.objects.filter(municipality=case.municipality).exclude(
            pk=case.district_id
        ),
    }
    return render(request, "cases/case.html", context)


@staff_required("cases.view_case_list")
def case_file(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    case = _case_or_404(request, code)
    attachment = Attachment.objects.filter(case=case, pk=file_id).first()
    if attachment is None:
        raise Http404
    RecordView.objects.create(case=case, viewer=_user(request), via="file")
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    ext = "pdf" if attachment.content_type == "application/pdf" else "jpg"
    response["Content-Disposition"] = f'inline; filename="{case.tracking_code}-{file_id}.{ext}"'
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]


# "merge": this case into the one named ``into``; "merge_in": the one named ``from`` into this.
MERGE_ACTIONS = ("merge", "merge_in")


def _merge_pair(user: User, case: Case, action: str, post: Any) -> tuple[Case, Case]:
    """(duplicate, primary) of a merge asked from ``case``'s page."""
    other = selectors.case_get_for_staff(
        user=user, code=post.get("into" if action == "merge" else "from", "")
    )
    if other is None:
        raise ApplicationError(_("درخواست دیگر پیدا نشد."))
    return (case, other) if action == "merge" else (other, case)


def _confirm_page(request: HttpRequest, case: Case, action: str) -> HttpResponse:
    """Merges and their undo are confirmed on a page that says which way they go."""
    user = _user(request)
    context: dict[str, Any] = {"case": case, "action": action, "post": request.POST}
    if action in MERGE_ACTIONS:
        context["duplicate"], context["primary"] = _merge_pair(user, case, action, request.POST)
    return render(request, "cases/merge_confirm.html", context)


def _run_action(request: HttpRequest, case: Case, action: str) -> str:
    """Call the ONE service matching ``action``; returns the success message."""
    user, post = _user(request), request.POST
    if action in ("accept_visit", "accept_novisit"):
        services.case_accept(
            case=case, needs_visit=action == "accept_visit", actor=user, note=post.get("note", "")
        )
        return _("درخواست پذیرفته شد.")
    if action == "reject":
        form = RejectForm(post, municipality=user.municipality)
        if not form.is_valid():
            raise ApplicationError(_("علت رد نامعتبر است."))
        services.case_reject(
            case=case,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            actor=user,
        )
        return _("درخواست رد شد.")
    if action in MERGE_ACTIONS:
        duplicate, primary = _merge_pair(user, case, action, post)
        services.case_merge(case=duplicate, into=primary, actor=user)
        return _("درخواست %(dup)s در %(code)s ادغام شد.") % {
            "dup": duplicate.tracking_code,
            "code": primary.tracking_code,
        }
    if action == "unmerge":
        services.case_unmerge(case=case, actor=user, note=post.get("note", ""))
        return _("ادغام برگردانده شد؛ درخواست دوباره جداگانه بررسی می‌شود.")
    if action == "request_info":
        services.case_request_info(case=case, question=post.get("question", ""), actor=user)
        return _("پرسش برای شهروند فرستاده شد.")
    if action == "move":
        district = District.objects.filter(
            municipality=case.municipality, pk=post.get("district") or 0
        ).first()
        if district is None:
            raise ApplicationError(_("منطقه را انتخاب کنید."))
        services.case_move_district(
            case=case, district=district, actor=user, note=post.get("note", "")
        )
        return _("درخواست به %(district)s فرستاده شد.") % {"district": district.name}
    if action == "service":
        service = ServiceType.objects.filter(
            municipality=case.municipality, is_active=True, pk=_int(post.get("service"))
        ).first()
        if service is None:
            raise ApplicationError(_("خدمت را انتخاب کنید."))
        services.case_change_service(
            case=case, service=service, actor=user, suggested=post.get("suggested") == "1"
        )
        return _("خدمت درخواست «%(service)s» شد (واحد مسئول: %(department)s).") % {
            "service": service.name,
            "department": service.department.name,
        }
    if action == "urgent":
        services.case_mark_urgent_now(case=case, actor=user)
        return _("درخواست فوری شد و به نوبت هفتهٔ جاری آمد.")
    raise ApplicationError(_("اقدام نامعتبر است."))


@require_POST
@staff_required("cases.triage_case")
def case_act(request: HttpRequest, code: str) -> HttpResponse:
    case = _case_or_404(request, code)
    action = request.POST.get("action", "")
    if action in (*MERGE_ACTIONS, "unmerge") and not _user(request).has_perm("cases.merge_case"):
        raise PermissionDenied
    try:
        if action in (*MERGE_ACTIONS, "unmerge") and request.POST.get("confirm") != "1":
            return _confirm_page(request, case, action)
        messages.success(request, _run_action(request, case, action))
    except PermissionDeniedError:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    if request.POST.get("next") == "inbox":
        return redirect("cases:inbox")
    return redirect("cases:case", code=case.tracking_code)


# ---------------------------------------------------------------- registration


@require_http_methods(["GET", "POST"])
@staff_required("cases.register_case")
def register(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    assert user.municipality is not None  # noqa: S101 — staff_required guarantees it
    if request.method == "POST":
        form = RegisterForm(request.POST, request.FILES, municipality=user.municipality)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_submit(
                    municipality=user.municipality,
                    channel=data["channel"],
                    citizen_name=data["citizen_name"],
                    citizen_mobile=data["citizen_mobile"],
                    service=data["service"],
                    description=data["description"],
                    address=data["address"],
                    lat=data["lat"],
                    lon=data["lon"],
                    district=data["district"] or _own_district(user),
                    national_id=data["national_id"],
                    citizen_email=data["citizen_email"],
                    files=data["attachments"],
                    idempotency_key=data["idempotency_key"] or None,
                    actor=user,
                    letter_number=data["letter_number"],
                    letter_date=data["letter_date"],
                )
            except ValidationError as exc:
                form.apply_errors(exc)
            else:
                messages.success(
                    request,
                    _("درخواست با کد رهگیری %(code)s ثبت شد.") % {"code": case.tracking_code},
                )
                return redirect("cases:receipt", code=case.tracking_code)
        form.keep_uploads()  # shown again: the chosen files are not lost
    else:
        form = RegisterForm(municipality=user.municipality, initial={"channel": "phone"})
    return render(
        request,
        "cases/register.html",
        {"form": form, "municipality": user.municipality, "tile_url": settings.MAP_TILE_URL},
    )


@staff_required("cases.register_case")
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The printable receipt a walk-in citizen takes home (the SMS says the same)."""
    case = _case_or_404(request, code)
    return render(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "meeting_at": selectors.case_meeting_at(case=case),
            "track_url": request.build_absolute_uri("/track/"),
        },
    )


def _own_district(user: User) -> District | None:
    return user.district if user.role == Role.DISTRICT_MANAGER else None


@staff_required("cases.register_case")
def suggest_service(request: HttpRequest) -> HttpResponse:
    """htmx: the service the description sounds like, learnt from the city's settled cases —
    shown beside the list, never chosen for the operator."""
    city = _user(request).municipality_id or 0
    text = request.GET.get("description", "")[:2000]
    found = service_suggest(municipality_id=city, text=text) if len(text.strip()) >= 10 else None
    service = None
    if found is not None:
        service = ServiceType.objects.filter(
            pk=found[0], municipality_id=city, is_active=True
        ).first()
    return render(
        request,
        "cases/_service_suggestion.html",
        {
            "service": service,
            "percent": round(found[1] * 100) if found else 0,
        },
    )


@staff_required("cases.register_case")
def returning_citizen(request: HttpRequest) -> HttpResponse:
    """htmx: the previous cases of the mobile being typed."""
    raw = request.GET.get("citizen_mobile") or request.GET.get("mobile", "")
    try:
        mobile = normalize_mobile(raw)
    except ValidationError:
        return render(request, "cases/_returning.html", {"cases": None})
    cases = selectors.cases_by_mobile(user=_user(request), mobile=mobile)
    return render(request, "cases/_returning.html", {"cases": cases, "mobile": mobile})


# ---------------------------------------------------------------- weekly summary


@require_http_methods(["GET", "POST"])
@staff_required("cases.write_district_summary")
def summary(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.district is None or user.municipality is None:
        raise Http404
    week = intake_week_start(user.municipality, timezone.now())
    week = _week_param(request, week)
    if request.method == "POST":
        notable = list(
            Case.objects.filter(
                district=user.district,
                week_start=week,
                tracking_code__in=request.POST.getlist("notable")[:50],
            )
        )
        try:
            services.district_summary_save(
                district=user.district,
                week_start=week,
                note=request.POST.get("note", ""),
                notable=notable,
                actor=user,
                submit=request.POST.get("submit") == "1",
            )
        except (ApplicationError, PermissionDeniedError) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("خلاصهٔ هفتگی ذخیره شد."))
        return redirect(f"{request.path}?week={week.isoformat()}")
    saved = selectors.district_summary_get(district=user.district, week_start=week)
    week_cases = list(
        Case.objects.filter(district=user.district, week_start=week)
        .select_related("service")
        .order_by("-urgent", "created_at")[:200]
    )
    chosen = {c.pk for c in saved.notable_cases.all()} if saved else set()
    context = {
        "week": week,
        "counts": selectors.district_week_counts(district=user.district, week_start=week),
        "summary": saved,
        "cases": [{"case": c, "chosen": c.pk in chosen} for c in week_cases],
    }
    return render(request, "cases/summary.html", context)


def _week_param(request: HttpRequest, default: Any) -> Any:
    import datetime as dt

    from pishkhan.core.jalali import week_start

    try:
        return week_start(dt.date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        return default
