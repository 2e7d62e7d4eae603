"""Writes for citizen requests. Every state change: atomic, guarded by ALLOWED, recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import ApiClient, Committee, Department, District, Municipality, User
from pishkhan.cases.files import clean_upload
from pishkhan.cases.geo import district_at, district_for_address
from pishkhan.cases.models import (
    OPEN_STATES,
    AppUpdate,
    Attachment,
    Case,
    CaseEvent,
    DistrictSummary,
    RejectReason,
    ServiceType,
)
from pishkhan.cases.textmatch import street_key
from pishkhan.cases.tracking import tracking_code_new
from pishkhan.cases.transitions import ALLOWED
from pishkhan.core import jalali
from pishkhan.core.audit import actor_id_of, audit_record
from pishkhan.core.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from pishkhan.core.rows import row_insert
from pishkhan.core.text import (
    clean_input,
    fa_digits,
    local_number,
    ltr_isolate,
    normalize_fa,
    strip_controls,
)
from pishkhan.core.validators import normalize_mobile, normalize_national_id
from pishkhan.cycle.models import ClockStep
from pishkhan.cycle.schedule import intake_week_start
from pishkhan.notify.services import message_enqueue

MAX_DESCRIPTION = 5000
MAX_FILES = 5


def _event(
    case: Case,
    *,
    old: str,
    new: str,
    actor: User | None,
    note: str = "",
    kind: str = "status",
    public: bool = True,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    note = clean_input(note)  # every event note, whoever wrote it (staff, API, import, SMS)
    event = CaseEvent(
        case=case,
        kind=kind,
        old_status=old,
        new_status=new,
        actor=actor,
        note=note,
        public=public,
        data=data or {},
        at=at or timezone.now(),
    )
    row_insert(event)  # the timeline is written on every change: the quick INSERT (core.rows)
    audit_record(
        municipality_id=case.municipality_id,
        actor_id=actor_id_of(actor),
        action=f"case.{kind}",
        object_type="case",
        object_id=case.tracking_code,
        data={"from": old, "to": new, "note": note, **(data or {})},
    )
    return event


# Messages about a case's own intake: not repeated to the citizens merged into it.
OWN_EVENTS = frozenset(
    {"received", "merged", "info_requested", "info_reminder", "info_expired", "unmerged"}
)


def _notify(case: Case, event: str, **context: Any) -> None:
    """Tell the citizen (SMS, and e-mail if given). Once per case and event.

    Citizens whose requests were merged into ``case`` follow it with their own tracking code
    (``/track/`` with their own mobile shows the shared case): each gets the same message,
    naming their own code."""
    followers: list[Case] = [case]
    if event not in OWN_EVENTS:
        followers += list(
            Case.objects.filter(merged_into_id=case.pk, anonymised_at__isnull=True).only(
                "pk",
                "tracking_code",
                "citizen_name",
                "citizen_mobile",
                "citizen_email",
                "municipality_id",
                "anonymised_at",
            )
        )
    site = case.municipality.site_url()
    for follower in followers:
        if follower.anonymised_at:
            continue
        message_enqueue(
            template=f"cases/messages/{event}",
            context={
                **context,
                "case": follower,
                "site": site,
                "shared": case if follower is not case else None,
            },
            mobile=follower.citizen_mobile,
            email=follower.citizen_email,
            municipality_id=case.municipality_id,
            dedupe_key=f"case:{follower.tracking_code}:{event}:{context.get('dedupe', '')}",
        )


def _promised_meeting(case: Case) -> dt.datetime:
    from pishkhan.cases.selectors import case_meeting_at

    return case_meeting_at(case=case)


def objection_window_days(municipality_id: int) -> int:
    """The city's objection window (Schedule.objection_window_days; the setting if none)."""
    from pishkhan.cycle.models import Schedule

    days = (
        Schedule.objects.filter(municipality_id=municipality_id)
        .values_list("objection_window_days", flat=True)
        .first()
    )
    return int(days) if days is not None else int(settings.OBJECTION_WINDOW_DAYS)


def _transition(
    case: Case, *, to: str, actor: User | None, note: str = "", fields: dict[str, Any] | None = None
) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if to not in ALLOWED[locked.status]:
        raise InvalidTransition(locked.status, to)
    old = locked.status
    locked.status = to
    update = ["status", "updated_at"]
    for key, value in (fields or {}).items():
        setattr(locked, key, value)
        update.append(key)
    if to in OPEN_STATES and old not in OPEN_STATES:
        # Back in play (e.g. a decision sent back to the agenda): the worker checks its duplicates
        # again, since cases that arrived meanwhile did not look for it (cases.duplicates).
        locked.duplicates_checked_at = None
        update.append("duplicates_checked_at")
    locked.save(update_fields=update)
    _event(locked, old=old, new=to, actor=actor, note=note)
    return locked


def _require(actor: User | None, perm: str, case: Case | None = None) -> None:
    """Services re-check permissions for non-HTTP callers (API, commands)."""
    if actor is None:
        return  # the system itself (clock, worker)
    if not actor.has_perm(perm):
        raise PermissionDeniedError()
    if case is not None:
        if actor.municipality_id != case.municipality_id and not actor.is_superuser:
            raise PermissionDeniedError()
        if actor.role == "district_manager" and actor.district_id != case.district_id:
            raise PermissionDeniedError(_("این درخواست مربوط به منطقهٔ شما نیست."))


# ---------------------------------------------------------------- intake


def district_for_location(
    municipality: Municipality, lat: float | None, lon: float | None
) -> District | None:
    """The district whose boundary holds the point (see cases.geo.district_at)."""
    return district_at(municipality, lat, lon)


def _contact_optional(channel: str, email: str, api_client: ApiClient | None) -> bool:
    """Open311 reports may come with an e-mail instead of a mobile (we answer by e-mail), or
    with neither from a relay the city trusts (it answers its users itself)."""
    if channel != Case.Channel.OPEN311:
        return False
    return bool(email) or bool(api_client and api_client.trusted_relay)


def _has_boundaries(municipality: Municipality) -> bool:
    return District.objects.filter(municipality=municipality).exclude(boundary=None).exists()


