from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.roles import Role
from pishkhan.core.validators import normalize_mobile, validate_national_id


class Municipality(models.Model):
    """A city. Every record belongs to one; one deployment may host several."""

    slug = models.SlugField(_("شناسه"), unique=True)
    name = models.CharField(_("نام"), max_length=120)
    name_en = models.CharField(_("نام انگلیسی"), max_length=120, blank=True)
    hosts = models.CharField(
        _("نام‌های میزبان"),
        max_length=500,
        blank=True,
        help_text=_("نام‌های دامنهٔ سایت عمومی، جداشده با کاما"),
    )
    province = models.CharField(_("استان"), max_length=120, blank=True)
    phone = models.CharField(_("تلفن"), max_length=40, blank=True, default="137")
    # Where field-visit routes start (usually the municipality building).
    start_lat = models.FloatField(_("عرض جغرافیایی مبدأ"), null=True, blank=True)
    start_lon = models.FloatField(_("طول جغرافیایی مبدأ"), null=True, blank=True)
    center_lat = models.FloatField(_("عرض جغرافیایی مرکز"), null=True, blank=True)
    center_lon = models.FloatField(_("طول جغرافیایی مرکز"), null=True, blank=True)
    # Optional outline of the city: list of [lat, lon] points. Points outside it are refused
    # (Open311); without it the union of the districts' boundaries is the city.
    boundary = models.JSONField(_("مرز شهر"), null=True, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)
    base_url = models.URLField(
        _("نشانی سایت"),
        blank=True,
        help_text=_(
            "نشانی کامل سایت این شهر برای پیوندهای پیامک، رایانامه و نامه‌ها، مثل "
            "https://gorgan.ir؛ خالی: از تنظیم PUBLIC_BASE_URL یا نخستین نام میزبان"
        ),
    )
    emblem = models.ImageField(_("نشان شهرداری (سربرگ)"), upload_to="letterhead/", blank=True)
    seal_image = models.ImageField(_("تصویر مهر"), upload_to="letterhead/", blank=True)
    signatory_name = models.CharField(_("امضاکنندهٔ ابلاغیه‌ها"), max_length=120, blank=True)
    signatory_title = models.CharField(
        _("سمت امضاکننده"), max_length=120, blank=True, default=_("دبیر پیشخوان خدمت")
    )

    class Meta:
        verbose_name = _("شهرداری")
        verbose_name_plural = _("شهرداری‌ها")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.hosts.split(",") if h.strip()]

    def site_url(self, path: str = "") -> str:
        """The city's own public address (no trailing slash) + ``path``: every link that
        leaves the browser (SMS, e-mail, letters, QR codes) is absolute and the city's own."""
        base = (self.base_url or settings.PUBLIC_BASE_URL or "").rstrip("/")
        if not base:
            host = self.host_list()[0] if self.host_list() else "localhost"
            local = host.startswith(("localhost", "127.")) or host.endswith(".test")
            scheme = "http" if settings.DEBUG or local else "https"
            base = f"{scheme}://{host}"
        return base + path


