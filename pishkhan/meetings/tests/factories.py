"""Test data for meetings and directives."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from pishkhan.cases.models import Case
from pishkhan.core.jalali import week_start

_seq = itertools.count(1)


def this_week() -> dt.date:
    return week_start(timezone.localdate())


def make_case(
    city: dict[str, Any],
    *,
    status: str = "visited",
    service: Any = None,
    district: Any = None,
    start: dt.date | None = None,
    **extra: Any,
) -> Case:
    n = next(_seq)
    service = service or city["pothole"]
    return Case.objects.create(
        municipality=city["municipality"],
        tracking_code=f"T{n:08d}"[:12],
        channel="web",
        status=status,
        citizen_name=f"شهروند {n}",
        citizen_mobile=f"+98912{n:07d}",
        service=service,
        description=f"درخواست آزمایشی شمارهٔ {n}",
        address=extra.pop("address", f"خیابان {n}"),
        lat=extra.pop("lat", 36.84 + n * 0.01),
        lon=extra.pop("lon", 54.43),
        district=district or city["d1"],
        week_start=start or this_week(),
        **extra,
    )
