"""REST API for directives: a department sees and works its own; the secretary and the auditor
see the city's. Same selectors and services as the office pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from pishkhan.core.parsers import JSONParser
from pishkhan.directives import selectors, services
from pishkhan.directives.models import Directive
from pishkhan.rest import ActionApi, StaffApi, action_schema, errors, page_of, paginate, staff_user

CAN_VIEW = ("directives.view_directive", "directives.issue_directive")


class DirectiveOut(serializers.Serializer):
    number = serializers.CharField()
    decision = serializers.CharField(source="decision.number")
    decision_text = serializers.CharField(source="decision.text")
    department = serializers.CharField(source="department.code")
    role = serializers.ChoiceField(choices=Directive.Role.choices)
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=Directive.Status.choices)
    progress = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    overdue_at = serializers.DateTimeField(allow_null=True)
    extension_requested_until = serializers.DateField(allow_null=True)


class DirectiveEventOut(serializers.Serializer):
    kind = serializers.CharField()
    old_status = serializers.CharField()
    new_status = serializers.CharField()
    actor = serializers.CharField(source="actor.full_name", allow_null=True, default=None)
    at = serializers.DateTimeField()
    note = serializers.CharField()
    progress = serializers.IntegerField(allow_null=True)


class DirectiveDetailOut(DirectiveOut):
    extension_reason = serializers.CharField()
    events = DirectiveEventOut(many=True, source="events_list")


class DirectiveFilter(serializers.Serializer):
    status = serializers.ChoiceField(required=False, choices=Directive.Status.choices)
    department = serializers.CharField(required=False, help_text="Department code.")
    page = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


def _directives(request: Request) -> QuerySet[Directive]:
    return selectors.directive_scope(staff_user(request)).select_related("decision", "department")


def _directive(request: Request, number: str) -> Directive:
    directive = _directives(request).filter(number=number).first()
    if directive is None:
        raise Http404
    return directive


def _detail(directive: Directive) -> dict[str, Any]:
    directive.events_list = selectors.directive_events(directive)  # type: ignore[attr-defined]
    return dict(DirectiveDetailOut(directive).data)


class DirectiveListApi(StaffApi):
    any_perms = {"GET": CAN_VIEW}

    @extend_schema(
        operation_id="directives_list",
        parameters=[DirectiveFilter],
        responses={200: page_of(DirectiveOut, "DirectivePage"), **errors()},
    )
    def get(self, request: Request) -> Response:
        params = DirectiveFilter(data=request.query_params)
        params.is_valid(raise_exception=True)
        f = params.validated_data
        qs = _directives(request)
        if f.get("status"):
            qs = qs.filter(status=f["status"])
        if f.get("department"):
            qs = qs.filter(department__code=f["department"])
        return paginate(request, self, qs.order_by("deadline", "id"), DirectiveOut)


class DirectiveDetailApi(StaffApi):
    any_perms = {"GET": CAN_VIEW}

    @extend_schema(
        operation_id="directives_retrieve",
        responses={200: DirectiveDetailOut, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, number: str) -> Response:
        return Response(_detail(_directive(request, number)))


class DirectiveActionApi(ActionApi[Directive]):
    """The department's work on its own directive (the service checks the department)."""

    required_perms = {"POST": ("directives.work_directive",)}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request: Request, number: str) -> Response:
        return self.perform(request, _directive(request, number))

    def present(self, request: Request, directive: Directive) -> dict[str, Any]:
        return _detail(_directive(request, directive.number))


def _action_schema(operation_id: str, body: type[serializers.Serializer]) -> Any:
    return action_schema(operation_id, body, DirectiveDetailOut)


class DirectiveAcknowledgeApi(DirectiveActionApi):
    @extend_schema_serializer(component_name="DirectiveAcknowledgeIn")
    class InputSerializer(serializers.Serializer):
        pass

    def act(self, directive: Directive, data: dict[str, Any], request: Request) -> Directive:
        return services.directive_acknowledge(directive=directive, actor=staff_user(request))

    @_action_schema("directives_acknowledge", InputSerializer)
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)


class DirectiveProgressApi(DirectiveActionApi):
    @extend_schema_serializer(component_name="DirectiveProgressIn")
    class InputSerializer(serializers.Serializer):
        progress = serializers.IntegerField(min_value=0, max_value=99)
        note = serializers.CharField(max_length=5000)
        files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)

    def act(self, directive: Directive, data: dict[str, Any], request: Request) -> Directive:
        return services.directive_progress(
            directive=directive,
            progress=data["progress"],
            note=data["note"],
            files=data.get("files", []),
            actor=staff_user(request),
        )

    @_action_schema("directives_progress", InputSerializer)
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)


class DirectiveExtensionApi(DirectiveActionApi):
    @extend_schema_serializer(component_name="DirectiveExtensionIn")
    class InputSerializer(serializers.Serializer):
        until = serializers.DateField()
        reason = serializers.CharField(max_length=2000)

    def act(self, directive: Directive, data: dict[str, Any], request: Request) -> Directive:
        return services.directive_request_extension(
            directive=directive,
            until=data["until"],
            reason=data["reason"],
            actor=staff_user(request),
        )

    @_action_schema("directives_request_extension", InputSerializer)
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)


class DirectiveCompleteApi(DirectiveActionApi):
    @extend_schema_serializer(component_name="DirectiveCompleteIn")
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=5000)
        files = serializers.ListField(
            child=serializers.FileField(),
            max_length=10,
            help_text="Evidence of the work (photos or PDF); at least one.",
        )

    def act(self, directive: Directive, data: dict[str, Any], request: Request) -> Directive:
        return services.directive_complete(
            directive=directive, note=data["note"], files=data["files"], actor=staff_user(request)
        )

    @_action_schema("directives_complete", InputSerializer)
    def post(self, request: Request, number: str) -> Response:
        return super().post(request, number)


# ------------------------------------------------------------------ reports


class WeekReportOut(serializers.Serializer):
    week_start = serializers.DateField()
    decided = serializers.IntegerField()
    directives = serializers.IntegerField()
    done_on_time = serializers.IntegerField()
    done_late = serializers.IntegerField()
    overdue_open = serializers.IntegerField()
    avg_days_to_decision = serializers.FloatField(allow_null=True)


class DepartmentReportOut(serializers.Serializer):
    department = serializers.CharField(source="department__name")
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    superseded = serializers.IntegerField()


class WeeklyReportApi(StaffApi):
    required_perms = {"GET": ("reports.view_reports",)}

    class Params(serializers.Serializer):
        weeks = serializers.IntegerField(required=False, min_value=1, max_value=52, default=8)

    @extend_schema(
        operation_id="reports_weekly",
        parameters=[Params],
        responses={200: WeekReportOut(many=True), **errors()},
    )
    def get(self, request: Request) -> Response:
        params = self.Params(data=request.query_params)
        params.is_valid(raise_exception=True)
        municipality_id = staff_user(request).municipality_id or 0
        rows = selectors.weekly_report(municipality_id, weeks=params.validated_data["weeks"])
        return Response(WeekReportOut(rows, many=True).data)


class DepartmentReportApi(StaffApi):
    required_perms = {"GET": ("reports.view_reports",)}

    @extend_schema(
        operation_id="reports_departments",
        responses={200: DepartmentReportOut(many=True), **errors(401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.department_report(staff_user(request).municipality_id or 0)
        return Response(DepartmentReportOut(rows, many=True).data)
