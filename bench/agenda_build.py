"""Benchmark: build the agenda of a week with 5,000 accepted/visited cases (target ≤ 1 s).

Run:  PISHKHAN_VAR_DIR=/tmp/pishkhan-bench /work/main/.venv/bin/python bench/agenda_build.py [N] [--runs 5]
Uses a throw-away SQLite database under PISHKHAN_VAR_DIR (migrated on first run), or the
database of DATABASE_URL / SQLITE_PATH: on a generated city (bench/generate_city.py) the week
already holds its cases and none are added.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PISHKHAN_VAR_DIR", "/tmp/pishkhan-bench")
os.environ.setdefault("SQLITE_PATH", os.environ["PISHKHAN_VAR_DIR"] + "/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
Path(os.environ["PISHKHAN_VAR_DIR"]).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench._setup import percentile  # noqa: E402


def main(n: int = 5000, runs: int = 5, age_backlog: bool = False) -> None:
    call_command("migrate", verbosity=0)
    from pishkhan.accounts.models import Municipality
    from pishkhan.cases.models import Case
    from pishkhan.core.jalali import week_start
    from pishkhan.meetings import services
    from pishkhan.meetings.models import Meeting
    from pishkhan.test import make_city
    from pishkhan.visits.models import Visit

    Municipality.objects.filter(slug="benchcity").exists() or None
    with transaction.atomic():
        city = (
            make_city("benchcity")
            if not Municipality.objects.filter(slug="benchcity").exists()
            else None
        )
    m = Municipality.objects.get(slug="benchcity")
    start = week_start(timezone.localdate())
    existing = Case.objects.filter(municipality=m, week_start=start).count()
    if existing < n:
        from pishkhan.accounts.models import District, User
        from pishkhan.cases.models import ServiceType

        districts = list(District.objects.filter(municipality=m))
        services_ = list(ServiceType.objects.filter(municipality=m))
        senior = User.objects.filter(municipality=m, role="senior_manager").first()
        if senior is None:  # a generated city (bench/generate_city.py) has no senior manager
            from pishkhan.accounts.services import user_create

            senior = user_create(
                mobile="+989139000009",
                full_name="مدیر ارشد سنجش",
                role="senior_manager",
                municipality=m,
                password="bench-password-1405",  # noqa: S106 — a throw-away benchmark city
                domains=",".join(sorted({s.domain for s in services_ if s.domain})),
            )
        cases = []
        for i in range(existing, n):
            cases.append(
                Case(
                    municipality=m,
                    tracking_code=f"B{i:09d}",
                    channel="web",
                    status="visited" if i % 3 else "accepted",
                    citizen_name=f"شهروند {i}",
                    citizen_mobile=f"+98912{i:07d}",
                    service=services_[i % len(services_)],
                    description=f"درخواست شمارهٔ {i} برای ترمیم معبر و رسیدگی",
                    address=f"خیابان {i % 700}",
                    lat=36.8 + (i % 100) * 0.001,
                    lon=54.4 + (i // 100) * 0.001,
                    district=districts[i % len(districts)],
                    week_start=start,
                    needs_visit=True,
                    urgent=i % 50 == 0,
                )
            )
        Case.objects.bulk_create(cases, batch_size=1000)
        visited = Case.objects.filter(municipality=m, week_start=start, status="visited")
        Visit.objects.bulk_create(
            [
                Visit(
                    municipality=m,
                    case=c,
                    week_start=start,
                    manager=senior,
                    day=start,
                    status="reported",
                    findings="یافته",
                    recommendation="approve",
                    proposed_text="اجرا شود",
                    urgency=1 + c.pk % 3,
                )
                for c in visited
                if not Visit.objects.filter(case=c).exists()
            ],
            batch_size=1000,
        )
        # some merged duplicates
        primaries = list(Case.objects.filter(municipality=m, week_start=start).order_by("id")[:200])
        for p, dup in zip(primaries[:100], primaries[100:200], strict=True):
            Case.objects.filter(pk=dup.pk).update(status="merged", merged_into=p)
    if age_backlog:
        # bench/generate_city.py leaves cases of past weeks accepted/visited and 1 % of old ones
        # deferred for good (at 5M: ~17,000 and ~49,000, all agenda candidates, past the
        # 32,767 items an agenda numbers). A running cycle decided them in their own weeks.
        import datetime as dt

        from django.db.models import F

        past = Case.objects.filter(municipality=m, week_start__lt=start)
        decided = past.filter(status__in=["accepted", "visited"]).update(
            status="decided", due_week=None, answered_week=F("week_start")
        )
        closed = past.filter(status="deferred", week_start__lt=start - dt.timedelta(weeks=8))
        closed = closed.update(
            status="closed", due_week=None, answered_week=F("week_start"), closed_at=F("updated_at")
        )
        print(f"aged the backlog: {decided:,} past cases decided, {closed:,} old deferred closed")
    meeting = services.meeting_for_date(municipality=m, week_start=start)
    Meeting.objects.filter(pk=meeting.pk).update(status="draft")
    meeting.refresh_from_db()
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        services.agenda_build(meeting=meeting, now=timezone.now())
        timings.append(time.perf_counter() - t0)
    items = meeting.items.count()
    print(f"cases={Case.objects.filter(municipality=m, week_start=start).count()} items={items}")
    print(
        f"agenda_build: best {min(timings):.3f}s median {statistics.median(timings):.3f}s "
        f"p95 {percentile(timings, 95):.3f}s worst {max(timings):.3f}s ({runs} runs)"
    )
    del city


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, nargs="?", default=5000, help="cases in the week")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--age-backlog",
        action="store_true",
        help="first decide past weeks' accepted/visited cases and close old deferred ones "
        "(a generated city; changes the database)",
    )
    cli = parser.parse_args()
    main(cli.n, cli.runs, cli.age_backlog)
