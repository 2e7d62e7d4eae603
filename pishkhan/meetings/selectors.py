"""Reads for agendas (the candidates a draft is built from), the board, minutes, island-decision
overlap and the signed ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from pishkhan.accounts.models import Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.cases.models import Case
from pishkhan.core.text import fa_number, local_number, normalize_fa
from pishkhan.meetings import signing
from pishkhan.meetings.models import AgendaItem, Attendance, Decision, Meeting, Signature
from pishkhan.meetings.sources import ItemSpec
from pishkhan.visits.models import Visit, VisitPhoto

MAX_RELATED = 5
MEMBER_ROLES = (Role.BOARD_MEMBER, Role.MAYOR)
# The meeting's roll: the seed's "mayor, deputies and city managers" (board members) vote;
# district and senior managers and department heads attend (the quorum roles are the city's).
ROLL_ROLES = (
    Role.MAYOR,
    Role.BOARD_MEMBER,
    Role.SENIOR_MANAGER,
    Role.DISTRICT_MANAGER,
    Role.DEPARTMENT_HEAD,
)


def board_members(municipality_id: int) -> list[User]:
    """Everyone the meeting's roll lists: the voting body (the city's quorum roles) and those
    who attend without a vote (district and senior managers, department heads)."""
    return list(
        User.objects.filter(
            municipality_id=municipality_id, role__in=ROLL_ROLES, is_active=True
        ).order_by("role", "id")
    )


def _visit_summary(visit: dict[str, Any] | None) -> str:
    if not visit:
        return ""
    labels = dict(Visit.Recommendation.choices)
    parts = []
    if visit["findings"]:
        parts.append(f"یافته‌های بازدید: {visit['findings']}")  # record: stored summary
    if visit["recommendation"]:
        parts.append(f"پیشنهاد: {labels.get(visit['recommendation'], '')}")  # record: summary
    if visit["proposed_text"]:
        parts.append(f"متن پیشنهادی: {visit['proposed_text']}")  # record: stored summary
    if visit["estimated_cost"]:
        cost = fa_number(visit["estimated_cost"])
        parts.append(f"هزینهٔ برآوردی: {cost} ریال")  # record: stored summary, Persian digits
    if visit.get("checkin_flags"):
        flags = [
            str(Visit.CHECKIN_FLAG_LABELS.get(f, f)) for f in visit["checkin_flags"].split(",")
        ]
        distance = visit.get("checkin_distance_m")
        far = f" — {fa_number(distance)} متر از محل" if distance is not None else ""  # record:
        parts.append(f"⚠ هشدار حضور بازدیدکننده: {'، '.join(flags)}{far}")  # record: summary
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
        )
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
            "checkin_flags",
            "checkin_distance_m",
        )
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
            extra.append(f"کمیتهٔ مبدأ: {r['origin_committee__name']}")  # record: summary
        if visit:
            extra.append(_visit_summary(visit))
            if visit["lead_department__name"]:
                extra.append(f"واحد پیشنهادی: {visit['lead_department__name']}")  # record:
        covered = [r["id"], *merged.get(r["id"], [])]
        if len(covered) > 1:
            extra.append(f"شامل {fa_number(len(covered))} درخواست ادغام‌شده")  # record: summary
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
            )
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
        pk
        for pk, (outcome, until) in latest.items()
        if outcome == Decision.Outcome.REFER and until is not None and until <= day
    ]


def meeting_list(municipality_id: int) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(municipality_id=municipality_id)
        .annotate(item_count=Count("items"))
        .order_by("-week_start")
    )


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    return agenda_items_subset(meeting, None)


def agenda_items_subset(meeting: Meeting, ids: list[int] | None) -> list[AgendaItem]:
    """The meeting's items (or only these) with what the screens show, in a fixed number of
    queries whatever their count."""
    qs = meeting.items.all() if ids is None else meeting.items.filter(pk__in=ids)
    return list(
        qs.select_related(
            "district",
            "service",
            "decision",
            "decision__lead_department",
            "decision__corrects__item__meeting",
            "corrects",
            "pulled_by",
        )
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


FIELD_LABELS: dict[str, Promise] = {
    "number": _("شمارهٔ مصوبه"),
    "outcome": _("نتیجه"),
    "text": _("متن مصوبه"),
    "lead": _("واحد مجری"),
    "supporting": _("واحدهای همکار"),
    "deadline": _("مهلت اجرا"),
    "refer_until": _("مهلت مطالعه"),
    "cost_note": _("یادداشت هزینه"),
    "positions": _("نظر اعضا"),
    "kind": _("نوع دستور"),
    "title": _("عنوان دستور"),
    "cases": _("درخواست‌های دستور"),
    "source_directive": _("ابلاغیهٔ مبدأ"),
    "corrects": _("اصلاحیهٔ مصوبهٔ"),
}


def _member_label(user: Any) -> str:
    """A signer or member by name and title (the title, or the role when no title is set)."""
    if user is None:
        return "؟"
    title = user.title or user.get_role_display()
    return f"{user.full_name} ({title})" if title else str(user.full_name)


def _names(ids: set[int]) -> dict[int, str]:
    from pishkhan.accounts.models import User

    return {u.pk: _member_label(u) for u in User.objects.filter(pk__in=ids)}


def content_differences(
    meeting: Meeting, sealed: dict[str, Any], current: dict[str, Any]
) -> list[str]:
    """Which records of the minutes differ from what was sealed: meeting, item number, field."""
    where = gettext("جلسهٔ %(meeting)s") % {"meeting": meeting.number}
    found: list[str] = []
    for key in sorted(set(sealed) | set(current)):
        if key in ("items", "attendance") or sealed.get(key) == current.get(key):
            continue
        found.append(
            gettext("%(where)s: «%(key)s» صورتجلسه پس از امضا تغییر کرده است")
            % {"where": where, "key": key}
        )
    if sealed.get("attendance") != current.get("attendance"):
        before = {a["member"]: a for a in sealed.get("attendance", [])}
        after = {a["member"]: a for a in current.get("attendance", [])}
        changed = {m for m in set(before) | set(after) if before.get(m) != after.get(m)}
        names = _names({m for m in changed if m})
        for m in sorted(changed, key=lambda x: x or 0):
            found.append(
                gettext("%(where)s: حضور و غیاب %(name)s پس از امضا تغییر کرده است")
                % {"where": where, "name": names.get(m, m)}
            )
    old_items = {i["number"]: i for i in sealed.get("items", [])}
    new_items = {i["number"]: i for i in current.get("items", [])}
    for number in sorted(set(old_items) | set(new_items)):
        a, b = old_items.get(number), new_items.get(number)
        if a == b:
            continue
        if a is None or b is None:
            found.append(
                gettext("%(where)s، دستور %(number)s: دستور پس از امضا افزوده یا حذف شده است")
                % {"where": where, "number": local_number(number)}
            )
            continue
        fields = [k for k in sorted(set(a) | set(b)) if k != "decision" and a.get(k) != b.get(k)]
        da, db = a.get("decision") or {}, b.get("decision") or {}
        if bool(da) != bool(db):
            fields.append("decision")
        else:
            fields += [f"decision.{k}" for k in sorted(set(da) | set(db)) if da.get(k) != db.get(k)]
        for f in fields:
            name = f.removeprefix("decision.")
            label = gettext("مصوبه") if f == "decision" else FIELD_LABELS.get(name, name)
            detail = ""
            if name == "positions":
                pa = {p[0]: p[1:] for p in da.get("positions", [])}
                pb = {p[0]: p[1:] for p in db.get("positions", [])}
                who = {m for m in set(pa) | set(pb) if pa.get(m) != pb.get(m)}
                joined = gettext("، ").join(_names(who).get(m, str(m)) for m in sorted(who))
                detail = f" ({joined})"
            found.append(
                gettext(
                    "%(where)s، دستور %(number)s: «%(field)s»%(detail)s پس از امضا تغییر کرده است"
                )
                % {"where": where, "number": local_number(number), "field": label, "detail": detail}
            )
    return found


def _content_problems(meeting: Meeting, current_hash: str) -> list[str]:
    generic = gettext("جلسهٔ %(meeting)s: محتوای صورتجلسه پس از امضا تغییر کرده است") % {
        "meeting": meeting.number
    }
    sealed_text = meeting.sealed_content
    if not sealed_text:
        return [generic]
    if hashlib.sha256(sealed_text.encode()).hexdigest() != meeting.content_hash:
        forged = gettext("جلسهٔ %(meeting)s: متن مرجع صورتجلسه نیز دستکاری شده است")
        return [generic, forged % {"meeting": meeting.number}]
    details = content_differences(
        meeting, json.loads(sealed_text), signing.minutes_content(meeting)
    )
    return details or [generic]


def meeting_verification(meeting: Meeting) -> Verification:
    """Is the signed record intact: content as signed, every signature valid, chain link right?
    Problems name the altered record (meeting, item number, field) and signers by name and title."""
    problems: list[str] = []
    current = signing.content_hash_of(meeting) if meeting.content_hash else ""
    if meeting.content_hash and current != meeting.content_hash:
        problems.extend(_content_problems(meeting, current))
    sig_ok: dict[int, bool] = {}
    signatures = list(meeting.signatures.select_related("member").order_by("signed_at", "id"))
    for s in signatures:
        valid = (
            s.content_hash == meeting.content_hash
            and current == meeting.content_hash
            and signing.verify_hash(s.public_key, s.signature, s.content_hash)
        )
        sig_ok[s.pk] = valid
        if not valid:
            problems.append(
                gettext("جلسهٔ %(meeting)s: امضای %(member)s نامعتبر است")
                % {"meeting": meeting.number, "member": _member_label(s.member)}
            )
    if meeting.status == Meeting.Status.SIGNED:
        present = set(
            Attendance.objects.filter(
                meeting=meeting, present=True, votes=True, member__isnull=False
            ).values_list("member_id", flat=True)
        )
        declines = list(meeting.declines.all())
        missing = present - {s.member_id for s in signatures} - {d.member_id for d in declines}
        if missing:
            names = gettext("، ").join(_names(missing).values())
            problems.append(
                gettext("جلسهٔ %(meeting)s: امضای عضو حاضر کم است: %(names)s")
                % {"meeting": meeting.number, "names": names}
            )
        chain = signing.chain_hash_of(
            meeting.prev_hash,
            meeting.content_hash,
            [(s.member_id, s.public_key, s.signature) for s in signatures],
            [(d.member_id, d.reason) for d in declines],
        )
        if chain != meeting.chain_hash:
            problems.append(
                gettext("جلسهٔ %(meeting)s: زنجیرهٔ درهم‌سازی ناسازگار است")
                % {"meeting": meeting.number}
            )
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
                problems.append(
                    gettext("%(city)s جلسهٔ %(meeting)s: پیوند به جلسهٔ قبل شکسته است")
                    % {"city": city.slug, "meeting": meeting.number}
                )
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
    items = agenda_items(meeting)
    calls = roll_calls(meeting, items)
    return {
        "meeting": meeting,
        "attendance": list(
            meeting.attendance.select_related("member").order_by(
                "-present", "-votes", "member__role", "member_id", "id"
            )
        ),
        "items": items,
        "rows": [(item, calls.get(item.pk)) for item in items],
        "signatures": [(s, verification.signature_ok.get(s.pk, False)) for s in signatures],
        "declines": list(meeting.declines.select_related("member")),
        "reopenings": list(
            meeting.events.filter(kind="status", data__reopened=True).select_related("actor")
        ),
        "corrected_by": corrections_of([getattr(i, "decision", None) for i in items]),
        "verification": verification,
    }


def corrections_of(
    decisions: list[Decision | None], *, sealed_only: bool = False
) -> dict[int, list[Decision]]:
    """The later decisions that correct each of these (one query): the old record stays as it
    was sealed and shows "corrected by"."""
    ids = [d.pk for d in decisions if d is not None]
    result: dict[int, list[Decision]] = defaultdict(list)
    if not ids:
        return result
    qs = Decision.objects.filter(corrects_id__in=ids).select_related("item__meeting")
    if sealed_only:
        qs = qs.filter(item__meeting__status=Meeting.Status.SIGNED)
    for d in qs.order_by("created_at", "id"):
        result[d.corrects_id].append(d)  # type: ignore[index]
    return result


def pending_signers(meeting: Meeting) -> list[int]:
    """Present voting members who have neither signed nor declined to sign."""
    done = set(Signature.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    done |= set(meeting.declines.values_list("member_id", flat=True))
    return [
        member_id
        for member_id in Attendance.objects.filter(
            meeting=meeting, present=True, votes=True, member__isnull=False
        ).values_list("member_id", flat=True)
        if member_id is not None and member_id not in done
    ]


# ---------------------------------------------------------------- the floor: proposals, tally

# Expected days to carry out an approved proposal, by the visit's urgency (a visit may give its
# own in measurements["expected_days"]).
DAYS_BY_URGENCY = {3: 7, 2: 14, 1: 30}
REFER_DAYS = 14


@dataclass
class Proposal:
    """What the visit proposed for an item: the decision form starts from it."""

    outcome: str
    text: str
    lead_department_id: int | None
    days: int | None
    deadline: Any  # dt.date | None
    refer_until: Any  # dt.date | None
    complete: bool  # enough to be decided as it stands (consent agenda)

    @property
    def outcome_label(self) -> str:
        return (
            str(Decision.Outcome(self.outcome).label)
            if self.outcome in Decision.Outcome.values
            else ""
        )


def item_proposals(items: list[AgendaItem]) -> dict[int, Proposal]:
    """Each item's proposal from the latest reported visit of its cases (two queries)."""
    import datetime as dt

    from pishkhan.visits.models import Visit

    if not items:
        return {}
    links = AgendaItem.cases.through.objects.filter(agendaitem_id__in=[i.pk for i in items])
    case_item: dict[int, int] = {}
    for item_id, case_id in links.values_list("agendaitem_id", "case_id"):
        case_item.setdefault(case_id, item_id)
    latest: dict[int, dict[str, Any]] = {}
    for visit in (
        Visit.objects.filter(case_id__in=list(case_item), status=Visit.Status.REPORTED)
        .exclude(recommendation="")
        .order_by("week_start", "id")
        .values(
            "case_id",
            "recommendation",
            "proposed_text",
            "lead_department_id",
            "urgency",
            "measurements",
            "case__service__department_id",
        )
    ):
        latest[case_item[visit["case_id"]]] = dict(visit)
    by_pk = {i.pk: i for i in items}
    result: dict[int, Proposal] = {}
    for item_id, row in latest.items():
        v: dict[str, Any] = row
        item = by_pk[item_id]
        day = item.meeting.scheduled_at.date()
        outcome = v["recommendation"]
        lead = v["lead_department_id"] or v["case__service__department_id"]
        measured = str((v["measurements"] or {}).get("expected_days") or "")
        days = int(measured) if measured.isdigit() else DAYS_BY_URGENCY.get(v["urgency"], 14)
        text = (v["proposed_text"] or "").strip() or item.title
        deadline = day + dt.timedelta(days=days) if outcome == "approve" else None
        refer = day + dt.timedelta(days=REFER_DAYS) if outcome == "refer" else None
        complete = len(text) >= 3 and (outcome != "approve" or lead is not None)
        result[item_id] = Proposal(
            outcome,
            text,
            lead if outcome == "approve" else None,
            days if outcome == "approve" else None,
            deadline,
            refer,
            complete,
        )
    return result


