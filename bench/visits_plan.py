"""Benchmark: plan 500 visits for 12 senior managers over 2 days.

Run from the repository root:  python bench/visits_plan.py [--visits 500 --managers 12 --seed 1405]
Prints the planning time (best of 3) and the total route length with the nearest-neighbour
baseline and after the 2-opt improvement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pishkhan.visits import routing  # noqa: E402  (pure Python: no Django needed)

START = (36.8400, 54.4300)  # municipality building
DOMAINS = ["civil", "green", "traffic", "services"]


def scenario(
    n_visits: int, n_managers: int, seed: int
) -> tuple[list[routing.Item], list[routing.Manager]]:
    rng = random.Random(seed)
    # five districts around the centre, cases scattered ~1.5 km around each district centre
    centres = [
        (START[0] + 0.03 * math.cos(a), START[1] + 0.04 * math.sin(a))
        for a in (0, 1.3, 2.5, 3.8, 5.0)
    ]
    items = []
    for key in range(n_visits):
        d = rng.randrange(len(centres))
        lat = centres[d][0] + rng.gauss(0, 0.012)
        lon = centres[d][1] + rng.gauss(0, 0.015)
        items.append(
            routing.Item(key=key, point=(lat, lon), domain=rng.choice(DOMAINS), district=d)
        )
    days = [dt.date(2026, 11, 23), dt.date(2026, 11, 24)]
    managers = [
        routing.Manager(
            key=k, domains={DOMAINS[k % 4], DOMAINS[(k + 1) % 4]}, capacity=25, days=days
        )
        for k in range(n_managers)
    ]
    return items, managers


def run(items: list[routing.Item], managers: list[routing.Manager], improve: bool) -> routing.Plan:
    day_start = {d: dt.datetime.combine(d, dt.time(6, 0)) for d in managers[0].days}
    return routing.plan(items, managers, start=START, day_start=day_start, improve=improve)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=500)
    parser.add_argument("--managers", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1405)
    parser.add_argument(
        "--db", action="store_true", help="also time visits_plan() on a test database"
    )
    args = parser.parse_args()
    items, managers = scenario(args.visits, args.managers, args.seed)
    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = run(items, managers, improve=True)
        timings.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    baseline = run(items, managers, improve=False)
    nn_time = time.perf_counter() - t0
    routes = {(p.manager, p.day) for p in result.items}
    last = max(p.planned_at for p in result.items)
    print(f"visits={args.visits} managers={args.managers} seed={args.seed}")
    print(f"planned={len(result.items)} unplanned={len(result.unplanned)} routes={len(routes)}")
    print(f"time_improved_best_of_3={min(timings):.3f}s  time_nn_only={nn_time:.3f}s")
    print(
        f"route_length_nn={baseline.length_m / 1000:.1f}km  route_length_2opt={result.length_m / 1000:.1f}km"
        f"  saving={(1 - result.length_m / baseline.length_m) * 100:.1f}%"
    )
    print(f"latest_planned_visit={last:%H:%M}")
    if args.db:
        db_bench(items, managers)


def db_bench(items: list[routing.Item], managers: list[routing.Manager]) -> None:
    """The whole service: read cases, plan, bulk-insert visits + events + audit (SQLite test DB)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.settings_test")
    import django

    django.setup()
    from django.test.runner import DiscoverRunner

    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        from pishkhan.accounts.models import User
        from pishkhan.accounts.roles import Role
        from pishkhan.cases.models import Case, ServiceType
        from pishkhan.core.jalali import TEHRAN
        from pishkhan.cycle.services import week_get_or_create
        from pishkhan.test import make_city
        from pishkhan.visits.models import Visit
        from pishkhan.visits.services import visits_plan

        city = make_city("benchcity")
        m = city["municipality"]
        services = {
            d: ServiceType.objects.create(
                municipality=m,
                code=d,
                name=d,
                domain=d,
                category=city["category"],
                department=city["civil"],
            )
            for d in DOMAINS
        }
        User.objects.filter(municipality=m, role=Role.SENIOR_MANAGER).update(is_active=False)
        for mg in managers:
            User.objects.create_user(
                mobile=f"+98935{mg.key:07d}",
                role=Role.SENIOR_MANAGER,
                municipality=m,
                is_staff=True,
                domains=",".join(sorted(mg.domains)),
                daily_visit_capacity=25,
            )
        start = dt.date(2026, 11, 21)
        week = week_get_or_create(m, start)
        Case.objects.bulk_create(
            Case(
                municipality=m,
                tracking_code=f"B{i.key:07d}",
                channel="web",
                status="accepted",
                citizen_name="x",
                citizen_mobile="+989120000000",
                service=services[i.domain],
                description="bench",
                lat=i.point[0],
                lon=i.point[1],
                district=city["d1"],
                week_start=start,
                needs_visit=True,
            )
            for i in items
        )
        t0 = time.perf_counter()
        result = visits_plan(week=week, now=dt.datetime(2026, 11, 22, 23, 59, tzinfo=TEHRAN))
        elapsed = time.perf_counter() - t0
        print(
            f"db_visits_plan={elapsed:.3f}s planned={result['planned']} rows={Visit.objects.count()}"
        )
    finally:
        runner.teardown_databases(old)


if __name__ == "__main__":
    main()
