"""Stored duplicate suggestions (DuplicateLink): the worker checks every open case once.

The inbox and the case page used to compute suggestions on every view (a geo/address query plus
Python matching, 20–35 ms of the inbox at 1M cases). ``case_duplicates_scan`` runs the same
matching (``selectors.duplicates_live``) once per case, shortly after it arrives, and stores the
result; the pages read it with one indexed query (``selectors.duplicates_stored``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Count, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from pishkhan.cases.models import OPEN_STATES, Case, DuplicateLink
from pishkhan.cases.selectors import DUPLICATE_FIELDS, duplicates_live

SCAN_BATCH = 100
# Cases per candidate query: the size of an inbox page, whose pool stays well under the query's
# 2,000-row cap at city scale.
SCAN_CHUNK = 25
# Stored per case by its own scan (the pages show 5): room for some to close or merge. Newer cases
# add their reverse links on top, until a case holds LINKS_PER_CASE: a much-reported problem
# (hundreds of citizens, one pothole) would otherwise give its first case a link to every later
# one, and the inbox page read them all to show five (76 ms for one page at 8,000 links).
LINKS_PER_CASE = 20


def _todo() -> QuerySet[Case]:
    """Open cases not checked yet: the rows of the partial index ``case_dup_todo_idx``.

    SQLite uses a partial index only when the query repeats the index's terms, and an IN list of
    bound parameters does not count (``status__in`` would make it read the whole table at 1M
    cases). So the status test is the index condition's own SQL text, made of our constants.
    """
    column = f'"{Case._meta.db_table}"."status"'
    states = ", ".join(f"'{state}'" for state in OPEN_STATES)
    is_open = RawSQL(f"{column} IN ({states})", (), output_field=BooleanField())  # noqa: S611
    return Case.objects.filter(is_open, duplicates_checked_at__isnull=True)


def _reverse_links_with_room(back: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The reverse links whose case still has room (fewer than LINKS_PER_CASE links)."""
    if not back:
        return set()
    held = dict(
        DuplicateLink.objects.filter(case_id__in={a for a, _ in back})
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    kept: set[tuple[int, int]] = set()
    for case_id, candidate_id in sorted(back):
        if held.get(case_id, 0) < LINKS_PER_CASE:
            kept.add((case_id, candidate_id))
            held[case_id] = held.get(case_id, 0) + 1
    return kept


def case_duplicates_todo() -> int:
    """How many open cases the scan has not checked yet."""
    return _todo().count()


def case_duplicates_scan(*, limit: int = SCAN_BATCH, now: dt.datetime | None = None) -> int:
    """Check a batch of open, unchecked cases (newest first): store their duplicate candidates in
    both directions (the older case lists the newer one too) and mark them checked, in one
    transaction. Returns the number of cases checked; 0 when there is nothing to do.

    Safe with several workers: on PostgreSQL each claims its batch with FOR NO KEY UPDATE SKIP
    LOCKED, and links are inserted in (case, candidate) order with ON CONFLICT DO NOTHING, so two
    workers storing the same pair neither fail nor deadlock. SQLite serialises writers (BEGIN
    IMMEDIATE).
    """
    now = now or timezone.now()
    with transaction.atomic():
        qs = _todo().order_by("-id")  # new cases first, then the backlog
        if settings.DB_VENDOR == "postgresql":
            # NO KEY: the other worker's link inserts check their foreign keys with FOR KEY
            # SHARE on these rows; a plain FOR UPDATE would block them (and deadlock, as
            # test_duplicate_scan_concurrency showed).
            qs = qs.select_for_update(skip_locked=True, no_key=True)
        batch = list(qs.only(*DUPLICATE_FIELDS)[:limit])
        if not batch:
            return 0
        pairs: set[tuple[int, int]] = set()
        back: set[tuple[int, int]] = set()
        for start in range(0, len(batch), SCAN_CHUNK):
            found = duplicates_live(batch[start : start + SCAN_CHUNK], limit=LINKS_PER_CASE)
            for case_id, candidates in found.items():
                for other in candidates:
                    pairs.add((case_id, other.pk))
                    back.add((other.pk, case_id))
        pairs |= _reverse_links_with_room(back - pairs)
        DuplicateLink.objects.bulk_create(
            [DuplicateLink(case_id=a, candidate_id=b) for a, b in sorted(pairs)],
            ignore_conflicts=True,
            batch_size=500,
        )
        Case.objects.filter(
            pk__in=[c.pk for c in batch], duplicates_checked_at__isnull=True
        ).update(duplicates_checked_at=now)
    return len(batch)