def uncontested(items: list[AgendaItem], proposals: dict[int, Proposal]) -> list[int]:
    """Items whose proposal can be decided as it stands: a complete visit proposal, an item of
    this week (not an objection, overdue order or extension), not pulled out, not decided."""
    return [
        i.pk
        for i in items
        if i.pk in proposals
        and proposals[i.pk].complete
        and i.kind in ("new", "deferred", "committee")
        and i.pulled_by_id is None
        and getattr(i, "decision", None) is None
    ]


@dataclass
class RollCall:
    agreed: list[str]
    disagreed: list[str]
    abstained: list[str]
    silent: list[str]  # present voting members with no position
    absent: list[str]
    notes: list[str]


def roll_calls(meeting: Meeting, items: list[AgendaItem]) -> dict[int, RollCall]:
    """Per decision: who agreed, disagreed, abstained (by name and title; entries by the
    secretary marked), who gave none, and who was absent."""
    roll = list(
        meeting.attendance.filter(votes=True, member__isnull=False).select_related("member")
    )
    label = {
        a.member_id: f"{a.member.full_name} ({a.title or a.member.get_role_display()})"
        for a in roll
        if a.member
    }
    present = [a.member_id for a in roll if a.present]
    absent = [label[a.member_id] for a in roll if not a.present]
    result: dict[int, RollCall] = {}
    for item in items:
        d = getattr(item, "decision", None)
        if d is None:
            continue
        call = RollCall([], [], [], [], absent, [])
        seen = set()
        consent = "تصویب یکجا"  # record: the stored note of a consent position (floor.CONSENT_NOTE)
        for p in d.positions.all():
            seen.add(p.member_id)
            name = label.get(p.member_id, str(p.member_id))
            if p.by_proxy and p.note != consent:
                name += " " + gettext("[ثبت دبیر]")
            {"agree": call.agreed, "disagree": call.disagreed, "abstain": call.abstained}[
                p.stance
            ].append(name)
            if p.note and p.note != consent:
                call.notes.append(f"{label.get(p.member_id, '')}: {p.note}")
        call.silent = [label[m] for m in present if m not in seen and m in label]
        result[item.pk] = call
    return result


def visit_photos_for(items: list[AgendaItem], per_item: int = 6) -> dict[int, list[VisitPhoto]]:
    """The reported visits' photos of each item's cases, for the agenda (one query)."""
    result: dict[int, list[VisitPhoto]] = defaultdict(list)
    if not items:
        return result
    by_case: dict[int, list[int]] = defaultdict(list)
    for item in items:
        for case in item.cases.all():  # prefetched by agenda_items
            by_case[case.pk].append(item.pk)
    photos = (
        VisitPhoto.objects.filter(
            visit__case_id__in=list(by_case), visit__status=Visit.Status.REPORTED
        )
        .select_related("visit")
        .order_by("pk")
    )
    for photo in photos:
        for item_pk in by_case[photo.visit.case_id]:
            if len(result[item_pk]) < per_item:
                result[item_pk].append(photo)
    return result
