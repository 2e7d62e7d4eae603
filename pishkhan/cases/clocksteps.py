"""The cases' steps of the weekly clock (registered in CasesConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from pishkhan.cases.services import close_expired_step, info_requests_step
from pishkhan.cycle.clock import register_step

CLOSE_SCAN_TIME = dt.time(0, 15)
INFO_SCAN_TIME = dt.time(0, 20)


def register() -> None:
    # Done cases close when the city's objection window has passed (daily; a late tick
    # catches up every missed day).
    register_step(
        "close_expired",
        daily_at=CLOSE_SCAN_TIME,
        run=close_expired_step,
        order=75,
        label=gettext_lazy("بستن درخواست‌های انجام‌شده پس از مهلت اعتراض"),
    )
    register_step(
        "info_requests",
        daily_at=INFO_SCAN_TIME,
        run=info_requests_step,
        order=76,
        label=gettext_lazy("یادآوری و پیگیری درخواست‌های اطلاعات تکمیلی"),
    )
