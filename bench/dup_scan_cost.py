"""What the duplicate scan costs for cases without a map point, on a generated city.

    SQLITE_PATH=/tmp/bench/city.sqlite3 python bench/generate_city.py --cases 100000 --pointless 0.8
    SQLITE_PATH=/tmp/bench/city.sqlite3 nice python bench/dup_scan_cost.py --cases 500

Times ``selectors.duplicates_live`` the way ``case_duplicates_scan`` calls it (chunks of 25 open
cases) on open cases that have an address but no point (they are found by street key and by the
citizen's mobile, cases 0008), and on cases with a point. Prints ms per scanned case (p50/p95 of
the chunks), the suggestions found, and the queries' plans for the street branch.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--pool-limit", type=int, default=0, help="override selectors.POOL_LIMIT")
    args = parser.parse_args()
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Q

    from pishkhan.cases import selectors
    from pishkhan.cases.duplicates import SCAN_CHUNK
    from pishkhan.cases.models import OPEN_STATES, Case
    from pishkhan.cases.selectors import DUPLICATE_FIELDS, _candidate_q, duplicates_live

    if args.pool_limit:
        selectors.POOL_LIMIT = args.pool_limit
    cap = selectors.POOL_LIMIT

    total = Case.objects.count()
    print(f"{total:,} cases; open: {Case.objects.filter(status__in=OPEN_STATES).count():,}\n")
    print(
        "| cases scanned | kind | ms per case p50 | p95 | suggestions per case "
        f"| candidates per chunk p50 / p95 | chunks over the {cap:,} cap |"
    )
    print("|---|---|---|---|---|---|---|")
    radius = float(settings.DUPLICATE_RADIUS_METERS)
    for kind, flt in (
        ("no point (street key, mobile)", {"lat__isnull": True}),
        ("with a point", {"lat__isnull": False}),
    ):
        cases = list(
            Case.objects.filter(status__in=OPEN_STATES, **flt)
            .exclude(address="")
            .only(*DUPLICATE_FIELDS)
            .order_by("-id")[: args.cases]
        )
        per_case, found, pools = [], 0, []
        for start in range(0, len(cases), SCAN_CHUNK):
            chunk = cases[start : start + SCAN_CHUNK]
            t0 = time.perf_counter()
            result = duplicates_live(chunk, limit=20)
            per_case.append((time.perf_counter() - t0) * 1000 / len(chunk))
            found += sum(len(v) for v in result.values())
            q = Q()
            for c in chunk:  # the candidate set the query reads (untimed)
                q |= _candidate_q(c, radius)
            pools.append(Case.objects.filter(q).order_by().count() if q else 0)
        print(
            f"| {len(cases)} | {kind} | {percentile(per_case, 50):.2f} | "
            f"{percentile(per_case, 95):.2f} | {found / max(len(cases), 1):.1f} | "
            f"{percentile(pools, 50):,.0f} / {percentile(pools, 95):,.0f} | "
            f"{sum(p > cap for p in pools)} of {len(pools)} |"
        )
    case = (
        Case.objects.filter(status__in=OPEN_STATES, lat__isnull=True).exclude(street_key="").first()
    )
    if case is not None and connection.vendor == "sqlite":
        qs = Case.objects.filter(
            service_id=case.service_id, status__in=OPEN_STATES, street_key=case.street_key
        ).only("id")
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            print("\nstreet branch plan:", "; ".join(str(r[-1]) for r in cur.fetchall()))


if __name__ == "__main__":
    main()
