"""Writes for the public site: articles (draft → review → published), comments, the bulletin."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pishkhan.accounts.models import Municipality, User
from pishkhan.core.audit import audit_record
from pishkhan.core.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from pishkhan.core.jalali import format_date, week_label
from pishkhan.core.pii import mask_pii
from pishkhan.core.text import clean_input, fa_digits, local_number, normalize_fa
from pishkhan.meetings.models import Decision, Meeting
from pishkhan.portal import cache as page_cache
from pishkhan.portal.models import Article, Comment, Tag

ARTICLE_ALLOWED: dict[str, set[str]] = {
    Article.Status.DRAFT: {Article.Status.REVIEW},
    Article.Status.REVIEW: {Article.Status.PUBLISHED, Article.Status.DRAFT},
    Article.Status.PUBLISHED: {Article.Status.ARCHIVED},
    Article.Status.ARCHIVED: {Article.Status.DRAFT},
}
COMMENT_ALLOWED: dict[str, set[str]] = {
    Comment.Status.PENDING: {Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM},
    Comment.Status.APPROVED: {Comment.Status.REJECTED, Comment.Status.SPAM},
    Comment.Status.REJECTED: {Comment.Status.APPROVED},
    Comment.Status.SPAM: {Comment.Status.APPROVED},
}
COMMENT_MAX_CHARS = 3000
TRUSTED_EMAIL_APPROVED = 3
COVER_MAX_SIDE = 1600


def _bust(municipality_id: int) -> None:
    transaction.on_commit(lambda: page_cache.invalidate(municipality_id))


def _search_key(*parts: str) -> str:
    return normalize_fa(" ".join(p for p in parts if p))


def _unique_slug(municipality: Municipality, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title, allow_unicode=True)[:100] or "khabar"
    slug, n = base, 1
    qs = Article.objects.filter(municipality=municipality)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def cover_process(upload: UploadedFile[bytes]) -> ContentFile[bytes]:
    """Check an uploaded cover by its content and re-encode it (drops metadata and payloads)."""
    from PIL import Image, UnidentifiedImageError

    if upload.size and upload.size > settings.UPLOAD_MAX_BYTES:
        raise ApplicationError(_("حجم تصویر بیش از حد مجاز است."))
    try:
        data = upload.read()
        Image.open(io.BytesIO(data)).verify()
        opened = Image.open(io.BytesIO(data))
        opened.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ApplicationError(_("این فایل تصویر معتبری نیست (JPEG یا PNG بفرستید).")) from None
    if opened.format not in ("JPEG", "PNG", "WEBP", "GIF"):
        raise ApplicationError(_("فقط تصویر JPEG، PNG یا WebP پذیرفته می‌شود."))
    image = opened.convert("RGB")
    image.thumbnail((COVER_MAX_SIDE, COVER_MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _tags_for(municipality: Municipality, names: list[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = clean_input(raw)[:60]
        if not name:
            continue
        slug = slugify(name, allow_unicode=True)[:60] or uuid.uuid4().hex[:8]
        tag, _ = Tag.objects.get_or_create(
            municipality=municipality, slug=slug, defaults={"name": name}
        )
        tags.append(tag)
    return tags


@transaction.atomic
def article_create(
    *,
    municipality: Municipality,
    title: str,
    body: str,
    actor: User | None,
    lead: str = "",
    source: str = "",
    tags: list[str] | None = None,
    cover: UploadedFile[bytes] | None = None,
    cover_alt: str = "",
    publish_at: dt.datetime | None = None,
    slug: str = "",
    kind: str = Article.Kind.NEWS,
    bulletin_week: dt.date | None = None,
) -> Article:
    title, body, lead = clean_input(title), clean_input(body), clean_input(lead)
    if not title or not body:
        raise ApplicationError(_("عنوان و متن خبر لازم است."))
    article = Article(
        municipality=municipality,
        kind=kind,
        slug=slug or _unique_slug(municipality, title),
        title=title,
        lead=lead,
        body=body,
        source=clean_input(source),
        cover_alt=clean_input(cover_alt),
        publish_at=publish_at,
        author=actor,
        bulletin_week=bulletin_week,
    )
    if cover is not None:
        processed = cover_process(cover)
        article.cover.save(processed.name or "cover.jpg", processed, save=False)
    tag_objs = _tags_for(municipality, tags or [])
    article.search_key = _search_key(title, lead, body, " ".join(t.name for t in tag_objs))
    article.save()
    article.tags.set(tag_objs)
    audit_record(
        municipality_id=municipality.pk,
        actor_id=actor.pk if actor else None,
        action="article.create",
        object_type="portal.article",
        object_id=article.pk,
        data={"title": title, "kind": kind},
    )
    return article


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def article_update(
    *,
    article: Article,
    actor: User,
    title: str,
    body: str,
    lead: str = "",
    source: str = "",
    tags: list[str] | None = None,
    cover: UploadedFile[bytes] | None = None,
    cover_alt: str = "",
    publish_at: dt.datetime | None = None,
) -> Article:
    locked = _lock(article)
    if locked.status == Article.Status.ARCHIVED:
        raise ApplicationError(
            _("خبر بایگانی‌شده را نمی‌توان ویرایش کرد؛ ابتدا آن را به پیش‌نویس برگردانید.")
        )
    title, body = clean_input(title), clean_input(body)
    if not title or not body:
        raise ApplicationError(_("عنوان و متن خبر لازم است."))
    locked.title, locked.body, locked.lead = title, body, clean_input(lead)
    locked.source, locked.cover_alt = clean_input(source), clean_input(cover_alt)
    locked.publish_at = publish_at or locked.publish_at
    fields = [
        "title",
        "body",
        "lead",
        "source",
        "cover_alt",
        "publish_at",
        "search_key",
        "updated_at",
    ]
    if cover is not None:
        processed = cover_process(cover)
        locked.cover.save(processed.name or "cover.jpg", processed, save=False)
        fields.append("cover")
    tag_objs = _tags_for(locked.municipality, tags or [])
    locked.tags.set(tag_objs)
    locked.search_key = _search_key(title, locked.lead, body, " ".join(t.name for t in tag_objs))
    locked.save(update_fields=fields)
    audit_record(
        municipality_id=locked.municipality_id,
        actor_id=actor.pk,
        action="article.update",
        object_type="portal.article",
        object_id=locked.pk,
        data={"title": title},
    )
    if locked.status == Article.Status.PUBLISHED:
        _bust(locked.municipality_id)
    return locked


def _article_transition(
    article: Article, *, to: str, actor: User | None, note: str = ""
) -> Article:
    locked = _lock(article)
    if to not in ARTICLE_ALLOWED.get(locked.status, set()):
        raise InvalidTransition(locked.status, to)
    old = locked.status
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        municipality_id=locked.municipality_id,
        actor_id=actor.pk if actor else None,
        action=f"article.{to}",
        object_type="portal.article",
        object_id=locked.pk,
        data={"from": old, "to": to, "note": note},
    )
    return locked


@transaction.atomic
def article_submit(*, article: Article, actor: User) -> Article:
    """Draft → review (the writer hands it to a publisher)."""
    return _article_transition(article, to=Article.Status.REVIEW, actor=actor)


@transaction.atomic
def article_return(*, article: Article, actor: User, note: str = "") -> Article:
    """Review → draft (the publisher sends it back)."""
    return _article_transition(article, to=Article.Status.DRAFT, actor=actor, note=note)


@transaction.atomic
def article_publish(
    *, article: Article, actor: User | None, publish_at: dt.datetime | None = None
) -> Article:
    """Review → published, now or at ``publish_at`` (a scheduled article stays hidden till then)."""
    if actor is not None and not actor.has_perm("portal.publish_article"):
        raise PermissionDeniedError(_("شما اجازهٔ انتشار خبر ندارید."))
    locked = _article_transition(article, to=Article.Status.PUBLISHED, actor=actor)
    locked.publish_at = publish_at or locked.publish_at or timezone.now()
    locked.save(update_fields=["publish_at", "updated_at"])
    _bust(locked.municipality_id)
    return locked


@transaction.atomic
def article_archive(*, article: Article, actor: User) -> Article:
    locked = _article_transition(article, to=Article.Status.ARCHIVED, actor=actor)
    _bust(locked.municipality_id)
    return locked


# --- comments ---------------------------------------------------------------------------


def ip_hash(ip: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


def body_key(body: str) -> str:
    return hashlib.sha256(normalize_fa(body).encode()).hexdigest()


def comment_author_trusted(*, municipality: Municipality, email: str, user: User | None) -> bool:
    """Trusted authors skip the queue: staff of this municipality, or an e-mail address that
    already has TRUSTED_EMAIL_APPROVED approved comments here."""
    if user is not None and user.is_authenticated and user.is_staff:
        return user.municipality_id == municipality.pk or user.is_superuser
    if not email:
        return False
    approved = Comment.objects.filter(
        article__municipality=municipality,
        email__iexact=email,
        status=Comment.Status.APPROVED,
    ).count()
    return approved >= TRUSTED_EMAIL_APPROVED


@transaction.atomic
def comment_post(
    *,
    article: Article,
    name: str,
    body: str,
    email: str = "",
    ip: str = "",
    user: User | None = None,
) -> Comment:
    """A visitor's comment: pending unless the author is trusted. Raises on a duplicate."""
    if article.status != Article.Status.PUBLISHED:
        raise ApplicationError(_("برای این خبر نمی‌توان نظر فرستاد."))
    name, body = clean_input(name)[:80], clean_input(body)
    if not name or not body:
        raise ApplicationError(_("نام و متن نظر لازم است."))
    if len(body) > COMMENT_MAX_CHARS:
        raise ApplicationError(
            _("متن نظر حداکثر %(n)s نویسه است.") % {"n": local_number(COMMENT_MAX_CHARS)}
        )
    key = body_key(body)
    if (
        Comment.objects.filter(article__municipality_id=article.municipality_id, body_key=key)
        .exclude(status=Comment.Status.REJECTED)
        .filter(created_at__gte=timezone.now() - dt.timedelta(days=30))
        .exists()
    ):
        raise ApplicationError(_("این نظر پیش‌تر فرستاده شده است."))
    trusted = comment_author_trusted(municipality=article.municipality, email=email, user=user)
    comment = Comment.objects.create(
        article=article,
        name=name,
        email=email.strip().lower(),
        body=body,
        body_key=key,
        status=Comment.Status.APPROVED if trusted else Comment.Status.PENDING,
        author=user if user is not None and user.is_authenticated else None,
        ip_hash=ip_hash(ip) if ip else "",
    )
    audit_record(
        municipality_id=article.municipality_id,
        actor_id=comment.author_id,
        action="comment.post",
        object_type="portal.comment",
        object_id=comment.pk,
        data={"article": article.pk, "status": comment.status},
    )
    if trusted:
        _bust(article.municipality_id)
    return comment


