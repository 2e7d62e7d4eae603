"""The public site's steps of the weekly clock (registered in PortalConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from pishkhan.cycle.clock import register_step
from pishkhan.cycle.models import Week
from pishkhan.meetings.models import Meeting
from pishkhan.portal.services import bulletin_clock_step


def bulletin_due(week: Week) -> dt.datetime | None:
    """Due at the week's dispatch time, once its minutes are signed (until then: not yet)."""
    signed = Meeting.objects.filter(
        municipality_id=week.municipality_id, week_start=week.start, status=Meeting.Status.SIGNED
    ).exists()
    return max(week.dispatch_at, week.meeting_at) if signed else None


def register() -> None:
    register_step(
        "publish_bulletin",
        due=bulletin_due,
        run=bulletin_clock_step,
        order=200,
        label=gettext_lazy("انتشار بولتن مصوبات هفته"),
    )
