from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Municipality
from pishkhan.core.jalali import TEHRAN

WEEKDAY_CHOICES = [
    (0, _("شنبه")),
    (1, _("یکشنبه")),
    (2, _("دوشنبه")),
    (3, _("سه‌شنبه")),
    (4, _("چهارشنبه")),
    (5, _("پنجشنبه")),
    (6, _("جمعه")),
]


class Schedule(models.Model):
    """A municipality's weekly timetable. Days are 0 = Saturday … 6 = Friday."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="schedule", verbose_name=_("شهرداری")
    )
    intake_start_day = models.PositiveSmallIntegerField(
        _("شروع پذیرش"), choices=WEEKDAY_CHOICES, default=0
    )
    intake_end_day = models.PositiveSmallIntegerField(
        _("پایان پذیرش"), choices=WEEKDAY_CHOICES, default=1
    )
    intake_end_time = models.TimeField(_("ساعت پایان پذیرش"), default=dt.time(23, 59))
    visit_start_day = models.PositiveSmallIntegerField(
        _("شروع بازدید"), choices=WEEKDAY_CHOICES, default=2
    )
    visit_end_day = models.PositiveSmallIntegerField(
        _("پایان بازدید"), choices=WEEKDAY_CHOICES, default=3
    )
    visit_start_time = models.TimeField(_("ساعت شروع بازدید"), default=dt.time(6, 0))
    visit_end_time = models.TimeField(_("ساعت پایان بازدید"), default=dt.time(23, 59))
    meeting_day = models.PositiveSmallIntegerField(
        _("روز جلسه"), choices=WEEKDAY_CHOICES, default=4
    )
    meeting_time = models.TimeField(_("ساعت جلسه"), default=dt.time(13, 30))
    agenda_freeze_minutes = models.PositiveSmallIntegerField(
        _("بستن دستور جلسه (دقیقه پیش از جلسه)"), default=120
    )
    dispatch_day = models.PositiveSmallIntegerField(
        _("روز ابلاغ"), choices=WEEKDAY_CHOICES, default=5
    )
    dispatch_time = models.TimeField(_("ساعت ابلاغ"), default=dt.time(8, 0))
    quorum = models.PositiveSmallIntegerField(_("حد نصاب (تعداد اعضا)"), default=3)
    # Who counts for the quorum, takes positions and signs (roles, comma-separated); everyone
    # else in the room (district and senior managers, department heads, guests) attends.
    quorum_roles = models.CharField(
        _("نقش‌های دارای رأی (حد نصاب)"),
        max_length=200,
        default="mayor,board_member",
        help_text=_("نقش‌هایی که در حد نصاب شمرده می‌شوند، نظر می‌دهند و امضا می‌کنند؛ با ویرگول"),
    )
    objection_window_days = models.PositiveSmallIntegerField(_("مهلت اعتراض (روز)"), default=7)
    deferral_limit = models.PositiveSmallIntegerField(
        _("سقف تعویق یک مورد (پس از آن به توجه شهردار)"), default=2
    )
    info_reminder_days = models.PositiveSmallIntegerField(
        _("یادآوری به شهروند برای اطلاعات تکمیلی (روز)"), default=3
    )
    info_wait_days = models.PositiveSmallIntegerField(
        _("حداکثر انتظار برای اطلاعات تکمیلی (روز)"), default=7
    )

    class Meta:
        verbose_name = _("برنامهٔ هفتگی")
        verbose_name_plural = _("برنامه‌های هفتگی")

    def __str__(self) -> str:
        return str(self.municipality)

    def voting_roles(self) -> list[str]:
        return [r.strip() for r in self.quorum_roles.split(",") if r.strip()]


class Holiday(models.Model):
    """An official holiday or closure; admins add, move and delete days."""

    class Source(models.TextChoices):
        OFFICIAL = "official", _("تقویم رسمی")
        MANUAL = "manual", _("افزوده‌شده به‌دست مدیر")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="holidays", verbose_name=_("شهرداری")
    )
    date = models.DateField(_("تاریخ"))
    name = models.CharField(_("مناسبت"), max_length=200)
    source = models.CharField(
        _("منبع"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )

    class Meta:
        verbose_name = _("تعطیلی")
        verbose_name_plural = _("تعطیلات")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "date"], name="holiday_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Week(models.Model):
    """One weekly cycle, from Saturday; holds its (holiday-shifted) phase times."""

    class Phase(models.TextChoices):
        PLANNED = "planned", _("برنامه‌ریزی‌شده")
        INTAKE = "intake", _("پذیرش")
        VISITS = "visits", _("بازدید میدانی")
        MEETING = "meeting", _("جلسه")
        DISPATCH = "dispatch", _("ابلاغ")
        EXECUTION = "execution", _("اجرا")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="weeks", verbose_name=_("شهرداری")
    )
    start = models.DateField(_("شنبهٔ آغاز"))
    jalali_year = models.PositiveSmallIntegerField(_("سال"))
    jalali_week = models.PositiveSmallIntegerField(_("شمارهٔ هفته"))
    phase = models.CharField(
        _("مرحله"), max_length=12, choices=Phase.choices, default=Phase.PLANNED
    )
    intake_opens_at = models.DateTimeField(_("شروع پذیرش"))
    intake_closes_at = models.DateTimeField(_("پایان پذیرش"))
    visits_start_at = models.DateTimeField(_("شروع بازدیدها"))
    visits_end_at = models.DateTimeField(_("پایان بازدیدها"))
    agenda_freeze_at = models.DateTimeField(_("بستن دستور جلسه"))
    meeting_at = models.DateTimeField(_("زمان جلسه"))
    dispatch_at = models.DateTimeField(_("زمان ابلاغ"))
    # ISO dates of the (holiday-shifted) field-visit days, in order.
    visit_days = models.JSONField(_("روزهای بازدید"), default=list, blank=True)
    # [{"phase": "meeting", "from": iso, "to": iso, "reason": "..."}]
    shifts = models.JSONField(_("جابه‌جایی‌ها"), default=list, blank=True)

    class Meta:
        verbose_name = _("نوبت هفتگی")
        verbose_name_plural = _("نوبت‌های هفتگی")
        ordering = ["-start"]
        # Not "view_week": that is Django's own view permission, which opens the admin's list.
        permissions = [("see_week", "Can see the weekly cycle page")]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "start"], name="week_unique_start"),
            models.CheckConstraint(
                condition=Q(
                    phase__in=["planned", "intake", "visits", "meeting", "dispatch", "execution"]
                ),
                name="week_phase_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jalali_year}-W{self.jalali_week:02d}"

    def visit_dates(self) -> list[dt.date]:
        return [dt.date.fromisoformat(d) for d in self.visit_days]

    def phase_at(self, now: dt.datetime) -> str:
        """The phase the week is in at ``now`` (dispatch lasts until the end of its day)."""
        if now < self.intake_opens_at:
            return self.Phase.PLANNED
        if now < self.intake_closes_at:
            return self.Phase.INTAKE
        if now < self.visits_end_at:
            return self.Phase.VISITS
        if now < self.dispatch_at:
            return self.Phase.MEETING
        end_of_dispatch = self.dispatch_at.astimezone(TEHRAN).replace(hour=23, minute=59, second=0)
        if now < end_of_dispatch:
            return self.Phase.DISPATCH
        return self.Phase.EXECUTION


class ClockStep(models.Model):
    """A step the clock has done for a week: the guarantee that each runs once."""

    week = models.ForeignKey(
        Week, on_delete=models.CASCADE, related_name="steps", verbose_name=_("هفته")
    )
    step = models.CharField(_("گام"), max_length=40)
    due_at = models.DateTimeField(_("موعد"))
    done_at = models.DateTimeField(_("انجام"))
    result = models.JSONField(_("نتیجه"), default=dict, blank=True)

    class Meta:
        verbose_name = _("گام ساعت")
        verbose_name_plural = _("گام‌های ساعت")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["week", "step"], name="clockstep_once")]

    def __str__(self) -> str:
        return f"{self.week} {self.step}"
