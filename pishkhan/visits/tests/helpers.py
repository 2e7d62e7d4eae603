"""Scenario helpers for the visit and clock tests."""

from __future__ import annotations

import datetime as dt
import itertools

from pishkhan.cases.models import Case
from pishkhan.cases.services import case_accept, case_submit
from pishkhan.core.jalali import TEHRAN

_n = itertools.count(1)


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TEHRAN)


def submit(city, *, when, service="pothole", district="d1", lat=36.845, lon=54.44, accept=True):
    n = next(_n)
    case = case_submit(
        municipality=city["municipality"],
        channel=Case.Channel.WEB,
        citizen_name=f"شهروند {n}",
        citizen_mobile=f"0912{n:07d}",
        service=city[service],
        description="چالهٔ بزرگ در کوچهٔ ما خطرناک است",
        address=f"خیابان نمونه، پلاک {n}",
        lat=lat,
        lon=lon,
        district=city[district],
        now=when,
    )
    if accept:
        manager = city["manager1"] if district == "d1" else city["manager2"]
        case = case_accept(case=case, needs_visit=True, actor=manager)
    return case
