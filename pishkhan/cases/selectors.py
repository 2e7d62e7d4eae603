"""Reads for cases (every list: fixed number of queries)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from pishkhan.accounts.access import scope_cases, sees_whole_city
from pishkhan.accounts.models import District, Municipality, User
from pishkhan.accounts.roles import Role
from pishkhan.cases.geo import degree_box, haversine_m
from pishkhan.cases.models import (
    OPEN_STATES,
    Case,
    CaseEvent,
    DistrictSummary,
    DuplicateLink,
    ServiceType,
)
from pishkhan.cases.search import case_search
from pishkhan.cases.textmatch import likely_duplicate
from pishkhan.cases.tracking import tracking_code_is_valid, tracking_code_normalize
from pishkhan.core.jalali import combine
from pishkhan.core.memo import process_memo
from pishkhan.core.text import normalize_fa, tokens
from pishkhan.core.validators import mask_mobile
from pishkhan.cycle.models import ClockStep, Week
from pishkhan.cycle.schedule import intake_week_start, schedule_for, week_times

DUPLICATE_TEXT_SIMILARITY = 0.3

logger = logging.getLogger("pishkhan.cases")


def case_get_by_code(*, code: str, municipality: Municipality | None = None) -> Case | None:
    code = tracking_code_normalize(code)
    if not tracking_code_is_valid(code):
        return None
    qs = Case.objects.select_related("service", "district", "lead_department", "merged_into")
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    # Unordered: the code is unique, and the model's default ordering made Django resolve
    # ORDER BY -created_at, -id (expression identities, inspect.signature…) for one row — a
    # third of this look-up's time on the tracking page.
    return next(iter(qs.filter(tracking_code=code).order_by()[:1]), None)


_CASE_COLUMNS = [str(f.column) for f in Case._meta.concrete_fields]
# Scalar subqueries rather than joins: PostgreSQL plans them in half the time, and planning is
# most of such a query's cost there (0.5 ms for the joined form, measured). Named parameters:
# Django's SQLite cursor turns positional ``%s`` into ``?`` with a regular expression over the
# whole statement, 19 µs for this one (27 µs of every tracking page, measured); a named one is
# one ``%`` formatting. psycopg takes both.
_STATE_SQL = (
    f"SELECT {', '.join('c.' + c for c in _CASE_COLUMNS)},"  # noqa: S608 — names from the models
    f" (SELECT MAX(e.id) FROM {CaseEvent._meta.db_table} e WHERE e.case_id = c.id),"
    f" (SELECT s.name || ' ' || s.code FROM {ServiceType._meta.db_table} s"
    " WHERE s.id = c.service_id),"
    f" (SELECT d.name FROM {District._meta.db_table} d WHERE d.id = c.district_id)"
    f" FROM {Case._meta.db_table} c WHERE c.municipality_id = %(city)s AND c.{{column}} = %(key)s"
)
_STATE_BY_CODE = _STATE_SQL.format(column="tracking_code")
_STATE_BY_ID = _STATE_SQL.format(column="id")
_WEEK_COLUMNS = (
    f"{', '.join(f'w.{f.column}' for f in Week._meta.concrete_fields)},"  # noqa: S608 — model names
    f" EXISTS(SELECT 1 FROM {ClockStep._meta.db_table} k"
    f" WHERE k.week_id = w.id AND k.step = 'plan_visits')"
)
_WEEKS_SQL = (
    f"SELECT {_WEEK_COLUMNS}"  # noqa: S608 — names from the models
    f" FROM {Week._meta.db_table} w WHERE w.municipality_id = %s AND w.start IN (%s, %s, %s, %s)"
    " ORDER BY w.start"
)


def _with_weeks(aggregate: str, week_after: str) -> str:
    """``_STATE_BY_CODE`` with the case's weeks as one more column: ``aggregate`` makes one
    JSON array of ``{row}`` (each week's columns), ``week_after`` is ``{day}`` plus a week."""
    after = [week_after.format(day=day) for day in ("c.week_start", "c.due_week")]
    weeks = (
        f", (SELECT {aggregate.format(row=_WEEK_COLUMNS)} FROM {Week._meta.db_table} w"  # noqa: S608
        " WHERE w.municipality_id = c.municipality_id"
        f" AND w.start IN (c.week_start, c.due_week, {', '.join(after)}))"
    )
    cases = f" FROM {Case._meta.db_table} c WHERE"
    return _STATE_BY_CODE.replace(cases, weeks + cases, 1)


# The case and its weeks in one statement (one round trip of the two on PostgreSQL: 0.25 ms of
# a 0.6 ms page; on SQLite one call through Django's cursor less: 79 -> 67 µs). The weeks come
# as one JSON array; on PostgreSQL sorted by start, on SQLite (3.40: no ORDER BY in an
# aggregate) in the order of the (municipality, start) index it reads them by. The state only
# has to be the same for the same data; the weeks' own columns and count are what matter.
_STATE_AND_WEEKS_BY_CODE = {
    "postgresql": _with_weeks("json_agg(json_build_array({row}) ORDER BY w.start)", "{day} + 7"),
    "sqlite": _with_weeks("json_group_array(json_array({row}))", "date({day}, '+7 days')"),
}


@dataclass(frozen=True)
class PublicState:
    """Everything the citizen's tracking page shows of a case, as stored: ``rows`` is every
    column of the case and of the case it was merged into (the page shows that one's progress),
    the service's and district's names, the newest event of each, and every column of the
    weeks their promise and clock are read from. Equal rows mean an equal page (at the same
    moment: the page's clock and countdown also move with time)."""

    rows: tuple[Any, ...]
    computed_weeks: bool  # a week the clock has not created yet: its times come from the schedule


def case_public_state(*, code: str, municipality_id: int) -> PublicState | None:
    """The tracking page's data in plain SQL: one statement (and two more per merge to follow;
    None: no such case in this city). The page is cached under this state, so it needs no
    invalidation: any change to what it shows changes the state."""
    code = tracking_code_normalize(code)
    if not tracking_code_is_valid(code):
        return None
    merged_col = _CASE_COLUMNS.index("merged_into_id")
    with connection.cursor() as cursor:
        cursor.execute(
            _STATE_AND_WEEKS_BY_CODE[connection.vendor], {"city": municipality_id, "key": code}
        )
        row = cursor.fetchone()
        if row is None:
            return None
        *columns, weeks = row
        row = tuple(columns)
        if row[merged_col] is None:  # not merged (nearly every case): this is all
            if isinstance(weeks, str):  # SQLite hands JSON back as text
                weeks = json.loads(weeks)
            week_rows = [tuple(week) for week in weeks or []]
            return PublicState(
                rows=(row, *week_rows), computed_weeks=len(week_rows) < len(_weeks_of(row))
            )
        rows = [row]
        seen = {row[0]}
        while row[merged_col] is not None and row[merged_col] not in seen and len(seen) < 10:
            cursor.execute(_STATE_BY_ID, {"city": municipality_id, "key": row[merged_col]})
            nxt = cursor.fetchone()
            if nxt is None:
                break
            seen.add(nxt[0])
            rows.append(nxt)
            row = nxt
        weeks = _weeks_of(row)  # of the case the page follows: the last of the chain
        cursor.execute(_WEEKS_SQL, [municipality_id, *[*weeks, *weeks[-1:] * 4][:4]])
        week_rows = cursor.fetchall()
    return PublicState(rows=(*rows, *week_rows), computed_weeks=len(week_rows) < len(weeks))


def _weeks_of(row: Sequence[Any]) -> list[dt.date]:
    """A case row's week and due week, and the week after each (where a late promise moves)."""
    at = _CASE_COLUMNS.index
    starts = {_as_date(row[at(c)]) for c in ("week_start", "due_week") if row[at(c)] is not None}
    return sorted(starts | {d + dt.timedelta(days=7) for d in starts})


def _as_date(value: Any) -> dt.date:
    """SQLite hands dates back as text."""
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def case_followed_by_mobile(*, mobile: str, status: str) -> Case | None:
    """The newest case in ``status`` (done or closed) that this mobile follows: its own, or the
    shared case its request was merged into — a merged citizen gets the shared case's messages,
    31/33 included, and answers them for it."""
    merged_into = Case.objects.filter(
        citizen_mobile=mobile, status=Case.Status.MERGED, merged_into__isnull=False
    ).values("merged_into_id")
    latest = "-closed_at" if status == Case.Status.CLOSED else "-done_at"
    return (
        Case.objects.filter(Q(citizen_mobile=mobile) | Q(pk__in=merged_into), status=status)
        .order_by(latest, "-id")
        .first()
    )


def case_public_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case, public=True).order_by("at", "id")


