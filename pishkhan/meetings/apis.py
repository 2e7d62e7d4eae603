"""REST API for the weekly meetings (read side): agendas, decisions, attendance.

The write actions (agenda building, recording decisions, signing) wait for meetings.services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pishkhan.cases.apis import PAGE_PARAMS, StaffApi, errors, municipality_of, page_of, paginate
from pishkhan.meetings.models import AgendaItem, Decision, Meeting


class MeetingOut(serializers.Serializer):
    week_start = serializers.DateField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Meeting.Status.choices)
    scheduled_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    sealed_at = serializers.DateTimeField(allow_null=True)
    chain_hash = serializers.CharField()


class DecisionOut(serializers.Serializer):
    number = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    text = serializers.CharField()
    lead_department = serializers.CharField(
        source="lead_department.code", allow_null=True, default=None
    )
    deadline = serializers.DateField(allow_null=True)
    refer_until = serializers.DateField(allow_null=True)


class AgendaItemOut(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=AgendaItem.Kind.choices)
    title = serializers.CharField()
    summary = serializers.CharField()
    district = serializers.IntegerField(source="district.number", allow_null=True, default=None)
    service = serializers.CharField(source="service.code", allow_null=True, default=None)
    urgency = serializers.IntegerField()
    cases = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    def get_cases(self, item: AgendaItem) -> list[str]:
        return [c.tracking_code for c in item.cases.all()]

    @extend_schema_field(DecisionOut(allow_null=True))
    def get_decision(self, item: AgendaItem) -> dict[str, Any] | None:
        decision = getattr(item, "decision", None)
        return dict(DecisionOut(decision).data) if decision is not None else None


class AttendanceOut(serializers.Serializer):
    member = serializers.CharField(source="member.full_name")
    present = serializers.BooleanField()


class MeetingDetailOut(MeetingOut):
    items = AgendaItemOut(many=True)
    attendance = AttendanceOut(many=True)


def _meetings(request: Request) -> QuerySet[Meeting]:
    return Meeting.objects.filter(municipality=municipality_of(request))


class MeetingListApi(StaffApi):
    required_perms = {"GET": ("meetings.view_agenda",)}

    @extend_schema(operation_id="meetings_list", parameters=[PAGE_PARAMS],
                   responses={200: page_of(MeetingOut, "MeetingPage"), **errors(401, 403, 404, 429)})  # fmt: skip
    def get(self, request: Request) -> Response:
        return paginate(
            request, self, _meetings(request).order_by("-week_start", "-id"), MeetingOut
        )


class MeetingDetailApi(StaffApi):
    required_perms = {"GET": ("meetings.view_agenda",)}

    @extend_schema(
        operation_id="meetings_retrieve",
        responses={200: MeetingDetailOut, **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request, week: str) -> Response:
        try:
            start = dt.date.fromisoformat(week)
        except ValueError:
            raise Http404 from None
        items = AgendaItem.objects.select_related(
            "district", "service", "decision", "decision__lead_department"
        ).prefetch_related("cases")
        meeting = (
            _meetings(request)
            .filter(week_start=start)
            .prefetch_related(
                Prefetch("items", queryset=items.order_by("number")), "attendance__member"
            )
            .first()
        )
        if meeting is None:
            raise Http404
        return Response(MeetingDetailOut(meeting).data)
