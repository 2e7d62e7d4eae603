"""Our objects as Open311 dicts (every documented field present; None when unknown)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pishkhan.api.open311.selectors import CLOSED_STATUSES
from pishkhan.cases.models import Case, CaseEvent, ServiceType
from pishkhan.core.jalali import combine, week_label

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
        "metadata": bool(service.attributes),
        "type": "realtime",
        "keywords": service.keywords or None,
        "group": service.category.name,
    }


def attribute_dicts(service: ServiceType) -> list[dict[str, Any]]:
    result = []
    raw = service.attributes if isinstance(service.attributes, list) else []
    for index, attr in enumerate(raw, start=1):
        datatype = str(attr.get("datatype") or "string")
        values = attr.get("values") or []
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
            }
        )
    return result


def definition_dict(service: ServiceType) -> dict[str, Any]:
    return {"service_code": service.code, "attributes": attribute_dicts(service)}


def open_or_closed(status: str) -> str:
    return "closed" if status in CLOSED_STATUSES else "open"


def service_notice(case: Case) -> str:
    year, week = week_label(case.week_start)
    return f"در نوبت هفتگی {week} سال {year} در جلسهٔ پیشخوان خدمت بررسی می‌شود."


def request_dict(case: Case) -> dict[str, Any]:
    closed = case.status in CLOSED_STATUSES
    updated = (case.closed_at or case.done_at or case.updated_at) if closed else case.updated_at
    expected = combine(case.deadline, dt.time(23, 59, 59)) if case.deadline else None
    return {
        "service_request_id": case.tracking_code,
        "status": open_or_closed(case.status),
        "status_notes": case.decision_text or case.status_note or None,
        "service_name": case.service.name,
        "service_code": case.service.code,
        "description": case.description,
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
    status = UPDATE_STATUS.get(event.new_status or event.case.status, "open")
    return {
        "update_id": str(event.pk),
        "service_request_id": event.case.tracking_code,
        "status": status,
        "updated_datetime": event.at,
        "description": event.note,
        "media_url": "",
    }
