from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Department, District, Municipality
from pishkhan.cases.models import Case, ServiceType
from pishkhan.core.models import TimeStampedModel


class Meeting(TimeStampedModel):
    """The Wednesday session of one week."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("پیش‌نویس دستور جلسه")
        FROZEN = "frozen", _("دستور جلسه نهایی")
        IN_SESSION = "in_session", _("در حال برگزاری")
        CLOSED = "closed", _("پایان‌یافته، در انتظار امضا")
        SIGNED = "signed", _("امضاشده")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, verbose_name=_("شهرداری")
    )
    week_start = models.DateField(_("هفته"))
    scheduled_at = models.DateTimeField(_("زمان جلسه"))
    status = models.CharField(
        _("وضعیت"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    number = models.CharField(_("شمارهٔ جلسه"), max_length=20, blank=True)
    started_at = models.DateTimeField(_("شروع"), null=True, blank=True)
    closed_at = models.DateTimeField(_("پایان"), null=True, blank=True)
    # The ledger: hash of the minutes content chained to the previous signed meeting.
    content_hash = models.CharField(_("درهم‌سازی صورتجلسه"), max_length=64, blank=True)
    prev_hash = models.CharField(_("درهم‌سازی جلسهٔ قبل"), max_length=64, blank=True)
    chain_hash = models.CharField(_("درهم‌سازی زنجیره"), max_length=64, blank=True)
    # The canonical minutes as hashed when the session closed: lets verification name the
    # altered record (its own hash must still be content_hash, so it cannot be edited unseen).
    sealed_content = models.TextField(_("متن مرجع صورتجلسه"), blank=True)
    minutes_pdf = models.FileField(_("صورتجلسهٔ مهرشده"), upload_to="minutes/", blank=True)
    sealed_at = models.DateTimeField(_("زمان مهر"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("زمان ابلاغ"), null=True, blank=True)
    # Set by the clock when the meeting's time passed and it was never opened: its items were
    # carried to the next agenda (meetings.unheld).
    not_held_at = models.DateTimeField(_("اعلام برگزارنشدن"), null=True, blank=True)
    # The item on the table (members' devices follow it).
    current_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("دستور در حال بررسی"),
    )

    class Meta:
        verbose_name = _("جلسه")
        verbose_name_plural = _("جلسات")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "week_start"], name="meeting_one_per_week"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "frozen", "in_session", "closed", "signed"]),
                name="meeting_status_valid",
            ),
        ]
        permissions = [
            ("view_agenda", "Can see agendas and meetings"),
            ("prepare_agenda", "Can build, reorder and freeze the agenda"),
            ("run_meeting", "Can record the meeting"),
            ("sign_minutes", "Can sign minutes"),
            ("chair_meeting", "Chairs the meeting and signs last"),
        ]

    def __str__(self) -> str:
        return self.number or str(self.week_start)


class Attendance(models.Model):
    """Everyone in the room: voting members (counted for the quorum, take positions, sign) and
    those who attend without a vote (district and senior managers, department heads, guests)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("عضو"),
    )
    present = models.BooleanField(_("حاضر"), default=True)
    votes = models.BooleanField(_("عضو دارای رأی"), default=True)
    title = models.CharField(_("سمت"), max_length=150, blank=True)
    guest_name = models.CharField(_("نام مهمان"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("حضور")
        verbose_name_plural = _("حضور و غیاب")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | (~Q(guest_name="") & Q(votes=False)),
                name="attendance_member_or_guest",
            ),
        ]

    @property
    def name(self) -> str:
        return self.member.full_name if self.member_id and self.member else self.guest_name


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("درخواست این هفته")
        DEFERRED = "deferred", _("موکول‌شده از هفتهٔ قبل")
        OVERDUE = "overdue", _("ابلاغیهٔ معوق")
        OBJECTION = "objection", _("اعتراض شهروند")
        UNVISITED = "unvisited", _("بازدیدنشده")
        COMMITTEE = "committee", _("مورد باز کمیتهٔ سابق")
        EXTENSION = "extension", _("درخواست تمدید مهلت")
        CORRECTION = "correction", _("اصلاحیهٔ مصوبه")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="items", verbose_name=_("جلسه")
    )
    number = models.PositiveIntegerField(_("ردیف"))
    kind = models.CharField(_("نوع"), max_length=12, choices=Kind.choices, default=Kind.NEW)
    title = models.CharField(_("عنوان"), max_length=300)
    summary = models.TextField(_("خلاصه"), blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("منطقه")
    )
    service = models.ForeignKey(
        ServiceType, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("خدمت")
    )
    urgency = models.PositiveSmallIntegerField(_("فوریت"), default=2)
    cases = models.ManyToManyField(Case, related_name="agenda_items", verbose_name=_("درخواست‌ها"))
    # For overdue/extension items: the directive that brought the item back (directives app).
    source_directive_id = models.BigIntegerField(_("ابلاغیهٔ مبدأ"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # The unheld meeting this item's cases were carried from (None: not carried).
    carried_from = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_items",
        verbose_name=_("منتقل‌شده از جلسهٔ برگزارنشدهٔ"),
    )
    # How many times the meeting has deferred this item's cases so far (the most of them).
    deferrals = models.PositiveSmallIntegerField(_("دفعات تعویق"), default=0, db_default=0)
    # Consent agenda: marked by the secretary to be decided together with the others marked;
    # any voting member may pull it out for discussion first.
    consent = models.BooleanField(_("در فهرست تصویب یکجا"), default=False, db_default=False)
    pulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("بیرون‌کشیده برای بحث توسط"),
    )
    pulled_note = models.CharField(
        _("علت بحث"), max_length=300, blank=True, default="", db_default=""
    )
    # A correction item: the sealed decision of an earlier meeting it corrects (the sealed
    # record itself is never altered; the new decision references it).
    corrects = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction_items",
        verbose_name=_("اصلاحیهٔ مصوبهٔ"),
    )

    class Meta:
        verbose_name = _("دستور جلسه")
        verbose_name_plural = _("دستورهای جلسه")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="agenda_item_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Decision(TimeStampedModel):
    class Outcome(models.TextChoices):
        APPROVE = "approve", _("تصویب")
        REJECT = "reject", _("رد")
        DEFER = "defer", _("موکول به هفتهٔ بعد")
        REFER = "refer", _("ارجاع برای مطالعه")

    item = models.OneToOneField(
        AgendaItem, on_delete=models.CASCADE, related_name="decision", verbose_name=_("دستور")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("شهرداری")
    )
    number = models.CharField(_("شمارهٔ مصوبه"), max_length=30, db_index=True)
    outcome = models.CharField(_("نتیجه"), max_length=10, choices=Outcome.choices)
    text = models.TextField(_("متن مصوبه"))
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_decisions",
        verbose_name=_("واحد مجری"),
    )
    supporting_departments = models.ManyToManyField(
        Department, blank=True, related_name="supporting_decisions", verbose_name=_("واحدهای همکار")
    )
    deadline = models.DateField(_("مهلت"), null=True, blank=True)
    refer_until = models.DateField(_("مهلت مطالعه"), null=True, blank=True)
    cost_note = models.CharField(_("یادداشت هزینه"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("ثبت‌کننده")
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # The sealed decision of an earlier meeting this one corrects.
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("اصلاحیهٔ مصوبهٔ"),
    )

    class Meta:
        verbose_name = _("مصوبه")
        verbose_name_plural = _("مصوبات")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="decision_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["approve", "reject", "defer", "refer"]),
                name="decision_outcome_valid",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="approve")
                | (Q(lead_department__isnull=False) & Q(deadline__isnull=False)),
                name="approved_decision_has_lead_and_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Position(models.Model):
    class Stance(models.TextChoices):
        AGREE = "agree", _("موافق")
        DISAGREE = "disagree", _("مخالف")
        ABSTAIN = "abstain", _("ممتنع")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="positions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("عضو")
    )
    stance = models.CharField(_("نظر"), max_length=10, choices=Stance.choices)
    note = models.CharField(_("توضیح"), max_length=500, blank=True)
    # Who entered it: the member from their own device, or the secretary for a member without
    # one (then shown as recorded on their behalf).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ثبت‌کننده"),
    )
    recorded_at = models.DateTimeField(_("زمان ثبت"), null=True, blank=True)

    @property
    def by_proxy(self) -> bool:
        return self.recorded_by_id is not None and self.recorded_by_id != self.member_id

    class Meta:
        verbose_name = _("نظر عضو")
        verbose_name_plural = _("نظرات اعضا")
        constraints = [models.UniqueConstraint(fields=["decision", "member"], name="position_once")]


