"""One Open311 document, two renderings: XML (the spec's own) and JSON (Spark convention).

A document is ``Doc(root, body, item)``: ``body`` is a list of ``item`` elements (a bare array
in JSON)
or a dict (an object in JSON). Inside, a list value is a container whose children are named by
``CHILDREN`` (``endpoints`` → ``endpoint``…); ``None`` is an empty element / JSON null; booleans are
``true``/``false``; datetimes are W3C with offset and second precision. Text is written without
control characters, so the XML is well-formed whatever a row holds.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise

from pishkhan.core.text import strip_controls, xml_safe

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"

# Container element → child element name.
CHILDREN = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "groups": "group",
    "requirements": "requirement",
    "notes": "note",
}


@dataclass(frozen=True)
class Doc:
    root: str
    body: list[dict[str, Any]] | dict[str, Any]
    item: str = ""
    status: int = 200


def w3c(value: dt.datetime | None) -> str | None:
    """``2026-11-29T10:15:30+03:30``: offset always present, no fractional seconds."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dt.datetime):
        return w3c(value) or ""
    return escape(xml_safe(str(value)))


def _xml_element(name: str, value: Any, out: list[str]) -> None:
    if value is None or value == [] or value == {}:
        out.append(f"<{name}/>")
    elif isinstance(value, dict):
        out.append(f"<{name}>")
        for key, sub in value.items():
            _xml_element(key, sub, out)
        out.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        child = CHILDREN.get(name, "item")
        out.append(f"<{name}>")
        for sub in value:
            _xml_element(child, sub, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{_scalar(value)}</{name}>")


def to_xml(doc: Doc) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>']
    if isinstance(doc.body, list):
        if not doc.body:
            out.append(f"<{doc.root}/>")
        else:
            out.append(f"<{doc.root}>")
            for item in doc.body:
                _xml_element(doc.item, item, out)
            out.append(f"</{doc.root}>")
    else:
        _xml_element(doc.root, doc.body, out)
    return "".join(out)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return w3c(value)
    if isinstance(value, Promise):  # a lazy translation
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(doc: Doc) -> str:
    return json.dumps(doc.body, ensure_ascii=False, default=_json_default)


def _clean(value: Any) -> Any:
    """Text without control characters, whatever was stored: both formats carry the same text,
    and the XML stays well-formed (older rows predate the input cleaning)."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {key: _clean(sub) for key, sub in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(sub) for sub in value]
    return value


def render(doc: Doc, fmt: str) -> HttpResponse:
    doc = Doc(doc.root, _clean(doc.body), doc.item, doc.status)
    if fmt == "xml":
        return HttpResponse(to_xml(doc).encode(), content_type=XML_TYPE, status=doc.status)
    return HttpResponse(to_json(doc).encode(), content_type=JSON_TYPE, status=doc.status)


def errors_doc(status: int, *descriptions: str) -> Doc:
    return Doc(
        "errors",
        [{"code": status, "description": text} for text in descriptions],
        "error",
        status=status,
    )