def service_list(*, municipality: Municipality) -> QuerySet[ServiceType]:
    return (
        ServiceType.objects.filter(municipality=municipality, is_active=True)
        .select_related("category", "department")
        .order_by("category__order", "order", "name")
    )


def service_choices(
    municipality: Municipality | None, *, include_inactive: bool = False
) -> list[ServiceType]:
    """The city's services for the request and filter forms, cached for a minute (every form
    view and every submission needs them); active ones only unless ``include_inactive``."""
    if municipality is None:
        return []

    def build() -> list[ServiceType]:
        # Built only when the memo is stale: making the queryset costs ~0.1 ms of every form.
        qs = ServiceType.objects.filter(municipality=municipality).order_by("order", "name")
        return list(qs if include_inactive else qs.filter(is_active=True))

    return process_memo(f"service-choices:{municipality.pk}:{int(include_inactive)}", build, 60)


# ---------------------------------------------------------------- office lists

INBOX_STATES = ("submitted", "info_requested")
# What the duplicate suggestions need (matching, badge, merge form): the pool has hundreds of rows.
DUPLICATE_FIELDS = (
    "tracking_code",
    "service",
    "district",
    "status",
    "lat",
    "lon",
    "address",
    "description",
    "created_at",
    "municipality",
    "street_key",
    "citizen_mobile",
)


