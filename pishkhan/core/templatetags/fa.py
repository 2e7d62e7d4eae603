"""Template filters for Jalali dates and Persian digits (loaded as builtins)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from pishkhan.core import jalali
from pishkhan.core.pii import mask_pii as _mask_pii
from pishkhan.core.text import fa_digits, ltr_isolate

register = template.Library()


@register.filter
def mask_pii(value: object) -> str:
    """Public free text with mobiles, national ids and card numbers masked (core.pii)."""
    return _mask_pii(str(value)) if value else ""


def _lang() -> str:
    return "fa" if (translation.get_language() or "fa").startswith("fa") else "en"


@register.filter(is_safe=True)
def shorten(value: object, length: int) -> str:
    """``truncatechars`` for plain text, cheap enough for every row of a list page."""
    text = "" if value is None else str(value)
    if len(text) <= length:
        return text
    return text[: max(length - 1, 0)].rstrip() + "…"


@register.filter
def jdate(value: dt.date | dt.datetime | None, style: str = "") -> str:
    return jalali.format_date(value, lang=_lang(), long=style == "long")


@register.filter
def jdatetime(value: dt.datetime | None, style: str = "") -> str:
    return jalali.format_datetime(value, lang=_lang(), long=style == "long")


@register.filter
def fanum(value: object) -> str:
    """Persian digits when the page is Persian; thousands separated."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:,}"
    text = str(value)
    if _lang() == "fa":
        return fa_digits(text).replace(",", "٬")
    return text


@register.filter
def ltr(value: object, digits: str = "") -> SafeString | str:
    """A code, reference number or URL isolated left-to-right inside Persian text:
    ``<bdi dir="ltr">`` on screen and in the PDF (with ``bdi { unicode-bidi: isolate }``).
    ``|ltr:"fa"`` also writes the digits in Persian on Persian pages."""
    if value is None or value == "":
        return ""
    text = str(value)
    if digits == "fa" and _lang() == "fa":
        text = fa_digits(text)
    return format_html('<bdi dir="ltr">{}</bdi>', text)


@register.filter
def ltrtext(value: object) -> str:
    """The same isolation in plain text (SMS, e-mail, subjects): LRI … PDI (U+2066/U+2069)."""
    if value is None or value == "":
        return ""
    return ltr_isolate(value)


@register.filter
def jweek(start: dt.date | None) -> str:
    if start is None:
        return ""
    year, number = jalali.week_label(start)
    text = f"هفتهٔ {number} سال {year}" if _lang() == "fa" else f"Week {number} of {year}"
    return fa_digits(text) if _lang() == "fa" else text


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key, "") if mapping else ""
