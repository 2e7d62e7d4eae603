"""REST API for field visits: the week's routes, planning and moving visits, check-in and reports.

Same services and rules as the office pages: a senior manager sees his own visits; the secretary
and the auditor see the city's; only the secretary plans and reassigns.
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
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from pishkhan.accounts.models import Department, User
from pishkhan.accounts.roles import Role
from pishkhan.core.jalali import week_start
from pishkhan.core.parsers import JSONParser
from pishkhan.cycle.services import week_get_or_create
from pishkhan.rest import (
    ActionApi,
    StaffApi,
    action_schema,
    errors,
    municipality_of,
    page_of,
    paginate,
    staff_user,
)
from pishkhan.visits import services
from pishkhan.visits.models import Visit


class VisitOut(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.tracking_code")
    service = serializers.CharField(source="case.service.name")
    district = serializers.IntegerField(source="case.district.number")
    address = serializers.CharField(source="case.address")
    lat = serializers.FloatField(source="case.lat", allow_null=True)
    lon = serializers.FloatField(source="case.lon", allow_null=True)
    week_start = serializers.DateField()
    manager_id = serializers.IntegerField()
    manager = serializers.CharField(source="manager.full_name")
    day = serializers.DateField()
    order = serializers.IntegerField()
    planned_at = serializers.DateTimeField(allow_null=True)
    travel_minutes = serializers.IntegerField()
    distance_m = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Visit.Status.choices)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    recommendation = serializers.CharField()
    reported_at = serializers.DateTimeField(allow_null=True)


class VisitDetailOut(VisitOut):
    findings = serializers.CharField()
    measurements = serializers.JSONField()
    proposed_text = serializers.CharField()
    lead_department = serializers.CharField(
        source="lead_department.code", allow_null=True, default=None
    )
    estimated_cost = serializers.IntegerField(allow_null=True)
    urgency = serializers.ChoiceField(choices=Visit.Urgency.choices)
    checkin_lat = serializers.FloatField(allow_null=True)
    checkin_lon = serializers.FloatField(allow_null=True)
    photos = serializers.IntegerField(source="photo_count")


def _visits(request: Request) -> QuerySet[Visit]:
    user = staff_user(request)
    qs = Visit.objects.filter(municipality=municipality_of(request)).select_related(
        "case", "case__service", "case__district", "manager", "lead_department"
    )
    if user.role == Role.SENIOR_MANAGER:
        qs = qs.filter(manager=user)
    return qs


def _visit(request: Request, pk: int, *, scoped: bool = True) -> Visit:
    qs = _visits(request) if scoped else Visit.objects.filter(municipality=municipality_of(request))
    visit = (
        qs.select_related("case", "case__service", "case__district", "manager", "lead_department")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def _detail(visit: Visit) -> dict[str, Any]:
    visit.photo_count = visit.photos.count()  # type: ignore[attr-defined]
    return dict(VisitDetailOut(visit).data)


class VisitFilter(serializers.Serializer):
    week = serializers.DateField(
        required=False, help_text="Any day of the week (its Saturday is used)."
    )
    day = serializers.DateField(required=False)
    manager = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Senior manager's id."
    )
    status = serializers.ChoiceField(required=False, choices=Visit.Status.choices)
    page = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class VisitListApi(StaffApi):
    required_perms = {"GET": ("visits.view_visit_plan",)}

    @extend_schema(
        operation_id="visits_list",
        parameters=[VisitFilter],
        responses={200: page_of(VisitOut, "VisitPage"), **errors()},
    )
    def get(self, request: Request) -> Response:
        params = VisitFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        f = params.validated_data
        qs = _visits(request)
        if f.get("week"):
            qs = qs.filter(week_start=week_start(f["week"]))
        if f.get("day"):
            qs = qs.filter(day=f["day"])
        if f.get("manager"):
            qs = qs.filter(manager_id=f["manager"])
        if f.get("status"):
            qs = qs.filter(status=f["status"])
        return paginate(request, self, qs.order_by("day", "manager_id", "order", "pk"), VisitOut)


class VisitDetailApi(StaffApi):
    required_perms = {"GET": ("visits.view_visit_plan",)}

    @extend_schema(
        operation_id="visits_retrieve",
        responses={200: VisitDetailOut, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(_visit(request, pk)))


class PlanOut(serializers.Serializer):
    planned = serializers.IntegerField()
    unplanned = serializers.IntegerField()


class VisitPlanApi(StaffApi):
    throttle_scope = "api_write"
    required_perms = {"POST": ("visits.plan_visits",)}

    @extend_schema_serializer(component_name="VisitPlanIn")
    class InputSerializer(serializers.Serializer):
        week = serializers.DateField(
            help_text="Any day of the week to plan (its Saturday is used); within a year of today."
        )

        def validate_week(self, value: dt.date) -> dt.date:
            if abs((value - timezone.localdate()).days) > 366:
                raise serializers.ValidationError(_("هفته باید در یک سال گذشته یا آینده باشد."))
            return value

    @extend_schema(
        operation_id="visits_plan",
        request=InputSerializer,
        responses={200: PlanOut, **errors()},
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        week = week_get_or_create(municipality_of(request), week_start(data.validated_data["week"]))
        result = services.visits_plan(week=week, now=timezone.now(), actor=staff_user(request))
        return Response(PlanOut(result).data)


class VisitActionApi(ActionApi[Visit]):
    def authorize(self, visit: Visit, user: User) -> None:
        """Before reading the body: only the visit's own manager or the planner may act on it."""
        if user.pk != visit.manager_id and not user.has_perm("visits.plan_visits"):
            raise PermissionDenied(_("این بازدید به شما سپرده نشده است."))

    def post(self, request: Request, pk: int) -> Response:
        return self.perform(request, _visit(request, pk, scoped=False))

    def present(self, request: Request, visit: Visit) -> dict[str, Any]:
        return _detail(_visit(request, visit.pk, scoped=False))


