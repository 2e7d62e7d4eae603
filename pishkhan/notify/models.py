from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """Transactional outbox: written in the same transaction as the state change."""

    class Channel(models.TextChoices):
        SMS = "sms", _("پیامک")
        EMAIL = "email", _("ایمیل")

    class Status(models.TextChoices):
        QUEUED = "queued", _("در صف")
        SENDING = "sending", _("در حال ارسال")
        SENT = "sent", _("ارسال‌شده")
        FAILED = "failed", _("ناموفق")

    # Sent to gateways as the idempotency key: a retried message is delivered once.
    key = models.UUIDField(_("شناسهٔ یکتا"), default=uuid.uuid4, unique=True, editable=False)
    municipality_id = models.BigIntegerField(_("شهرداری"), null=True, blank=True, db_index=True)
    channel = models.CharField(_("مجرا"), max_length=5, choices=Channel.choices)
    to = models.CharField(_("گیرنده"), max_length=254)
    subject = models.CharField(_("موضوع"), max_length=250, blank=True)
    body = models.TextField(_("متن"))
    html_body = models.TextField(_("متن HTML"), blank=True)
    template = models.CharField(_("قالب"), max_length=100, blank=True)
    # A message is sent at most once per key (e.g. "case:ABC123:received:sms").
    dedupe_key = models.CharField(
        _("کلید یکتایی"), max_length=200, unique=True, null=True, blank=True
    )
    status = models.CharField(
        _("وضعیت"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("تلاش‌ها"), default=0)
    # Carries a secret (a password-reset code): never shown in the admin, and the body is
    # wiped once the message is sent or given up.
    secret = models.BooleanField(_("محرمانه"), default=False)
    next_attempt_at = models.DateTimeField(_("تلاش بعدی"), db_index=True)
    claimed_until = models.DateTimeField(_("در اختیار کارگر تا"), null=True, blank=True)
    last_error = models.TextField(_("آخرین خطا"), blank=True)
    provider_id = models.CharField(_("شناسهٔ ارسال"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True)
    sent_at = models.DateTimeField(_("ارسال"), null=True, blank=True)

    class Meta:
        verbose_name = _("پیام")
        verbose_name_plural = _("صندوق پیام‌ها")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at", "id"], name="outbox_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sending", "sent", "failed"]),
                name="message_status_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"


class WorkerHeartbeat(models.Model):
    name = models.CharField(max_length=60, unique=True)
    at = models.DateTimeField()
    pid = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("ضربان کارگر")
        verbose_name_plural = _("ضربان کارگرها")
