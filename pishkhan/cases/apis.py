"""REST API for cases: the catalogue, the case lists and the district manager's triage.

Same services and scoping as the back office. ``StaffPermission``, ``ERRORS``, ``paginate`` and
``page_of`` are shared with the API files of the apps above (visits, meetings, directives, api).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.authentication import TokenAuthentication
from rest_framework.pagination import BasePagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from pishkhan.accounts.access import two_factor_ok
from pishkhan.accounts.models import District, Municipality, User
from pishkhan.cases import selectors, services
from pishkhan.cases.models import Case, RecordView, RejectReason
from pishkhan.cases.tracking import tracking_code_normalize
from pishkhan.cases.views import FULL_PII_ROLES
from pishkhan.core import jalali
from pishkhan.core.validators import mask_mobile, mask_national_id
from pishkhan.cycle.schedule import intake_week_start

# ------------------------------------------------------------------ shared API plumbing


class StaffPermission(BasePermission):
    """Staff of a municipality; the second factor where the role needs it; every permission of
    ``view.required_perms[method]`` and one of ``view.any_perms[method]`` ("*" = any method).

    Token holders passed the second factor when the token was issued (``/api/v1/auth/token/``).
    """

    message = "شما اجازهٔ این کار را ندارید."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not user.is_authenticated or not user.is_staff:
            return False
        if user.municipality_id is None:  # type: ignore[union-attr]
            return False
        here = getattr(request._request, "municipality", None)
        if here is not None and user.municipality_id != here.pk:  # type: ignore[union-attr]
            return False  # staff of one city never act through another city's site
        if not isinstance(request.successful_authenticator, TokenAuthentication):
            if not two_factor_ok(request._request):
                return False
        perms = getattr(view, "required_perms", {})
        needed: Sequence[str] = perms.get(request.method, perms.get("*", ()))
        if not all(user.has_perm(p) for p in needed):
            return False
        alternatives = getattr(view, "any_perms", {})
        some: Sequence[str] = alternatives.get(request.method, alternatives.get("*", ()))
        return not some or any(user.has_perm(p) for p in some)


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


ERRORS: dict[int, Any] = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Bad input: ``{field: [Persian messages]}`` or ``{detail: message}``.",
    ),
    401: OpenApiResponse(ErrorOut, description="Not authenticated."),
    403: OpenApiResponse(ErrorOut, description="Not allowed (role, permission or second factor)."),
    404: OpenApiResponse(ErrorOut, description="Not found or outside your scope."),
    429: OpenApiResponse(ErrorOut, description="Rate limit reached."),
}


def errors(*codes: int) -> dict[int, Any]:
    return {code: ERRORS[code] for code in (codes or ERRORS)}


_pages: dict[str, type[serializers.Serializer]] = {}


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The schema of one page of ``item``s (count, next, previous, results)."""
    if name not in _pages:
        _pages[name] = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item(many=True),
            },
        )
    return _pages[name]


def paginate(
    request: Request,
    view: APIView,
    qs: QuerySet[Any],
    out: type[serializers.Serializer],
    context: dict[str, Any] | None = None,
) -> Response:
    """Page number pagination (``page``, ``page_size`` ≤ 200): two queries whatever the page size."""
    paginator = cast(type[BasePagination], api_settings.DEFAULT_PAGINATION_CLASS)()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(out(page, many=True, context=context or {}).data)


PAGE_PARAMS = inline_serializer(
    "PageParams",
    {
        "page": serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1),
        "page_size": serializers.IntegerField(required=False, min_value=1, max_value=200),
    },
)


def staff_user(request: Request) -> User:
    """The authenticated staff user (StaffPermission has checked it)."""
    return cast(User, request.user)


def municipality_of(request: Request) -> Municipality:
    """The user's city (the site's city, already loaded by the middleware, when they match)."""
    here = getattr(request._request, "municipality", None)
    user = staff_user(request)
    if here is not None and here.pk == user.municipality_id:
        return cast(Municipality, here)
    municipality = user.municipality
    if municipality is None:
        raise PermissionDenied
    return municipality


class StaffApi(APIView):
    permission_classes = [StaffPermission]
    throttle_scope = "api_read"
    required_perms: dict[str, tuple[str, ...]] = {}
    any_perms: dict[str, tuple[str, ...]] = {}