@transaction.atomic
def comment_moderate(*, comment: Comment, to: str, actor: User, note: str = "") -> Comment:
    if not actor.has_perm("portal.moderate_comment"):
        raise PermissionDeniedError(_("شما اجازهٔ بررسی نظرات را ندارید."))
    locked = Comment.objects.select_for_update().select_related("article").get(pk=comment.pk)
    if locked.article.municipality_id != actor.municipality_id and not actor.is_superuser:
        raise PermissionDeniedError(_("این نظر متعلق به شهرداری دیگری است."))
    if to not in COMMENT_ALLOWED.get(locked.status, set()):
        raise InvalidTransition(locked.status, to)
    old = locked.status
    locked.status = to
    locked.moderated_by = actor
    locked.moderated_at = timezone.now()
    locked.moderation_note = clean_input(note)[:250]
    locked.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])
    audit_record(
        municipality_id=locked.article.municipality_id,
        actor_id=actor.pk,
        action=f"comment.{to}",
        object_type="portal.comment",
        object_id=locked.pk,
        data={"from": old, "to": to},
    )
    _bust(locked.article.municipality_id)
    return locked


@transaction.atomic
def comment_reply(*, parent: Comment, body: str, actor: User) -> Comment:
    """The municipality's official answer, shown under the comment (approves a pending parent)."""
    if not actor.has_perm("portal.moderate_comment"):
        raise PermissionDeniedError(_("شما اجازهٔ پاسخ به نظرات را ندارید."))
    parent = Comment.objects.select_for_update().select_related("article").get(pk=parent.pk)
    if parent.article.municipality_id != actor.municipality_id and not actor.is_superuser:
        raise PermissionDeniedError(_("این نظر متعلق به شهرداری دیگری است."))
    body = clean_input(body)
    if not body:
        raise ApplicationError(_("متن پاسخ لازم است."))
    if len(body) > COMMENT_MAX_CHARS:
        raise ApplicationError(
            _("متن پاسخ حداکثر %(n)s نویسه است.") % {"n": local_number(COMMENT_MAX_CHARS)}
        )
    if parent.status == Comment.Status.PENDING:
        comment_moderate(comment=parent, to=Comment.Status.APPROVED, actor=actor)
    elif parent.status != Comment.Status.APPROVED:
        raise ApplicationError(_("به نظری که منتشر نشده نمی‌توان پاسخ داد."))
    reply = Comment.objects.create(
        article=parent.article,
        parent=parent,
        name="روابط عمومی شهرداری",  # record: stored
        body=body,
        body_key=body_key(body),
        status=Comment.Status.APPROVED,
        is_official=True,
        author=actor,
        moderated_by=actor,
        moderated_at=timezone.now(),
    )
    audit_record(
        municipality_id=parent.article.municipality_id,
        actor_id=actor.pk,
        action="comment.reply",
        object_type="portal.comment",
        object_id=reply.pk,
        data={"parent": parent.pk},
    )
    _bust(parent.article.municipality_id)
    return reply


