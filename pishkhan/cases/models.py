from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Committee, Department, District, Municipality
from pishkhan.core.choices import choice_label
from pishkhan.core.models import TimeStampedModel


class ServiceCategory(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, verbose_name=_("شهرداری")
    )
    slug = models.SlugField(_("شناسه"), max_length=60)
    name = models.CharField(_("نام"), max_length=120)
    name_en = models.CharField(_("نام انگلیسی"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)

    class Meta:
        verbose_name = _("دستهٔ خدمت")
        verbose_name_plural = _("دسته‌های خدمت")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="category_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceType(models.Model):
    """One entry of the Services List; also an Open311 service."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, verbose_name=_("شهرداری")
    )
    code = models.SlugField(_("کد خدمت"), max_length=40)
    name = models.CharField(_("نام"), max_length=200)
    name_en = models.CharField(_("نام انگلیسی"), max_length=200, blank=True)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="services", verbose_name=_("دسته")
    )
    description = models.TextField(_("شرح"), blank=True)
    eligibility = models.TextField(_("چه کسی می‌تواند درخواست دهد"), blank=True)
    documents = models.TextField(_("مدارک لازم"), blank=True, help_text=_("هر مورد در یک سطر"))
    fees = models.CharField(_("هزینه"), max_length=300, blank=True)
    expected_days = models.PositiveSmallIntegerField(_("زمان مورد انتظار (روز)"), default=7)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("واحد مسئول"),
    )
    # Service domain for matching senior managers on visits (e.g. "civil", "green").
    domain = models.CharField(_("حوزه"), max_length=40, blank=True)
    needs_visit = models.BooleanField(_("معمولاً بازدید میدانی لازم دارد"), default=True)
    keywords = models.CharField(_("کلیدواژه‌ها"), max_length=300, blank=True)
    # Open311 extra questions: [{code, datatype, required, description, order, values:[{key,name}]}]
    attributes = models.JSONField(_("پرسش‌های تکمیلی"), default=list, blank=True)
    search_key = models.TextField(_("کلید جستجو"), blank=True, editable=False)
    is_active = models.BooleanField(_("فعال"), default=True)
    order = models.PositiveSmallIntegerField(_("ترتیب"), default=0)
    updated_at = models.DateTimeField(_("به‌روزرسانی"), auto_now=True)

    class Meta:
        verbose_name = _("خدمت")
        verbose_name_plural = _("فهرست خدمات")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="service_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class RejectReason(models.Model):
    """A managed reason for rejecting a request (e.g. not the municipality's remit)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, verbose_name=_("شهرداری")
    )
    text = models.CharField(_("علت"), max_length=250)
    guidance = models.CharField(_("راهنمای شهروند (کجا مراجعه کند)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("فعال"), default=True)

    class Meta:
        verbose_name = _("علت رد")
        verbose_name_plural = _("علت‌های رد")
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text


CASE_STATUSES = [
    "submitted",
    "info_requested",
    "accepted",
    "rejected",
    "merged",
    "visited",
    "on_agenda",
    "decided",
    "deferred",
    "dispatched",
    "in_progress",
    "done",
    "closed",
    "reopened",
]
CASE_CHANNELS = ["web", "walk_in", "phone", "letter", "open311", "committee"]
# Still being handled: the states duplicate suggestions are looked for in (and shown from).
OPEN_STATES = ("submitted", "info_requested", "accepted", "visited", "on_agenda", "deferred")


class Case(TimeStampedModel):
    """A citizen request (درخواست), identified publicly by its tracking code only."""

    class Channel(models.TextChoices):
        WEB = "web", _("وب‌سایت")
        WALK_IN = "walk_in", _("مراجعهٔ حضوری")
        PHONE = "phone", _("تلفن ۱۳۷")
        LETTER = "letter", _("نامه")
        OPEN311 = "open311", _("برنامهٔ همراه (Open311)")
        COMMITTEE = "committee", _("کمیتهٔ سابق")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("ثبت‌شده")
        INFO_REQUESTED = "info_requested", _("منتظر اطلاعات تکمیلی")
        ACCEPTED = "accepted", _("پذیرفته‌شده")
        REJECTED = "rejected", _("ردشده")
        MERGED = "merged", _("ادغام‌شده")
        VISITED = "visited", _("بازدیدشده")
        ON_AGENDA = "on_agenda", _("در دستور جلسه")
        DECIDED = "decided", _("تصمیم‌گیری‌شده")
        DEFERRED = "deferred", _("به هفتهٔ بعد موکول‌شده")
        DISPATCHED = "dispatched", _("ابلاغ‌شده")
        IN_PROGRESS = "in_progress", _("در حال اجرا")
        DONE = "done", _("انجام‌شده")
        CLOSED = "closed", _("بسته‌شده")
        REOPENED = "reopened", _("بازگشایی‌شده (اعتراض)")

    # No index of their own on municipality, service and district: each leads a composite index
    # below (case_week_idx/case_recent_idx, case_dup_*_idx, case_inbox_idx…), which answers
    # the same look-ups; a single-column copy was one more B-tree every submission paid for.
    # Nor on citizen, reject_reason, api_client, registered_by, lead_department and due_week:
    # no query looks cases up by them (only deleting a user, reason, app or department does,
    # once, with a scan); see migration 0012 for the review of every index.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, verbose_name=_("شهرداری"), db_index=False
    )
    tracking_code = models.CharField(_("کد رهگیری"), max_length=12, unique=True)
    channel = models.CharField(_("مجرای ثبت"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("وضعیت"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("شهروند"),
        db_index=False,  # no query looks cases up by it (see migration 0012)
    )
    citizen_name = models.CharField(_("نام شهروند"), max_length=150)
    citizen_mobile = models.CharField(_("همراه شهروند"), max_length=16, db_index=True)
    citizen_email = models.EmailField(_("ایمیل شهروند"), blank=True)
    national_id = models.CharField(_("کد ملی"), max_length=10, blank=True)
    service = models.ForeignKey(
        ServiceType,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("خدمت"),
        db_index=False,
    )
    description = models.TextField(_("شرح درخواست"))
    address = models.CharField(_("نشانی"), max_length=500, blank=True)
    lat = models.FloatField(_("عرض جغرافیایی"), null=True, blank=True)
    lon = models.FloatField(_("طول جغرافیایی"), null=True, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("منطقه"),
        db_index=False,
    )
    attributes = models.JSONField(_("پاسخ پرسش‌های تکمیلی"), default=dict, blank=True)
    # Saturday of the week whose cycle handles the case (see cycle.Week.start).
    week_start = models.DateField(_("هفتهٔ رسیدگی"), db_index=True)
    # The promise: Saturday of the week whose meeting must decide the case (the intake week,
    # or the current one for a case accepted late, or the next after a deferral). None: no
    # promise yet (untriaged) or no longer (decided, closed).
    due_week = models.DateField(_("هفتهٔ موعد تصمیم"), null=True, blank=True)
    # The first promise given (set once, at acceptance) and the week whose meeting first
    # answered it (decided or explicitly deferred): the promise was kept when answered <= promised.
    promised_week = models.DateField(_("هفتهٔ وعده‌داده‌شده"), null=True, blank=True)
    answered_week = models.DateField(_("هفتهٔ پاسخ جلسه"), null=True, blank=True)
    deferrals = models.PositiveSmallIntegerField(_("دفعات تعویق"), default=0, db_default=0)
    needs_visit = models.BooleanField(_("نیاز به بازدید"), default=True)
    urgent = models.BooleanField(_("فوری"), default=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("ادغام در"),
    )
    reject_reason = models.ForeignKey(
        RejectReason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("علت رد"),
        db_index=False,
    )
    status_note = models.TextField(_("توضیح وضعیت برای شهروند"), blank=True)
    origin_committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("کمیتهٔ مبدأ")
    )
    external_ref = models.CharField(_("شمارهٔ مرجع بیرونی"), max_length=100, blank=True)
    # A photo the reporting app keeps (Open311 media_url). Nullable so that adding it is a plain
    # ALTER TABLE on SQLite (a NOT NULL column makes Django rebuild cases_case, dropping the
    # search triggers); new rows store "" when there is none.
    media_url = models.URLField(_("نشانی عکس"), max_length=500, blank=True, null=True)
    letter_number = models.CharField(_("شمارهٔ نامه"), max_length=50, blank=True)
    # The address's first thoroughfare, folded (cases.textmatch.street_key): finds duplicates
    # of cases without a map point («خ. ولیعصر» and «خیابان ولی عصر» share it).
    street_key = models.CharField(_("کلید خیابان"), max_length=80, blank=True)
    letter_date = models.DateField(_("تاریخ نامه"), null=True, blank=True)
    api_client = models.ForeignKey(
        "accounts.ApiClient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("برنامهٔ ثبت‌کننده"),
        db_index=False,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_cases",
        verbose_name=_("ثبت‌کننده"),
        db_index=False,
    )
    idempotency_key = models.CharField(_("کلید یکتایی ارسال"), max_length=64, null=True, blank=True)
    search_key = models.TextField(_("کلید جستجو"), blank=True, editable=False)
    # Denormalised outcome, for the citizen and Open311 (set by meetings/directives services).
    decision_text = models.TextField(_("متن تصمیم"), blank=True)
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_cases",
        verbose_name=_("واحد مجری"),
        db_index=False,
    )
    deadline = models.DateField(_("مهلت اجرا"), null=True, blank=True)
    done_at = models.DateTimeField(_("زمان انجام"), null=True, blank=True)
    closed_at = models.DateTimeField(_("زمان بستن"), null=True, blank=True)
    citizen_verdict = models.CharField(
        _("نظر شهروند"),
        max_length=10,
        blank=True,
        choices=[("accept", _("پذیرفت")), ("object", _("اعتراض کرد"))],
    )
    anonymised_at = models.DateTimeField(_("بی‌نام‌سازی"), null=True, blank=True)
    # When the worker stored this case's duplicate suggestions (DuplicateLink); None: not yet,
    # the pages compute them live (cases.duplicates, selectors.duplicates_for_cases).
    duplicates_checked_at = models.DateTimeField(
        _("بررسی تکرار"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("درخواست")
        verbose_name_plural = _("درخواست‌ها")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["district", "status", "-created_at"], name="case_inbox_idx"),
            # The inbox page and its count read only this index (the page's 25 rows are then
            # fetched by id). Not partial: SQLite cannot use a partial index when the statuses
            # are bound parameters, as Django sends them.
            models.Index(
                fields=[
                    "district",
                    "status",
                    "-urgent",
                    "created_at",
                    "id",
                    "week_start",
                    "municipality",
                ],
                name="case_inbox_order_idx",
            ),
            models.Index(fields=["municipality", "week_start", "status"], name="case_week_idx"),
            models.Index(fields=["municipality", "-created_at"], name="case_recent_idx"),
            # Created in 0002 with the search index; registered here so Django keeps it.
            models.Index(fields=["district", "-created_at"], name="case_district_recent_idx"),
            # Duplicate suggestions (selectors._candidate_q): open cases of a service near a point
            # or at an address.
            models.Index(fields=["service", "status", "lat"], name="case_dup_geo_idx"),
            models.Index(fields=["service", "status", "address"], name="case_dup_addr_idx"),
            models.Index(fields=["service", "status", "street_key"], name="case_dup_street_idx"),
            # The duplicate scan's queue: open cases not checked yet. Partial, so it holds only
            # the queue (a few rows once the backlog is done), not the million closed cases.
            models.Index(
                fields=["id"],
                condition=Q(duplicates_checked_at__isnull=True, status__in=OPEN_STATES),
                name="case_dup_todo_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CASE_STATUSES), name="case_status_valid"),
            models.CheckConstraint(
                condition=Q(channel__in=CASE_CHANNELS), name="case_channel_valid"
            ),
            models.UniqueConstraint(
                fields=["municipality", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="case_unique_idempotency_key",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="case_merged_has_primary",
            ),
        ]
        permissions = [
            ("register_case", "Can register a request on a citizen's behalf"),
            ("view_case_list", "Can see the case lists"),
            ("triage_case", "Can triage cases of the own district"),
            ("merge_case", "Can merge duplicate cases"),
            ("write_district_summary", "Can write the weekly district summary"),
            ("import_committee_items", "Can import former committees' open items"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(Case.Status, self.status)

    def get_channel_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(Case.Channel, self.channel)

    def get_absolute_url(self) -> str:
        return f"/office/cases/{self.tracking_code}/"


class CaseEvent(models.Model):
    """Append-only timeline of a case: who, when, from, to, why."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("درخواست")
    )
    kind = models.CharField(_("نوع"), max_length=40, default="status")
    old_status = models.CharField(_("از وضعیت"), max_length=20, blank=True)
    new_status = models.CharField(_("به وضعیت"), max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("انجام‌دهنده"),
    )
    at = models.DateTimeField(_("زمان"), db_index=True)
    note = models.TextField(_("توضیح"), blank=True)
    public = models.BooleanField(_("نمایش به شهروند"), default=True)
    data = models.JSONField(_("داده"), default=dict, blank=True)

    class Meta:
        verbose_name = _("رویداد درخواست")
        verbose_name_plural = _("رویدادهای درخواست")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.old_status}→{self.new_status}"


class AppUpdate(models.Model):
    """An update a reporting app posted for a case (Open311 POST servicerequestupdates).

    The app's own ``update_id`` is unique per app: a repeated post is answered from here and
    changes nothing.
    """

    api_client = models.ForeignKey(
        "accounts.ApiClient", on_delete=models.CASCADE, verbose_name=_("برنامه")
    )
    update_id = models.CharField(_("شناسهٔ به‌روزرسانی در برنامه"), max_length=100)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="app_updates", verbose_name=_("درخواست")
    )
    event = models.ForeignKey(
        CaseEvent, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("رویداد")
    )
    action = models.CharField(_("برداشت"), max_length=20)  # comment / accept / object
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True)

    class Meta:
        verbose_name = _("به‌روزرسانی برنامه")
        verbose_name_plural = _("به‌روزرسانی‌های برنامه")
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "update_id"], name="app_update_unique_per_app"
            )
        ]

    def __str__(self) -> str:
        return f"{self.api_client_id}:{self.update_id} → {self.case_id}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("پیوست شهروند")
        INFO = "info", _("اطلاعات تکمیلی")
        STAFF = "staff", _("پیوست کارشناس")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("درخواست")
    )
    kind = models.CharField(_("نوع"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    file = models.FileField(_("پرونده"), upload_to="cases/%Y/%m/")
    original_name = models.CharField(_("نام اصلی"), max_length=200, blank=True)
    content_type = models.CharField(_("نوع محتوا"), max_length=60)
    size = models.PositiveIntegerField(_("اندازه"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("بارگذار"),
    )
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True)

    class Meta:
        verbose_name = _("پیوست")
        verbose_name_plural = _("پیوست‌ها")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name or str(self.file.name)


class DistrictSummary(TimeStampedModel):
    """The district manager's weekly summary that feeds the agenda."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, verbose_name=_("منطقه"))
    week_start = models.DateField(_("هفته"))
    note = models.TextField(_("یادداشت مدیر منطقه"), blank=True)
    notable_cases = models.ManyToManyField(Case, blank=True, verbose_name=_("موارد قابل توجه"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, verbose_name=_("نویسنده")
    )
    submitted_at = models.DateTimeField(_("زمان ارسال"), null=True, blank=True)

    class Meta:
        verbose_name = _("خلاصهٔ هفتگی منطقه")
        verbose_name_plural = _("خلاصه‌های هفتگی مناطق")
        constraints = [
            models.UniqueConstraint(fields=["district", "week_start"], name="summary_unique_week")
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.week_start}"


class RecordView(models.Model):
    """Audit: a staff member opened a citizen's full record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="record_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    at = models.DateTimeField(auto_now_add=True)
    via = models.CharField(max_length=20, default="office")

    class Meta:
        verbose_name = _("مشاهدهٔ پرونده")
        verbose_name_plural = _("مشاهده‌های پرونده")


class DuplicateLink(models.Model):
    """A stored duplicate suggestion: ``candidate`` looks like a duplicate of ``case``.

    Written by the worker (cases.duplicates.case_duplicates_scan) in both directions; read by the
    inbox and the case page, which show only candidates that are still open.
    """

    # No index of its own: the unique (case, candidate) index serves lookups by case.
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="duplicate_links",
        db_index=False,
        verbose_name=_("درخواست"),
    )
    candidate = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="duplicate_of_links",
        verbose_name=_("درخواست مشابه"),
    )
    created_at = models.DateTimeField(_("ایجاد"), auto_now_add=True)

    class Meta:
        verbose_name = _("پیشنهاد تکرار")
        verbose_name_plural = _("پیشنهادهای تکرار")
        constraints = [
            models.UniqueConstraint(fields=["case", "candidate"], name="duplicate_link_unique"),
            models.CheckConstraint(
                condition=~Q(case=models.F("candidate")), name="duplicate_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.candidate_id}"
