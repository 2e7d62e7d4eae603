"""REST API for cases: the catalogue, the case lists and the district manager's triage.

Same services and scoping as the back office; the REST base (permission, views, errors,
pagination) is pishkhan/rest.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pishkhan.accounts.models import District
from pishkhan.cases import selectors, services
from pishkhan.cases.models import Case, RecordView, RejectReason
from pishkhan.cases.promise import promise_of
from pishkhan.cases.tracking import tracking_code_normalize
from pishkhan.cases.views import FULL_PII_ROLES
from pishkhan.core import jalali
from pishkhan.core.validators import mask_mobile, mask_national_id
from pishkhan.cycle.schedule import intake_week_start
from pishkhan.rest import (
    PAGE_PARAMS,
    ActionApi,
    StaffApi,
    action_schema,
    errors,
    municipality_of,
    page_of,
    paginate,
    staff_user,
)

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
    due_week = serializers.DateField(
        allow_null=True,
        help_text="The promise: Saturday of the week whose meeting must decide the case.",
    )
    promised_week = serializers.DateField(allow_null=True, help_text="The first promise given.")
    answered_week = serializers.DateField(
        allow_null=True, help_text="The week whose meeting first decided or deferred the case."
    )
    deferrals = serializers.IntegerField(help_text="How often the meeting deferred the case.")
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
        child=serializers.CharField(),
        source="duplicate_codes",
        help_text="Tracking codes of likely duplicates (same service, open, nearby, similar text).",
    )

    promise = serializers.SerializerMethodField(
        help_text="The due meeting: {week, meeting_at, days_left, late, state, text}."
    )

    def get_national_id(self, case: Case) -> str:
        full = self.context.get("full_pii", False)
        return case.national_id if full else mask_national_id(case.national_id)

    def get_promise(self, case: Case) -> dict[str, Any]:
        p = promise_of(case)
        return {
            "week": p.week.isoformat() if p.week else None,
            "meeting_at": p.meeting_at.isoformat() if p.meeting_at else None,
            "days_left": p.days_left,
            "late": p.late,
            "state": p.state,
            "text": p.phrase,
        }


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
            raise serializers.ValidationError(
                _("وضعیت نامعتبر: %(values)s") % {"values": ", ".join(bad)}
            )
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
            raise serializers.ValidationError({"service": [_("این خدمت در فهرست خدمات نیست.")]})
        district = None
        if d.get("district"):
            district = District.objects.filter(
                municipality=municipality, number=d["district"]
            ).first()
            if district is None:
                raise serializers.ValidationError({"district": [_("منطقه نامعتبر است.")]})
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


# ----------------------------------------------------------------- triage (district manager's desk)


class TriageApi(ActionApi[Case]):
    required_perms = {"POST": ("cases.triage_case",)}

    def post(self, request: Request, code: str) -> Response:
        return self.perform(request, _case_for(request, code))

    def present(self, request: Request, case: Case) -> dict[str, Any]:
        # Not through the scope again: a move may take the case out of the actor's district.
        fresh = (
            Case.objects.select_related("service", "district", "lead_department", "merged_into")
            .prefetch_related("attachments")
            .get(pk=case.pk)
        )
        return _detail(request, fresh)


def _triage_schema(operation_id: str, request: type[serializers.Serializer]) -> Any:
    return action_schema(operation_id, request, CaseDetailOut)


class CaseAcceptApi(TriageApi):
    @extend_schema_serializer(component_name="CaseAcceptIn")
    class InputSerializer(serializers.Serializer):
        needs_visit = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        return services.case_accept(
            case=case,
            needs_visit=data["needs_visit"],
            note=data.get("note", ""),
            actor=staff_user(request),
        )

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
                raise serializers.ValidationError({"reason": [_("علت رد نامعتبر است.")]})
        return services.case_reject(
            case=case, reason=reason, note=data.get("note", ""), actor=staff_user(request)
        )

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
            raise serializers.ValidationError({"into": [_("درخواست اصلی پیدا نشد.")]})
        return services.case_merge(
            case=case, into=into, note=data.get("note", ""), actor=staff_user(request)
        )

    @_triage_schema("cases_merge", InputSerializer)
    def post(self, request: Request, code: str) -> Response:
        return super().post(request, code)


class CaseRequestInfoApi(TriageApi):
    @extend_schema_serializer(component_name="CaseRequestInfoIn")
    class InputSerializer(serializers.Serializer):
        question = serializers.CharField(max_length=2000)

    def act(self, case: Case, data: dict[str, Any], request: Request) -> Case:
        return services.case_request_info(
            case=case, question=data["question"], actor=staff_user(request)
        )

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
            raise serializers.ValidationError({"district": [_("منطقه نامعتبر است.")]})
        return services.case_move_district(
            case=case, district=district, note=data.get("note", ""), actor=staff_user(request)
        )

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


# ---------------------------------------------------------------- district manager's weekly summary


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
        return dict(
            SummaryOut(
                {
                    "district": district.number,
                    "week_start": week,
                    "note": saved.note if saved else "",
                    "notable": [c.tracking_code for c in saved.notable_cases.all()]
                    if saved
                    else [],
                    "submitted_at": saved.submitted_at if saved else None,
                    "total": counts["total"],
                    "by_service": [
                        {"name": r["service__name"], "n": r["n"]} for r in counts["by_service"]
                    ],
                    "by_status": [{"name": r["status"], "n": r["n"]} for r in counts["by_status"]],
                }
            ).data
        )

    def _district_or_404(self, request: Request) -> District:
        district = staff_user(request).district
        if district is None:
            raise Http404
        return district

    @extend_schema(
        operation_id="district_summary_retrieve",
        parameters=[SummaryParams],
        responses={200: SummaryOut, **errors()},
    )
    def get(self, request: Request) -> Response:
        self._district_or_404(request)
        params = SummaryParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(self._out(request, self._week(request, params.validated_data.get("week"))))

    @extend_schema(
        operation_id="district_summary_update",
        request=InputSerializer,
        responses={200: SummaryOut, **errors()},
    )
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
                {"notable": [_("فقط درخواست‌های همین منطقه و همین هفته.")]}
            )
        services.district_summary_save(
            district=district,
            week_start=week,
            note=d["note"],
            notable=notable,
            actor=staff_user(request),
            submit=d["submit"],
        )
        return Response(self._out(request, week))