def case_filter(
    qs: QuerySet[Case],
    *,
    service: ServiceType | None = None,
    channel: str = "",
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    query: str = "",
    small_set: bool = False,
) -> QuerySet[Case]:
    """Office filters; ``small_set``: ``qs`` is bounded (a district's inbox), see case_search."""
    if service is not None:
        qs = qs.filter(service=service)
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(created_at__gte=combine(date_from, dt.time.min))
    if date_to:
        qs = qs.filter(created_at__lt=combine(date_to + dt.timedelta(days=1), dt.time.min))
    if query.strip():
        qs = case_search(qs, query, small_set=small_set)
    return qs


# How many of the scope's newest cases a search looks at first (see case_search_window).
RECENT_SEARCH_WINDOW = 20_000
DISTRICT_SEARCH_WINDOW = 3_000


@dataclass(frozen=True)
class SearchWindow:
    cases: QuerySet[Case]  # the search over the scope's newest cases, newest first
    whole: bool  # small enough to list up to the count's cap; else only up to the wanted page


def case_search_window(qs: QuerySet[Case], *, user: User, **filters: Any) -> SearchWindow | None:
    """PostgreSQL, the user's newest-first case list (``qs``) searched: the same search over
    the scope's newest cases only — DISTRICT_SEARCH_WINDOW of them for a district,
    RECENT_SEARCH_WINDOW for the whole city —, each row's text checked in date order. When the
    window holds the wanted page, the page comes from it (see CappedPaginator); otherwise the
    full search answers. None: not used here.

    Why: the trigram index answers "which cases contain these words" for the whole city, and a
    common word or a pair of words that go together ("چراغ خاموش", "زباله جمع") has tens of
    thousands of matches. PostgreSQL misjudges how many (it multiplies the two words'
    selectivities), reads them all from the table and sorts them — 50–220 ms at 1M cases,
    where the newest cases already hold the page. A district's window is small enough to read
    whole (a few milliseconds), so it also answers the count when it holds more matches than
    the list counts; the city's is read only as far as the page.

    Not on SQLite: its full-text search already walks the newest cases first (``case_search``)
    and the window only added its own scan (p95 +12 ms, measured).
    """
    if settings.DB_VENDOR != "postgresql" or not filters.get("query", "").strip():
        return None
    size, newest, scope = RECENT_SEARCH_WINDOW, qs, f"m{user.municipality_id}"
    if not sees_whole_city(user) and user.district_id is not None:
        # The district alone (its cases are all in the user's city): the edge is then read
        # from the (district, created_at) index without visiting the table.
        size, newest = DISTRICT_SEARCH_WINDOW, Case.objects.filter(district_id=user.district_id)
        scope = f"d{user.district_id}"
    # Where the window starts, remembered for a minute (reading 20,000 index entries to find
    # it cost 6–11 ms a page). An older edge only widens the window by the newest cases; the
    # pages stay exact whatever the edge (see CappedPaginator).
    key = f"search-window-edge:{scope}:{size}"
    edge = cache.get(key)
    if edge is None:
        newest_first = newest.order_by("-created_at").values_list("created_at", flat=True)
        edge = newest_first[size - 1 : size].first() or "none"
        cache.set(key, edge, 60)
    if edge == "none":  # a smaller scope: the full search is as good
        return None
    window = case_filter(qs.filter(created_at__gte=edge), **filters, small_set=True)
    return SearchWindow(window, whole=size <= DISTRICT_SEARCH_WINDOW)


