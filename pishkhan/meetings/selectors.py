"""Reads for agendas (the candidates a draft is built from), the board, minutes, island-decision
overlap and the signed ledger."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from pishkhan.accounts.models import Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.cases.models import Case
from pishkhan.core.text import normalize_fa
from pishkhan.meetings import signing
from pishkhan.meetings.models import AgendaItem, Attendance, Decision, Meeting, Signature
from pishkhan.meetings.sources import ItemSpec
from pishkhan.visits.models import Visit

MAX_RELATED = 5
MEMBER_ROLES = (Role.BOARD_MEMBER, Role.MAYOR)


def board_members(municipality_id: int) -> list[User]:
    return list(
        User.objects.filter(
            municipality_id=municipality_id, role__in=MEMBER_ROLES, is_active=True
        ).order_by("role", "id")
    )


def _visit_summary(visit: dict[str, Any] | None) -> str:
    if not visit:
        return ""
    labels = dict(Visit.Recommendation.choices)
    parts = []
    if visit["findings"]:
        parts.append(f"یافته‌های بازدید: {visit['findings']}")
    if visit["recommendation"]:
        parts.append(f"پیشنهاد: {labels.get(visit['recommendation'], '')}")
    if visit["proposed_text"]:
        parts.append(f"متن پیشنهادی: {visit['proposed_text']}")
    if visit["estimated_cost"]:
        parts.append(f"هزینهٔ برآوردی: {visit['estimated_cost']:,} ریال")
    return "\n".join(parts)


def case_candidates(meeting: Meeting) -> list[ItemSpec]:
    """Items about citizens' cases: this week's and every carry-over (three queries)."""
    now_day = meeting.scheduled_at.date()
    rows = list(
        Case.objects.filter(municipality_id=meeting.municipality_id, merged_into__isnull=True)
        .filter(
            Q(status__in=["accepted", "visited"], week_start__lte=meeting.week_start)
            | Q(status__in=["deferred", "reopened"])
            | Q(pk__in=_referred_back(meeting.municipality_id, now_day))
        )
        .values(
            "id",
            "status",
            "week_start",
            "needs_visit",
            "urgent",
            "description",
            "address",
            "lat",
            "lon",
            "district_id",
            "district__number",
            "district__name",
            "service_id",
            "service__name",
            "origin_committee_id",
            "origin_committee__name",
            "tracking_code",
        )  # fmt: skip
    )
    ids = [r["id"] for r in rows]
    visits: dict[int, dict[str, Any]] = {}
    for v in (
        Visit.objects.filter(case_id__in=ids, status=Visit.Status.REPORTED)
        .order_by("case_id", "week_start")
        .values(
            "case_id",
            "findings",
            "recommendation",
            "proposed_text",
            "estimated_cost",
            "urgency",
            "lead_department__name",
        )  # fmt: skip
    ):
        visits[v["case_id"]] = dict(v)
    merged: dict[int, list[int]] = defaultdict(list)
    for primary_id, case_id in Case.objects.filter(merged_into_id__in=ids).values_list(
        "merged_into_id", "id"
    ):
        merged[primary_id].append(case_id)
    specs = []
    for r in rows:
        visit = visits.get(r["id"])
        if r["status"] == "reopened":
            kind = "objection"
        elif r["status"] in ("deferred", "decided"):
            kind = "deferred"
        elif r["origin_committee_id"]:
            kind = "committee"
        elif r["status"] == "accepted" and r["needs_visit"] and not visit:
            kind = "unvisited"
        else:
            kind = "new"
        urgency = visit["urgency"] if visit else 2
        if r["urgent"] or kind == "objection":
            urgency = 3
        place = r["address"] or r["district__name"]
        title = f"{r['service__name']} — {place}"[:300]
        extra = [r["description"][:400]]
        if r["origin_committee__name"]:
            extra.append(f"کمیتهٔ مبدأ: {r['origin_committee__name']}")
        if visit:
            extra.append(_visit_summary(visit))
            if visit["lead_department__name"]:
                extra.append(f"واحد پیشنهادی: {visit['lead_department__name']}")
        covered = [r["id"], *merged.get(r["id"], [])]
        if len(covered) > 1:
            extra.append(f"شامل {len(covered)} درخواست ادغام‌شده")
        specs.append(
            ItemSpec(
                kind=kind,
                title=title,
                summary="\n".join(p for p in extra if p),
                district_id=r["district_id"],
                service_id=r["service_id"],
                urgency=urgency,
                case_ids=covered,
                lat=r["lat"],
                lon=r["lon"],
                sort_key=(r["district__number"] or 0, r["service_id"] or 0, r["id"]),
            )  # fmt: skip
        )
    return specs


def _referred_back(municipality_id: int, day: dt.date) -> list[int]:
    """Decided cases whose latest decision referred them for study until ``day`` or before."""
    latest: dict[int, tuple[str, dt.date | None]] = {}
    for case_id, outcome, until in (
        Decision.objects.filter(
            item__meeting__municipality_id=municipality_id,
            item__cases__status=Case.Status.DECIDED,
        )
        .order_by("created_at", "id")
        .values_list("item__cases__id", "outcome", "refer_until")
    ):
        latest[case_id] = (outcome, until)
    return [
        pk for pk, (outcome, until) in latest.items()
        if outcome == Decision.Outcome.REFER and until is not None and until <= day
    ]  # fmt: skip


def meeting_list(municipality_id: int) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(municipality_id=municipality_id)
        .annotate(item_count=Count("items"))
        .order_by("-week_start")
    )


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.items.select_related("district", "service", "decision", "decision__lead_department")
        .prefetch_related(
            Prefetch(
                "cases", queryset=Case.objects.only("id", "tracking_code", "address", "status")
            ),
            "decision__supporting_departments",
            "decision__positions",
        )
        .order_by("number")
    )


# ---------------------------------------------------------------- island decisions


@dataclass
class Related:
    decision: Decision
    reason: str | Promise
    distance_m: int | None = None
    statuses: list[str] = field(default_factory=list)


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def decisions_in_force(municipality_id: int) -> list[Decision]:
    """Approved, recorded decisions whose orders were not all replaced by a later decision."""
    return list(
        Decision.objects.filter(
            item__meeting__municipality_id=municipality_id,
            outcome=Decision.Outcome.APPROVE,
            item__meeting__status__in=[Meeting.Status.CLOSED, Meeting.Status.SIGNED],
        )
        .annotate(
            n_directives=Count("directives", distinct=True),
            n_superseded=Count(
                "directives", filter=Q(directives__status="superseded"), distinct=True
            ),
        )
        .exclude(n_directives__gt=0, n_directives=F("n_superseded"))
        .select_related("lead_department", "item", "item__service", "item__meeting")
        .prefetch_related(
            Prefetch("item__cases", queryset=Case.objects.only("id", "address", "tracking_code")),
            "directives",
        )
    )


def related_decisions_for(items: list[AgendaItem]) -> dict[int, list[Related]]:
    """For each agenda item: the decisions in force at the same place (within the radius), at
    the same address, or about the same service."""
    if not items:
        return {}
    radius = getattr(settings, "RELATED_DECISION_RADIUS_METERS", 200)
    decisions = decisions_in_force(items[0].meeting.municipality_id)
    info = []
    for d in decisions:
        addresses = {normalize_fa(c.address) for c in d.item.cases.all() if c.address}
        statuses = sorted({x.get_status_display() for x in d.directives.all()})
        info.append((d, addresses, statuses))
    result: dict[int, list[Related]] = defaultdict(list)
    for item in items:
        own_addresses = {normalize_fa(c.address) for c in item.cases.all() if c.address}
        found: list[tuple[int, Related]] = []
        for d, addresses, statuses in info:
            if d.item.meeting_id == item.meeting_id:
                continue
            if own_addresses & addresses:
                found.append((0, Related(d, gettext_lazy("همان نشانی"), statuses=statuses)))
                continue
            if None not in (item.lat, item.lon, d.lat, d.lon):
                meters = _distance_m(item.lat, item.lon, d.lat, d.lon)  # type: ignore[arg-type]
                if meters <= radius:
                    found.append(
                        (1, Related(d, gettext_lazy("در همین محدوده"), int(meters), statuses))
                    )
                    continue
            if item.service_id and d.item.service_id == item.service_id:
                found.append((2, Related(d, gettext_lazy("همان خدمت"), statuses=statuses)))
        found.sort(key=lambda x: (x[0], x[1].distance_m or 0, -x[1].decision.pk))
        result[item.pk] = [r for _, r in found[:MAX_RELATED]]
    return dict(result)


def related_decisions(item: AgendaItem) -> list[Related]:
    return related_decisions_for([item]).get(item.pk, [])


# ---------------------------------------------------------------- verification


@dataclass
class Verification:
    ok: bool
    problems: list[str]
    signature_ok: dict[int, bool]
    current_hash: str


def meeting_verification(meeting: Meeting) -> Verification:
    """Is the signed record intact: content as signed, every signature valid, chain link right?"""
    problems: list[str] = []
    current = signing.content_hash_of(meeting) if meeting.content_hash else ""
    if meeting.content_hash and current != meeting.content_hash:
        problems.append(f"جلسهٔ {meeting.number}: محتوای صورتجلسه پس از امضا تغییر کرده است")
    sig_ok: dict[int, bool] = {}
    signatures = list(meeting.signatures.order_by("signed_at", "id"))
    for s in signatures:
        valid = (
            s.content_hash == meeting.content_hash
            and current == meeting.content_hash
            and signing.verify_hash(s.public_key, s.signature, s.content_hash)
        )
        sig_ok[s.pk] = valid
        if not valid:
            problems.append(f"جلسهٔ {meeting.number}: امضای عضو {s.member_id} نامعتبر است")
    if meeting.status == Meeting.Status.SIGNED:
        present = set(
            Attendance.objects.filter(meeting=meeting, present=True).values_list(
                "member_id", flat=True
            )
        )
        if present - {s.member_id for s in signatures}:
            problems.append(f"جلسهٔ {meeting.number}: امضای عضو حاضر کم است")
        chain = signing.chain_hash_of(
            meeting.prev_hash, meeting.content_hash,
            [(s.member_id, s.public_key, s.signature) for s in signatures],
        )  # fmt: skip
        if chain != meeting.chain_hash:
            problems.append(f"جلسهٔ {meeting.number}: زنجیرهٔ درهم‌سازی ناسازگار است")
    return Verification(not problems, problems, sig_ok, current)


def ledger_verify(municipality: Municipality | None = None) -> list[str]:
    """Every signed meeting, in order, per municipality: content, signatures, chain links."""
    problems: list[str] = []
    cities = [municipality] if municipality else list(Municipality.objects.all())
    for city in cities:
        prev = ""
        for meeting in Meeting.objects.filter(
            municipality=city, status=Meeting.Status.SIGNED
        ).order_by("sealed_at", "id"):
            if meeting.prev_hash != prev:
                problems.append(f"{city.slug} جلسهٔ {meeting.number}: پیوند به جلسهٔ قبل شکسته است")
            problems.extend(f"{city.slug} {p}" for p in meeting_verification(meeting).problems)
            prev = meeting.chain_hash
        for meeting in Meeting.objects.filter(
            municipality=city, status=Meeting.Status.CLOSED
        ).exclude(content_hash=""):
            result = meeting_verification(meeting)
            problems.extend(f"{city.slug} {p}" for p in result.problems)
    return problems


def decision_lookup(municipality_id: int, number: str) -> Decision | None:
    return (
        Decision.objects.filter(item__meeting__municipality_id=municipality_id, number=number)
        .select_related("item", "item__meeting", "lead_department")
        .prefetch_related("supporting_departments")
        .first()
    )


def minutes_context(meeting: Meeting) -> dict[str, Any]:
    verification = meeting_verification(meeting)
    signatures = list(meeting.signatures.select_related("member").order_by("signed_at", "id"))
    return {
        "meeting": meeting,
        "attendance": list(
            meeting.attendance.select_related("member").order_by(
                "-present", "member__role", "member_id"
            )
        ),
        "items": agenda_items(meeting),
        "signatures": [(s, verification.signature_ok.get(s.pk, False)) for s in signatures],
        "verification": verification,
    }


def pending_signers(meeting: Meeting) -> list[int]:
    signed = set(Signature.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    return [
        a.member_id
        for a in Attendance.objects.filter(meeting=meeting, present=True)
        if a.member_id not in signed
    ]