# ------------------------------------------------------------------ catalogue


class ServiceOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    category = serializers.CharField(source="category.name")
    department = serializers.CharField(source="department.code")
    description = serializers.CharField()
    expected_days = serializers.IntegerField()
    needs_visit = serializers.BooleanField()
    keywords = serializers.CharField()
    attributes = serializers.JSONField()


class ServiceListApi(StaffApi):
    @extend_schema(
        operation_id="services_list",
        parameters=[PAGE_PARAMS],
        responses={200: page_of(ServiceOut, "ServicePage"), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.service_list(municipality=municipality_of(request))
        return paginate(
            request, self, qs.order_by("category__order", "order", "name", "id"), ServiceOut
        )


class RejectReasonOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    guidance = serializers.CharField()


class RejectReasonListApi(StaffApi):
    required_perms = {"GET": ("cases.triage_case",)}

    @extend_schema(
        operation_id="reject_reasons_list",
        parameters=[PAGE_PARAMS],
        responses={200: page_of(RejectReasonOut, "RejectReasonPage"), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        qs = RejectReason.objects.filter(municipality=municipality_of(request), is_active=True)
        return paginate(request, self, qs.order_by("text", "id"), RejectReasonOut)


# ------------------------------------------------------------------ cases


class CaseOut(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Case.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    channel = serializers.ChoiceField(choices=Case.Channel.choices)
    service = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")
    district = serializers.IntegerField(source="district.number")
    district_name = serializers.CharField(source="district.name")
    citizen_name = serializers.CharField()
    citizen_mobile = serializers.SerializerMethodField(
        help_text="Masked (0912***4567) unless the role sees citizens' full details."
    )
    description = serializers.CharField()
    address = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    week_start = serializers.DateField()
    needs_visit = serializers.BooleanField()
    urgent = serializers.BooleanField()
    status_note = serializers.CharField()
    decision_text = serializers.CharField()
    lead_department = serializers.CharField(
        source="lead_department.code", allow_null=True, default=None
    )
    deadline = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_citizen_mobile(self, case: Case) -> str:
        full = self.context.get("full_pii", False)
        return case.citizen_mobile if full else mask_mobile(case.citizen_mobile)


class EventOut(serializers.Serializer):
    kind = serializers.CharField()
    old_status = serializers.CharField()
    new_status = serializers.CharField()
    actor = serializers.CharField(source="actor.full_name", allow_null=True, default=None)
    at = serializers.DateTimeField()
    note = serializers.CharField()
    public = serializers.BooleanField()


class AttachmentOut(serializers.Serializer):
    kind = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class CaseDetailOut(CaseOut):
    national_id = serializers.SerializerMethodField()
    citizen_email = serializers.CharField()
    attributes = serializers.JSONField()
    merged_into = serializers.CharField(
        source="merged_into.tracking_code", allow_null=True, default=None
    )
    events = EventOut(many=True, source="events_list")
    attachments = AttachmentOut(many=True)
    duplicates = serializers.ListField(
        child=serializers.CharField(), source="duplicate_codes",
        help_text="Tracking codes of likely duplicates (same service, open, nearby, similar text).",
    )  # fmt: skip

    def get_national_id(self, case: Case) -> str:
        full = self.context.get("full_pii", False)
        return case.national_id if full else mask_national_id(case.national_id)


def _cases(request: Request) -> QuerySet[Case]:
    """The office's case list for this user (same scope), newest first."""
    return selectors.case_list(user=staff_user(request)).select_related("lead_department")


def _case_for(request: Request, code: str) -> Case:
    """A case by tracking code, 404 unless within the user's scope.

    Looked up by its unique code alone (SQLite's planner would otherwise walk the city's index),
    then the scope is checked on the primary key.
    """
    case = (
        Case.objects.select_related("service", "district", "lead_department", "merged_into")
        .prefetch_related("attachments")
        .filter(tracking_code=tracking_code_normalize(code))
        .order_by()
        .first()
    )
    if case is None or not _cases(request).filter(pk=case.pk).exists():
        raise Http404
    return case


def _pii(request: Request) -> dict[str, Any]:
    """As on the office pages: only some roles see full mobile numbers and national ids."""
    return {"full_pii": staff_user(request).role in FULL_PII_ROLES}


def _detail(request: Request, case: Case) -> dict[str, Any]:
    user = staff_user(request)
    can_triage = user.has_perm("cases.triage_case") and case.district_id == user.district_id
    case.events_list = list(selectors.case_events(case=case))  # type: ignore[attr-defined]
    duplicates = selectors.duplicate_candidates(case) if can_triage else []
    case.duplicate_codes = [c.tracking_code for c in duplicates]  # type: ignore[attr-defined]
    return dict(CaseDetailOut(case, context=_pii(request)).data)


class CaseFilter(serializers.Serializer):
    status = serializers.CharField(required=False, help_text="Comma-separated statuses.")
    service = serializers.CharField(required=False, help_text="Service code.")
    district = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="District number."
    )
    week = serializers.DateField(required=False, help_text="Saturday starting the week.")
    channel = serializers.ChoiceField(required=False, choices=Case.Channel.choices)
    q = serializers.CharField(required=False, max_length=200)
    page = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)

    def validate_status(self, value: str) -> list[str]:
        statuses = [s.strip() for s in value.split(",") if s.strip()]
        bad = [s for s in statuses if s not in Case.Status.values]
        if bad:
            raise serializers.ValidationError(f"وضعیت نامعتبر: {', '.join(bad)}")
        return statuses


class CaseCreateIn(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=[Case.Channel.WALK_IN, Case.Channel.PHONE, Case.Channel.LETTER]
    )
    service = serializers.CharField(help_text="Service code.")
    citizen_name = serializers.CharField(max_length=150)
    citizen_mobile = serializers.CharField(max_length=20)
    national_id = serializers.CharField(required=False, allow_blank=True, max_length=20)
    citizen_email = serializers.EmailField(required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000)
    address = serializers.CharField(required=False, allow_blank=True, max_length=500)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    district = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=32767, help_text="District number."
    )
    attributes = serializers.DictField(required=False)
    idempotency_key = serializers.CharField(required=False, max_length=40)


class CaseListApi(StaffApi):
    required_perms = {"GET": ("cases.view_case_list",), "POST": ("cases.register_case",)}

    def get_throttles(self) -> list[Any]:
        self.throttle_scope = "api_write" if self.request.method == "POST" else "api_read"
        return super().get_throttles()

    @extend_schema(
        operation_id="cases_list",
        parameters=[CaseFilter],
        responses={200: page_of(CaseOut, "CasePage"), **errors()},
    )
    def get(self, request: Request) -> Response:
        params = CaseFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        f = params.validated_data
        qs = _cases(request)
        if f.get("status"):
            qs = qs.filter(status__in=f["status"])
        if f.get("service"):
            qs = qs.filter(service__code=f["service"])
        if f.get("district"):
            qs = qs.filter(district__number=f["district"])
        if f.get("week"):
            qs = qs.filter(week_start=f["week"])
        qs = selectors.case_filter(qs, channel=f.get("channel", ""), query=f.get("q", ""))
        return paginate(request, self, qs.order_by("-created_at", "-id"), CaseOut, _pii(request))

    @extend_schema(
        operation_id="cases_create",
        request=CaseCreateIn,
        responses={201: CaseDetailOut, **errors()},
    )
    def post(self, request: Request) -> Response:
        data = CaseCreateIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        user = staff_user(request)
        municipality = municipality_of(request)
        service = (
            selectors.service_list(municipality=municipality).filter(code=d["service"]).first()
        )
        if service is None:
            raise serializers.ValidationError({"service": ["این خدمت در فهرست خدمات نیست."]})
        district = None
        if d.get("district"):
            district = District.objects.filter(
                municipality=municipality, number=d["district"]
            ).first()
            if district is None:
                raise serializers.ValidationError({"district": ["منطقه نامعتبر است."]})
        key = d.get("idempotency_key")
        case = services.case_submit(
            municipality=municipality,
            channel=d["channel"],
            citizen_name=d["citizen_name"],
            citizen_mobile=d["citizen_mobile"],
            national_id=d.get("national_id", ""),
            citizen_email=d.get("citizen_email", ""),
            service=service,
            description=d["description"],
            address=d.get("address", ""),
            lat=d.get("lat"),
            lon=d.get("lon"),
            district=district,
            attributes=d.get("attributes") or {},
            idempotency_key=f"api-{user.pk}-{key}" if key else None,
            actor=user,
        )
        return Response(_detail(request, _case_for(request, case.tracking_code)), status=201)


class CaseDetailApi(StaffApi):
    required_perms = {"GET": ("cases.view_case_list",)}

    @extend_schema(
        operation_id="cases_retrieve", responses={200: CaseDetailOut, **errors(401, 403, 404, 429)}
    )
    def get(self, request: Request, code: str) -> Response:
        case = _case_for(request, code)
        RecordView.objects.create(case=case, viewer=staff_user(request), via="api")
        return Response(_detail(request, case))


# ------------------------------------------------------------------ triage (district manager's desk)


class TriageApi(StaffApi):
    throttle_scope = "api_write"
    required_perms = {"POST": ("cases.triage_case",)}

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        raise NotImplementedError

    def post(self, request: Request, code: str) -> Response:
        case = _case_for(request, code)
        data = self.InputSerializer(data=request.data)  # type: ignore[attr-defined]
        data.is_valid(raise_exception=True)
        done = self.act(case, data.validated_data, request)
        # Not through the scope again: a move may take the case out of the actor's district.
        fresh = (
            Case.objects.select_related("service", "district", "lead_department", "merged_into")
            .prefetch_related("attachments")
            .get(pk=done.pk)
        )
        return Response(_detail(request, fresh))


def _triage_schema(operation_id: str, request: type[serializers.Serializer]) -> Any:
    return extend_schema(
        operation_id=operation_id, request=request, responses={200: CaseDetailOut, **errors()}
    )


class CaseAcceptApi(TriageApi):
    @extend_schema_serializer(component_name="CaseAcceptIn")
    class InputSerializer(serializers.Serializer):
        needs_visit = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        return services.case_accept(case=case, needs_visit=data["needs_visit"], note=data.get("note", ""),
                                    actor=staff_user(request))  # fmt: skip

    @_triage_schema("cases_accept", InputSerializer)
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)


class CaseRejectApi(TriageApi):
    @extend_schema_serializer(component_name="CaseRejectIn")
    class InputSerializer(serializers.Serializer):
        reason = serializers.IntegerField(
            required=False,
            allow_null=True,
            min_value=1,
            max_value=2**63 - 1,
            help_text="RejectReason id.",
        )
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        reason = None
        if data.get("reason"):
            reason = RejectReason.objects.filter(
                municipality_id=case.municipality_id, pk=data["reason"], is_active=True
            ).first()
            if reason is None:
                raise serializers.ValidationError({"reason": ["علت رد نامعتبر است."]})
        return services.case_reject(case=case, reason=reason, note=data.get("note", ""),
                                    actor=staff_user(request))  # fmt: skip

    @_triage_schema("cases_reject", InputSerializer)
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)


