"""Inbox page query and Persian search at scale, through the Django ORM (and the real view
when the ``cases:inbox`` route exists). Prints p50/p95/max per scenario and the query plans.

    SQLITE_PATH=/tmp/wt-bench-perf/city.sqlite3 python bench/bench_inbox_search.py --runs 300
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pishkhan_bench python bench/bench_inbox_search.py

Run bench/generate_city.py first. Each scenario picks a random district (and query) per run,
so caches help only as much as they would for real users; 10 warm-up runs are not counted.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup, percentile  # noqa: E402

INBOX_STATUSES = ["submitted", "info_requested"]
# Realistic desk queries: a street, a problem, both, a plate number in any digits, a fragment.
QUERIES = [
    "ولیعصر",
    "چاله",
    "درخت خشکیده",
    "آبگرفتگی",
    "چراغ خاموش",
    "سد معبر",
    "پلاک ۲۴۵",
    "بلوار جمهوری درخت",
    "خيابان كاشاني",
    "پیاده رو",
    "نخاله",
    "سرعت کاه مدرسه",
    "۱۲۰",
    "زباله جمع",
    "کودکان کار",
    "گرگان‌پارس",
    "شاخه برق",
    "خیابان",
    "آب",
]


def run(fn: Callable[[], object], runs: int) -> tuple[list[float], int]:
    for _ in range(10):
        fn()
    times: list[float] = []
    rows = 0
    for _ in range(runs):
        t = time.perf_counter()
        rows = len(fn())  # type: ignore[arg-type]
        times.append((time.perf_counter() - t) * 1000)
    return times, rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plans", action="store_true", help="print full query plans")
    parser.add_argument(
        "--explain-view",
        action="store_true",
        help="only EXPLAIN (ANALYZE, BUFFERS) the inbox view's slowest queries (PostgreSQL)",
    )
    args = parser.parse_args()
    from bench.bench_submit import collectstatic, production_env

    production_env()  # DEBUG off, as in production: no query log, cached templates
    django_setup()
    collectstatic()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from bench.generate_city import BENCH_SLUG
    from pishkhan.accounts.models import District, Municipality, User
    from pishkhan.cases.models import Case, ServiceType
    from pishkhan.cases.search import case_search

    rng = random.Random(args.seed)  # noqa: S311
    m = Municipality.objects.get(slug=BENCH_SLUG)
    districts = list(District.objects.filter(municipality=m))
    services = list(ServiceType.objects.filter(municipality=m))
    total = Case.objects.count()
    vendor = connection.vendor
    print(f"{vendor}: {total:,} cases, {len(districts)} districts, {args.runs} runs per scenario")

    def inbox_qs(d: District):
        return (
            Case.objects.filter(district=d, status__in=INBOX_STATUSES)
            .select_related("service", "district")
            .order_by("-created_at")
        )

    def inbox() -> list[Case]:
        return list(inbox_qs(rng.choice(districts))[:50])

    def inbox_filtered() -> list[Case]:
        qs = inbox_qs(rng.choice(districts)).filter(service=rng.choice(services), channel="web")
        return list(qs[:50])

    def inbox_week() -> list[Case]:
        latest = Case.objects.order_by("-week_start").values_list("week_start", flat=True).first()
        return list(inbox_qs(rng.choice(districts)).filter(week_start=latest)[:50])

    def inbox_search() -> list[Case]:
        return list(case_search(inbox_qs(rng.choice(districts)), rng.choice(QUERIES))[:50])

    def district_search() -> list[Case]:
        qs = Case.objects.filter(district=rng.choice(districts)).select_related(
            "service", "district"
        )
        return list(case_search(qs, rng.choice(QUERIES)).order_by("-created_at")[:50])

    def city_search() -> list[Case]:
        qs = Case.objects.filter(municipality=m).select_related("service", "district")
        return list(case_search(qs, rng.choice(QUERIES)).order_by("-created_at")[:50])

    if args.explain_view:
        explain_view(m, rng, vendor)
        return
    scenarios: list[tuple[str, Callable[[], list]]] = [
        ("inbox: district, new+info, newest 50", inbox),
        ("inbox + service + channel filters", inbox_filtered),
        ("inbox + this intake week", inbox_week),
        ("search inside the inbox", inbox_search),
        ("search a whole district, newest 50", district_search),
        ("search the whole city, newest 50", city_search),
    ]
    try:
        url = reverse("cases:inbox")
    except NoReverseMatch:
        url = None
    if url:
        managers = list(User.objects.filter(municipality=m, role="district_manager"))
        clients = []
        for user in managers:
            c = Client()
            c.force_login(user)
            clients.append(c)

        def view() -> list:
            resp = rng.choice(clients).get(url)
            assert resp.status_code == 200, resp.status_code  # noqa: S101
            return [resp]

        def view_search() -> list:
            resp = rng.choice(clients).get(url, {"q": rng.choice(QUERIES)})
            assert resp.status_code == 200, resp.status_code  # noqa: S101
            return [resp]

        scenarios += [
            ("inbox view (test Client, full page, 25 rows + duplicates)", view),
            ("inbox view + ?q= search", view_search),
        ]
    else:
        print("cases:inbox route not on main: measuring the ORM query the view will use")

    print("\n| scenario | p50 ms | p95 ms | max ms | rows (last) |\n|---|---:|---:|---:|---:|")
    results = {}
    for name, fn in scenarios:
        times, rows = run(fn, args.runs)
        results[name] = times
        print(
            f"| {name} | {percentile(times, 50):.1f} | {percentile(times, 95):.1f} | {max(times):.1f} | {rows} |",
            flush=True,
        )
    # Per-query search detail: which words are costly.
    print(
        "\n| search query (whole city, newest 50) | matches | p50 ms | p95 ms |\n|---|---:|---:|---:|"
    )
    base = Case.objects.filter(municipality=m)
    for q in QUERIES:
        matches = case_search(base, q).count()
        times, _ = run(
            lambda q=q: list(case_search(base, q).order_by("-created_at")[:50]),
            max(20, args.runs // 10),
        )
        print(
            f"| {q} | {matches:,} | {percentile(times, 50):.1f} | {percentile(times, 95):.1f} |",
            flush=True,
        )

    print("\nquery plans:")
    d = districts[0]
    plans = {
        "inbox": inbox_qs(d)[:50],
        "search in district": case_search(Case.objects.filter(district=d), "درخت خشکیده").order_by(
            "-created_at"
        )[:50],
        "search city": case_search(base, "چاله ولیعصر").order_by("-created_at")[:50],
    }
    for name, qs in plans.items():
        plan = qs.explain()
        uses_index = any(
            w in plan
            for w in (
                "USING INDEX",
                "USING COVERING INDEX",
                "VIRTUAL TABLE INDEX",
                "Index Scan",
                "Bitmap Index Scan",
                "Index Only Scan",
            )
        )
        full_scan = (
            "SCAN cases_case\n" in plan + "\n"
            and "USING" not in plan.split("SCAN cases_case")[1].split("\n")[0]
        ) or "Seq Scan on cases_case" in plan
        print(f"- {name}: uses index={uses_index}, full table scan={full_scan}")
        if args.plans or not uses_index or full_scan:
            print("  " + plan.replace("\n", "\n  "))
    reset_queries()


def explain_view(m, rng: random.Random, vendor: str, top: int = 2) -> None:
    """The inbox page (plain and with ?q=) for one district manager: its queries, and the plans
    of the slowest ones (does the planner prune partitions? which indexes?)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from pishkhan.accounts.models import User

    user = User.objects.filter(municipality=m, role="district_manager").order_by("pk").first()
    client = Client()
    client.force_login(user)
    for params in ({}, {"q": "درخت خشکیده"}):
        client.get(reverse("cases:inbox"), params)  # warm
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cases:inbox"), params).status_code == 200  # noqa: S101
        queries = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
        total = sum(float(q["time"]) for q in queries) * 1000
        print(f"\n## inbox {params or ''}: {len(queries)} queries, {total:.1f} ms in the database")
        for q in queries[:8]:
            print(f"- {float(q['time']) * 1000:.1f} ms: {q['sql'][:160]}")
        # The page's list: the query that orders the district's cases for the page.
        listing = [q for q in queries if '"cases_case"."urgent" DESC' in q["sql"]]
        for q in (listing or queries)[:top]:
            print(f"\n-- {float(q['time']) * 1000:.1f} ms: {q['sql'][:300]}")
            if vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + q["sql"])
                    lines = [r[0] for r in cur.fetchall()]
                print("\n".join(line[:220] for line in lines[:60]))


if __name__ == "__main__":
    main()