def case_submit(
    *,
    municipality: Municipality,
    channel: str,
    citizen_name: str,
    citizen_mobile: str,
    service: ServiceType,
    description: str,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    district: District | None = None,
    national_id: str = "",
    citizen_email: str = "",
    attributes: dict[str, Any] | None = None,
    files: Sequence[UploadedFile[bytes]] = (),
    idempotency_key: str | None = None,
    actor: User | None = None,
    api_client: ApiClient | None = None,
    origin_committee: Committee | None = None,
    external_ref: str = "",
    media_url: str = "",
    letter_number: str = "",
    letter_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Register a request from any channel. Checks every field first — the one place a
    request's rules live (the forms only parse what the browser sent) — raising
    ValidationError({field: [messages]}) with every problem at once; then writes all or nothing.

    A repeated call with the same ``idempotency_key`` returns the case created the first time.
    """
    if channel not in Case.Channel.values:
        raise ValidationError({"channel": _("مجرای ثبت نامعتبر است.")})
    if channel in (Case.Channel.WALK_IN, Case.Channel.PHONE, Case.Channel.LETTER):
        _require(actor, "cases.register_case")
    errors: dict[str, list[str]] = {}
    name = clean_input(citizen_name)[:150]
    if not name:
        errors.setdefault("citizen_name", []).append(_("نام و نام خانوادگی را وارد کنید."))
    email = strip_controls(citizen_email or "").strip()[:254]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("citizen_email", []).append(_("نشانی ایمیل درست نیست."))
    mobile = ""
    if (citizen_mobile or "").strip() or not _contact_optional(channel, email, api_client):
        try:
            mobile = normalize_mobile(citizen_mobile)
        except ValidationError as exc:
            errors.setdefault("citizen_mobile", []).extend(exc.messages)
            if channel == Case.Channel.OPEN311 and not (citizen_mobile or "").strip():
                errors["citizen_mobile"] = [_("شمارهٔ همراه یا ایمیل شهروند لازم است (برای پاسخ).")]
    try:
        nid = normalize_national_id(national_id) if national_id else ""
    except ValidationError as exc:
        errors.setdefault("national_id", []).extend(exc.messages)
        nid = ""
    text = clean_input(description)
    if not text.strip():
        errors.setdefault("description", []).append(_("شرح درخواست را بنویسید."))
    elif len(normalize_fa(text)) < 10:
        errors.setdefault("description", []).append(
            _("شرح درخواست را کامل‌تر بنویسید (دست‌کم ۱۰ نویسه).")
        )
    elif len(text) > MAX_DESCRIPTION:
        errors.setdefault("description", []).append(
            _("شرح درخواست حداکثر %(n)s نویسه است.") % {"n": local_number(MAX_DESCRIPTION)}
        )
    if service.municipality_id != municipality.pk or not service.is_active:
        errors.setdefault("service", []).append(_("این خدمت در فهرست خدمات نیست."))
    if lat is not None or lon is not None:
        if lat is None or lon is None or not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
            errors.setdefault("location", []).append(_("موقعیت روی نقشه نامعتبر است."))
            lat = lon = None
    located = district_for_location(municipality, lat, lon)
    if located is not None:
        district = located
    if district is None and lat is None and address.strip():
        district = district_for_address(municipality, address)  # a street the city knows
        if district is None:
            errors.setdefault("district", []).append(
                _(
                    "نشانی با هیچ‌یک از منطقه‌های شهر جور نشد؛ منطقه را از فهرست انتخاب کنید "
                    "یا محل را روی نقشه بزنید."
                )
            )
    if district is None and lat is not None and _has_boundaries(municipality):
        errors.setdefault("district", []).append(
            _(
                "نقطهٔ انتخاب‌شده روی نقشه در محدودهٔ هیچ‌یک از منطقه‌های شهر نیست؛ "
                "نقطه را درست کنید یا منطقه را از فهرست انتخاب کنید."
            )
        )
    elif district is None and "district" not in errors:
        errors.setdefault("district", []).append(_("منطقه را انتخاب کنید."))
    elif district is not None and district.municipality_id != municipality.pk:
        errors.setdefault("district", []).append(_("منطقه نامعتبر است."))
    if len(files) > MAX_FILES:
        errors.setdefault("files", []).append(
            _("حداکثر %(n)s پیوست مجاز است.") % {"n": local_number(MAX_FILES)}
        )
    cleaned = []
    for upload in files[:MAX_FILES]:
        try:
            cleaned.append(clean_upload(upload))
        except ValidationError as exc:
            errors.setdefault("files", []).extend(exc.messages)
    media_url = strip_controls(media_url).strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
            if len(media_url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            errors.setdefault("media_url", []).append(_("نشانی عکس باید یک نشانی http(s) باشد."))
    letter_number = clean_input(letter_number)[:50]
    if channel == Case.Channel.LETTER:
        if not letter_number:
            errors.setdefault("letter_number", []).append(_("شمارهٔ نامه را وارد کنید."))
        if letter_date is None:
            errors.setdefault("letter_date", []).append(_("تاریخ نامه را وارد کنید."))
        elif letter_date > timezone.localdate(now or timezone.now()):
            errors.setdefault("letter_date", []).append(_("تاریخ نامه نمی‌تواند در آینده باشد."))
    else:
        letter_number, letter_date = "", None
    answers = _clean_attributes(service, attributes or {}, errors)
    if errors:
        raise ValidationError(errors)
    assert district is not None  # noqa: S101 — checked above; for the type checker
    address = clean_input(address)[:500]
    now = now or timezone.now()
    week_start = intake_week_start(municipality, now)
    # No look-ups before writing: the unique constraints decide. A replay of an idempotency
    # key, or (once in billions) a tracking code already taken, fails the INSERT; then we look.
    for _attempt in range(5):
        code = tracking_code_new()
        try:
            with transaction.atomic():
                case = Case(
                    municipality=municipality,
                    tracking_code=code,
                    channel=channel,
                    citizen=actor if actor is not None and actor.role == "citizen" else None,
                    citizen_name=name,
                    citizen_mobile=mobile,
                    citizen_email=email,
                    national_id=nid,
                    service=service,
                    description=text,
                    address=address,
                    lat=lat,
                    lon=lon,
                    district=district,
                    attributes=answers,
                    week_start=week_start,
                    needs_visit=service.needs_visit,
                    origin_committee=origin_committee,
                    external_ref=clean_input(external_ref)[:100],
                    api_client=api_client,
                    letter_number=letter_number,
                    letter_date=letter_date,
                    street_key=street_key(address),
                    registered_by=actor if actor is not None and actor.is_staff else None,
                    idempotency_key=idempotency_key or None,
                    media_url=media_url,
                    search_key=normalize_fa(f"{text} {address} {service.name}"),
                )
                row_insert(case)  # Case.objects.create, without building the INSERT anew
                for item in cleaned:
                    attachment = Attachment(
                        case=case,
                        content_type=item.content_type,
                        size=item.size,
                        original_name=item.original_name,
                        uploaded_by=actor if actor and actor.is_staff else None,
                    )
                    attachment.file.save(item.name, item.content, save=False)
                    attachment.save()
                _event(
                    case,
                    old="",
                    new=Case.Status.SUBMITTED,
                    actor=actor,
                    note=f"ثبت از مجرای {case.get_channel_display()}",  # record: stored
                    at=now,
                )
                # A desk registration (walk-in, phone, letter): the SMS is the citizen's
                # receipt too, with the meeting the case is promised to.
                desk = channel in (Case.Channel.WALK_IN, Case.Channel.PHONE, Case.Channel.LETTER)
                _notify(case, "received", meeting_at=_promised_meeting(case) if desk else None)
        except IntegrityError:
            if idempotency_key:
                existing = Case.objects.filter(
                    municipality=municipality, idempotency_key=idempotency_key
                ).first()
                if existing:
                    _check_replay(existing, text=text, mobile=mobile, email=email)
                    return existing
            if not Case.objects.filter(tracking_code=code).exists():
                raise
            continue  # the code was taken: draw another
        return case
    raise ApplicationError(_("ساخت کد رهگیری ممکن نشد؛ دوباره تلاش کنید."))


def _check_replay(existing: Case, *, text: str, mobile: str, email: str) -> None:
    """A repeated idempotency key is a retry of the same request, answered with the case it
    made. The same key with another request (a person who went Back to the sent form and
    wrote something else in it, or a client that reuses keys) would lose that request
    silently: it is refused, saying which case the key made. What the citizen wrote is
    compared, not the service (the desk may correct it before a late retry comes)."""
    if (existing.description, existing.citizen_mobile, existing.citizen_email) == (
        text,
        mobile,
        email,
    ):
        return
    raise ValidationError(
        {
            "idempotency_key": ValidationError(
                _(
                    "این کلید پیش‌تر برای درخواست دیگری (کد رهگیری %(code)s) به کار رفته است؛ "
                    "برای درخواست تازه کلید تازه بفرستید."
                ),
                code="reused",
                params={"code": existing.tracking_code},
            )
        }
    )


def _clean_attributes(
    service: ServiceType, given: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for attr in service.attributes or []:
        code = str(attr.get("code", ""))
        value = given.get(code)
        if isinstance(value, str):
            value = clean_input(value)[:500]
        if value in (None, "", []):
            if attr.get("required") and attr.get("variable", True):
                errors.setdefault(f"attribute[{code}]", []).append(
                    _("«%(name)s» لازم است.") % {"name": attr.get("description", code)}
                )
            continue
        if attr.get("datatype") == "number":
            try:
                value = float(str(value).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
            except ValueError:
                errors.setdefault(f"attribute[{code}]", []).append(
                    _("«%(name)s» باید عدد باشد.") % {"name": attr.get("description", code)}
                )
                continue
        answers[code] = value
    return answers


# ---------------------------------------------------------------- district manager's desk


def _week_name(start: dt.date) -> str:
    year, number = jalali.week_label(start)
    return fa_digits(f"هفتهٔ {number} سال {year}")  # record: stored note


def _joined(case: Case, now: dt.datetime) -> None:
    """A case joined a week that may already be planned: the upper apps catch it up."""
    from pishkhan.cases.promise import JOINED_HOOKS

    for hook in JOINED_HOOKS:
        hook(case, now)


@transaction.atomic
def case_accept(
    *,
    case: Case,
    needs_visit: bool,
    actor: User | None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Case:
    """Accept into the weekly cycle. A case accepted after its week's intake closed joins the
    cycle that can still handle it (the next intake week: its visit plan, its agenda); an urgent
    case pulled into this week keeps it until the agenda freezes. The citizen is told the
    meeting that will decide it."""
    from pishkhan.cases.promise import meeting_time
    from pishkhan.cases.selectors import urgent_allowed_until

    _require(actor, "cases.triage_case", case)
    now = now or timezone.now()
    locked = Case.objects.select_for_update().select_related("municipality").get(pk=case.pk)
    week = locked.week_start
    pulled_in = locked.urgent and now < urgent_allowed_until(locked.municipality, week)
    # Too late for its own week when the clock already did the step the case would miss: the
    # visit plan (or, for a case without a visit, the agenda build).
    missed = "plan_visits" if needs_visit else "build_agenda"
    too_late = ClockStep.objects.filter(
        week__municipality_id=locked.municipality_id, week__start=week, step=missed
    ).exists()
    if too_late and not pulled_in:
        week = max(week + dt.timedelta(days=7), intake_week_start(locked.municipality, now))
        note = " — ".join(
            p
            for p in [note, f"پذیرش پس از پایان پذیرش نوبت خود؛ در نوبت {_week_name(week)}"]
            if p  # record: stored note
        )
    case = _transition(
        locked,
        to=Case.Status.ACCEPTED,
        actor=actor,
        note=note,
        fields={
            "needs_visit": needs_visit,
            "week_start": week,
            "due_week": week,
            "promised_week": locked.promised_week or week,
        },
    )
    _notify(case, "accepted", meeting_at=meeting_time(case.municipality, week))
    if pulled_in:
        _joined(case, now)
    return case


@transaction.atomic
def case_reject(*, case: Case, reason: RejectReason | None, note: str, actor: User | None) -> Case:
    _require(actor, "cases.triage_case", case)
    if reason is None and not note.strip():
        raise ApplicationError(_("علت رد را انتخاب یا بنویسید."))
    if reason is not None and reason.municipality_id != case.municipality_id:
        raise ApplicationError(_("علت رد نامعتبر است."))
    text = " — ".join(p for p in [reason.text if reason else "", clean_input(note)] if p)
    if reason and reason.guidance:
        text += f" ({reason.guidance})"
    case = _transition(
        case,
        to=Case.Status.REJECTED,
        actor=actor,
        note=text,
        fields={"reject_reason": reason, "status_note": text, "closed_at": timezone.now()},
    )
    _notify(case, "rejected", reason=text)
    return case


@transaction.atomic
def case_merge(*, case: Case, into: Case, actor: User | None, note: str = "") -> Case:
    """Merge a duplicate into a primary case; its citizen follows the primary from now on."""
    _require(actor, "cases.merge_case", case)
    _require(actor, "cases.merge_case", into)
    if case.pk == into.pk:
        raise ApplicationError(_("یک درخواست را نمی‌توان با خودش ادغام کرد."))
    primary = Case.objects.select_for_update().get(pk=into.pk)
    while primary.merged_into_id:  # always merge into the final primary
        primary = Case.objects.select_for_update().get(pk=primary.merged_into_id)
    if primary.municipality_id != case.municipality_id or primary.pk == case.pk:
        raise ApplicationError(_("ادغام این دو درخواست ممکن نیست."))
    if primary.status in ("rejected", "closed", "done", "merged"):
        raise ApplicationError(
            _(
                "درخواست اصلی بسته، رد یا انجام شده است؛ در آن ادغام نمی‌شود. "
                "اگر مشکل تازه است، درخواست را جداگانه بررسی کنید."
            )
        )
    current = Case.objects.filter(pk=case.pk).values_list("status", flat=True).first() or ""
    if current in TRIAGED and primary.status in UNTRIAGED:
        raise ApplicationError(
            _(
                "درخواست پذیرفته‌شدهٔ %(case)s را در درخواست بررسی‌نشدهٔ %(primary)s ادغام "
                "نکنید؛ جهت را برعکس کنید (%(primary)s را در %(case)s ادغام کنید)."
            )
            % {
                "case": ltr_isolate(case.tracking_code),
                "primary": ltr_isolate(primary.tracking_code),
            }
        )
    merged = _transition(
        case,
        to=Case.Status.MERGED,
        actor=actor,
        note=note or f"ادغام در {primary.tracking_code}",  # record: stored note
        fields={"merged_into": primary},
    )
    Case.objects.filter(merged_into=merged).update(merged_into=primary)
    _event(
        primary,
        old=primary.status,
        new=primary.status,
        actor=actor,
        kind="merge_in",
        public=False,
        note=f"ادغام {merged.tracking_code}",  # record: stored note
        data={"merged": merged.tracking_code},
    )
    _notify(merged, "merged", primary=primary)
    return merged


UNTRIAGED = ("submitted", "info_requested")
TRIAGED = ("accepted", "visited", "on_agenda", "deferred", "reopened")
# A wrong merge can be undone while the shared case waits for its meeting.
UNMERGE_PRIMARY_STATES = (
    "submitted",
    "info_requested",
    "accepted",
    "visited",
    "on_agenda",
    "deferred",
)


@transaction.atomic
def case_unmerge(*, case: Case, actor: User | None, note: str = "") -> Case:
    """Undo a wrong merge: the case is followed on its own again, in the state it was in
    before (a case taken off an agenda goes back to "accepted" for the next one). Refused once
    the meeting has decided the shared case."""
    _require(actor, "cases.merge_case", case)
    locked = Case.objects.select_for_update().select_related("municipality").get(pk=case.pk)
    if locked.status != Case.Status.MERGED or locked.merged_into_id is None:
        raise ApplicationError(_("این درخواست ادغام نشده است."))
    primary = Case.objects.select_for_update().get(pk=locked.merged_into_id)
    if primary.status not in UNMERGE_PRIMARY_STATES:
        raise ApplicationError(
            _(
                "جلسهٔ پیشخوان دربارهٔ درخواست اصلی %(primary)s تصمیم گرفته است؛ "
                "ادغام دیگر برگشت‌پذیر نیست. "
                "اگر این درخواست موضوع جداگانه‌ای دارد، آن را دوباره ثبت کنید."
            )
            % {"primary": ltr_isolate(primary.tracking_code)}
        )
    before = (
        CaseEvent.objects.filter(case=locked, new_status=Case.Status.MERGED)
        .order_by("-at", "-id")
        .values_list("old_status", flat=True)
        .first()
    ) or Case.Status.SUBMITTED
    back = (
        before if before in ("submitted", "info_requested", "accepted", "visited") else "accepted"
    )
    fields: dict[str, Any] = {"status": back, "merged_into": None, "duplicates_checked_at": None}
    if back in ("accepted", "visited"):
        from pishkhan.cases.promise import next_meeting_week

        fields["due_week"] = locked.due_week or next_meeting_week(locked.municipality)
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.save(update_fields=[*fields, "updated_at"])
    text = (
        clean_input(note) or f"ادغام در {primary.tracking_code} برگردانده شد"
    )  # record: stored note
    _event(
        locked,
        old=Case.Status.MERGED,
        new=back,
        actor=actor,
        kind="unmerge",
        note=text,
        data={"primary": primary.tracking_code},
    )
    _event(
        primary,
        old=primary.status,
        new=primary.status,
        actor=actor,
        kind="unmerge_out",
        public=False,
        note=f"جداشدن {locked.tracking_code}",  # record: stored note
        data={"case": locked.tracking_code},
    )
    _notify(locked, "unmerged", primary=primary)
    return locked


@transaction.atomic
def case_request_info(*, case: Case, question: str, actor: User | None) -> Case:
    _require(actor, "cases.triage_case", case)
    question = clean_input(question)
    if len(question) < 5:
        raise ApplicationError(_("پرسش از شهروند را بنویسید."))
    case = _transition(
        case,
        to=Case.Status.INFO_REQUESTED,
        actor=actor,
        note=question,
        fields={"status_note": question},
    )
    _notify(
        case,
        "info_requested",
        question=question,
        dedupe=CaseEvent.objects.filter(case=case).count(),
    )
    return case


@transaction.atomic
def case_provide_info(
    *, case: Case, answer: str, files: Sequence[UploadedFile[bytes]] = ()
) -> Case:
    """The citizen answers; the case goes back to the district manager's desk."""
    answer = clean_input(answer)
    if len(answer) < 2 and not files:
        raise ApplicationError(_("پاسخ یا پیوست را وارد کنید."))
    cleaned = [clean_upload(f) for f in files[:MAX_FILES]]
    case = _transition(
        case, to=Case.Status.SUBMITTED, actor=None, note=answer[:2000], fields={"status_note": ""}
    )
    for item in cleaned:
        attachment = Attachment(
            case=case,
            kind=Attachment.Kind.INFO,
            content_type=item.content_type,
            size=item.size,
            original_name=item.original_name,
        )
        attachment.file.save(item.name, item.content, save=False)
        attachment.save()
    return case


@transaction.atomic
def case_move_district(
    *, case: Case, district: District, actor: User | None, note: str = ""
) -> Case:
    _require(actor, "cases.triage_case", case)
    if district.municipality_id != case.municipality_id:
        raise ApplicationError(_("منطقه نامعتبر است."))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in ("submitted", "info_requested", "accepted"):
        raise InvalidTransition(locked.status, "move")
    old = locked.district
    locked.district = district
    locked.save(update_fields=["district", "updated_at"])
    _event(
        locked,
        old=locked.status,
        new=locked.status,
        actor=actor,
        kind="move_district",
        public=False,
        note=note or f"{old} ← {district}",
        data={"from": old.number, "to": district.number},
    )
    return locked


@transaction.atomic
def case_change_service(
    *, case: Case, service: ServiceType, actor: User | None, suggested: bool = False
) -> Case:
    """Triage settles the service (and so the department that will carry it out). Used for the
    text-based suggestion's one-click "use it": the suggestion is never applied without it."""
    _require(actor, "cases.triage_case", case)
    if service.municipality_id != case.municipality_id or not service.is_active:
        raise ApplicationError(_("خدمت نامعتبر است."))
    locked = Case.objects.select_for_update().select_related("service").get(pk=case.pk)
    if locked.status not in ("submitted", "info_requested", "accepted"):
        raise InvalidTransition(locked.status, "service")
    if locked.service_id == service.pk:
        raise ApplicationError(
            _("خدمت این درخواست همین حالا «%(service)s» است.") % {"service": service.name}
        )
    old = locked.service
    locked.service = service
    locked.search_key = normalize_fa(f"{locked.description} {locked.address} {service.name}")
    locked.save(update_fields=["service", "search_key", "updated_at"])
    how = "پیشنهاد سامانه از روی متن" if suggested else "انتخاب کارشناس"  # record: Persian
    _event(
        locked,
        old=locked.status,
        new=locked.status,
        actor=actor,
        kind="change_service",
        public=False,
        note=f"{old.name} ← {service.name} ({how})",
        data={"from": old.code, "to": service.code, "suggested": suggested},
    )
    return locked


@transaction.atomic
def case_mark_urgent(*, case: Case, actor: User | None, week_start: dt.date) -> Case:
    """Pull a case into the given (current) week; the cycle decides until when this is allowed."""
    _require(actor, "cases.triage_case", case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in ("submitted", "accepted", "info_requested"):
        raise InvalidTransition(locked.status, "urgent")
    locked.urgent = True
    locked.week_start = week_start
    update = ["urgent", "week_start", "updated_at"]
    if locked.status == Case.Status.ACCEPTED:
        locked.due_week = week_start
        locked.promised_week = locked.promised_week or week_start
        update += ["due_week", "promised_week"]
    locked.save(update_fields=update)
    _event(
        locked,
        old=locked.status,
        new=locked.status,
        actor=actor,
        kind="urgent",
        public=False,
        note="فوری: به نوبت هفتهٔ جاری آمد",  # record: stored note
    )
    if locked.status == Case.Status.ACCEPTED:
        _joined(locked, timezone.now())
    return locked


# -------------------------------------------------------------- later phases (called by other apps)


@transaction.atomic
def case_mark_visited(*, case: Case, actor: User | None, note: str = "") -> Case:
    return _transition(case, to=Case.Status.VISITED, actor=actor, note=note)


@transaction.atomic
def case_flag_unvisited(*, case: Case, actor: User | None = None) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _event(
        locked,
        old=locked.status,
        new=locked.status,
        actor=actor,
        kind="unvisited",
        public=False,
        note="تا پایان سه‌شنبه بازدید نشد",  # record: stored note
    )
    return locked


@transaction.atomic
def case_put_on_agenda(*, case: Case, actor: User | None = None, note: str = "") -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == Case.Status.ON_AGENDA:
        return locked
    return _transition(locked, to=Case.Status.ON_AGENDA, actor=actor, note=note)


@transaction.atomic
def case_carry_over(
    *,
    case: Case,
    due_week: dt.date,
    note: str,
    actor: User | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """The meeting that was to decide the case was not held: the case goes to the next meeting
    (its promise moves there; the missed promise stays visible as promised_week) and the
    citizen is told when."""
    from pishkhan.cases.promise import meeting_time

    locked = Case.objects.select_for_update().select_related("municipality").get(pk=case.pk)
    if locked.status == Case.Status.ON_AGENDA:
        locked = _transition(
            locked, to=Case.Status.DEFERRED, actor=actor, note=note, fields={"due_week": due_week}
        )
    elif locked.status in ("accepted", "visited", "deferred", "reopened"):
        locked.due_week = due_week
        locked.save(update_fields=["due_week", "updated_at"])
        _event(
            locked,
            old=locked.status,
            new=locked.status,
            actor=actor,
            kind="carried_over",
            note=note,
            data={"due_week": due_week.isoformat()},
        )
    else:
        return locked
    _notify(
        locked,
        "carried_over",
        meeting_at=meeting_time(locked.municipality, due_week),
        dedupe=due_week.isoformat(),
    )
    return locked


OUTCOME_STATUS = {
    "approve": "decided",
    "refer": "decided",
    "reject": "rejected",
    "defer": "deferred",
}


@transaction.atomic
def case_record_decision(
    *,
    case: Case,
    outcome: str,
    text: str,
    actor: User | None,
    lead_department: Department | None = None,
    deadline: dt.date | None = None,
    decision_number: str = "",
    meeting_week: dt.date | None = None,
) -> Case:
    """The meeting answered the case: the promise is kept if this is its promised week's
    meeting (or earlier); a deferral moves the promise to the next week and is counted."""
    if outcome not in OUTCOME_STATUS:
        raise ApplicationError(_("نتیجهٔ تصمیم نامعتبر است."))
    text = clean_input(text)
    now = timezone.now()
    meeting_week = meeting_week or jalali.week_start(now.astimezone(jalali.TEHRAN).date())
    row = Case.objects.filter(pk=case.pk).values_list("answered_week", "deferrals").first()
    answered, deferred = row if row is not None else (None, 0)
    fields: dict[str, Any] = {
        "decision_text": text,
        "lead_department": lead_department,
        "deadline": deadline,
        "answered_week": answered or meeting_week,
        "due_week": meeting_week + dt.timedelta(days=7) if outcome == "defer" else None,
    }
    if outcome == "defer":
        fields["deferrals"] = (deferred or 0) + 1
    if outcome == "reject":
        fields["closed_at"] = now
    case = _transition(case, to=OUTCOME_STATUS[outcome], actor=actor, note=text, fields=fields)
    _notify(
        case,
        f"decision_{outcome}",
        text=text,
        deadline=deadline,
        number=decision_number,
        dedupe=decision_number,
    )
    return case


@transaction.atomic
def case_mark_dispatched(*, case: Case, actor: User | None = None, note: str = "") -> Case:
    return _transition(case, to=Case.Status.DISPATCHED, actor=actor, note=note)


@transaction.atomic
def case_mark_in_progress(*, case: Case, actor: User | None = None, note: str = "") -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status == Case.Status.IN_PROGRESS:
        return locked
    return _transition(locked, to=Case.Status.IN_PROGRESS, actor=actor, note=note)


@transaction.atomic
def case_mark_done(
    *, case: Case, actor: User | None, note: str = "", now: dt.datetime | None = None
) -> Case:
    now = now or timezone.now()
    case = _transition(case, to=Case.Status.DONE, actor=actor, note=note, fields={"done_at": now})
    _notify(case, "done", note=note, days=objection_window_days(case.municipality_id))
    return case


@transaction.atomic
def case_citizen_verdict(*, case: Case, verdict: str, note: str = "") -> Case:
    """The citizen accepts the outcome (case closes) or objects (back to the next agenda)."""
    if verdict not in ("accept", "object"):
        raise ApplicationError(_("پاسخ نامعتبر است."))
    note = clean_input(note)[:2000]
    current = Case.objects.filter(pk=case.pk).values_list("status", "done_at").first()
    status, done_at = current if current else (case.status, case.done_at)
    days = objection_window_days(case.municipality_id)
    late = status == Case.Status.CLOSED or (
        status == Case.Status.DONE
        and done_at is not None
        and timezone.now() > done_at + dt.timedelta(days=days)
    )
    if late and verdict == "object":
        raise ApplicationError(
            _(
                "مهلت %(days)s روزهٔ اعتراض به نتیجهٔ این درخواست گذشته و پرونده بسته شده "
                "است. اگر مشکل هنوز باقی است، درخواست تازه‌ای ثبت کنید."
            )
            % {"days": local_number(days)},
            extra={"new_request": True},
        )
    if status == Case.Status.CLOSED:
        raise ApplicationError(_("این پرونده پیش‌تر بسته شده است."))
    if verdict == "accept":
        case = _transition(
            case,
            to=Case.Status.CLOSED,
            actor=None,
            note=note or "شهروند نتیجه را پذیرفت",  # record: stored note
            fields={"citizen_verdict": "accept", "closed_at": timezone.now()},
        )
        _notify(case, "closed")
    else:
        from pishkhan.cases.promise import next_meeting_week

        due = next_meeting_week(case.municipality)
        case = _transition(
            case,
            to=Case.Status.REOPENED,
            actor=None,
            note=note or "اعتراض شهروند",  # record: stored note
            fields={"citizen_verdict": "object", "status_note": note, "due_week": due},
        )
        _notify(case, "reopened")
    return case


@transaction.atomic
def case_late_objection_answer(
    *, case: Case, channel: str = "sms", now: dt.datetime | None = None
) -> tuple[Case, str]:
    """An objection to a closed case, or to a done one past its objection window (a late «۳۳»
    SMS reply): the case is not reopened. A done case past its window is closed now (as the
    clock would, with the "closed" message), the objection is recorded on the case, and the
    answer returned tells the citizen plainly what happened and what they can do: a new
    request. (The SMS gateway sends the answer back as the reply.)"""
    now = now or timezone.now()
    locked = Case.objects.select_for_update().select_related("municipality").get(pk=case.pk)
    days = objection_window_days(locked.municipality_id)
    window_end = locked.done_at + dt.timedelta(days=days) if locked.done_at else None
    if locked.status == Case.Status.DONE:
        if window_end is None or window_end > now:
            raise ApplicationError(_("مهلت اعتراض به این درخواست هنوز نگذشته است."))
        locked = _close_expired_one(locked, now)
    elif locked.status != Case.Status.CLOSED:
        raise InvalidTransition(locked.status, Case.Status.CLOSED)
    if locked.citizen_verdict == "accept":
        reason = "accepted"
    else:  # a done case closes otherwise only when its window ends
        reason = "expired" if window_end is not None else ""
    _event(
        locked,
        old=locked.status,
        new=locked.status,
        actor=None,
        kind="late_objection",
        # record: stored note
        note="اعتراض پس از بسته‌شدن پرونده رسید؛ پرونده بسته ماند و به شهروند پاسخ داده شد",
        public=False,
        data={"channel": channel, "window_days": days, "reason": reason},
        at=now,
    )
    values = {
        "code": ltr_isolate(locked.tracking_code),
        "days": fa_digits(days),
        "date": jalali.format_date(window_end, long=True) if window_end else "",
        "url": ltr_isolate(locked.municipality.site_url() + "/requests/new/"),
    }
    if reason == "expired":
        said = _(
            "مهلت %(days)s روزهٔ اعتراض به نتیجهٔ درخواست %(code)s در %(date)s به پایان رسید و "
            "پرونده بسته شده است؛"
        )
    elif reason == "accepted":
        said = _("پروندهٔ درخواست %(code)s با پذیرش نتیجه از سوی شما بسته شده است؛")
    else:
        said = _("پروندهٔ درخواست %(code)s بسته شده است؛")
    then = _(
        "پیام شما آن را دوباره باز نمی‌کند. اگر مشکل هنوز باقی است، درخواست تازه‌ای ثبت کنید: %(url)s"
    )
    return locked, f"{said % values} {then % values}"


def case_close_expired(*, now: dt.datetime, municipality_id: int | None = None) -> int:
    """Close done cases whose objection window (the city's Schedule.objection_window_days) has
    passed, with the "closed" message. Idempotent; the clock calls it daily per city."""
    from pishkhan.accounts.models import Municipality

    cities = Municipality.objects.all()
    if municipality_id is not None:
        cities = cities.filter(pk=municipality_id)
    closed = 0
    for city_id in cities.values_list("pk", flat=True):
        limit = now - dt.timedelta(days=objection_window_days(city_id))
        closed += _close_expired_in(city_id, limit, now)
    return closed


def _close_expired_in(municipality_id: int, limit: dt.datetime, now: dt.datetime) -> int:
    closed = 0
    for case in Case.objects.filter(
        municipality_id=municipality_id, status=Case.Status.DONE, done_at__lte=limit
    ).only("pk"):
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.status != Case.Status.DONE:
                continue
            _close_expired_one(locked, now)
            closed += 1
    return closed


def _close_expired_one(locked: Case, now: dt.datetime) -> Case:
    locked = _transition(
        locked,
        to=Case.Status.CLOSED,
        actor=None,
        note="مهلت اعتراض گذشت",  # record: stored note
        fields={"closed_at": now},
    )
    _notify(locked, "closed")
    return locked


def info_requests_follow_up(*, municipality_id: int, now: dt.datetime) -> dict[str, int]:
    """Info requests do not wait for ever: after the city's reminder days the citizen is
    reminded (once per question); after its wait limit the case goes back to the district
    manager's desk to be decided without the answer, and the citizen is told. Idempotent."""
    from pishkhan.cycle.models import Schedule

    schedule = Schedule.objects.filter(municipality_id=municipality_id).first()
    remind_days = schedule.info_reminder_days if schedule else 3
    wait_days = schedule.info_wait_days if schedule else 7
    reminded = expired = 0
    for case in Case.objects.filter(
        municipality_id=municipality_id, status=Case.Status.INFO_REQUESTED
    ):
        asked = (
            CaseEvent.objects.filter(case=case, new_status=Case.Status.INFO_REQUESTED)
            .order_by("-at", "-id")
            .first()
        )
        if asked is None:
            continue
        waited = now - asked.at
        if wait_days and waited >= dt.timedelta(days=wait_days):
            with transaction.atomic():
                locked = Case.objects.select_for_update().get(pk=case.pk)
                if locked.status != Case.Status.INFO_REQUESTED:
                    continue
                _transition(
                    locked,
                    to=Case.Status.SUBMITTED,
                    actor=None,
                    note=f"پاسخی در {wait_days} روز نرسید؛ بدون آن بررسی می‌شود",  # record: note
                    fields={"status_note": ""},
                )
                _notify(locked, "info_expired", days=wait_days, dedupe=asked.pk)
            expired += 1
        elif remind_days and waited >= dt.timedelta(days=remind_days):
            with transaction.atomic():
                _notify(case, "info_reminder", question=asked.note, days=wait_days, dedupe=asked.pk)
            reminded += 1
    return {"reminded": reminded, "expired": expired}


def info_requests_step(week: Any, now: dt.datetime) -> dict[str, Any]:
    """Clock step "info_requests_<day>" (daily)."""
    return info_requests_follow_up(municipality_id=week.municipality_id, now=now)


def close_expired_step(week: Any, now: dt.datetime) -> dict[str, Any]:
    """Clock step "close_expired_<day>" (daily): done cases past the objection window close."""
    return {"closed": case_close_expired(now=now, municipality_id=week.municipality_id)}


@transaction.atomic
def case_redecide(
    *,
    case: Case,
    outcome: str,
    text: str,
    actor: User | None,
    lead_department: Department | None = None,
    deadline: dt.date | None = None,
    decision_number: str = "",
) -> Case:
    """A meeting re-decided the order of a case being carried out (an overdue or extension
    item). Approve: the case keeps going with the new lead department and deadline (what the
    citizen and Open311 see); reject: the case leaves execution, rejected. The citizen is told."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status not in (Case.Status.DISPATCHED, Case.Status.IN_PROGRESS):
        return locked
    if outcome == "reject":
        locked = _transition(
            locked,
            to=Case.Status.REJECTED,
            actor=actor,
            note=text,
            fields={"decision_text": text, "closed_at": timezone.now(), "status_note": text},
        )
        _notify(
            locked, "decision_reject", text=text, number=decision_number, dedupe=decision_number
        )
        return locked
    if outcome != "approve" or deadline is None:
        return locked
    old_deadline, old_lead = locked.deadline, locked.lead_department_id
    locked.decision_text = text
    locked.deadline = deadline
    if lead_department is not None:
        locked.lead_department = lead_department
    locked.save(update_fields=["decision_text", "deadline", "lead_department", "updated_at"])
    _event(
        locked,
        old=locked.status,
        new=locked.status,
        actor=actor,
        kind="redecided",
        note=text,
        data={
            "decision": decision_number,
            "deadline": deadline.isoformat(),
            "old_deadline": old_deadline.isoformat() if old_deadline else "",
            "lead_department": locked.lead_department_id,
            "old_lead_department": old_lead,
        },
    )
    _notify(
        locked,
        "redecided",
        text=text,
        deadline=deadline,
        number=decision_number,
        dedupe=decision_number,
    )
    return locked


def cases_bulk(cases: Iterable[Case], action: Any, **kwargs: Any) -> tuple[int, list[str]]:
    """Apply a single-case service to many; each in its own transaction. Returns (done, errors)."""
    done, errors = 0, []
    for case in cases:
        try:
            action(case=case, **kwargs)
            done += 1
        except (ApplicationError, ValidationError) as exc:
            errors.append(f"{case.tracking_code}: {getattr(exc, 'message', exc)}")
    return done, errors


def case_mark_urgent_now(*, case: Case, actor: User | None, now: dt.datetime | None = None) -> Case:
    """Pull a case into the current intake week, allowed until that week's agenda is frozen."""
    from pishkhan.cases.selectors import urgent_allowed_until

    now = now or timezone.now()
    # The week whose meeting is coming (after the intake cut-off, intake_week_start is already
    # the next week; an urgent case still joins this one until its agenda is frozen).
    current = jalali.week_start(now.astimezone(jalali.TEHRAN).date())
    if now >= urgent_allowed_until(case.municipality, current):
        raise ApplicationError(_("دستور جلسهٔ این هفته بسته شده است؛ فوری کردن دیگر ممکن نیست."))
    return case_mark_urgent(case=case, actor=actor, week_start=current)


@transaction.atomic
def district_summary_save(
    *,
    district: District,
    week_start: dt.date,
    note: str,
    notable: Sequence[Case],
    actor: User,
    submit: bool = False,
) -> DistrictSummary:
    """The district manager's weekly summary: one per district and week (edited in place)."""
    _require(actor, "cases.write_district_summary")
    if actor.role == "district_manager" and actor.district_id != district.pk:
        raise PermissionDeniedError(_("این منطقه مربوط به شما نیست."))
    summary, _created = DistrictSummary.objects.select_for_update().get_or_create(
        district=district, week_start=week_start, defaults={"author": actor}
    )
    summary.note = clean_input(note)[:5000]
    summary.author = actor
    update = ["note", "author", "updated_at"]
    if submit and summary.submitted_at is None:
        summary.submitted_at = timezone.now()
        update.append("submitted_at")
    summary.save(update_fields=update)
    summary.notable_cases.set(
        [c for c in notable if c.district_id == district.pk and c.week_start == week_start]
    )
    audit_record(
        municipality_id=district.municipality_id,
        actor_id=actor.pk,
        action="case.district_summary",
        object_type="district_summary",
        object_id=str(summary.pk),
        data={"week": week_start.isoformat(), "notable": [c.tracking_code for c in notable]},
    )
    return summary


APP_REOPEN = ("OPEN", "REOPEN")
APP_CONFIRM = ("CLOSED", "FIXED")


def case_app_update(
    *,
    case: Case,
    api_client: ApiClient,
    update_id: str,
    status: str,
    text: str,
    email: str = "",
    mobile: str = "",
    name: str = "",
    media_url: str = "",
) -> AppUpdate:
    """A citizen's update relayed by the app that filed the case (Open311 servicerequestupdates).

    On a case awaiting the citizen's verdict (done), from the person who reported it, ``OPEN`` /
    ``REOPEN`` is an objection and ``CLOSED`` / ``FIXED`` a confirmation (case_citizen_verdict);
    anything else is a citizen comment for staff (a non-public event). Idempotent on the app's
    ``update_id``: a repeat returns the first answer and changes nothing.
    """
    update_id = clean_input(update_id)[:100]
    if not update_id:
        raise ValidationError({"update_id": _("شناسهٔ به‌روزرسانی لازم است.")})
    if case.api_client_id != api_client.pk:
        raise PermissionDeniedError(_("این درخواست از این برنامه ثبت نشده است."))
    text = clean_input(text)[:2000]
    status = (status or "").strip().upper()
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            done = AppUpdate.objects.filter(api_client=api_client, update_id=update_id).first()
            if done is not None:
                return _same_update(done, locked)
            action = "comment"
            if locked.status == Case.Status.DONE and _same_citizen(
                locked, api_client, email=email, mobile=mobile
            ):
                if status in APP_REOPEN:
                    action = "object"
                elif status in APP_CONFIRM:
                    action = "accept"
            if action == "comment":
                if not text:
                    raise ValidationError({"description": _("متن به‌روزرسانی خالی است.")})
                data = {
                    "app": api_client.name,
                    "update_id": update_id,
                    "status": status,
                    "name": clean_input(name)[:150],
                    "media_url": strip_controls(media_url)[:500],
                }
                event: CaseEvent | None = _event(
                    locked,
                    old=locked.status,
                    new=locked.status,
                    actor=None,
                    kind="citizen_comment",
                    note=text,
                    public=False,
                    data=data,
                )
            else:
                locked = case_citizen_verdict(case=locked, verdict=action, note=text)
                event = CaseEvent.objects.filter(case=locked).order_by("-at", "-id").first()
            return AppUpdate.objects.create(
                api_client=api_client, update_id=update_id, case=locked, event=event, action=action
            )
    except IntegrityError:  # the same update_id posted twice at once: the other one won
        done = AppUpdate.objects.filter(api_client=api_client, update_id=update_id).first()
        if done is None:
            raise
        return _same_update(done, case)


def _same_update(done: AppUpdate, case: Case) -> AppUpdate:
    if done.case_id != case.pk:
        raise ApplicationError(_("این update_id پیش‌تر برای درخواست دیگری به کار رفته است."))
    return done


def _same_citizen(case: Case, api_client: ApiClient, *, email: str, mobile: str) -> bool:
    """Whether the update comes from the person who reported the case (a verdict is theirs)."""
    if case.citizen_email and email.strip().lower() == case.citizen_email.lower():
        return True
    if case.citizen_mobile and mobile:
        try:
            return normalize_mobile(mobile) == case.citizen_mobile
        except ValidationError:
            return False
    return not case.citizen_email and not case.citizen_mobile and api_client.trusted_relay
