"""Writes for field visits: planning, reassigning, reordering, swapping, check-in, reports."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pishkhan.accounts.models import Absence, Department, User
from pishkhan.accounts.roles import Role
from pishkhan.cases.geo import haversine_m
from pishkhan.cases.models import Case
from pishkhan.core.audit import audit_record
from pishkhan.core.errors import ApplicationError, InvalidTransition, PermissionDeniedError
from pishkhan.core.jalali import TEHRAN, combine, format_date
from pishkhan.cycle.models import Week
from pishkhan.notify.services import message_enqueue
from pishkhan.visits import caseflow, routing, selectors
from pishkhan.visits.models import CalendarFeed, Visit, VisitEvent, VisitPhoto
from pishkhan.visits.photos import photo_clean

ALLOWED: dict[str, set[str]] = {
    Visit.Status.PLANNED: {Visit.Status.CHECKED_IN, Visit.Status.REPORTED, Visit.Status.MISSED},
    Visit.Status.CHECKED_IN: {Visit.Status.REPORTED, Visit.Status.MISSED},
    Visit.Status.REPORTED: set(),
    Visit.Status.MISSED: {Visit.Status.REPORTED},  # a late report is still welcome
}


def speed_kmh() -> float:
    return float(getattr(settings, "VISIT_SPEED_KMH", 25))


def on_site_minutes() -> int:
    return int(getattr(settings, "VISIT_ON_SITE_MINUTES", 20))


def cluster_m() -> float:
    return float(getattr(settings, "VISIT_CLUSTER_METERS", 100))


def checkin_max_m() -> float:
    return float(getattr(settings, "VISIT_CHECKIN_MAX_METERS", 1000))


def checkin_assess(
    *, visit: Visit, lat: float | None, lon: float | None, at: dt.datetime
) -> tuple[int | None, list[str]]:
    """How far from the site and on which day a check-in was made, and what looks wrong."""
    flags: list[str] = []
    distance: int | None = None
    case = visit.case
    if lat is None or lon is None:
        flags.append("no_location")
    elif case.lat is not None and case.lon is not None:
        distance = round(haversine_m(lat, lon, case.lat, case.lon))
        if distance > checkin_max_m():
            flags.append("far")
    if at.astimezone(TEHRAN).date() != visit.day:
        flags.append("wrong_day")
    return distance, flags


def _checkin_record(
    visit: Visit, *, lat: float | None, lon: float | None, at: dt.datetime
) -> list[str]:
    """Store the check-in on ``visit`` (unsaved) and tell the secretaries when it is far or on
    the wrong day (once per visit, in the same transaction)."""
    distance, flags = checkin_assess(visit=visit, lat=lat, lon=lon, at=at)
    visit.checked_in_at, visit.checkin_lat, visit.checkin_lon = at, lat, lon
    visit.checkin_distance_m, visit.checkin_flags = distance, ",".join(flags)
    if {"far", "wrong_day"} & set(flags):
        secretaries = User.objects.filter(
            municipality_id=visit.municipality_id, role=Role.SECRETARY, is_active=True
        ).exclude(mobile="")
        for secretary in secretaries:
            message_enqueue(
                template="visits/messages/checkin_flag",
                context={
                    "visit": visit,
                    "case": visit.case,
                    "labels": visit.checkin_flag_labels(),
                    "distance": distance,
                },
                mobile=secretary.mobile,
                municipality_id=visit.municipality_id,
                dedupe_key=f"visit-checkin-flag:{visit.pk}:{secretary.pk}",
            )
    return flags


def _event(
    visit: Visit, old: str, new: str, actor: User | None, note: str, at: dt.datetime
) -> None:
    VisitEvent.objects.create(
        visit=visit, old_status=old, new_status=new, actor=actor, at=at, note=note
    )


def _audit(visit: Visit, action: str, actor: User | None, data: dict[str, Any]) -> None:
    audit_record(
        municipality_id=visit.municipality_id,
        actor_id=actor.pk if actor else None,
        action=action,
        object_type="visit",
        object_id=visit.pk,
        data=data,
    )


def _case_point(case: Case) -> routing.Point:
    if case.lat is not None and case.lon is not None:
        return (case.lat, case.lon)
    d = case.district
    if d.center_lat is not None and d.center_lon is not None:
        return (d.center_lat, d.center_lon)
    m = case.municipality
    return (m.start_lat or m.center_lat or 0.0, m.start_lon or m.center_lon or 0.0)


def _start_point(week: Week) -> routing.Point:
    m = week.municipality
    return (m.start_lat or m.center_lat or 0.0, m.start_lon or m.center_lon or 0.0)


def _day_start(week: Week, day: dt.date) -> dt.datetime:
    return combine(day, week.visits_start_at.astimezone(TEHRAN).time())


def senior_managers(municipality_id: int) -> list[User]:
    return list(
        User.objects.filter(
            municipality_id=municipality_id, role=Role.SENIOR_MANAGER, is_active=True
        ).order_by("pk")
    )


def _present_days(user: User, days: list[dt.date], absences: list[Absence]) -> list[dt.date]:
    return [
        d for d in days if not any(a.user_id == user.pk and a.start <= d <= a.end for a in absences)
    ]


@transaction.atomic
def visits_plan(*, week: Week, now: dt.datetime, actor: User | None = None) -> dict[str, Any]:
    """Plan every accepted case of the week that needs a visit and has none yet.

    Idempotent: planned cases keep their visit; a re-run plans only new cases (e.g. urgent ones),
    inserting each where it adds the least distance to an existing route.
    """
    week = Week.objects.select_for_update().select_related("municipality").get(pk=week.pk)
    cases = list(
        Case.objects.filter(
            municipality_id=week.municipality_id,
            week_start=week.start,
            status=Case.Status.ACCEPTED,
            needs_visit=True,
        )
        .exclude(visits__week_start=week.start)
        .select_related("service", "district", "municipality")
        .order_by("pk")
    )
    if not cases:
        return {"planned": 0, "unplanned": 0}
    days = [
        d for d in week.visit_dates() if d >= now.astimezone(TEHRAN).date()
    ] or week.visit_dates()
    seniors = senior_managers(week.municipality_id)
    absences = list(Absence.objects.filter(user__in=seniors, start__lte=days[-1], end__gte=days[0]))
    existing = list(
        Visit.objects.filter(municipality_id=week.municipality_id, week_start=week.start)
    )
    used: dict[tuple[int, dt.date], int] = {}
    for v in existing:
        used[(v.manager_id, v.day)] = used.get((v.manager_id, v.day), 0) + 1
    managers = [
        routing.Manager(
            key=u.pk,
            domains=set(u.domain_list()),
            capacity=u.daily_visit_capacity,
            days=_present_days(u, days, absences),
        )
        for u in seniors
    ]
    items = [
        routing.Item(
            key=c.pk, point=_case_point(c), domain=c.service.domain, district=c.district_id
        )
        for c in cases
    ]
    start = _start_point(week)
    by_id = {c.pk: c for c in cases}
    if not existing:
        result = routing.plan(
            items,
            managers,
            start=start,
            day_start={d: _day_start(week, d) for d in days},
            speed_kmh=speed_kmh(),
            on_site_min=on_site_minutes(),
            cluster_m=cluster_m(),
        )
        visits = [
            Visit(
                municipality_id=week.municipality_id,
                case=by_id[p.key],
                week_start=week.start,
                manager_id=p.manager,
                day=p.day,
                order=p.order,
                planned_at=p.planned_at,
                travel_minutes=min(p.travel_minutes, 32767),
                distance_m=p.distance_m,
            )
            for p in result.items
        ]
        unplanned = result.unplanned
    else:
        visits, unplanned = _plan_additional(week, items, managers, used, by_id)
    Visit.objects.bulk_create(visits)
    created = list(
        Visit.objects.filter(week_start=week.start, case_id__in=[v.case_id for v in visits])
    )
    VisitEvent.objects.bulk_create(
        VisitEvent(
            visit=v, new_status=Visit.Status.PLANNED, actor=actor, at=now, note="برنامه‌ریزی"
        )  # record: stored note
        for v in created
    )
    for key in {(v.manager_id, v.day) for v in created} if existing else set():
        _retime(week, key[0], key[1])
    audit_record(
        municipality_id=week.municipality_id,
        actor_id=actor.pk if actor else None,
        action="visits.plan",
        object_type="week",
        object_id=week.pk,
        data={"planned": len(created), "unplanned": unplanned},
        at=now,
    )
    return {"planned": len(created), "unplanned": len(unplanned)}


def _plan_additional(
    week: Week,
    items: list[routing.Item],
    managers: list[routing.Manager],
    used: dict[tuple[int, dt.date], int],
    by_id: dict[int, Case],
) -> tuple[list[Visit], list[int]]:
    """Later additions: each case to the eligible manager-day with room and least load."""
    load = {m.key: sum(n for (k, _), n in used.items() if k == m.key) for m in managers}
    stops = routing.make_stops(items, cluster_m())
    by_manager, unplaced = routing.assign(stops, managers, load)
    visits = []
    for manager in managers:
        for stop in by_manager[manager.key]:
            day = min(manager.days, key=lambda d: (used.get((manager.key, d), 0), d))
            for item in stop.items:
                used[(manager.key, day)] = used.get((manager.key, day), 0) + 1
                visits.append(
                    Visit(
                        municipality_id=week.municipality_id,
                        case=by_id[item.key],
                        week_start=week.start,
                        manager_id=manager.key,
                        day=day,
                        order=32000,  # _retime puts it in its cheapest place
                    )
                )
    return visits, [i.key for s in unplaced for i in s.items]


def _route(manager_id: int, day: dt.date) -> list[Visit]:
    return list(
        Visit.objects.select_for_update()
        .filter(manager_id=manager_id, day=day)
        .select_related("case", "case__district", "case__municipality")
        .order_by("order", "pk")
    )


def _retime(week: Week, manager_id: int, day: dt.date, insert_new: bool = True) -> None:
    """Renumber a manager-day route and recompute distances and times along it.
    Visits with order 32000 (just added) are inserted where they add the least distance."""
    route = _route(manager_id, day)
    start = _start_point(week)
    fixed = [v for v in route if v.order < 32000]
    for v in (v for v in route if v.order >= 32000):
        p = _case_point(v.case)
        best, best_cost = len(fixed), float("inf")
        for i in range(len(fixed) + 1):
            a = start if i == 0 else _case_point(fixed[i - 1].case)
            cost = routing.haversine_m(a, p)
            if i < len(fixed):
                b = _case_point(fixed[i].case)
                cost += routing.haversine_m(p, b) - routing.haversine_m(a, b)
            if cost < best_cost:
                best, best_cost = i, cost
        fixed.insert(best, v)
    stops: list[routing.Stop] = []
    owner: dict[int, Visit] = {}
    unlocated = {v.case_id for v in fixed if v.case.lat is None or v.case.lon is None}
    for v in fixed:
        point = _case_point(v.case)
        owner[v.case_id] = v
        item = routing.Item(key=v.case_id, point=point, domain="", district=None)
        # A case without coordinates stands at its district's centre: it is not "at the same
        # place" as the cases around that centre, so it gets a stop (and a time) of its own.
        if (
            v.case_id not in unlocated
            and stops
            and stops[-1].items[-1].key not in unlocated
            and routing.haversine_m(stops[-1].point, point) <= cluster_m()
        ):
            stops[-1].items.append(item)
        else:
            stops.append(routing.Stop(point=point, district=None, domain="", items=[item]))
    rows = routing.timed(
        start, _day_start(week, day), stops, speed_kmh=speed_kmh(), on_site_min=on_site_minutes()
    )
    for item, order, dist, travel, at in rows:
        v = owner[item.key]
        v.order, v.distance_m, v.travel_minutes, v.planned_at = order, dist, travel, at
    Visit.objects.bulk_update(fixed, ["order", "distance_m", "travel_minutes", "planned_at"])


def _can_plan(actor: User, municipality_id: int) -> bool:
    return actor.has_perm("visits.plan_visits") and actor.municipality_id == municipality_id


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("case").get(pk=visit.pk)


def _week_of(visit: Visit) -> Week:
    return Week.objects.select_related("municipality").get(
        municipality_id=visit.municipality_id, start=visit.week_start
    )


def _check_open(visit: Visit) -> None:
    if visit.status != Visit.Status.PLANNED:
        raise ApplicationError(_("این بازدید دیگر قابل جابه‌جایی نیست."))


def _check_target(week: Week, manager: User, day: dt.date) -> None:
    if manager.role != Role.SENIOR_MANAGER or manager.municipality_id != week.municipality_id:
        raise ApplicationError(_("بازدید را فقط می‌توان به یک مدیر ارشد همین شهرداری سپرد."))
    if day.isoformat() not in week.visit_days:
        raise ApplicationError(_("این روز از روزهای بازدید این هفته نیست."))
    if Absence.objects.filter(user=manager, start__lte=day, end__gte=day).exists():
        raise ApplicationError(_("%(name)s در این روز غایب است.") % {"name": manager})


@transaction.atomic
def visit_reassign(
    *, visit: Visit, manager: User, day: dt.date | None = None, actor: User, now: dt.datetime
) -> Visit:
    """The secretary moves a visit to another manager (and/or day): it joins the route where
    it adds the least distance; both routes are re-timed."""
    if not _can_plan(actor, visit.municipality_id):
        raise PermissionDeniedError()
    visit = _locked(visit)
    _check_open(visit)
    week = _week_of(visit)
    day = day or visit.day
    _check_target(week, manager, day)
    old = (visit.manager_id, visit.day)
    if old == (manager.pk, day):
        return visit
    load = Visit.objects.filter(manager=manager, day=day).count()
    if load >= manager.daily_visit_capacity:
        raise ApplicationError(_("ظرفیت بازدید %(name)s در این روز پر است.") % {"name": manager})
    visit.manager, visit.day, visit.order = manager, day, 32000
    visit.save(update_fields=["manager", "day", "order", "updated_at"])
    _retime(week, *old)
    _retime(week, manager.pk, day)
    note = f"واگذاری به {manager} برای {format_date(day)}"  # record: stored note
    _event(visit, visit.status, visit.status, actor, note, now)
    _audit(
        visit, "visit.reassign", actor, {"from": list(map(str, old)), "to": [manager.pk, str(day)]}
    )
    visit.refresh_from_db()
    return visit


@transaction.atomic
def visit_reorder(*, visit: Visit, position: int, actor: User, now: dt.datetime) -> Visit:
    """Move a visit to ``position`` (1-based) in its manager-day route (secretary or its
    manager)."""
    if not (_can_plan(actor, visit.municipality_id) or actor.pk == visit.manager_id):
        raise PermissionDeniedError()
    visit = _locked(visit)
    _check_open(visit)
    week = _week_of(visit)
    route = [v for v in _route(visit.manager_id, visit.day) if v.pk != visit.pk]
    position = max(1, min(position, len(route) + 1))
    route.insert(position - 1, visit)
    for n, v in enumerate(route, start=1):
        v.order = n
    Visit.objects.bulk_update(route, ["order"])
    _retime(week, visit.manager_id, visit.day)
    _event(
        visit, visit.status, visit.status, actor, f"ترتیب: {position}", now
    )  # record: stored note
    _audit(visit, "visit.reorder", actor, {"position": position})
    visit.refresh_from_db()
    return visit


@transaction.atomic
def visit_swap(*, visit: Visit, other: Visit, actor: User, now: dt.datetime) -> tuple[Visit, Visit]:
    """Two managers exchange two planned visits (manager, day and place in route)."""
    mine = actor.pk in (visit.manager_id, other.manager_id)
    if not (mine or _can_plan(actor, visit.municipality_id)):
        raise PermissionDeniedError()
    if visit.municipality_id != other.municipality_id or visit.week_start != other.week_start:
        raise ApplicationError(_("فقط بازدیدهای یک هفته را می‌توان جابه‌جا کرد."))
    a, b = _locked(visit), _locked(other)
    _check_open(a)
    _check_open(b)
    if a.manager_id == b.manager_id:
        raise ApplicationError(_("هر دو بازدید با یک مدیر است."))
    managers = {u.pk: u for u in User.objects.filter(pk__in=[a.manager_id, b.manager_id])}
    for v, to in ((a, b.manager_id), (b, a.manager_id)):
        domain = Case.objects.filter(pk=v.case_id).values_list("service__domain", flat=True)[0]
        if domain and domain not in managers[to].domain_list():
            raise ApplicationError(
                _("حوزهٔ «%(domain)s» در حوزه‌های بازدید %(name)s نیست.")
                % {"domain": domain, "name": managers[to]}
            )
    week = _week_of(a)
    (a.manager_id, a.day, a.order), (b.manager_id, b.day, b.order) = (
        (b.manager_id, b.day, b.order),
        (a.manager_id, a.day, a.order),
    )
    for v in (a, b):
        _check_target(week, managers[v.manager_id], v.day)
    a.save(update_fields=["manager", "day", "order", "updated_at"])
    b.save(update_fields=["manager", "day", "order", "updated_at"])
    for v in (a, b):
        _retime(week, v.manager_id, v.day)
        _event(v, v.status, v.status, actor, "جابه‌جایی میان مدیران", now)  # record: stored note
        _audit(v, "visit.swap", actor, {"with": (b if v is a else a).pk})
    a.refresh_from_db()
    b.refresh_from_db()
    return a, b


def _may_file(actor: User, visit: Visit) -> bool:
    if actor.municipality_id != visit.municipality_id:
        return False
    if actor.pk == visit.manager_id:
        return actor.has_perm("visits.file_visit_report")
    return actor.has_perm("visits.plan_visits")  # the secretary, on a manager's behalf


@transaction.atomic
def visit_check_in(
    *, visit: Visit, actor: User, lat: float | None, lon: float | None, now: dt.datetime
) -> Visit:
    if not _may_file(actor, visit):
        raise PermissionDeniedError(_("این بازدید به شما سپرده نشده است."))
    visit = _locked(visit)
    if visit.status == Visit.Status.CHECKED_IN:
        return visit
    if Visit.Status.CHECKED_IN not in ALLOWED[visit.status]:
        raise InvalidTransition(visit.status, Visit.Status.CHECKED_IN)
    old = visit.status
    visit.status = Visit.Status.CHECKED_IN
    flags = _checkin_record(visit, lat=lat, lon=lon, at=now)
    visit.save(
        update_fields=[
            "status",
            "checked_in_at",
            "checkin_lat",
            "checkin_lon",
            "checkin_distance_m",
            "checkin_flags",
            "updated_at",
        ]
    )
    _event(visit, old, visit.status, actor, "حضور در محل", now)  # record: stored note
    _audit(
        visit,
        "visit.check_in",
        actor,
        {"lat": lat, "lon": lon, "distance_m": visit.checkin_distance_m, "flags": flags},
    )
    return visit


@transaction.atomic
def visit_report_file(
    *,
    visit: Visit,
    actor: User,
    findings: str,
    recommendation: str,
    now: dt.datetime,
    measurements: dict[str, Any] | None = None,
    proposed_text: str = "",
    lead_department: Department | None = None,
    estimated_cost: int | None = None,
    urgency: int = Visit.Urgency.MEDIUM,
    photos: Sequence[UploadedFile[bytes]] = (),
    checkin_lat: float | None = None,
    checkin_lon: float | None = None,
    checked_in_at: dt.datetime | None = None,
    report_key: str = "",
) -> Visit:
    """File the visit report and mark the case visited. Only the assigned manager (or the
    secretary) may; a second submit of the same report is refused, never duplicated. The
    phone's offline queue sends ``report_key`` with each report: the same report sent again
    (the answer to the first was lost with the signal) returns the filed visit unchanged."""
    if not _may_file(actor, visit):
        raise PermissionDeniedError(_("این بازدید به شما سپرده نشده است."))
    visit = _locked(visit)
    if visit.status == Visit.Status.REPORTED:
        if report_key and report_key == visit.report_key:
            return visit
        raise ApplicationError(_("گزارش این بازدید پیش‌تر ثبت شده است."))
    if Visit.Status.REPORTED not in ALLOWED[visit.status]:
        raise InvalidTransition(visit.status, Visit.Status.REPORTED)
    errors: dict[str, list[str]] = {}
    if not findings.strip():
        errors["findings"] = [_("یافته‌های بازدید را بنویسید.")]
    if recommendation not in Visit.Recommendation.values:
        errors["recommendation"] = [_("یک پیشنهاد را برگزینید.")]
    if urgency not in Visit.Urgency.values:
        errors["urgency"] = [_("فوریت نامعتبر است.")]
    if lead_department is not None and lead_department.municipality_id != visit.municipality_id:
        errors["lead_department"] = [_("واحد نامعتبر است.")]
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(photo_clean(photo))
        except ApplicationError as exc:
            errors.setdefault("photos", []).append(exc.message)
    if errors:
        raise ApplicationError(_("گزارش کامل نیست."), extra={"errors": errors})
    old = visit.status
    visit.status = Visit.Status.REPORTED
    visit.findings = findings.strip()
    visit.measurements = measurements or {}
    visit.recommendation = recommendation
    visit.proposed_text = proposed_text.strip()
    visit.lead_department = lead_department
    visit.estimated_cost = estimated_cost
    visit.urgency = urgency
    visit.reported_at = now
    if visit.checked_in_at is None:
        _checkin_record(visit, lat=checkin_lat, lon=checkin_lon, at=checked_in_at or now)
    visit.report_key = report_key
    visit.save()
    for content in cleaned:
        VisitPhoto.objects.create(visit=visit, file=content, lat=checkin_lat, lon=checkin_lon)
    _event(visit, old, visit.status, actor, "گزارش بازدید", now)  # record: stored note
    _audit(visit, "visit.report", actor, {"recommendation": recommendation, "photos": len(cleaned)})
    case = Case.objects.get(pk=visit.case_id)
    if case.status == Case.Status.ACCEPTED:
        # The citizen's timeline says the site was visited; the recommendation stays internal
        # (VisitEvent, audit) until the board decides.
        caseflow.mark_visited(case, actor, note="بازدید میدانی انجام شد.")  # record: stored note
    return visit


@transaction.atomic
def visits_flag_unvisited(*, week: Week, now: dt.datetime) -> dict[str, Any]:
    """End of visits: cases still waiting for a visit are flagged; their visits are missed."""
    cases = list(
        Case.objects.filter(
            municipality_id=week.municipality_id,
            week_start=week.start,
            status=Case.Status.ACCEPTED,
            needs_visit=True,
        ).order_by("pk")
    )
    for case in cases:
        caseflow.flag_unvisited(case)
    missed = list(
        Visit.objects.select_for_update().filter(
            municipality_id=week.municipality_id,
            week_start=week.start,
            status__in=[Visit.Status.PLANNED, Visit.Status.CHECKED_IN],
        )
    )
    for v in missed:
        _event(
            v, v.status, Visit.Status.MISSED, None, "تا پایان روزهای بازدید گزارش نشد", now
        )  # record: stored note
        v.status = Visit.Status.MISSED
    Visit.objects.bulk_update(missed, ["status"])
    return {"flagged": len(cases), "missed": len(missed)}


@transaction.atomic
def visit_reminders_send(*, week: Week, day: dt.date) -> dict[str, Any]:
    """An SMS to each senior manager who has visits on ``day`` (once per manager and day)."""
    counts: dict[int, int] = {}
    first: dict[int, Visit] = {}
    for v in (
        Visit.objects.filter(
            municipality_id=week.municipality_id, day=day, status=Visit.Status.PLANNED
        )
        .select_related("manager", "case")
        .order_by("manager_id", "order")
    ):
        counts[v.manager_id] = counts.get(v.manager_id, 0) + 1
        first.setdefault(v.manager_id, v)
    for manager_id, count in counts.items():
        v = first[manager_id]
        message_enqueue(
            template="visits/messages/reminder",
            context={"manager": v.manager, "count": count, "day": day, "first": v},
            mobile=v.manager.mobile,
            municipality_id=week.municipality_id,
            dedupe_key=f"visit-reminder:{manager_id}:{day.isoformat()}",
        )
    return {"reminders": len(counts)}


# ---------------------------------------------------------------- calendar link


@transaction.atomic
def calendar_feed_issue(*, actor: User, now: dt.datetime | None = None) -> str:
    """A new secret calendar link for ``actor`` (a senior manager); the old one stops working.

    Returns the token: it is shown once, only its hash is kept.
    """
    if actor.role != Role.SENIOR_MANAGER or not actor.is_active:
        raise PermissionDeniedError()
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(days=settings.ICAL_FEED_DAYS)
    CalendarFeed.objects.update_or_create(
        user=actor,
        defaults={
            "token_hash": selectors.calendar_feed_hash(token),
            "created_at": now,
            "expires_at": expires,
        },
    )
    audit_record(
        municipality_id=actor.municipality_id,
        actor_id=actor.pk,
        action="calendar_feed.issue",
        object_type="user",
        object_id=actor.pk,
        data={"expires_at": expires.isoformat()},
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> bool:
    """The owner's calendar link stops working at once; False if there was none."""
    deleted, _ = CalendarFeed.objects.filter(user=actor).delete()
    if deleted:
        audit_record(
            municipality_id=actor.municipality_id,
            actor_id=actor.pk,
            action="calendar_feed.revoke",
            object_type="user",
            object_id=actor.pk,
            data={},
        )
    return bool(deleted)
