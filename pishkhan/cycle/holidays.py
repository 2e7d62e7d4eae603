"""Official Iranian holidays from the `holidays` package, as editable data."""

from __future__ import annotations

import datetime as dt

import holidays as holidays_lib
import jdatetime


def official_holidays(jalali_years: list[int]) -> dict[dt.date, str]:
    """Holidays (Persian names) for whole Jalali years."""
    result: dict[dt.date, str] = {}
    greg_years: set[int] = set()
    for jy in jalali_years:
        greg_years.add(jdatetime.date(jy, 1, 1).togregorian().year)
        greg_years.add(jdatetime.date(jy, 12, 29).togregorian().year)
    calendar = holidays_lib.country_holidays("IR", years=sorted(greg_years), language="fa_IR")
    for day, name in sorted(calendar.items()):
        if jdatetime.date.fromgregorian(date=day).year in jalali_years:
            result[day] = name
    return result
