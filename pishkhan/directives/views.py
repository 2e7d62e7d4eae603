"""The department inbox, dispatch, and the execution report."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pishkhan.accounts.access import staff_required
from pishkhan.accounts.models import User
from pishkhan.accounts.roles import Role
from pishkhan.core.errors import ApplicationError
from pishkhan.core.text import local_number
from pishkhan.directives import selectors, services
from pishkhan.directives.forms import CompleteForm, ExtensionForm, ProgressForm
from pishkhan.directives.models import Directive, Evidence
from pishkhan.directives.promise import promise_report, promise_sections
from pishkhan.meetings.integrity import (
    UnverifiedMinutes,
    integrity_refusal_record,
    meeting_require_intact,
)
from pishkhan.meetings.models import Meeting
from pishkhan.meetings.views import pdf_response


def _can_view(user: User) -> bool:
    return user.has_perm("directives.view_directive") or user.has_perm("directives.issue_directive")


def _directive(request: HttpRequest, pk: int) -> Directive:
    user: User = request.user  # type: ignore[assignment]
    if not _can_view(user):
        raise PermissionDenied
    directive = selectors.directive_detail(user, pk)
    if directive is None:
        raise Http404  # another department's (or city's) order does not exist for this user
    return directive


@staff_required()
def inbox(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not _can_view(user):
        raise PermissionDenied
    status = request.GET.get("status", "active")
    if status not in ("active", "", *Directive.Status.values):
        status = "active"
    rows = list(selectors.directive_inbox(user, status=status)[:300])
    today = timezone.localdate()
    for row in rows:  # days left (negative: late), for the phone's cards
        row.days_left = (row.deadline - today).days  # type: ignore[attr-defined]
        row.days_late = -row.days_left  # type: ignore[attr-defined]
    return render(
        request,
        "directives/inbox.html",
        {"rows": rows, "status": status, "statuses": Directive.Status.choices, "today": today},
    )


@staff_required()
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _directive(request, pk)
    user: User = request.user  # type: ignore[assignment]
    can_work = (
        user.has_perm("directives.work_directive") and user.department_id == directive.department_id
    )
    forms = {
        "progress": ProgressForm(prefix="p"),
        "complete": CompleteForm(prefix="c"),
        "extension": ExtensionForm(prefix="e"),
    }
    if request.method == "POST":
        if not can_work:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action in ("confirm", "send_back"):
                services.directive_confirm(
                    directive=directive,
                    accept=action == "confirm",
                    note=request.POST.get("note", ""),
                    actor=user,
                )
                messages.success(
                    request,
                    _("انجام کار تأیید شد.")
                    if action == "confirm"
                    else _("ابلاغیه برای ادامهٔ کار برگشت داده شد."),
                )
                return redirect("directives:detail", pk=pk)
            if action == "acknowledge":
                services.directive_acknowledge(directive=directive, actor=user)
                messages.success(request, _("رؤیت ابلاغیه ثبت شد."))
                return redirect("directives:detail", pk=pk)
            if action in forms:
                form = {
                    "progress": ProgressForm,
                    "complete": CompleteForm,
                    "extension": ExtensionForm,
                }[action](request.POST, request.FILES, prefix=action[0])
                forms[action] = form
                if form.is_valid():
                    data = form.cleaned_data
                    if action == "progress":
                        services.directive_progress(
                            directive=directive,
                            progress=data["progress"],
                            note=data["note"],
                            actor=user,
                            files=data["evidence"],
                        )
                    elif action == "complete":
                        services.directive_complete(
                            directive=directive,
                            note=data["note"],
                            actor=user,
                            files=data["evidence"],
                        )
                    else:
                        services.directive_request_extension(
                            directive=directive,
                            until=data["until"],
                            reason=data["reason"],
                            actor=user,
                        )
                    messages.success(request, _("ثبت شد."))
                    return redirect("directives:detail", pk=pk)
        except ValidationError as exc:
            forms[action].add_error("evidence" if action != "extension" else None, exc.messages)
        except ApplicationError as exc:
            if action in forms:
                forms[action].add_error(None, exc.message)
            else:
                messages.error(request, exc.message)
    return render(
        request,
        "directives/detail.html",
        {
            "directive": directive,
            "events": selectors.directive_events(directive),
            "can_work": can_work,
            "forms": forms,
            "open": directive.status in services.OPEN,
            "sites": selectors.directive_sites(directive),
            "tile_url": settings.MAP_TILE_URL,
            "can_confirm": can_work
            and user.role == Role.DEPARTMENT_HEAD
            and directive.status == "awaiting",
        },
    )


@staff_required()
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    directive = _directive(request, pk)
    try:
        # Not rendered yet (the worker is behind): rendered now. Either way the minutes are
        # verified first: a letter of altered minutes is not handed out.
        if directive.letter_pdf:
            meeting_require_intact(directive.decision.item.meeting, what="letter")
        else:
            directive = services.directive_letter_render(directive=directive)
    except UnverifiedMinutes as refusal:
        integrity_refusal_record(refusal=refusal)
        return render(
            request,
            "directives/letter_refused.html",
            {"directive": directive, "refusal": refusal},
            status=409,
        )
    return pdf_response(directive.letter_pdf.read(), f"directive-{directive.number}.pdf")


@staff_required()
def evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    directive = _directive(request, pk)
    item = get_object_or_404(Evidence, pk=evidence_pk, event__directive=directive)
    response = HttpResponse(item.file.read(), content_type=item.content_type)
    response["Content-Disposition"] = "attachment"
    return response


@staff_required()
def photo(request: HttpRequest, pk: int, kind: str, photo_pk: int) -> HttpResponse:
    """A citizen's or a visit's photo of the directive's site (department staff cannot open
    the case itself)."""
    directive = _directive(request, pk)
    found = selectors.directive_photo(directive, kind, photo_pk)
    if found is None:
        raise Http404
    file, content_type = found
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response  # type: ignore[return-value]


@require_POST
@staff_required("directives.issue_directive")
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    meeting = get_object_or_404(Meeting, pk=pk, municipality_id=user.municipality_id)
    try:
        issued = services.meeting_dispatch(meeting=meeting, actor=user, now=timezone.now())
        messages.success(
            request,
            ngettext("%(count)s ابلاغیه صادر شد.", "%(count)s ابلاغیه صادر شد.", len(issued))
            % {"count": local_number(len(issued))},
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("meetings:sign", pk=meeting.pk)


@staff_required("reports.view_reports")
def report(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            selectors.report_xlsx(user.municipality_id),  # type: ignore[arg-type]
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="pishkhan-execution.xlsx"'
        return response
    return render(
        request,
        "directives/report.html",
        {
            "weeks": selectors.weekly_report(user.municipality_id),  # type: ignore[arg-type]
            "departments": selectors.department_report(user.municipality_id),  # type: ignore[arg-type]
            "promise_sections": promise_sections(promise_report(user.municipality_id)),  # type: ignore[arg-type]
        },
    )
