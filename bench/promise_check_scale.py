"""Benchmark (#14): the whole promise check on a big generated city, and each of its parts.

    SQLITE_PATH=/tmp/pk-city/city1m.sqlite3 python bench/generate_city.py --cases 1000000
    SQLITE_PATH=/tmp/pk-city/city1m.sqlite3 python bench/promise_check_scale.py --runs 5 --compare

Measures ``promise_check(fix=False)`` (what ``manage.py promise_check`` runs) on the generated
city ``benchcity``: wall time p50/max over ``--runs`` after one warm-up, the number of queries,
and what it found, then the time and queries of each part. ``--compare`` also times the former
"being carried out without an open order" check (one query per executing case) once. The
generated backlog has executing and done cases without orders (the generator writes no
meetings or directives), so every part has rows to find: a worst case, not a typical city.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup  # noqa: E402


def _timed(fn: Callable[[], Any]) -> tuple[float, int, Any]:
    """Wall time, queries (counted by a wrapper: the debug query log keeps only 9,000), result."""
    from django.db import connection

    count = [0]

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        begun = time.perf_counter()
        result = fn()
        took = time.perf_counter() - begun
    return took, count[0], result


def _without_order_per_case(mid: int) -> list[Any]:
    """The former check, kept here to compare: one query per executing case."""
    from django.db.models import Q

    from pishkhan.cases.models import Case
    from pishkhan.directives.models import Directive
    from pishkhan.directives.promise import OPEN_ORDERS, OffPath

    rows = []
    for case in Case.objects.filter(
        municipality_id=mid, status__in=["dispatched", "in_progress"]
    ).only("pk", "tracking_code", "status"):
        has_open = Directive.objects.filter(
            Q(decision__item__cases=case)
            | Q(
                decision__item__source_directive_id__in=Directive.objects.filter(
                    decision__item__cases=case
                ).values("pk")
            ),
            status__in=OPEN_ORDERS,
        ).exists()
        if not has_open:
            rows.append(OffPath(case.tracking_code, case.status, "در حال اجرا بدون ابلاغیهٔ باز"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slug", default="benchcity")
    parser.add_argument("--compare", action="store_true", help="also time the per-case check")
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.utils import timezone

    from pishkhan.accounts.models import Municipality
    from pishkhan.cases.models import Case
    from pishkhan.directives import promise

    m = Municipality.objects.get(slug=args.slug)
    now = timezone.now()
    db = settings.DATABASES["default"]
    cases = Case.objects.filter(municipality=m).count()
    executing = Case.objects.filter(
        municipality=m, status__in=["dispatched", "in_progress"]
    ).count()
    print(f"database: {db['ENGINE'].rsplit('.', 1)[-1]}; {cases:,} cases, {executing:,} executing")
    _timed(lambda: promise.promise_check(municipality=m, now=now, fix=False))  # warm-up
    times, queries, found = [], 0, []
    for _ in range(args.runs):
        took, queries, found = _timed(
            lambda: promise.promise_check(municipality=m, now=now, fix=False)
        )
        times.append(took)
    print()
    print("| promise_check (fix=False) | runs | p50 s | max s | queries | off path |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {cases:,} cases | {args.runs} | {statistics.median(times):.2f} | {max(times):.2f} "
        f"| {queries} | {len(found):,} |"
    )
    for reason, n in Counter(o.reason.split("؛")[0][:60] for o in found).most_common(8):
        print(f"  {n:>8,}  {reason}")
    mid = m.pk
    weeks = dict(
        promise.Week.objects.filter(municipality_id=mid).values_list("start", "meeting_at")
    )
    parts: list[tuple[str, Callable[[], Any]]] = [
        ("untriaged", lambda: promise._untriaged(m, weeks, now)),
        ("info waiting", lambda: promise._info_waiting(mid, now)),
        ("undispatched", lambda: promise._undispatched(mid, now)),
        ("without an open order", lambda: promise._without_order(mid)),
        ("done past the window", lambda: promise._done_past_window(m, now, False)),
    ]
    if args.compare:
        parts.append(
            ("without an open order, per case (before)", lambda: _without_order_per_case(mid))
        )
    print()
    print("| part | s | queries | rows |")
    print("|---|---|---|---|")
    for name, fn in parts:
        took, n, rows = _timed(fn)
        print(f"| {name} | {took:.2f} | {n:,} | {len(rows):,} |", flush=True)


if __name__ == "__main__":
    main()