class District(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="districts", verbose_name=_("شهرداری")
    )
    number = models.PositiveSmallIntegerField(_("شماره"))
    name = models.CharField(_("نام"), max_length=120)
    # Optional polygon: list of [lat, lon] points. Used to find a case's district.
    boundary = models.JSONField(_("مرز"), null=True, blank=True)
    # Its streets, squares and neighbourhoods, one a line: places an address-only report.
    places = models.TextField(_("خیابان‌ها و محله‌ها"), blank=True, help_text=_("هر نام در یک خط"))
    center_lat = models.FloatField(_("عرض جغرافیایی مرکز"), null=True, blank=True)
    center_lon = models.FloatField(_("طول جغرافیایی مرکز"), null=True, blank=True)

    class Meta:
        verbose_name = _("منطقه")
        verbose_name_plural = _("مناطق")
        ordering = ["municipality", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="district_unique_number"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """An executive unit that carries out directives."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("شهرداری"),
    )
    code = models.SlugField(_("کد"), max_length=40)
    name = models.CharField(_("نام"), max_length=150)
    name_en = models.CharField(_("نام انگلیسی"), max_length=150, blank=True)
    # Service domain (e.g. "civil", "green", "traffic"): used to match senior managers.
    domain = models.CharField(_("حوزه"), max_length=40, blank=True)
    # The deputy who answers for this department (alerted on overdue directives).
    deputy = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_departments",
        verbose_name=_("معاون مسئول"),
    )
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("واحد")
        verbose_name_plural = _("واحدها")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="department_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """A former committee / working group, merged into the Service Counter."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="committees", verbose_name=_("شهرداری")
    )
    name = models.CharField(_("نام"), max_length=200)
    description = models.TextField(_("شرح"), blank=True)
    merged_on = models.DateField(_("تاریخ ادغام"), null=True, blank=True)
    is_active = models.BooleanField(_("هنوز دارای موارد باز"), default=True)

    class Meta:
        verbose_name = _("کمیته/کارگروه سابق")
        verbose_name_plural = _("کمیته‌ها و کارگروه‌های سابق")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, mobile: str, password: str | None, **extra: Any) -> User:
        user = self.model(mobile=normalize_mobile(mobile), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, mobile: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(mobile, password, **extra)

    def create_superuser(self, mobile: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create(mobile, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: citizen or staff. Logs in with a mobile number (stored E.164)."""

    mobile = models.CharField(_("شمارهٔ همراه"), max_length=16, unique=True)
    full_name = models.CharField(_("نام و نام خانوادگی"), max_length=150, blank=True)
    email = models.EmailField(_("ایمیل"), blank=True)
    national_id = models.CharField(
        _("کد ملی"), max_length=10, blank=True, validators=[validate_national_id]
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("شهرداری"),
    )
    role = models.CharField(_("نقش"), max_length=30, choices=Role.choices, default=Role.CITIZEN)
    title = models.CharField(_("سمت"), max_length=150, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("منطقه"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("واحد"),
    )
    # Senior managers: service domains they inspect (comma separated) and visits per day.
    domains = models.CharField(_("حوزه‌های بازدید"), max_length=200, blank=True)
    daily_visit_capacity = models.PositiveSmallIntegerField(_("ظرفیت بازدید روزانه"), default=12)
    is_staff = models.BooleanField(_("کارمند"), default=False)
    is_active = models.BooleanField(_("فعال"), default=True)  # type: ignore[assignment]
    date_joined = models.DateTimeField(_("تاریخ عضویت"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "mobile"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        verbose_name = _("کاربر")
        verbose_name_plural = _("کاربران")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(
                condition=~Q(role=Role.DISTRICT_MANAGER) | Q(district__isnull=False),
                name="district_manager_has_district",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.DEPARTMENT_HEAD, Role.DEPARTMENT_STAFF])
                | Q(department__isnull=False),
                name="department_staff_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.mobile

    def get_full_name(self) -> str:
        return self.full_name or self.mobile

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.mobile

    @property
    def is_citizen(self) -> bool:
        return self.role == Role.CITIZEN

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles

    def domain_list(self) -> list[str]:
        return [d.strip() for d in self.domains.split(",") if d.strip()]


class Absence(models.Model):
    """A staff member away (used by the visit planner)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="absences", verbose_name=_("کاربر")
    )
    start = models.DateField(_("از"))
    end = models.DateField(_("تا"))
    reason = models.CharField(_("علت"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("غیبت")
        verbose_name_plural = _("غیبت‌ها")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="absence_order")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.start}–{self.end}"

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class ApiClient(models.Model):
    """An application allowed to POST to Open311; only a hash of its key is stored."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="api_clients",
        verbose_name=_("شهرداری"),
    )
    name = models.CharField(_("نام برنامه"), max_length=120)
    key_prefix = models.CharField(_("پیشوند کلید"), max_length=8, db_index=True)
    key_hash = models.CharField(_("درهم‌سازی کلید"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("ابطال"), null=True, blank=True)
    # A relay the city trusts (e.g. its own FixMyStreet): may file reports without the citizen's
    # e-mail or phone; we then answer through the app only.
    trusted_relay = models.BooleanField(_("واسط مورد اعتماد"), default=False)

    class Meta:
        verbose_name = _("کلید Open311")
        verbose_name_plural = _("کلیدهای Open311")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class LoginCode(models.Model):
    """A one-time code for password reset by SMS (hash stored)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("کد یک‌بارمصرف")
        verbose_name_plural = _("کدهای یک‌بارمصرف")
