from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Department, Municipality
from pishkhan.cases.models import Case
from pishkhan.core.models import TimeStampedModel


class Visit(TimeStampedModel):
    """A senior manager's on-site inspection of a case, planned into a day route."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("برنامه‌ریزی‌شده")
        CHECKED_IN = "checked_in", _("حضور در محل")
        REPORTED = "reported", _("گزارش‌شده")
        MISSED = "missed", _("انجام‌نشده")

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("تأیید و اجرا")
        REJECT = "reject", _("رد")
        DEFER = "defer", _("بررسی بیشتر")
        REFER = "refer", _("ارجاع برای مطالعه")

    class Urgency(models.IntegerChoices):
        LOW = 1, _("عادی")
        MEDIUM = 2, _("مهم")
        HIGH = 3, _("فوری")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, verbose_name=_("شهرداری")
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="visits", verbose_name=_("درخواست")
    )
    week_start = models.DateField(_("هفته"), db_index=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("مدیر ارشد"),
    )
    day = models.DateField(_("روز بازدید"))
    order = models.PositiveSmallIntegerField(_("ترتیب در مسیر"), default=0)
    planned_at = models.DateTimeField(_("زمان برنامه‌ریزی‌شده"), null=True, blank=True)
    travel_minutes = models.PositiveSmallIntegerField(_("زمان رفت‌وآمد (دقیقه)"), default=0)
    distance_m = models.PositiveIntegerField(_("مسافت از نقطهٔ قبل (متر)"), default=0)
    status = models.CharField(
        _("وضعیت"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    checked_in_at = models.DateTimeField(_("زمان حضور"), null=True, blank=True)
    checkin_lat = models.FloatField(_("عرض جغرافیایی حضور"), null=True, blank=True)
    checkin_lon = models.FloatField(_("طول جغرافیایی حضور"), null=True, blank=True)
    checkin_distance_m = models.PositiveIntegerField(
        _("فاصلهٔ حضور از محل (متر)"), null=True, blank=True
    )
    # Why the check-in looks wrong ("far", "wrong_day", "no_location"), comma separated.
    checkin_flags = models.CharField(_("هشدار حضور"), max_length=60, blank=True)
    report_key = models.CharField(
        _("کلید یکتای گزارش"),
        max_length=64,
        blank=True,
        help_text=_("فرستادن دوبارهٔ همان گزارش از صف آفلاین گوشی، گزارش دوم نمی‌سازد."),
    )
    findings = models.TextField(_("یافته‌ها"), blank=True)
    measurements = models.JSONField(_("اندازه‌گیری‌ها"), default=dict, blank=True)
    recommendation = models.CharField(
        _("پیشنهاد"), max_length=10, choices=Recommendation.choices, blank=True
    )
    proposed_text = models.TextField(_("متن پیشنهادی تصمیم"), blank=True)
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("واحد پیشنهادی"),
    )
    estimated_cost = models.PositiveBigIntegerField(
        _("هزینهٔ برآوردی (ریال)"), null=True, blank=True
    )
    urgency = models.PositiveSmallIntegerField(
        _("فوریت"), choices=Urgency.choices, default=Urgency.MEDIUM
    )
    reported_at = models.DateTimeField(_("زمان گزارش"), null=True, blank=True)

    CHECKIN_FLAG_LABELS = {
        "far": _("دور از محل"),
        "wrong_day": _("روز دیگری جز روز بازدید"),
        "no_location": _("بدون موقعیت مکانی"),
    }

    class Meta:
        verbose_name = _("بازدید")
        verbose_name_plural = _("بازدیدها")
        ordering = ["day", "manager", "order"]
        indexes = [models.Index(fields=["manager", "day", "order"], name="visit_route_idx")]
        constraints = [
            models.UniqueConstraint(fields=["case", "week_start"], name="visit_one_per_case_week"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "checked_in", "reported", "missed"]),
                name="visit_status_valid",
            ),
        ]
        permissions = [
            ("file_visit_report", "Can file a visit report"),
            ("view_visit_plan", "Can see visit plans"),
            ("plan_visits", "Can plan and reassign visits"),
        ]

    def __str__(self) -> str:
        return f"{self.case} @ {self.day}"

    def checkin_flag_labels(self) -> list[str]:
        return [str(self.CHECKIN_FLAG_LABELS.get(f, f)) for f in self.checkin_flags.split(",") if f]


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("بازدید")
    )
    file = models.ImageField(_("عکس"), upload_to="visits/%Y/%m/")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("عکس بازدید")
        verbose_name_plural = _("عکس‌های بازدید")

    def __str__(self) -> str:
        return str(self.file.name)


class VisitEvent(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    old_status = models.CharField(max_length=12, blank=True)
    new_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("رویداد بازدید")
        verbose_name_plural = _("رویدادهای بازدید")
        ordering = ["at", "id"]


class CalendarFeed(models.Model):
    """A senior manager's secret calendar link: one at a time, revocable, expiring.

    Only a hash of the token is stored; the link itself is shown once, when it is made.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("کاربر"),
    )
    token_hash = models.CharField(_("چکیدهٔ نشانه"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("ایجاد"))
    expires_at = models.DateTimeField(_("انقضا"))

    class Meta:
        verbose_name = _("پیوند تقویم")
        verbose_name_plural = _("پیوندهای تقویم")

    def __str__(self) -> str:
        return f"{self.user_id} → {self.expires_at:%Y-%m-%d}"