# --- weekly bulletin --------------------------------------------------------------------


def bulletin_publish_for_week(*, municipality: Municipality, week_start: dt.date) -> Article | None:
    """Publish the bulletin of a week's signed decisions once (idempotent: one per week).

    Returns the bulletin, or None when the week has no signed decisions yet.
    """
    existing = Article.objects.filter(municipality=municipality, bulletin_week=week_start).first()
    if existing is not None:
        return existing
    decisions = list(
        Decision.objects.filter(
            item__meeting__municipality=municipality,
            item__meeting__week_start=week_start,
            item__meeting__status=Meeting.Status.SIGNED,
        )
        .select_related("item__meeting", "lead_department")
        .order_by("item__number")
    )
    if not decisions:
        return None
    from pishkhan.meetings.integrity import meeting_require_intact

    for meeting in {d.item.meeting_id: d.item.meeting for d in decisions}.values():
        meeting_require_intact(meeting, what="bulletin")  # nothing unverified is published
    year, number = week_label(week_start)
    title = (
        f"مصوبات پیشخوان خدمت — هفتهٔ {fa_digits(number)} سال {fa_digits(year)}"  # record: stored
    )
    week_end = format_date(week_start + dt.timedelta(days=6))
    lines = [  # record: the bulletin article, stored
        f"جلسهٔ پیشخوان خدمت هفتهٔ منتهی به {week_end}"
        f" {fa_digits(len(decisions))} مصوبه را امضا کرد:",
        "",
    ]
    for d in decisions:
        # a public article: people's numbers typed into a decision are masked (core.pii)
        lines.append(  # record: stored
            f"مصوبهٔ {fa_digits(d.number)}: {mask_pii(d.item.title)} — {mask_pii(d.text)}"
        )
        lines.append(f"نشانی راستی‌آزمایی: /decisions/verify/{d.number}/")  # record: stored
        lines.append("")
    try:
        with transaction.atomic():
            article = article_create(
                municipality=municipality,
                title=title,
                lead=f"{fa_digits(len(decisions))} مصوبهٔ امضاشدهٔ این هفته",  # record: stored
                body="\n".join(lines).strip(),
                source="دبیرخانهٔ پیشخوان خدمت",  # record: stored
                actor=None,
                tags=["مصوبات"],  # record: stored
                slug=f"bulletin-{week_start.isoformat()}",
                kind=Article.Kind.BULLETIN,
                bulletin_week=week_start,
            )
            article.status = Article.Status.PUBLISHED
            article.publish_at = timezone.now()
            article.save(update_fields=["status", "publish_at", "updated_at"])
            audit_record(
                municipality_id=municipality.pk,
                actor_id=None,
                action="article.published",
                object_type="portal.article",
                object_id=article.pk,
                data={"bulletin_week": week_start.isoformat(), "decisions": len(decisions)},
            )
            _bust(municipality.pk)
    except IntegrityError:
        # A concurrent run won the unique (municipality, bulletin_week) race.
        return Article.objects.filter(municipality=municipality, bulletin_week=week_start).first()
    return article


