from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Department, Municipality
from pishkhan.core.models import TimeStampedModel
from pishkhan.meetings.models import Decision


class Directive(TimeStampedModel):
    """A numbered deadline order (ابلاغیه) to one department."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("ابلاغ‌شده")
        ACKNOWLEDGED = "acknowledged", _("رؤیت‌شده")
        IN_PROGRESS = "in_progress", _("در حال اجرا")
        OVERDUE = "overdue", _("معوق")
        AWAITING = "awaiting", _("انجام‌شده، در انتظار تأیید مدیر واحد")
        DONE = "done", _("انجام‌شده")
        SUPERSEDED = "superseded", _("جایگزین‌شده با تصمیم جدید")

    class Role(models.TextChoices):
        LEAD = "lead", _("مجری اصلی")
        SUPPORT = "support", _("همکار")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, verbose_name=_("شهرداری")
    )
    number = models.CharField(_("شمارهٔ ابلاغیه"), max_length=30, db_index=True)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="directives", verbose_name=_("مصوبه")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="directives", verbose_name=_("واحد")
    )
    role = models.CharField(_("نقش"), max_length=10, choices=Role.choices, default=Role.LEAD)
    deadline = models.DateField(_("مهلت"), db_index=True)
    status = models.CharField(
        _("وضعیت"), max_length=14, choices=Status.choices, default=Status.ISSUED
    )
    progress = models.PositiveSmallIntegerField(_("پیشرفت (درصد)"), default=0)
    issued_at = models.DateTimeField(_("زمان ابلاغ"))
    acknowledged_at = models.DateTimeField(_("زمان رؤیت"), null=True, blank=True)
    completed_at = models.DateTimeField(_("زمان انجام"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("زمان تأخیر"), null=True, blank=True)
    extension_requested_until = models.DateField(_("تمدید درخواستی تا"), null=True, blank=True)
    extension_reason = models.TextField(_("علت درخواست تمدید"), blank=True)
    letter_pdf = models.FileField(_("نامهٔ ابلاغ"), upload_to="directives/", blank=True)

    class Meta:
        verbose_name = _("ابلاغیه")
        verbose_name_plural = _("ابلاغیه‌ها")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["department", "status", "deadline"], name="directive_inbox_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "issued",
                        "acknowledged",
                        "in_progress",
                        "overdue",
                        "awaiting",
                        "done",
                        "superseded",
                    ]
                ),
                name="directive_status_valid",
            ),
            models.UniqueConstraint(
                fields=["municipality", "number"], name="directive_unique_number"
            ),
            models.UniqueConstraint(
                fields=["decision", "department"],
                condition=~Q(status="superseded"),
                name="directive_one_active_per_department",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="directive_progress_range"),
        ]
        permissions = [
            ("issue_directive", "Can issue directives"),
            ("work_directive", "Can acknowledge, report and complete own department's directives"),
        ]

    def __str__(self) -> str:
        return self.number


class DirectiveEvent(models.Model):
    # What a person reads for each ``kind`` (never the internal code).
    KIND_LABELS = {
        "status": _("تغییر وضعیت"),
        "acknowledged": _("دریافت ابلاغیه تأیید شد"),
        "progress": _("گزارش پیشرفت"),
        "extension_requested": _("درخواست تمدید مهلت"),
        "completed": _("انجام شد"),
    }

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("نوع"), max_length=30, default="status")
    old_status = models.CharField(max_length=14, blank=True)
    new_status = models.CharField(max_length=14, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField()
    note = models.TextField(_("توضیح"), blank=True)
    progress = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("رویداد ابلاغیه")
        verbose_name_plural = _("رویدادهای ابلاغیه")
        ordering = ["at", "id"]

    @property
    def kind_label(self) -> str:
        return str(self.KIND_LABELS.get(self.kind, _("رویداد")))


class Evidence(models.Model):
    event = models.ForeignKey(DirectiveEvent, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("مستند"), upload_to="evidence/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("مستند انجام کار")
        verbose_name_plural = _("مستندات انجام کار")


class CitizenCheck(models.Model):
    """The citizen is asked by SMS whether the work reported done is really done.

    One row per report (the ``awaiting`` event) and citizen case; the citizen's reply
    (``1`` done, ``2`` not done) is recorded once. A reply counts like the head's word. The
    mobile is the case's (no copy here: anonymising the case leaves nothing behind)."""

    class Answer(models.TextChoices):
        PENDING = "", _("در انتظار پاسخ")
        DONE = "done", _("شهروند انجام کار را تأیید کرد")
        NOT_DONE = "not_done", _("شهروند گفت کار انجام نشده است")
        VOID = "void", _("پیش از پاسخ شهروند تعیین تکلیف شد")

    directive = models.ForeignKey(
        Directive, on_delete=models.CASCADE, related_name="citizen_checks"
    )
    event = models.ForeignKey(
        DirectiveEvent,
        on_delete=models.CASCADE,
        related_name="citizen_checks",
        verbose_name=_("گزارش انجام"),
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("درخواست")
    )
    asked_at = models.DateTimeField(_("زمان پرسش"))
    answer = models.CharField(
        _("پاسخ"), max_length=10, choices=Answer.choices, default=Answer.PENDING, blank=True
    )
    answered_at = models.DateTimeField(_("زمان پاسخ"), null=True, blank=True)
    note = models.TextField(_("گفتهٔ شهروند"), blank=True)

    class Meta:
        verbose_name = _("پرسش از شهروند")
        verbose_name_plural = _("پرسش‌ها از شهروندان")
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "case"], name="citizen_check_once"),
            models.CheckConstraint(
                condition=Q(answer__in=["", "done", "not_done", "void"]),
                name="citizen_check_answer_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directive} / {self.case_id}"