def case_ids_newest_first(qs: QuerySet[Case], limit: int) -> list[int]:
    """The ids of the first ``limit`` rows of ``qs`` in the lists' order (newest first, then
    the highest id), asking the database for the date order alone: with the id as a second
    sort key PostgreSQL reads and sorts every row of a search window instead of stopping at
    the limit along the date index (a city-wide page: 26 → 10 ms). Rows stamped in the same
    instant as the cut are all read, so the order is exact."""
    rows = list(qs.order_by("-created_at").values_list("created_at", "pk")[: limit + 1])
    if len(rows) > limit and rows[limit - 1][0] == rows[limit][0]:
        tied = rows[limit][0]
        rows = [r for r in rows if r[0] != tied]
        rows += qs.filter(created_at=tied).values_list("created_at", "pk")
    rows.sort(reverse=True)
    return [pk for _, pk in rows[:limit]]


def case_inbox(*, user: User, now: dt.datetime | None = None) -> QuerySet[Case]:
    """The district manager's desk: own district, this week's intake (and anything older
    waiting)."""
    if user.municipality is None or user.district_id is None:
        return Case.objects.none()
    current = intake_week_start(user.municipality, now)
    return (
        Case.objects.filter(
            municipality_id=user.municipality.pk,
            district_id=user.district_id,
            status__in=INBOX_STATES,
            week_start__lte=current,
        )
        .select_related("service", "district")
        .order_by("-urgent", "created_at", "id")
    )


def case_list(*, user: User) -> QuerySet[Case]:
    return scope_cases(user, Case.objects.select_related("service", "district")).order_by(
        "-created_at", "-id"
    )


def case_get_for_staff(*, user: User, code: str) -> Case | None:
    """A case the staff member may see (other district / other city: None → 404)."""
    code = tracking_code_normalize(code)
    qs = scope_cases(
        user,
        Case.objects.select_related(
            "service",
            "district",
            "merged_into",
            "reject_reason",
            "registered_by",
            "lead_department",
        ),
    )
    return qs.filter(tracking_code=code).first()


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "id")


def cases_by_mobile(*, user: User, mobile: str, limit: int = 10) -> list[Case]:
    if not mobile:  # e-mail-only reports (Open311) share no citizen
        return []
    qs = scope_cases(user, Case.objects.select_related("service", "district"))
    return list(qs.filter(citizen_mobile=mobile).order_by("-created_at")[:limit])


# ---------------------------------------------------------------- duplicates


class _Texts:
    """Normalised address and description tokens of cases, computed once per case."""

    def __init__(self) -> None:
        self._address: dict[int, str] = {}
        self._tokens: dict[int, set[str]] = {}

    def address(self, case: Case) -> str:
        if case.pk not in self._address:
            self._address[case.pk] = normalize_fa(case.address) if case.address else ""
        return self._address[case.pk]

    def tokens(self, case: Case) -> set[str]:
        if case.pk not in self._tokens:
            self._tokens[case.pk] = set(tokens(case.description))
        return self._tokens[case.pk]


def _similar(a: Case, b: Case, texts: _Texts | None = None) -> bool:
    texts = texts or _Texts()
    if a.address and b.address and texts.address(a) == texts.address(b):
        return True
    ta, tb = texts.tokens(a), texts.tokens(b)
    if not ta or not tb:
        return False
    return len(ta & tb) / len(ta | tb) >= DUPLICATE_TEXT_SIMILARITY