class CaseMergeApi(TriageApi):
    required_perms = {"POST": ("cases.merge_case",)}

    @extend_schema_serializer(component_name="CaseMergeIn")
    class InputSerializer(serializers.Serializer):
        into = serializers.CharField(max_length=20, help_text="Tracking code of the primary case.")
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        try:
            into = _case_for(request, data["into"])
        except Http404:
            into = None
        if into is None:
            raise serializers.ValidationError({"into": ["درخواست اصلی پیدا نشد."]})
        return services.case_merge(case=case, into=into, note=data.get("note", ""),
                                   actor=staff_user(request))  # fmt: skip

    @_triage_schema("cases_merge", InputSerializer)
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)


class CaseRequestInfoApi(TriageApi):
    @extend_schema_serializer(component_name="CaseRequestInfoIn")
    class InputSerializer(serializers.Serializer):
        question = serializers.CharField(max_length=2000)

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        return services.case_request_info(case=case, question=data["question"],
                                          actor=staff_user(request))  # fmt: skip

    @_triage_schema("cases_request_info", InputSerializer)
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)


class CaseMoveApi(TriageApi):
    @extend_schema_serializer(component_name="CaseMoveIn")
    class InputSerializer(serializers.Serializer):
        district = serializers.IntegerField(
            min_value=1, max_value=2**63 - 1, help_text="District number."
        )
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        district = District.objects.filter(
            municipality_id=case.municipality_id, number=data["district"]
        ).first()
        if district is None:
            raise serializers.ValidationError({"district": ["منطقه نامعتبر است."]})
        return services.case_move_district(case=case, district=district, note=data.get("note", ""),
                                           actor=staff_user(request))  # fmt: skip

    @_triage_schema("cases_move", InputSerializer)
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)