def _action_schema(operation_id: str, body: type[serializers.Serializer]) -> Any:
    return action_schema(operation_id, body, VisitDetailOut)


class VisitReassignApi(VisitActionApi):
    required_perms = {"POST": ("visits.plan_visits",)}

    @extend_schema_serializer(component_name="VisitReassignIn")
    class InputSerializer(serializers.Serializer):
        manager = serializers.IntegerField(
            min_value=1, max_value=2**63 - 1, help_text="Senior manager's id."
        )
        day = serializers.DateField(required=False, allow_null=True)

    def act(self, visit: Visit, data: dict[str, Any], request: Request) -> Visit:
        manager = User.objects.filter(
            pk=data["manager"], municipality_id=visit.municipality_id
        ).first()
        if manager is None:
            raise serializers.ValidationError({"manager": [_("مدیر ارشد را برگزینید.")]})
        return services.visit_reassign(
            visit=visit,
            manager=manager,
            day=data.get("day"),
            actor=staff_user(request),
            now=timezone.now(),
        )

    @_action_schema("visits_reassign", InputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class VisitReorderApi(VisitActionApi):
    required_perms = {"POST": ("visits.view_visit_plan",)}

    @extend_schema_serializer(component_name="VisitReorderIn")
    class InputSerializer(serializers.Serializer):
        position = serializers.IntegerField(
            min_value=1, max_value=500, help_text="1-based place in the route."
        )

    def act(self, visit: Visit, data: dict[str, Any], request: Request) -> Visit:
        return services.visit_reorder(
            visit=visit, position=data["position"], actor=staff_user(request), now=timezone.now()
        )

    @_action_schema("visits_reorder", InputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class VisitSwapApi(VisitActionApi):
    required_perms = {"POST": ("visits.view_visit_plan",)}

    @extend_schema_serializer(component_name="VisitSwapIn")
    class InputSerializer(serializers.Serializer):
        other = serializers.IntegerField(
            min_value=1, max_value=2**63 - 1, help_text="Id of the other manager's visit."
        )

    def act(self, visit: Visit, data: dict[str, Any], request: Request) -> Visit:
        other = Visit.objects.filter(
            pk=data["other"], municipality_id=visit.municipality_id
        ).first()
        if other is None:
            raise serializers.ValidationError({"other": [_("بازدید دیگر پیدا نشد.")]})
        mine, _other = services.visit_swap(
            visit=visit, other=other, actor=staff_user(request), now=timezone.now()
        )
        return mine

    @_action_schema("visits_swap", InputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class VisitCheckInApi(VisitActionApi):
    @extend_schema_serializer(component_name="VisitCheckInIn")
    class InputSerializer(serializers.Serializer):
        lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
        lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)

    def act(self, visit: Visit, data: dict[str, Any], request: Request) -> Visit:
        return services.visit_check_in(
            visit=visit,
            actor=staff_user(request),
            lat=data.get("lat"),
            lon=data.get("lon"),
            now=timezone.now(),
        )

    @_action_schema("visits_check_in", InputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class VisitReportApi(VisitActionApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="VisitReportIn")
    class InputSerializer(serializers.Serializer):
        findings = serializers.CharField(max_length=5000)
        recommendation = serializers.ChoiceField(choices=Visit.Recommendation.choices)
        measurements = serializers.JSONField(required=False)
        proposed_text = serializers.CharField(required=False, allow_blank=True, max_length=5000)
        lead_department = serializers.CharField(
            required=False, allow_blank=True, help_text="Department code."
        )
        estimated_cost = serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=2**63 - 1
        )
        urgency = serializers.ChoiceField(required=False, choices=Visit.Urgency.choices)
        checkin_lat = serializers.FloatField(
            required=False, allow_null=True, min_value=-90, max_value=90
        )
        checkin_lon = serializers.FloatField(
            required=False, allow_null=True, min_value=-180, max_value=180
        )
        photos = serializers.ListField(
            child=serializers.ImageField(), required=False, max_length=10
        )

    def act(self, visit: Visit, data: dict[str, Any], request: Request) -> Visit:
        department = None
        if data.get("lead_department"):
            department = Department.objects.filter(
                municipality_id=visit.municipality_id, code=data["lead_department"]
            ).first()
            if department is None:
                raise serializers.ValidationError({"lead_department": [_("واحد نامعتبر است.")]})
        measurements = data.get("measurements") or {}
        if not isinstance(measurements, dict):
            raise serializers.ValidationError(
                {"measurements": [_("اندازه‌گیری‌ها باید یک شیء JSON باشد.")]}
            )
        return services.visit_report_file(
            visit=visit,
            actor=staff_user(request),
            now=timezone.now(),
            findings=data["findings"],
            recommendation=data["recommendation"],
            measurements=measurements,
            proposed_text=data.get("proposed_text", ""),
            lead_department=department,
            estimated_cost=data.get("estimated_cost"),
            urgency=data.get("urgency", Visit.Urgency.MEDIUM),
            photos=data.get("photos", []),
            checkin_lat=data.get("checkin_lat"),
            checkin_lon=data.get("checkin_lon"),
        )

    @_action_schema("visits_report", InputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)