def _near(a: Case, b: Case, radius: float, texts: _Texts | None = None) -> bool:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        texts = texts or _Texts()
        return bool(a.address) and texts.address(a) == texts.address(b)
    return haversine_m(a.lat, a.lon, b.lat, b.lon) <= radius


def _matches(a: Case, b: Case, radius: float, texts: _Texts) -> bool:
    """Two open cases of one service: near and similar; or, when either has no point, the same
    street and a similar text, or the same citizen and a similar text (cases.textmatch)."""
    if _near(a, b, radius, texts) and _similar(a, b, texts):
        return True
    if a.lat is not None and b.lat is not None:
        return False
    return likely_duplicate(
        address_a=a.address,
        address_b=b.address,
        text_a=a.description,
        text_b=b.description,
        same_citizen=bool(a.citizen_mobile) and a.citizen_mobile == b.citizen_mobile,
    )


def _candidate_q(case: Case, radius: float) -> Q:
    """Open cases of the same service in the case's box, or at the same address.

    Every branch names the service, the open states and an indexed position (``lat`` in
    ``case_dup_geo_idx``, ``address`` in ``case_dup_addr_idx``), so the database answers the OR
    branch by branch from those indexes instead of reading the whole city (2.3 s at 1M cases).
    The address is matched exactly (an ``iexact`` cannot use an index); ``_similar`` compares the
    normalised texts afterwards.
    """
    q = Q()
    if case.lat is not None and case.lon is not None:
        dlat, dlon = degree_box(case.lat, radius)
        q |= Q(
            service_id=case.service_id,
            status__in=OPEN_STATES,
            lat__range=(case.lat - dlat, case.lat + dlat),
            lon__range=(case.lon - dlon, case.lon + dlon),
        )
    if case.address:
        q |= Q(service_id=case.service_id, status__in=OPEN_STATES, address=case.address)
    if case.lat is None and case.street_key:
        q |= Q(service_id=case.service_id, status__in=OPEN_STATES, street_key=case.street_key)
    if case.citizen_mobile:
        q |= Q(
            service_id=case.service_id, status__in=OPEN_STATES, citizen_mobile=case.citizen_mobile
        )
    return q


# The most candidate rows one duplicates_live call reads (a chunk of up to 25 cases). At 1M
# cases a chunk of addresses without a point reads 2,533 rows (p50; p95 2,945): the former cap
# of 2,000 cut 19 chunks in 20 and lost a fifth of the matches (docs/PERFORMANCE.md). A pool
# that still reaches the cap is logged: the unread rows are candidates never compared.
POOL_LIMIT = 10_000


def duplicates_live(cases: Sequence[Case], limit: int = 5) -> dict[int, list[Case]]:
    """Duplicate candidates of every given case, in ONE query: same service, open, nearby, similar.

    Computed from the cases table (20–35 ms for an inbox page at 1M cases): the worker stores the
    result (cases.duplicates), and the pages call it only for cases it has not checked yet.
    """
    radius = float(settings.DUPLICATE_RADIUS_METERS)
    result: dict[int, list[Case]] = {c.pk: [] for c in cases}
    q = Q()
    for case in cases:
        q |= _candidate_q(case, radius)
    if not cases or not q:
        return result
    # No ORDER BY in SQL: with one, the planner walks the created_at index over the whole table
    # to avoid a sort; the few hundred candidates are ordered here instead. No municipality
    # filter either: every branch names a service, which belongs to one city, and a city filter
    # tempts a planner without statistics into walking the whole city's index.
    pool = sorted(
        Case.objects.filter(q).only(*DUPLICATE_FIELDS).order_by()[:POOL_LIMIT],
        key=lambda c: (c.created_at, c.pk),
    )
    if len(pool) >= POOL_LIMIT:
        logger.warning("duplicate scan: candidate pool cut at %s rows", POOL_LIMIT)
    by_service: dict[int, list[Case]] = defaultdict(list)
    for other in pool:
        by_service[other.service_id].append(other)
    texts = _Texts()
    for case in cases:
        found = result[case.pk]
        for other in by_service[case.service_id]:
            if other.pk == case.pk:
                continue
            if _matches(case, other, radius, texts):
                found.append(other)
                if len(found) >= limit:
                    break
    return result


