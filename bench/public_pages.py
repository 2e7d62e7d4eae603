"""Benchmark: p95 latency of the public pages for anonymous visitors (warm page cache).

Usage (from the repository root):
    python bench/public_pages.py [--requests 2000] [--db /tmp/pishkhan-bench/bench.sqlite3]

Builds the demo city in a scratch SQLite database if it is empty (manage.py seed_demo), then
requests home, an article, the services list and a service page many times through Django's
test client (the full middleware stack, no network) and prints p50/p95/max per page.
Use --no-cache to measure cold rendering (page cache disabled by a fresh version each hit).
On the 1M-case city of bench/generate_city.py:
    python bench/public_pages.py --db /tmp/wt-bench-perf/city.sqlite3 --bench-city --requests 1000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--db", default="/tmp/pishkhan-bench/bench.sqlite3")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument(
        "--cases", type=int, default=0, help="top the city up to this many synthetic cases"
    )
    parser.add_argument(
        "--bench-city",
        action="store_true",
        help="measure the city of bench/generate_city.py in --db as it is (no demo seeding; "
        "one published article is added if it has none)",
    )
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.settings")
    os.environ.setdefault("SQLITE_PATH", args.db)
    os.environ.setdefault("PISHKHAN_VAR_DIR", str(Path(args.db).parent))
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("STATIC_ROOT", str(Path(args.db).parent / "static"))
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop")
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from pishkhan.cases.models import Case, ServiceType
    from pishkhan.portal import cache as page_cache
    from pishkhan.portal.models import Article

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.bench_city:
        _bench_city_article()
    elif not Article.objects.exists():
        call_command("seed_demo", verbosity=0)
    if args.cases:
        _top_up_cases(args.cases)
    article = Article.objects.filter(status="published").order_by("-publish_at").first()
    service = ServiceType.objects.filter(is_active=True).first()
    assert article is not None and service is not None, "demo data missing"
    pages = {
        "home": "/",
        "article": article.get_absolute_url(),
        "services": "/services/",
        "service": f"/services/{service.code}/",
        "stats": "/stats/",
        "decisions": "/decisions/",
    }
    client = Client()
    print(f"# cases in DB: {Case.objects.count()}, articles: {Article.objects.count()}")
    print(f"# {platform.platform()} · Python {platform.python_version()} · {os.cpu_count()} CPUs")
    print(f"# cache: {'off' if args.no_cache else 'on'}, {args.requests} requests per page")
    for name, url in pages.items():
        first = client.get(url, secure=True)
        assert first.status_code == 200, (url, first.status_code, first.content[:3000])
        timings = []
        for _ in range(args.requests):
            if args.no_cache:
                cache.clear()
                page_cache.invalidate(article.municipality_id)
            start = time.perf_counter()
            response = client.get(url, secure=True)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{name:9s} {url[:40]:40s} p50={statistics.median(timings):6.2f} ms"
            f"  p95={p95:6.2f} ms  max={timings[-1]:7.2f} ms"
        )


def _bench_city_article() -> None:
    """The generated city has no news: one published article, so the article page exists."""
    from django.utils import timezone

    from bench.generate_city import BENCH_SLUG
    from pishkhan.accounts.models import Municipality
    from pishkhan.portal.models import Article
    from pishkhan.portal.services import article_create

    m = Municipality.objects.get(slug=BENCH_SLUG)
    if Article.objects.filter(municipality=m, status="published").exists():
        return
    article = article_create(
        municipality=m,
        title="آغاز طرح بهسازی پیاده‌روهای بلوار جمهوری",
        lead="عملیات بهسازی از شنبه آغاز می‌شود.",
        body="شهرداری از آغاز طرح بهسازی پیاده‌روهای بلوار جمهوری خبر داد. " * 20,
        actor=None,
    )
    # Bench data only: published directly (the editorial flow is tested elsewhere).
    Article.objects.filter(pk=article.pk).update(status="published", publish_at=timezone.now())


def _top_up_cases(target: int) -> None:
    """Synthetic cases (bulk insert, no services) spread over the last 12 weeks."""
    import datetime as dt
    import random

    from django.utils import timezone

    from pishkhan.accounts.models import District, Municipality
    from pishkhan.cases.models import Case, ServiceType
    from pishkhan.core.jalali import week_start

    m = Municipality.objects.order_by("pk").first()
    assert m is not None
    have = Case.objects.filter(municipality=m).count()
    districts = list(District.objects.filter(municipality=m))
    services = list(ServiceType.objects.filter(municipality=m))
    rnd = random.Random(7)
    this_week = week_start(timezone.localdate())
    batch: list[Case] = []
    for i in range(have, target):
        d = rnd.choice(districts)
        batch.append(
            Case(
                municipality=m,
                tracking_code=f"B{i:010d}",
                channel="web",
                citizen_name="-",
                citizen_mobile="+989000000000",
                service=rnd.choice(services),
                description="bench",
                district=d,
                week_start=this_week - dt.timedelta(weeks=rnd.randrange(12)),
                lat=(d.center_lat or 36.84) + rnd.uniform(-0.02, 0.02),
                lon=(d.center_lon or 54.43) + rnd.uniform(-0.02, 0.02),
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)


if __name__ == "__main__":
    main()
