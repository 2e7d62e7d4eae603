"""REST API for directives (read side): a department sees its own; the secretary and the auditor
see the city's. The actions (acknowledge, progress, complete, extension) wait for
directives.services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pishkhan.accounts.access import department_filter
from pishkhan.cases.apis import StaffApi, errors, municipality_of, page_of, paginate, staff_user
from pishkhan.directives.models import Directive


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
    events = DirectiveEventOut(many=True)


class DirectiveFilter(serializers.Serializer):
    status = serializers.ChoiceField(required=False, choices=Directive.Status.choices)
    department = serializers.CharField(required=False, help_text="Department code.")
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


def _directives(request: Request) -> QuerySet[Directive]:
    qs = Directive.objects.filter(municipality=municipality_of(request))
    return qs.filter(department_filter(staff_user(request))).select_related(
        "decision", "department"
    )


class DirectiveListApi(StaffApi):
    any_perms = {"GET": ("directives.view_directive", "directives.issue_directive")}

    @extend_schema(operation_id="directives_list", parameters=[DirectiveFilter],
                   responses={200: page_of(DirectiveOut, "DirectivePage"), **errors()})  # fmt: skip
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
    any_perms = {"GET": ("directives.view_directive", "directives.issue_directive")}

    @extend_schema(
        operation_id="directives_retrieve",
        responses={200: DirectiveDetailOut, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, number: str) -> Response:
        directive = (
            _directives(request).prefetch_related("events__actor").filter(number=number).first()
        )
        if directive is None:
            raise Http404
        return Response(DirectiveDetailOut(directive).data)