def duplicates_stored(case_ids: Sequence[int], limit: int = 5) -> dict[int, list[Case]]:
    """The worker's stored suggestions for these cases, in ONE query: the first ``limit`` that are
    still open, oldest first (as ``duplicates_live`` orders them). A candidate merged, rejected or
    closed since it was stored drops out here."""
    result: dict[int, list[Case]] = {pk: [] for pk in case_ids}
    if not case_ids:
        return result
    rank = Window(
        RowNumber(),
        partition_by=[F("case_id")],
        order_by=[F("candidate__created_at").asc(), F("candidate_id").asc()],
    )
    links = (
        DuplicateLink.objects.filter(case_id__in=case_ids, candidate__status__in=OPEN_STATES)
        .select_related("candidate")
        .only("case_id", *(f"candidate__{name}" for name in DUPLICATE_FIELDS))
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .order_by("case_id", "rank")
    )
    for link in links:
        result[link.case_id].append(link.candidate)
    return result


def duplicates_for_cases(cases: Sequence[Case], limit: int = 5) -> dict[int, list[Case]]:
    """Duplicate candidates of a page of cases: stored ones for the cases the worker has checked
    (one query), computed live for the others (one query). At most two queries per page."""
    checked = [c.pk for c in cases if _duplicates_checked(c)]
    result = duplicates_stored(checked, limit=limit) if checked else {}
    unchecked = [c for c in cases if c.pk not in result]
    if unchecked:
        result.update(duplicates_live(unchecked, limit=limit))
    return result


def _duplicates_checked(case: Case) -> bool:
    # A case loaded without the field (``only()``) counts as unchecked: no query per row.
    if "duplicates_checked_at" in case.get_deferred_fields():
        return False
    return case.duplicates_checked_at is not None


def duplicate_candidates(case: Case, limit: int = 5) -> list[Case]:
    return duplicates_for_cases([case], limit=limit)[case.pk]


# ---------------------------------------------------------------- weekly summary


def district_week_counts(*, district: District, week_start: dt.date) -> dict[str, Any]:
    qs = Case.objects.filter(district=district, week_start=week_start)
    by_service = list(
        qs.values("service__name").annotate(n=Count("id")).order_by("-n", "service__name")
    )
    labels = dict(Case.Status.choices)
    by_status = [
        {"status": row["status"], "label": labels.get(row["status"], row["status"]), "n": row["n"]}
        for row in qs.values("status").annotate(n=Count("id")).order_by("-n", "status")
    ]
    return {"by_service": by_service, "by_status": by_status, "total": qs.count()}


def district_summary_get(*, district: District, week_start: dt.date) -> DistrictSummary | None:
    return (
        DistrictSummary.objects.filter(district=district, week_start=week_start)
        .prefetch_related("notable_cases")
        .first()
    )


def urgent_allowed_until(municipality: Municipality, week_start: dt.date) -> dt.datetime:
    """Urgent cases may join the week until its agenda is frozen."""
    week = Week.objects.filter(municipality=municipality, start=week_start).first()
    if week is not None:
        return week.agenda_freeze_at
    schedule = schedule_for(municipality)
    meeting = combine(week_start + dt.timedelta(days=schedule.meeting_day), schedule.meeting_time)
    return meeting - dt.timedelta(minutes=schedule.agenda_freeze_minutes)


# ---------------------------------------------------------------- citizens' contact details

# Roles that see a citizen's full mobile and national id in the office; every other role
# (and everything that leaves the office on its behalf, such as the calendar feed) sees them
# masked.
FULL_PII_ROLES = frozenset({Role.DISTRICT_MANAGER, Role.OPERATOR, Role.SECRETARY, Role.ADMIN})


def citizen_mobile_for(user: User, case: Case) -> str:
    """The citizen's mobile as ``user``'s role sees it in the office."""
    return case.citizen_mobile if user.role in FULL_PII_ROLES else mask_mobile(case.citizen_mobile)


def case_meeting_at(*, case: Case) -> dt.datetime:
    """The meeting the case is promised to: its week's (holidays moved), for the receipt."""
    week = Week.objects.filter(municipality_id=case.municipality_id, start=case.week_start).first()
    if week is not None:
        return week.meeting_at
    return week_times(case.municipality, case.week_start).meeting_at
