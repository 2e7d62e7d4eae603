"""Our objects as Open311 dicts (every documented field present; None when unknown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from pishkhan.api.open311.selectors import CLOSED_STATUSES
from pishkhan.cases.models import Case, CaseEvent, ServiceType
from pishkhan.core.jalali import combine, week_label
from pishkhan.core.pii import mask_pii

# Extended (mySociety) statuses for servicerequestupdates.
UPDATE_STATUS = {
    "submitted": "open",
    "info_requested": "open",
    "accepted": "open",
    "rejected": "not_councils_responsibility",
    "merged": "duplicate",
    "visited": "investigating",
    "on_agenda": "planned",
    "decided": "planned",
    "deferred": "planned",
    "dispatched": "action_scheduled",
    "in_progress": "in_progress",
    "done": "fixed",
    "closed": "closed",
    "reopened": "reopen",
}
LIST_TYPES = ("singlevaluelist", "multivaluelist")


def service_dict(service: ServiceType) -> dict[str, Any]:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.description,
        "metadata": True,  # every definition carries our rules (an informational attribute)
        "type": "realtime",
        "keywords": service.keywords or None,
        "group": service.category.name,
        "groups": [service.category.name],  # mySociety extension: a service in several groups
    }


AUTOMATED = ("server_set", "hidden_field")


def attribute_dicts(service: ServiceType) -> list[dict[str, Any]]:
    result = []
    raw = service.attributes if isinstance(service.attributes, list) else []
    for index, attr in enumerate(raw, start=1):
        datatype = str(attr.get("datatype") or "string")
        values = attr.get("values") or []
        automated = attr.get("automated")
        result.append(
            {
                "variable": bool(attr.get("variable", True)),
                "code": str(attr.get("code", "")),
                "datatype": datatype,
                "required": bool(attr.get("required", False)),
                "datatype_description": attr.get("datatype_description") or None,
                "order": int(attr.get("order") or index),
                "description": str(attr.get("description", "")),
                "values": [
                    {"key": str(v.get("key", "")), "name": str(v.get("name", ""))}
                    for v in values
                    if isinstance(v, dict)
                ]
                if datatype in LIST_TYPES
                else [],
                # mySociety extension: filled by the client or us, not asked of the citizen
                **({"automated": automated} if automated in AUTOMATED else {}),
            }
        )
    return result


RULES_CODE = "pishkhan_rules"


def rules_attribute(order: int, rules: list[str]) -> dict[str, Any]:
    """Our rules beyond the spec, as an informational (``variable=false``) attribute: clients
    show it, nobody answers it."""
    return {
        "variable": False,
        "code": RULES_CODE,
        "datatype": "text",
        "required": False,
        "datatype_description": None,
        "order": order,
        "description": " ".join(rules),
        "values": [],
    }


def definition_dict(service: ServiceType, rules: list[str]) -> dict[str, Any]:
    attributes = attribute_dicts(service)
    order = max((a["order"] for a in attributes), default=0) + 1
    return {
        "service_code": service.code,
        "attributes": [*attributes, rules_attribute(order, rules)],
    }


def open_or_closed(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def service_notice(case: Case) -> str:
    year, week = week_label(case.week_start)
    return _("در نوبت هفتگی %(week)s سال %(year)s در جلسهٔ پیشخوان خدمت بررسی می‌شود.") % {
        "week": week,
        "year": year,
    }


def request_dict(case: Case) -> dict[str, Any]:
    closed = case.status in CLOSED_STATUSES
    updated = (case.closed_at or case.done_at or case.updated_at) if closed else case.updated_at
    expected = combine(case.deadline, dt.time(23, 59, 59)) if case.deadline else None
    return {
        "service_request_id": case.tracking_code,
        "status": open_or_closed(case.status),
        "status_notes": mask_pii(case.decision_text or case.status_note) or None,
        "service_name": case.service.name,
        "service_code": case.service.code,
        "description": mask_pii(case.description),
        "agency_responsible": case.lead_department.name if case.lead_department else None,
        "service_notice": service_notice(case),
        "requested_datetime": case.created_at,
        "updated_datetime": updated,
        "expected_datetime": expected,
        "address": case.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lon,
        "media_url": case.media_url or None,
    }


def update_dict(event: CaseEvent) -> dict[str, Any]:
    internal = event.new_status or event.case.status
    return {
        "update_id": str(event.pk),
        "service_request_id": event.case.tracking_code,
        "status": UPDATE_STATUS.get(internal, "open"),
        "updated_datetime": event.at,
        "description": mask_pii(event.note),
        "media_url": None,
        # mySociety extension: our own, finer state (FixMyStreet keeps it for its templates)
        "external_status_code": internal,
    }


NOTE_TYPES = {"submitted": "submitted", "accepted": "opened"}


def note_dict(event: CaseEvent) -> dict[str, Any]:
    """One entry of the request's history (``extensions=true``)."""
    new = event.new_status
    kind = NOTE_TYPES.get(new) or ("closed" if new in CLOSED_STATUSES else "activity")
    return {
        "datetime": event.at,
        "description": mask_pii(event.note) or None,
        "type": kind,
        "summary": str(Case.Status(new).label) if new in Case.Status.values else None,
        "extended_attributes": {"status": new or None},
    }


def _in_definition_order(case: Case) -> list[tuple[str, Any]]:
    """The answers in the order the service asks them (PostgreSQL's jsonb keeps no key order)."""
    order = {str(a.get("code")): i for i, a in enumerate(case.service.attributes or [])}
    answers = case.attributes if isinstance(case.attributes, dict) else {}
    return sorted(answers.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def extended_request_dict(case: Case, events: list[CaseEvent]) -> dict[str, Any]:
    """``extensions=true``: our details and the public history (notes), as Chicago and
    Mark-a-Spot publish them."""
    return {
        **request_dict(case),
        "external_status_code": case.status,
        "extended_attributes": {
            "channel": case.channel,
            "district": case.district.name if case.district_id else None,
            "week": service_notice(case),
            "citizen_verdict": case.citizen_verdict or None,
        },
        "attributes": [
            {
                "code": str(code),
                "name": str(code),
                "value": ",".join(map(str, value))
                if isinstance(value, list)
                else mask_pii(value)
                if isinstance(value, str)
                else value,
            }
            for code, value in _in_definition_order(case)
            if isinstance(value, str | int | float | list)
        ],
        "notes": [note_dict(e) for e in events],
    }
