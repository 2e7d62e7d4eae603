"""Benchmark (#15): the Wednesday meeting at a real week's volume.

1. the secretary's meeting page with 200 items (server time through the test client with the
   whole middleware stack, p50/p95 over --runs);
2. one consent action deciding 150 items;
3. the Thursday dispatch of 1,000 directives (200 approved decisions × 5 departments): the
   clock step's time, then the worker's letters per second (--letters of them rendered).

Run:  PISHKHAN_VAR_DIR=/tmp/pk-bench-meeting nice /work/main/.venv/bin/python bench/meeting_floor.py
A fresh SQLite database under PISHKHAN_VAR_DIR each run (DATABASE_URL for PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PISHKHAN_VAR_DIR", "/tmp/pk-bench-meeting")
os.environ.setdefault("SQLITE_PATH", os.environ["PISHKHAN_VAR_DIR"] + "/meeting.sqlite3")
os.environ.setdefault("DJANGO_DEBUG", "1")
Path(os.environ["PISHKHAN_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
if "DATABASE_URL" not in os.environ:
    Path(os.environ["SQLITE_PATH"]).unlink(missing_ok=True)

from bench._setup import django_setup, percentile  # noqa: E402

django_setup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--consent", type=int, default=150)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--letters", type=int, default=40)
    args = parser.parse_args()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from pishkhan.accounts.models import Department
    from pishkhan.cases.models import Case
    from pishkhan.core.jalali import week_start
    from pishkhan.cycle.services import week_get_or_create
    from pishkhan.directives import services as directive_services
    from pishkhan.directives.models import Directive
    from pishkhan.meetings import floor, services
    from pishkhan.meetings.models import Decision
    from pishkhan.meetings.selectors import agenda_items, item_proposals, uncontested
    from pishkhan.test import PASSWORD, make_city
    from pishkhan.visits.models import Visit

    city = make_city("benchmeet")
    m = city["municipality"]
    start = week_start(timezone.localdate())
    extra = [
        Department.objects.create(municipality=m, code=f"d{i}", name=f"واحد {i}", domain="civil")
        for i in range(3)
    ]
    cases = Case.objects.bulk_create(
        [
            Case(
                municipality=m,
                tracking_code=f"M{i:09d}",
                channel="web",
                status="visited",
                citizen_name=f"شهروند {i}",
                citizen_mobile=f"+98912{i:07d}",
                service=city["pothole"],
                description=f"درخواست {i}",
                address=f"خیابان {i}",
                lat=36.8 + i * 0.001,
                lon=54.4,
                district=city["d1"],
                week_start=start,
            )
            for i in range(args.items)
        ]
    )
    Visit.objects.bulk_create(
        [
            Visit(
                municipality=m,
                case=c,
                week_start=start,
                manager=city["senior"],
                day=start,
                status="reported",
                findings="یافته",
                recommendation="approve",
                proposed_text=f"ترمیم معبر {c.pk}",
                urgency=1 + c.pk % 3,
                lead_department=city["civil"],
            )
            for c in cases
        ]
    )
    meeting = services.meeting_for_date(municipality=m, week_start=start)
    services.agenda_build(meeting=meeting, now=timezone.now())
    services.agenda_freeze(meeting=meeting, now=timezone.now())
    secretary = city["secretary"]
    services.meeting_start(
        meeting=meeting,
        present=[city["member"], city["member2"], city["mayor"]],
        actor=secretary,
        now=timezone.now(),
    )

    client = Client()
    client.force_login(secretary)
    url = f"/office/meetings/{meeting.pk}/session/"
    assert client.get(url).status_code == 200
    times, cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(
        f"| meeting page, {args.items} items | p50 {percentile(times, 50):.0f} ms | "
        f"p95 {percentile(times, 95):.0f} ms | CPU p50 {percentile(cpu, 50):.0f} ms p95 {percentile(cpu, 95):.0f} ms | "
        f"{len(queries)} queries | {len(response.content) // 1024} KB |"
    )

    items = agenda_items(meeting)
    free = uncontested(items, item_proposals(items))[: args.consent]
    floor.consent_mark(meeting=meeting, item_ids=free, actor=secretary)
    t0, c0 = time.perf_counter(), time.process_time()
    decided = floor.consent_decide(meeting=meeting, item_ids=free, actor=secretary)
    consent_s = time.perf_counter() - t0
    consent_cpu = time.process_time() - c0
    print(
        f"| consent decision of {len(decided)} items | {consent_s:.2f} s (CPU {consent_cpu:.2f} s) | "
        f"{1000 * consent_s / max(len(decided), 1):.1f} ms/item |"
    )
    for item in agenda_items(meeting):
        if getattr(item, "decision", None) is None:
            services.decision_record(
                item=item,
                outcome="approve",
                text="اجرا شود",
                actor=secretary,
                lead_department=city["civil"],
                deadline=timezone.localdate() + __import__("datetime").timedelta(days=20),
            )
    for d in Decision.objects.filter(item__meeting=meeting):
        d.supporting_departments.set([city["green"], *extra])
    meeting = services.meeting_close(meeting=meeting, actor=secretary, now=timezone.now())
    for member in (city["member"], city["member2"], city["mayor"]):
        services.minutes_sign(meeting=meeting, member=member, password=PASSWORD, now=timezone.now())
    week = week_get_or_create(m, start)
    t0, c0 = time.perf_counter(), time.process_time()
    result = directive_services.dispatch_step(week, timezone.now())
    tick_s = time.perf_counter() - t0
    tick_cpu = time.process_time() - c0
    issued = Directive.objects.count()
    print(
        f"| dispatch tick, {issued} directives (numbered, notified, cases moved) | {tick_s:.2f} s "
        f"(CPU {tick_cpu:.2f} s) | {100 * tick_s / max(issued, 1):.2f} s per 100 "
        f"(CPU {100 * tick_cpu / max(issued, 1):.2f} s) |"
    )
    assert result.get("issued") == issued, result
    t0, c0 = time.perf_counter(), time.process_time()
    rendered = 0
    while rendered < args.letters:
        n = directive_services.letters_render()
        if n == 0:
            break
        rendered += n
    letters_s = time.perf_counter() - t0
    letters_cpu = time.process_time() - c0
    print(
        f"| letters rendered by the worker | {rendered} in {letters_s:.1f} s (CPU {letters_cpu:.1f} s) | "
        f"{rendered / letters_s:.2f} letters/s ({rendered / max(letters_cpu, 1e-9):.2f} per CPU-second) |"
    )


if __name__ == "__main__":
    main()
