"""REST API for the weekly meetings: agendas (build, reorder, merge, split, freeze), the session
(attendance, decisions, members' positions, closing) and signing the minutes — through
meetings.services, with the office's permissions (prepare_agenda, run_meeting, sign_minutes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pishkhan.accounts.models import Department, User
from pishkhan.core import jalali
from pishkhan.core.text import local_number
from pishkhan.cycle.services import week_get_or_create
from pishkhan.meetings import services
from pishkhan.meetings.models import AgendaItem, Decision, Meeting, Position
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

    @extend_schema(
        operation_id="meetings_list",
        parameters=[PAGE_PARAMS],
        responses={200: page_of(MeetingOut, "MeetingPage"), **errors(401, 403, 404, 429)},
    )
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


def _meeting_for(request: Request, week: str) -> Meeting:
    try:
        start = dt.date.fromisoformat(week)
    except ValueError:
        raise Http404 from None
    meeting = _meetings(request).filter(week_start=start).first()
    if meeting is None:
        raise Http404
    return meeting


def _meeting_out(meeting: Meeting) -> dict[str, Any]:
    items = AgendaItem.objects.select_related(
        "district", "service", "decision", "decision__lead_department"
    ).prefetch_related("cases")
    fresh = (
        Meeting.objects.filter(pk=meeting.pk)
        .prefetch_related(
            Prefetch("items", queryset=items.order_by("number")), "attendance__member"
        )
        .get()
    )
    return dict(MeetingDetailOut(fresh).data)


def _item(meeting: Meeting, number: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(meeting=meeting, number=number).select_related("meeting").first()
    )
    if item is None:
        raise serializers.ValidationError(
            {
                "item": [
                    gettext("دستور %(number)s در این جلسه نیست.") % {"number": local_number(number)}
                ]
            }
        )
    return item


class MeetingActionApi(ActionApi[Meeting]):
    def post(self, request: Request, week: str) -> Response:
        return self.perform(request, _meeting_for(request, week))

    def present(self, request: Request, meeting: Meeting) -> dict[str, Any]:
        return _meeting_out(meeting)


def _action_schema(operation_id: str, body: type[serializers.Serializer]) -> Any:
    return action_schema(operation_id, body, MeetingDetailOut)


class AgendaBuildApi(StaffApi):
    """Create the week's meeting if needed and (re)build its draft agenda."""

    throttle_scope = "api_write"
    required_perms = {"POST": ("meetings.prepare_agenda",)}

    @extend_schema_serializer(component_name="AgendaBuildIn")
    class InputSerializer(serializers.Serializer):
        pass

    @_action_schema("meetings_agenda_build", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        try:
            start = jalali.week_start(dt.date.fromisoformat(week))
        except ValueError:
            raise Http404 from None
        if abs((start - timezone.localdate()).days) > 366:
            raise Http404
        meeting = services.meeting_for_week(
            week=week_get_or_create(municipality_of(request), start)
        )
        services.agenda_build(meeting=meeting, now=timezone.now(), actor=staff_user(request))
        return Response(_meeting_out(meeting))


class AgendaFreezeApi(MeetingActionApi):
    required_perms = {"POST": ("meetings.prepare_agenda",)}

    @extend_schema_serializer(component_name="AgendaFreezeIn")
    class InputSerializer(serializers.Serializer):
        pass

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        services.agenda_freeze(meeting=meeting, now=timezone.now(), actor=staff_user(request))

    @_action_schema("meetings_agenda_freeze", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)


class AgendaMoveApi(MeetingActionApi):
    required_perms = {"POST": ("meetings.prepare_agenda",)}

    @extend_schema_serializer(component_name="AgendaMoveIn")
    class InputSerializer(serializers.Serializer):
        item = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Item number.")
        position = serializers.IntegerField(min_value=1, max_value=1000)

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        services.agenda_item_move(
            item=_item(meeting, data["item"]), position=data["position"], actor=staff_user(request)
        )

    @_action_schema("meetings_agenda_move", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)


class AgendaMergeApi(MeetingActionApi):
    required_perms = {"POST": ("meetings.prepare_agenda",)}

    @extend_schema_serializer(component_name="AgendaMergeIn")
    class InputSerializer(serializers.Serializer):
        items = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
            min_length=2,
            max_length=50,
        )

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        items = [_item(meeting, n) for n in data["items"]]
        services.agenda_items_merge(items=items, actor=staff_user(request))

    @_action_schema("meetings_agenda_merge", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)


class AgendaSplitApi(MeetingActionApi):
    required_perms = {"POST": ("meetings.prepare_agenda",)}

    @extend_schema_serializer(component_name="AgendaSplitIn")
    class InputSerializer(serializers.Serializer):
        item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        cases = serializers.ListField(
            child=serializers.CharField(max_length=20),
            min_length=1,
            max_length=200,
            help_text="Tracking codes to move into a new item.",
        )

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        item = _item(meeting, data["item"])
        ids = list(item.cases.filter(tracking_code__in=data["cases"]).values_list("id", flat=True))
        services.agenda_item_split(item=item, case_ids=ids, actor=staff_user(request))

    @_action_schema("meetings_agenda_split", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)


