from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import AppConfig


def _bulletin_due(week: Any) -> dt.datetime | None:
    """Due at the week's dispatch time, once its minutes are signed (until then: not yet)."""
    from pishkhan.meetings.models import Meeting

    signed = Meeting.objects.filter(
        municipality_id=week.municipality_id, week_start=week.start, status=Meeting.Status.SIGNED
    ).exists()
    return max(week.dispatch_at, week.meeting_at) if signed else None


class PortalConfig(AppConfig):
    name = "pishkhan.portal"
    label = "portal"
    verbose_name = "سایت عمومی"

    def ready(self) -> None:
        from pishkhan.cycle.clock import register_step
        from pishkhan.portal.services import bulletin_clock_step

        register_step(
            "publish_bulletin",
            due=_bulletin_due,
            run=bulletin_clock_step,
            order=200,
            label="انتشار بولتن مصوبات هفته",
        )