def bulletin_clock_step(week: Any, now: dt.datetime) -> dict[str, Any]:
    """The clock's "publish_bulletin" step: due at the week's dispatch time once the week's
    minutes are signed (see portal.apps); a week whose meeting is never signed has no bulletin.
    """
    from pishkhan.meetings.integrity import UnverifiedMinutes, integrity_refusal_record

    try:
        article = bulletin_publish_for_week(municipality=week.municipality, week_start=week.start)
    except UnverifiedMinutes as refusal:
        integrity_refusal_record(refusal=refusal, now=now)
        return {"refused": refusal.problems[:5]}  # the week shows why
    if article is None:
        pending = Meeting.objects.filter(
            municipality=week.municipality, week_start=week.start
        ).exclude(status=Meeting.Status.SIGNED)
        if pending.exists():
            raise ApplicationError(
                _("صورتجلسهٔ این هفته هنوز امضا نشده است؛ بولتن بعداً منتشر می‌شود.")
            )
    return {"bulletin": article.slug if article else None}


def bulletin_rerun(*, week: Any, actor: User, now: dt.datetime) -> Article:
    """The secretary publishes a week's bulletin by hand after the clock's step was refused
    (the minutes did not match what was signed), once the ledger verifies again. Still
    altered: refused again in Persian, nothing published (the refusal is recorded as by the
    clock, without a second alert for the same altered state)."""
    from django.utils.translation import gettext

    from pishkhan.cycle.models import ClockStep
    from pishkhan.cycle.services import clock_step_rerun_record
    from pishkhan.meetings.integrity import UnverifiedMinutes, integrity_refusal_record

    if not actor.has_perm("meetings.run_meeting") or actor.municipality_id != week.municipality_id:
        raise PermissionDeniedError()
    step = ClockStep.objects.filter(week=week, step="publish_bulletin").first()
    if step is None or not (step.result or {}).get("refused"):
        raise ApplicationError(gettext("گام انتشار بولتن این هفته رد نشده است؛ بازاجرا لازم نیست."))
    try:
        with transaction.atomic():
            article = bulletin_publish_for_week(
                municipality=week.municipality, week_start=week.start
            )
            if article is None:
                raise ApplicationError(gettext("این هفته مصوبهٔ امضاشده‌ای برای بولتن ندارد."))
            clock_step_rerun_record(
                week=week,
                step="publish_bulletin",
                result={"bulletin": article.slug},
                actor_name=actor.full_name,
                now=now,
            )
            audit_record(
                municipality_id=week.municipality_id,
                actor_id=actor.pk,
                action="bulletin.rerun",
                object_type="week",
                object_id=week.start.isoformat(),
                data={"bulletin": article.slug, "refused_before": step.result.get("refused", [])},
                at=now.astimezone(dt.UTC),
            )
    except UnverifiedMinutes as refusal:
        integrity_refusal_record(refusal=refusal, now=now)
        raise
    return article