class CaseUrgentApi(TriageApi):
    @extend_schema_serializer(component_name="CaseUrgentIn")
    class InputSerializer(serializers.Serializer):
        pass

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        return services.case_mark_urgent_now(case=case, actor=staff_user(request))

    @_triage_schema("cases_urgent", InputSerializer)
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)


# ------------------------------------------------------------------ district manager's weekly summary


class CountOut(serializers.Serializer):
    name = serializers.CharField()
    n = serializers.IntegerField()


class SummaryOut(serializers.Serializer):
    district = serializers.IntegerField()
    week_start = serializers.DateField()
    note = serializers.CharField()
    notable = serializers.ListField(child=serializers.CharField())
    submitted_at = serializers.DateTimeField(allow_null=True)
    total = serializers.IntegerField()
    by_service = CountOut(many=True)
    by_status = CountOut(many=True)


class SummaryParams(serializers.Serializer):
    week = serializers.DateField(
        required=False, help_text="Any day of the week; default: this intake week."
    )


class DistrictSummaryApi(StaffApi):
    """The own district's weekly summary for the agenda (district managers)."""

    required_perms = {"*": ("cases.write_district_summary",)}

    def get_throttles(self) -> list[Any]:
        self.throttle_scope = "api_write" if self.request.method == "PUT" else "api_read"
        return super().get_throttles()

    @extend_schema_serializer(component_name="DistrictSummaryIn")
    class InputSerializer(serializers.Serializer):
        week = serializers.DateField(required=False)
        note = serializers.CharField(allow_blank=True, max_length=5000)
        notable = serializers.ListField(
            child=serializers.CharField(max_length=20), required=False, max_length=50
        )
        submit = serializers.BooleanField(required=False, default=False)

    def _week(self, request: Request, value: dt.date | None) -> dt.date:
        if value is None:
            return intake_week_start(municipality_of(request), timezone.now())
        return jalali.week_start(value)

    def _out(self, request: Request, week: dt.date) -> dict[str, Any]:
        district = staff_user(request).district
        assert district is not None  # noqa: S101 — checked by the caller
        saved = selectors.district_summary_get(district=district, week_start=week)
        counts = selectors.district_week_counts(district=district, week_start=week)
        return dict(SummaryOut({
            "district": district.number, "week_start": week, "note": saved.note if saved else "",
            "notable": [c.tracking_code for c in saved.notable_cases.all()] if saved else [],
            "submitted_at": saved.submitted_at if saved else None, "total": counts["total"],
            "by_service": [{"name": r["service__name"], "n": r["n"]} for r in counts["by_service"]],
            "by_status": [{"name": r["status"], "n": r["n"]} for r in counts["by_status"]],
        }).data)  # fmt: skip

    def _district_or_404(self, request: Request) -> District:
        district = staff_user(request).district
        if district is None:
            raise Http404
        return district

    @extend_schema(operation_id="district_summary_retrieve", parameters=[SummaryParams],
                   responses={200: SummaryOut, **errors()})  # fmt: skip
    def get(self, request: Request) -> Response:
        self._district_or_404(request)
        params = SummaryParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(self._out(request, self._week(request, params.validated_data.get("week"))))

    @extend_schema(operation_id="district_summary_update", request=InputSerializer,
                   responses={200: SummaryOut, **errors()})  # fmt: skip
    def put(self, request: Request) -> Response:
        district = self._district_or_404(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        week = self._week(request, d.get("week"))
        codes = [tracking_code_normalize(c) for c in d.get("notable", [])]
        notable = list(
            Case.objects.filter(district=district, week_start=week, tracking_code__in=codes)
        )
        if len(notable) != len(set(codes)):
            raise serializers.ValidationError(
                {"notable": ["فقط درخواست‌های همین منطقه و همین هفته."]}
            )
        services.district_summary_save(district=district, week_start=week, note=d["note"], notable=notable,
                                       actor=staff_user(request), submit=d["submit"])  # fmt: skip
        return Response(self._out(request, week))
