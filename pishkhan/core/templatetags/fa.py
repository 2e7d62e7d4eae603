"""Template filters for Jalali dates and Persian digits (loaded as builtins)."""

from __future__ import annotations

import datetime as dt
import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from pishkhan.core import jalali
from pishkhan.core.pii import mask_pii as _mask_pii
from pishkhan.core.text import fa_digits, fa_number, ltr_isolate

register = template.Library()


@register.filter
def mask_pii(value: object) -> str:
    """Public free text with mobiles, national ids and card numbers masked (core.pii)."""
    return _mask_pii(str(value)) if value else ""


@register.filter(is_safe=True)
def shorten(value: object, length: int) -> str:
    """``truncatechars`` for plain text, cheap enough for every row of a list page."""
    text = "" if value is None else str(value)
    if len(text) <= length:
        return text
    return text[: max(length - 1, 0)].rstrip() + "…"


@register.filter
def jdate(value: dt.date | dt.datetime | None, style: str = "") -> str:
    return jalali.format_date(value, lang=jalali.active_lang(), long=style == "long")


@register.filter
def jdatetime(value: dt.datetime | None, style: str = "") -> str:
    return jalali.format_datetime(value, lang=jalali.active_lang(), long=style == "long")


@register.filter
def fanum(value: object) -> str:
    """Persian digits when the page is Persian; thousands separated."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:,}"
    text = str(value)
    if jalali.active_lang() == "fa":
        if _DECIMAL.fullmatch(text):  # «1.5» from floatformat: the Persian decimal point «۱٫۵»
            text = text.replace(".", "٫")
        return fa_digits(text).replace(",", "٬")
    return text


_DECIMAL = re.compile(r"-?[0-9,]+\.[0-9]+")


@register.filter
def percent(value: object) -> SafeString | str:
    """A percentage: «۴۰٪» on Persian pages, drawn with the sign on the left of the number as
    Iranian usage has it (the sign follows the number in reading order), whatever text is
    around it: an RTL isolate whose Arabic letter mark (U+061C) makes the digits an Arabic
    number to the bidi algorithm, so the sign never joins them as a European terminator
    (which, after Latin text or at the start of a cell, put it on their right). «40%» in
    English."""
    if value is None or value == "":
        return ""
    if jalali.active_lang() != "fa":
        return f"{value}%"
    number = fa_number(value) if isinstance(value, int | float) else fa_digits(value)
    return format_html('<bdi dir="rtl">\u061c{}٪</bdi>', number)


@register.filter
def ltr(value: object, digits: str = "") -> SafeString | str:
    """A code, reference number or URL isolated left-to-right inside Persian text:
    ``<bdi dir="ltr">`` on screen and in the PDF (with ``bdi { unicode-bidi: isolate }``).
    ``|ltr:"fa"`` also writes the digits in Persian on Persian pages."""
    if value is None or value == "":
        return ""
    text = str(value)
    if digits == "fa" and jalali.active_lang() == "fa":
        text = fa_digits(text)
    return format_html('<bdi dir="ltr">{}</bdi>', text)


@register.filter
def ltrtext(value: object) -> str:
    """The same isolation in plain text (SMS, e-mail, subjects): LRI … PDI (U+2066/U+2069)."""
    if value is None or value == "":
        return ""
    return ltr_isolate(value)


_REFERENCE = re.compile(r"(?<![\w-])[0-9۰-۹]{4}(?:-[0-9۰-۹]{1,3}){1,3}(?![\w-])")
_LATIN_NUMBER = re.compile(r"(?<![A-Za-z0-9])[0-9]+(?:[.,][0-9]+)*(?![A-Za-z0-9])")


@register.filter(needs_autoescape=True)
def fatext(value: object, autoescape: bool = True) -> SafeString:
    """Machine-made or typed prose shown on a Persian page (event notes, help texts, sizes):
    Latin numbers in Persian digits — codes mixing Latin letters and digits stay as they are —
    and reference numbers (1405-37-35-1) isolated left-to-right."""
    if value is None:
        return mark_safe("")  # noqa: S308
    text = str(conditional_escape(str(value)) if autoescape else value)
    if jalali.active_lang() == "fa":
        text = _LATIN_NUMBER.sub(lambda m: fa_digits(m.group()).replace(",", "٬"), text)
    text = _REFERENCE.sub(lambda m: f'<bdi dir="ltr">{m.group()}</bdi>', text)
    return mark_safe(text)  # noqa: S308  (escaped above; only our own markup added)


@register.filter
def jweek(start: dt.date | None) -> str:
    if start is None:
        return ""
    year, number = jalali.week_label(start)
    if jalali.active_lang() == "fa":
        return fa_digits(f"هفتهٔ {number} سال {year}")  # data:
    return f"Week {number} of {year}"


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key, "") if mapping else ""
