from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CLOSE_SCAN_TIME = dt.time(0, 15)


def _daily(day: int) -> Callable[[Any], dt.datetime]:
    def due(week: Any) -> dt.datetime:
        from pishkhan.core.jalali import combine

        return combine(week.start + dt.timedelta(days=day), CLOSE_SCAN_TIME)

    return due


class CasesConfig(AppConfig):
    name = "pishkhan.cases"
    label = "cases"
    verbose_name = _("درخواست‌ها")

    def ready(self) -> None:
        from pishkhan.cases.duplicates import case_duplicates_scan
        from pishkhan.cases.services import close_expired_step, info_requests_step
        from pishkhan.cycle.clock import register_step
        from pishkhan.cycle.jobs import register_job

        register_job("cases.duplicates_scan", run=case_duplicates_scan)
        # Done cases close when the city's objection window has passed: checked once a day
        # (a step per day of the week; a late tick catches up).
        for day in range(7):
            register_step(
                f"close_expired_{day}",
                due=_daily(day),
                run=close_expired_step,
                order=75,
                label=_("بستن درخواست‌های انجام‌شده پس از مهلت اعتراض"),
            )
            register_step(
                f"info_requests_{day}",
                due=_daily(day),
                run=info_requests_step,
                order=76,
                label=_("یادآوری و پیگیری درخواست‌های اطلاعات تکمیلی"),
            )
