from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Municipality
from pishkhan.core.models import TimeStampedModel


class Tag(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE)
    slug = models.SlugField(_("شناسه"), max_length=60, allow_unicode=True)
    name = models.CharField(_("نام"), max_length=60)

    class Meta:
        verbose_name = _("برچسب")
        verbose_name_plural = _("برچسب‌ها")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="tag_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Article(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس")
        REVIEW = "review", _("در انتظار بازبینی")
        PUBLISHED = "published", _("منتشرشده")
        ARCHIVED = "archived", _("بایگانی")

    class Kind(models.TextChoices):
        NEWS = "news", _("خبر")
        BULLETIN = "bulletin", _("بولتن مصوبات هفته")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, verbose_name=_("شهرداری")
    )
    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    slug = models.SlugField(_("نشانی"), max_length=120, allow_unicode=True)
    title = models.CharField(_("عنوان"), max_length=250)
    lead = models.TextField(_("لید"), blank=True)
    body = models.TextField(_("متن"))
    source = models.CharField(_("منبع"), max_length=250, blank=True)
    cover = models.ImageField(_("تصویر شاخص"), upload_to="news/", blank=True)
    cover_alt = models.CharField(_("متن جایگزین تصویر"), max_length=250, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, verbose_name=_("برچسب‌ها"))
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("زمان انتشار"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("نویسنده"),
    )
    search_key = models.TextField(blank=True, editable=False)
    bulletin_week = models.DateField(_("هفتهٔ بولتن"), null=True, blank=True)

    class Meta:
        verbose_name = _("خبر")
        verbose_name_plural = _("اخبار")
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(
                fields=["municipality", "status", "-publish_at"], name="article_public_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="article_unique_slug"),
            models.UniqueConstraint(
                fields=["municipality", "bulletin_week"],
                condition=Q(bulletin_week__isnull=False),
                name="article_one_bulletin_per_week",
            ),
        ]
        permissions = [("publish_article", "Can review and publish news")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/news/{self.slug}/"


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("در انتظار بررسی")
        APPROVED = "approved", _("تأییدشده")
        REJECTED = "rejected", _("ردشده")
        SPAM = "spam", _("هرزنامه")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("خبر")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    name = models.CharField(_("نام"), max_length=80)
    email = models.EmailField(_("ایمیل"), blank=True)
    body = models.TextField(_("متن"))
    body_key = models.CharField(max_length=64, db_index=True, blank=True)
    status = models.CharField(
        _("وضعیت"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    is_official = models.BooleanField(_("پاسخ شهرداری"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("زمان"), auto_now_add=True, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.CharField(max_length=250, blank=True)

    class Meta:
        verbose_name = _("نظر")
        verbose_name_plural = _("نظرات")
        ordering = ["created_at", "id"]
        permissions = [("moderate_comment", "Can moderate comments")]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:30]}"
