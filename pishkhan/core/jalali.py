"""Jalali calendar helpers. Storage is Gregorian and aware; Jalali is presentation and input."""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

import jdatetime
from django.utils import translation
from django.utils.translation import gettext as _

from pishkhan.core.text import fa_digits, to_ascii_digits

TEHRAN = ZoneInfo("Asia/Tehran")
MONTHS_FA = [  # data: the calendar's own names (MONTHS_EN for English)
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
MONTHS_EN = [
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
]
WEEKDAYS_FA = [  # data: (WEEKDAYS_EN for English)
    "شنبه",
    "یکشنبه",
    "دوشنبه",
    "سه‌شنبه",
    "چهارشنبه",
    "پنجشنبه",
    "جمعه",
]
WEEKDAYS_EN = ["Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def sat_weekday(day: dt.date) -> int:
    """0 = Saturday … 6 = Friday (the Iranian week)."""
    return (day.weekday() + 2) % 7


def week_start(day: dt.date) -> dt.date:
    """The Saturday that starts the Iranian week containing ``day``."""
    return day - dt.timedelta(days=sat_weekday(day))


@functools.lru_cache(maxsize=1024)
def week_label(start: dt.date) -> tuple[int, int]:
    """(Jalali year, week number) of the week starting on Saturday ``start``.

    Week 1 of a Jalali year is the week that contains 1 Farvardin; a week belongs to
    the year of its Friday.
    """
    friday = jdatetime.date.fromgregorian(date=start + dt.timedelta(days=6))
    yday = friday.yday()
    return friday.year, (yday - 1) // 7 + 1


def to_jalali(day: dt.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=day)


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(TEHRAN) if value.tzinfo else value


def active_lang() -> str:
    """The page's language for dates and digits: "fa" unless English is active."""
    return "fa" if (translation.get_language() or "fa").startswith("fa") else "en"


def format_date(day: dt.date | dt.datetime | None, *, lang: str = "fa", long: bool = False) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = local(day).date()
    return _format_day(day, lang, long)


@functools.lru_cache(maxsize=4096)
def _format_day(day: dt.date, lang: str, long: bool) -> str:
    # Lists show many rows of the same few days: the calendar conversion is done once per day.
    j = to_jalali(day)
    if long:
        months, weekdays = (MONTHS_FA, WEEKDAYS_FA) if lang == "fa" else (MONTHS_EN, WEEKDAYS_EN)
        text = f"{weekdays[sat_weekday(day)]} {j.day} {months[j.month - 1]} {j.year}"
    else:
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return fa_digits(text) if lang == "fa" else text


def format_datetime(value: dt.datetime | None, *, lang: str = "fa", long: bool = False) -> str:
    if value is None:
        return ""
    value = local(value)
    day = _format_day(value.date(), lang, long)
    clock = f"{value.hour:02d}:{value.minute:02d}"
    if lang == "fa":
        return f"{day} ساعت {fa_digits(clock)}"  # data: the Persian form (English below)
    return f"{day} {clock}"


_JDATE = re.compile(r"^\s*(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")


def parse_jalali_date(value: str) -> dt.date:
    """Parse '1405/09/08' in Persian or Latin digits into a Gregorian date.

    Raises ValueError with a Persian message.
    """
    match = _JDATE.match(to_ascii_digits(value or ""))
    if not match:
        raise ValueError(_("تاریخ را به شکل ۱۴۰۵/۰۹/۰۸ وارد کنید."))
    year, month, day = (int(g) for g in match.groups())
    if not 1300 <= year <= 1500:
        # 2026/12/12 typed by habit is a Gregorian date, not the Jalali year 2026.
        raise ValueError(_("سال را به تقویم شمسی بنویسید، مثل ۱۴۰۵/۰۹/۰۸."))
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        raise ValueError(_("این تاریخ در تقویم شمسی وجود ندارد.")) from None


def combine(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TEHRAN)
