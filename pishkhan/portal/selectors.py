"""Reads for the public site. Nothing here returns citizen names, mobiles or e-mails."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy

from pishkhan.accounts.models import Department, District, Municipality
from pishkhan.cases.models import Case, ServiceCategory, ServiceType
from pishkhan.core.jalali import week_start
from pishkhan.core.text import FA_DIGITS, normalize_fa, tokens
from pishkhan.directives.models import Directive
from pishkhan.meetings.models import Decision, Meeting
from pishkhan.portal import cache as page_cache
from pishkhan.portal.models import Article, Comment, Tag
from pishkhan.visits.models import Visit

# --- news -------------------------------------------------------------------------------


def article_public_qs(*, municipality: Municipality) -> QuerySet[Article]:
    """Published and due (a scheduled article appears once its publish_at has passed)."""
    return (
        Article.objects.filter(
            municipality=municipality,
            status=Article.Status.PUBLISHED,
            publish_at__lte=timezone.now(),
        )
        .order_by("-publish_at", "-id")
        .prefetch_related("tags")
    )


def article_list_public(
    *, municipality: Municipality, tag: str | None = None, kind: str | None = None
) -> QuerySet[Article]:
    qs = article_public_qs(municipality=municipality)
    if tag:
        qs = qs.filter(tags__slug=tag)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def article_get_public(*, municipality: Municipality, slug: str) -> Article | None:
    return article_public_qs(municipality=municipality).filter(slug=slug).first()


def tag_list(*, municipality: Municipality) -> QuerySet[Tag]:
    return (
        Tag.objects.filter(municipality=municipality)
        .annotate(
            n=Count(
                "article",
                filter=Q(
                    article__status=Article.Status.PUBLISHED,
                    article__publish_at__lte=timezone.now(),
                ),
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "name")
    )


def comments_public(*, article: Article) -> list[Comment]:
    """Approved top-level comments with their approved replies (two queries)."""
    replies = Comment.objects.filter(status=Comment.Status.APPROVED).order_by("created_at")
    return list(
        article.comments.filter(status=Comment.Status.APPROVED, parent__isnull=True)
        .order_by("created_at")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="approved_replies"))
    )


STOPWORDS = frozenset(  # data: Persian words left out of "similar content"
    "از به در با که این آن را برای تا هر یک شد شده است می نیز بر های ها هم اما یا خود شود"
    " کرد کند کرده دارد داد وی پس پیش روز سال".split()
)


def _tf(text: str) -> Counter[str]:
    return Counter(t for t in normalize_fa(text).split(" ") if len(t) > 1 and t not in STOPWORDS)


def similar_articles(*, article: Article, limit: int = 4) -> list[Article]:
    """TF-IDF cosine similarity over the normalised text (search_key) of recent articles."""
    version = page_cache.version(article.municipality_id)
    key = f"portal:similar:{article.municipality_id}:{version}:{article.pk}"
    ids: list[int] | None = cache.get(key)
    if ids is None:
        pool = list(
            article_public_qs(municipality=article.municipality)
            .exclude(pk=article.pk)
            .values_list("pk", "search_key")[:300]
        )
        docs = {pk: _tf(text) for pk, text in pool}
        mine = _tf(article.search_key)
        df: Counter[str] = Counter()
        for tf in [*docs.values(), mine]:
            df.update(tf.keys())
        n = len(docs) + 1

        def vec(tf: Counter[str]) -> dict[str, float]:
            return {t: c * (math.log((1 + n) / (1 + df[t])) + 1.0) for t, c in tf.items()}

        mv = vec(mine)
        mnorm = math.sqrt(sum(v * v for v in mv.values())) or 1.0
        scores = []
        for pk, tf in docs.items():
            dv = vec(tf)
            dot = sum(w * dv.get(t, 0.0) for t, w in mv.items())
            dnorm = math.sqrt(sum(v * v for v in dv.values())) or 1.0
            score = dot / (mnorm * dnorm)
            if score > 0.1:
                scores.append((score, pk))
        scores.sort(reverse=True)
        ids = [pk for _, pk in scores[:limit]]
        cache.set(key, ids, settings.PUBLIC_CACHE_SECONDS * 10)
    by_id = {a.pk: a for a in Article.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def decisions_withheld(decisions: list[Decision], *, what: str) -> set[int]:
    """Meetings (ids) among these decisions whose signed minutes no longer verify; the refusal
    is recorded and alerted once per altered state."""
    from pishkhan.meetings.integrity import (
        UnverifiedMinutes,
        integrity_refusal_record,
        meetings_tampered,
    )

    bad = meetings_tampered({d.item.meeting_id for d in decisions})
    for d in decisions:
        if d.item.meeting_id in bad:
            refusal = UnverifiedMinutes(d.item.meeting, bad[d.item.meeting_id], what)
            integrity_refusal_record(refusal=refusal)
            bad[d.item.meeting_id] = []  # once per meeting
    return set(bad)


def bulletin_decisions(*, article: Article) -> list[Decision]:
    if article.kind != Article.Kind.BULLETIN or article.bulletin_week is None:
        return []
    decisions = list(
        decision_public_qs(municipality=article.municipality).filter(
            item__meeting__week_start=article.bulletin_week
        )
    )
    withheld = decisions_withheld(decisions, what="bulletin")
    return [d for d in decisions if d.item.meeting_id not in withheld]


# --- services ---------------------------------------------------------------------------


def service_categories(*, municipality: Municipality) -> list[ServiceCategory]:
    active = ServiceType.objects.filter(is_active=True).order_by("order", "name")
    return list(
        ServiceCategory.objects.filter(municipality=municipality)
        .prefetch_related(Prefetch("services", queryset=active, to_attr="active_services"))
        .order_by("order", "name")
    )


def service_search(
    *, municipality: Municipality, query: str = "", category: str = ""
) -> list[ServiceType]:
    """The catalogue is small: match every normalised query token against a normalised key."""
    qs = ServiceType.objects.filter(municipality=municipality, is_active=True).select_related(
        "category", "department"
    )
    if category:
        qs = qs.filter(category__slug=category)
    wanted = tokens(query)
    services = list(qs.order_by("category__order", "order", "name"))
    if not wanted:
        return services

    def key(s: ServiceType) -> str:
        return normalize_fa(
            " ".join([s.name, s.name_en, s.keywords, s.description, s.category.name, s.code])
        )

    return [s for s in services if all(t in key(s) for t in wanted)]


def service_get(*, municipality: Municipality, code: str) -> ServiceType | None:
    return (
        ServiceType.objects.filter(municipality=municipality, code=code, is_active=True)
        .select_related("category", "department")
        .first()
    )


# --- decisions register -----------------------------------------------------------------

NOT_DECIDING = ("defer", "refer")

STATUS_LABELS = {
    "in_progress": gettext_lazy("در حال اجرا"),
    "done": gettext_lazy("انجام‌شده"),
    "overdue": gettext_lazy("معوق"),
    "closed": gettext_lazy("بدون اقدام اجرایی"),
    # A deferral or a referral decides nothing yet: never "no execution needed".
    "deferred": gettext_lazy("موکول به جلسهٔ بعد"),
    "referred": gettext_lazy("ارجاع برای مطالعه"),
}


def decision_public_qs(*, municipality: Municipality) -> QuerySet[Decision]:
    """Only decisions of signed meetings are public."""
    return (
        Decision.objects.filter(
            item__meeting__municipality=municipality,
            item__meeting__status=Meeting.Status.SIGNED,
        )
        .select_related(
            "item__meeting",
            "item__district",
            "item__service",
            "lead_department",
            "corrects__item__meeting",
        )
        .prefetch_related(
            Prefetch(
                "directives",
                queryset=Directive.objects.exclude(status=Directive.Status.SUPERSEDED),
                to_attr="active_directives",
            )
        )
        .order_by("-item__meeting__week_start", "item__number")
    )


def decision_status(decision: Decision, *, today: dt.date | None = None) -> str:
    """in_progress / done / overdue from its directives (or its own deadline when none)."""
    today = today or timezone.localdate()
    if decision.outcome == Decision.Outcome.DEFER:
        return "deferred"
    if decision.outcome == Decision.Outcome.REFER:
        return "referred"
    if decision.outcome != Decision.Outcome.APPROVE:
        return "closed"
    directives = getattr(decision, "active_directives", None)
    if directives is None:
        directives = list(decision.directives.exclude(status=Directive.Status.SUPERSEDED))
    if directives:
        if all(d.status == Directive.Status.DONE for d in directives):
            return "done"
        if any(
            d.status == Directive.Status.OVERDUE
            or (d.status != Directive.Status.DONE and d.deadline < today)
            for d in directives
        ):
            return "overdue"
        return "in_progress"
    if decision.deadline and decision.deadline < today:
        return "overdue"
    return "in_progress"


@dataclass(frozen=True)
class DecisionFilters:
    q: str = ""
    week: dt.date | None = None
    district: int | None = None
    service: str = ""
    department: str = ""


def _token_q(token: str) -> Q:
    variants = {token, token.translate(FA_DIGITS)}
    q = Q()
    for v in variants:
        q |= Q(text__icontains=v) | Q(item__title__icontains=v) | Q(number__icontains=v)
    return q


def decision_register(
    *, municipality: Municipality, filters: DecisionFilters
) -> QuerySet[Decision]:
    qs = decision_public_qs(municipality=municipality)
    if filters.week:
        qs = qs.filter(item__meeting__week_start=filters.week)
    if filters.district:
        qs = qs.filter(item__district__number=filters.district)
    if filters.service:
        qs = qs.filter(item__service__code=filters.service)
    if filters.department:
        qs = qs.filter(lead_department__code=filters.department)
    for token in tokens(filters.q):
        qs = qs.filter(_token_q(token))
    return qs


def register_choices(*, municipality: Municipality) -> dict[str, Any]:
    weeks = (
        Meeting.objects.filter(municipality=municipality, status=Meeting.Status.SIGNED)
        .order_by("-week_start")
        .values_list("week_start", flat=True)[:52]
    )
    return {
        "weeks": list(weeks),
        "districts": list(District.objects.filter(municipality=municipality).order_by("number")),
        "services": list(
            ServiceType.objects.filter(municipality=municipality, is_active=True).order_by("name")
        ),
        "departments": list(
            Department.objects.filter(municipality=municipality, is_active=True).order_by("name")
        ),
    }


# --- this week's counter and transparency figures -----------------------------------------


def _on_time_q() -> Q:
    return Q(status=Directive.Status.DONE, completed_at__date__lte=F("deadline"))


def week_counter(*, municipality: Municipality, today: dt.date | None = None) -> dict[str, Any]:
    """Received, visited and decided this week; share of directives done on time (last 4 weeks)."""
    today = today or timezone.localdate()
    ws = week_start(today)
    key = f"portal:counter:{municipality.pk}:{ws}"
    data: dict[str, Any] | None = cache.get(key)
    if data is not None:
        return data
    received = Case.objects.filter(municipality=municipality, week_start=ws).count()
    visited = Visit.objects.filter(
        municipality=municipality, week_start=ws, status=Visit.Status.REPORTED
    ).count()
    # Output: decisions that decide (approve, reject); a deferral is not a decision.
    decided = (
        Decision.objects.filter(
            item__meeting__municipality=municipality,
            item__meeting__week_start=ws,
            item__meeting__status=Meeting.Status.SIGNED,
        )
        .exclude(outcome__in=NOT_DECIDING)
        .count()
    )
    due = Directive.objects.filter(
        municipality=municipality,
        deadline__lte=today,
        deadline__gt=today - dt.timedelta(days=28),
    ).exclude(status=Directive.Status.SUPERSEDED)
    agg = due.aggregate(total=Count("id"), on_time=Count("id", filter=_on_time_q()))
    total = agg["total"] or 0
    data = {
        "week_start": ws,
        "received": received,
        "visited": visited,
        "decided": decided,
        "directives_due": total,
        "directives_on_time": agg["on_time"] or 0,
        "on_time_pct": round(100 * (agg["on_time"] or 0) / total) if total else None,
    }
    cache.set(key, data, settings.PUBLIC_CACHE_SECONDS)
    return data


STATS_STALE_SECONDS = 24 * 3600


def transparency_figures(*, municipality: Municipality, weeks: int = 12) -> dict[str, Any]:
    """Everything the /stats/ page and its CSV show (aggregates only; cached).

    Stale-while-revalidate: at city scale the aggregates take seconds, so when the copy is
    older than its freshness window ONE request recomputes (a cache lock) while the others
    keep serving the stale copy; only a cold cache makes a visitor wait.
    """
    today = timezone.localdate()
    key = f"portal:stats:{municipality.pk}:{today}:{weeks}"
    entry: tuple[float, dict[str, Any]] | None = cache.get(key)
    now = time.monotonic()
    if entry is not None:
        fresh_until, data = entry
        if now < fresh_until or not cache.add(f"{key}:lock", 1, 60):
            return data
    data = _transparency_compute(municipality=municipality, weeks=weeks, today=today)
    fresh = settings.PUBLIC_CACHE_SECONDS * 5
    cache.set(key, (time.monotonic() + fresh, data), STATS_STALE_SECONDS)
    cache.delete(f"{key}:lock")
    return data


def _transparency_compute(
    *, municipality: Municipality, weeks: int, today: dt.date
) -> dict[str, Any]:
    first = week_start(today) - dt.timedelta(weeks=weeks - 1)
    week_list = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    received = dict(
        Case.objects.filter(municipality=municipality, week_start__gte=first)
        .values_list("week_start")
        .annotate(n=Count("id"))
        .values_list("week_start", "n")
    )
    signed_weeks = set(
        Meeting.objects.filter(
            municipality=municipality, status=Meeting.Status.SIGNED, week_start__gte=first
        ).values_list("week_start", flat=True)
    )
    decided = dict(
        Decision.objects.filter(
            item__meeting__municipality=municipality,
            item__meeting__status=Meeting.Status.SIGNED,
            item__meeting__week_start__gte=first,
        )
        .exclude(outcome__in=NOT_DECIDING)
        .values_list("item__meeting__week_start")
        .annotate(n=Count("id"))
        .values_list("item__meeting__week_start", "n")
    )
    # Decision time: days from a case's submission to the signed decision on it.
    spans: dict[dt.date, list[float]] = defaultdict(list)
    rows = (
        Decision.objects.filter(
            item__meeting__municipality=municipality,
            item__meeting__status=Meeting.Status.SIGNED,
            item__meeting__week_start__gte=first,
            item__cases__isnull=False,
        )
        .exclude(outcome__in=NOT_DECIDING)
        .values_list("item__meeting__week_start", "created_at", "item__cases__created_at")
    )
    for ws, decided_at, created_at in rows.iterator():
        spans[ws].append(max(0.0, (decided_at - created_at).total_seconds() / 86400))
    directives = Directive.objects.filter(municipality=municipality, deadline__lte=today).exclude(
        status=Directive.Status.SUPERSEDED
    )
    by_department = list(
        directives.values("department__name")
        .annotate(total=Count("id"), on_time=Count("id", filter=_on_time_q()))
        .order_by("department__name")
    )
    by_district = list(
        directives.filter(decision__item__district__isnull=False)
        .values("decision__item__district__number", "decision__item__district__name")
        .annotate(total=Count("id"), on_time=Count("id", filter=_on_time_q()))
        .order_by("decision__item__district__number")
    )
    cells = list(
        Case.objects.filter(
            municipality=municipality, week_start__gte=first, lat__isnull=False, lon__isnull=False
        )
        .annotate(rlat=Round("lat", 2), rlon=Round("lon", 2))
        .values("rlat", "rlon")
        .annotate(n=Count("id"))
        .order_by("-n")[:400]
    )

    def pct(row: Any) -> int:
        return round(100 * row["on_time"] / row["total"]) if row["total"] else 0

    data: dict[str, Any] = {
        "weeks": [w.isoformat() for w in week_list],
        "received": [received.get(w, 0) for w in week_list],
        # A week without a signed meeting has no figure (None: a gap in the chart), not 0.
        "decided": [decided.get(w, 0) if w in signed_weeks else None for w in week_list],
        "decision_days": [
            round(sum(spans[w]) / len(spans[w]), 1) if spans.get(w) else None for w in week_list
        ],
        "departments": [
            {
                "name": r["department__name"],
                "total": r["total"],
                "on_time": r["on_time"],
                "pct": pct(r),
            }
            for r in by_department
        ],
        "districts": [
            {
                "name": r["decision__item__district__name"],
                "total": r["total"],
                "on_time": r["on_time"],
                "pct": pct(r),
            }
            for r in by_district
        ],
        "map": [{"lat": float(c["rlat"]), "lon": float(c["rlon"]), "n": c["n"]} for c in cells],
        "center": [municipality.start_lat or 36.84, municipality.start_lon or 54.43],
    }
    data["table"] = [
        {"week": w, "received": r, "decided": d, "days": days}
        for w, r, d, days in zip(
            week_list, data["received"], data["decided"], data["decision_days"], strict=True
        )
    ]
    return data