class SigningKey(models.Model):
    """A member's Ed25519 key: the private half encrypted with a key derived from a server secret
    and the member's identity; use requires the member's password (and TOTP where enforced)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_key"
    )
    public_key = models.CharField(_("کلید عمومی"), max_length=100)
    encrypted_private_key = models.TextField(_("کلید خصوصی رمزشده"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("کلید امضا")
        verbose_name_plural = _("کلیدهای امضا")


class Signature(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("امضاکننده")
    )
    content_hash = models.CharField(_("درهم‌سازی امضاشده"), max_length=64)
    public_key = models.CharField(_("کلید عمومی"), max_length=100)
    signature = models.CharField(_("امضا"), max_length=200)
    signed_at = models.DateTimeField(_("زمان امضا"))

    class Meta:
        verbose_name = _("امضا")
        verbose_name_plural = _("امضاها")
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="signature_once")]


class SignatureDecline(models.Model):
    """A present member who will not sign, with the reason (printed on the minutes)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declines")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("عضو")
    )
    reason = models.TextField(_("علت امضانکردن"))
    at = models.DateTimeField(_("زمان"))

    class Meta:
        verbose_name = _("امتناع از امضا")
        verbose_name_plural = _("امتناع‌ها از امضا")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="decline_once")]


class MeetingEvent(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    old_status = models.CharField(max_length=12, blank=True)
    new_status = models.CharField(max_length=12, blank=True)
    kind = models.CharField(max_length=40, default="status")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("رویداد جلسه")
        verbose_name_plural = _("رویدادهای جلسه")
        ordering = ["at", "id"]
