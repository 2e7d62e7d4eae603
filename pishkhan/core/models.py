from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("به‌روزرسانی"), auto_now=True)

    class Meta:
        abstract = True


class AuditHead(models.Model):
    """The head of one hash chain (one per municipality): locked to append in order."""

    chain = models.CharField(max_length=40, unique=True)
    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("سر زنجیرهٔ ممیزی")
        verbose_name_plural = _("سرهای زنجیرهٔ ممیزی")


class AuditEntry(models.Model):
    """Append-only, hash-chained log of every state change (verify with verify_ledger)."""

    chain = models.CharField(_("زنجیره"), max_length=40)
    seq = models.BigIntegerField(_("شماره"))
    at = models.DateTimeField(_("زمان"))
    actor_id = models.BigIntegerField(_("انجام‌دهنده"), null=True, blank=True)
    action = models.CharField(_("کنش"), max_length=60)
    object_type = models.CharField(_("نوع شیء"), max_length=40)
    object_id = models.CharField(_("شناسهٔ شیء"), max_length=40)
    data = models.JSONField(_("داده"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ردپای ممیزی")
        verbose_name_plural = _("دفتر ممیزی")
        ordering = ["chain", "seq"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_unique_seq")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"