class MeetingStartApi(MeetingActionApi):
    required_perms = {"POST": ("meetings.run_meeting",)}

    @extend_schema_serializer(component_name="MeetingStartIn")
    class InputSerializer(serializers.Serializer):
        present = serializers.ListField(
            child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
            max_length=100,
            help_text="Ids of the board members present.",
        )

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        present = list(
            User.objects.filter(pk__in=data["present"], municipality_id=meeting.municipality_id)
        )
        if len(present) != len(set(data["present"])):
            raise serializers.ValidationError(
                {"present": [gettext("حاضران باید از اعضای پیشخوان باشند.")]}
            )
        services.meeting_start(
            meeting=meeting, present=present, actor=staff_user(request), now=timezone.now()
        )

    @_action_schema("meetings_start", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)


class DecisionRecordApi(MeetingActionApi):
    required_perms = {"POST": ("meetings.run_meeting",)}

    @extend_schema_serializer(component_name="DecisionRecordIn")
    class InputSerializer(serializers.Serializer):
        item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
        text = serializers.CharField(max_length=5000)
        lead_department = serializers.CharField(
            required=False, allow_blank=True, help_text="Department code."
        )
        supporting_departments = serializers.ListField(
            child=serializers.CharField(), required=False, max_length=20
        )
        deadline = serializers.DateField(required=False, allow_null=True)
        refer_until = serializers.DateField(required=False, allow_null=True)
        cost_note = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        codes = [
            c for c in [data.get("lead_department"), *data.get("supporting_departments", [])] if c
        ]
        found = {
            d.code: d
            for d in Department.objects.filter(
                municipality_id=meeting.municipality_id, code__in=codes
            )
        }
        missing = [c for c in codes if c not in found]
        if missing:
            raise serializers.ValidationError(
                {
                    "lead_department": [
                        gettext("واحد نامعتبر: %(codes)s") % {"codes": ", ".join(missing)}
                    ]
                }
            )
        services.decision_record(
            item=_item(meeting, data["item"]),
            outcome=data["outcome"],
            text=data["text"],
            actor=staff_user(request),
            lead_department=found.get(data.get("lead_department") or ""),
            supporting_departments=[found[c] for c in data.get("supporting_departments", [])],
            deadline=data.get("deadline"),
            refer_until=data.get("refer_until"),
            cost_note=data.get("cost_note", ""),
        )

    @_action_schema("meetings_decision_record", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)


class PositionSetApi(MeetingActionApi):
    required_perms = {"POST": ("meetings.run_meeting",)}

    @extend_schema_serializer(component_name="PositionSetIn")
    class InputSerializer(serializers.Serializer):
        item = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
        member = serializers.IntegerField(
            min_value=1, max_value=2**63 - 1, help_text="Board member's id."
        )
        stance = serializers.ChoiceField(choices=Position.Stance.choices)

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        item = _item(meeting, data["item"])
        decision = Decision.objects.filter(item=item).select_related("item__meeting").first()
        member = User.objects.filter(
            pk=data["member"], municipality_id=meeting.municipality_id
        ).first()
        if decision is None or member is None:
            raise serializers.ValidationError(
                {"item": [gettext("ابتدا تصمیم این دستور را ثبت کنید و عضو را برگزینید.")]}
            )
        services.position_set(
            decision=decision, member=member, stance=data["stance"], actor=staff_user(request)
        )

    @_action_schema("meetings_position_set", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)


class MeetingCloseApi(MeetingActionApi):
    required_perms = {"POST": ("meetings.run_meeting",)}

    @extend_schema_serializer(component_name="MeetingCloseIn")
    class InputSerializer(serializers.Serializer):
        defer_remaining = serializers.BooleanField(required=False, default=False)

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        services.meeting_close(
            meeting=meeting,
            actor=staff_user(request),
            now=timezone.now(),
            defer_remaining=data["defer_remaining"],
        )

    @_action_schema("meetings_close", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)


class MinutesSignApi(MeetingActionApi):
    """A present member signs the minutes with the password (the mayor last; the last seals)."""

    required_perms = {"POST": ("meetings.sign_minutes",)}

    @extend_schema_serializer(component_name="MinutesSignIn")
    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(max_length=128, style={"input_type": "password"})

    def act(self, meeting: Meeting, data: dict[str, Any], request: Request) -> None:
        services.minutes_sign(
            meeting=meeting,
            member=staff_user(request),
            password=data["password"],
            now=timezone.now(),
        )

    @_action_schema("meetings_sign", InputSerializer)
    def post(self, request: Request, week: str) -> Response:
        return super().post(request, week)
