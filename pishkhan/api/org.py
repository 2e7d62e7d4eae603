"""Read-only organisation resources: districts, departments, weekly cycles (for staff)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pishkhan.accounts.selectors import department_list, district_list
from pishkhan.cycle.models import Week
from pishkhan.rest import (
    PAGE_PARAMS,
    StaffApi,
    errors,
    municipality_of,
    page_of,
    paginate,
)


class DistrictOut(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    center_lat = serializers.FloatField(allow_null=True)
    center_lon = serializers.FloatField(allow_null=True)


class DistrictListApi(StaffApi):
    @extend_schema(
        operation_id="districts_list",
        parameters=[PAGE_PARAMS],
        responses={200: page_of(DistrictOut, "DistrictPage"), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        qs = district_list(municipality=municipality_of(request)).order_by("number", "id")
        return paginate(request, self, qs, DistrictOut)


class DepartmentOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    domain = serializers.CharField()


class DepartmentListApi(StaffApi):
    @extend_schema(
        operation_id="departments_list",
        parameters=[PAGE_PARAMS],
        responses={200: page_of(DepartmentOut, "DepartmentPage"), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        qs = department_list(municipality=municipality_of(request)).order_by("name", "id")
        return paginate(request, self, qs, DepartmentOut)


class WeekOut(serializers.Serializer):
    start = serializers.DateField()
    jalali_year = serializers.IntegerField()
    jalali_week = serializers.IntegerField()
    phase = serializers.ChoiceField(choices=Week.Phase.choices)
    intake_opens_at = serializers.DateTimeField()
    intake_closes_at = serializers.DateTimeField()
    visits_start_at = serializers.DateTimeField()
    visits_end_at = serializers.DateTimeField()
    agenda_freeze_at = serializers.DateTimeField()
    meeting_at = serializers.DateTimeField()
    dispatch_at = serializers.DateTimeField()
    visit_days = serializers.ListField(child=serializers.DateField())
    shifts = serializers.JSONField()


class WeekListApi(StaffApi):
    required_perms = {"GET": ("cycle.see_week",)}

    @extend_schema(
        operation_id="weeks_list",
        parameters=[PAGE_PARAMS],
        responses={200: page_of(WeekOut, "WeekPage"), **errors(401, 403, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        qs = Week.objects.filter(municipality=municipality_of(request)).order_by("-start")
        return paginate(request, self, qs, WeekOut)


class WeekDetailApi(StaffApi):
    required_perms = {"GET": ("cycle.see_week",)}

    @extend_schema(
        operation_id="weeks_retrieve", responses={200: WeekOut, **errors(401, 403, 404, 429)}
    )
    def get(self, request: Request, start: str) -> Response:
        try:
            day = dt.date.fromisoformat(start)
        except ValueError:
            raise Http404 from None
        week = Week.objects.filter(municipality=municipality_of(request), start=day).first()
        if week is None:
            raise Http404
        return Response(WeekOut(week).data)
