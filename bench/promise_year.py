"""Benchmark (#14): a simulated year of the weekly cycle through the real clock, and the promise.

Every week: requests arrive per district (a flood week brings five times as many; a few are
duplicates merged on the desk, a few are accepted late, after the plan), the clock ticks at
its phases (an outage of three days swallows the ticks of one week: the next tick catches up),
the board holds the meeting (one week it is never held), decides (a few deferred), signs, the
clock dispatches, departments finish most orders (the rest turn overdue and are re-decided).
At the end: the promise report (kept %), promise_check, and the time each simulated week took.

Run:  PISHKHAN_VAR_DIR=/tmp/pk-bench-promise /work/main/.venv/bin/python bench/promise_year.py \
        --districts 3 --weeks 52 --per-district 4
Uses a fresh SQLite database under PISHKHAN_VAR_DIR (deleted first). Official 1405/1406
holidays (Nowruz, Tasua/Ashura, Fitr, ...) from the holidays package shift the phases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PISHKHAN_VAR_DIR", "/tmp/pk-bench-promise")
VAR = Path(os.environ["PISHKHAN_VAR_DIR"])
VAR.mkdir(parents=True, exist_ok=True)
os.environ["SQLITE_PATH"] = str(VAR / "promise-year.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

START = dt.date(2026, 3, 21)  # Saturday 1 Farvardin 1405


def main() -> None:  # noqa: C901, PLR0915 - one simulated year, told in order
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--per-district", type=int, default=4, help="requests per district a week")
    parser.add_argument("--flood-week", type=int, default=30)
    parser.add_argument("--outage-week", type=int, default=20, help="3 days without ticks")
    parser.add_argument("--skip-week", type=int, default=40, help="a meeting never held")
    args = parser.parse_args()
    Path(os.environ["SQLITE_PATH"]).unlink(missing_ok=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import reset_queries

    call_command("migrate", verbosity=0)

    from pishkhan.accounts.models import District
    from pishkhan.cases import services as case_services
    from pishkhan.cases.models import Case
    from pishkhan.cycle.models import Week
    from pishkhan.cycle.services import holidays_seed
    from pishkhan.cycle.tick import clock_tick
    from pishkhan.directives import services as directive_services
    from pishkhan.directives.models import Directive
    from pishkhan.directives.promise import latest_off_path, promise_check, promise_report
    from pishkhan.directives.tests.test_directives import photo
    from pishkhan.meetings import services as meeting_services
    from pishkhan.meetings.models import Meeting
    from pishkhan.test import PASSWORD, make_city

    city = make_city("benchyear", "شهر شبیه‌سازی")
    m = city["municipality"]
    for n in range(3, args.districts + 1):
        District.objects.create(
            municipality=m, number=n, name=f"منطقهٔ {n}", center_lat=36.8, center_lon=54.4
        )
    districts = list(District.objects.filter(municipality=m).order_by("number"))[: args.districts]
    holidays_seed(municipality=m, today=START)
    heads = {city["civil"].pk: city["head_civil"], city["green"].pk: city["head_green"]}
    members = [city["member"], city["member2"], city["mayor"]]
    secretary = city["secretary"]
    managers = {city["d1"].pk: city["manager1"]}
    seq = [0]

    failed: list[str] = []

    def tick(at: dt.datetime, week_no: int) -> None:
        if week_no == args.outage_week:
            return  # the clock is down: the next tick after the outage catches up
        failed.extend(line for line in clock_tick(now=at) if line.endswith("FAILED"))

    def submit(at: dt.datetime, district: District) -> Case:
        seq[0] += 1
        n = seq[0]
        return case_services.case_submit(
            municipality=m,
            channel="web",
            citizen_name=f"شهروند {n}",
            citizen_mobile=f"0912{n:07d}",
            service=city["pothole"] if n % 3 else city["tree"],
            district=district,
            now=at,
            description=f"درخواست شمارهٔ {n}: معبر خراب است و باید درست شود",
            address=f"خیابان {n}",
        )

    week_seconds: list[float] = []
    late_accepted: list[Case] = []
    clock_tick(now=dt.datetime.combine(START, dt.time(0, 30), tzinfo=dt.UTC))
    for i in range(args.weeks):
        begun = time.perf_counter()
        start = START + dt.timedelta(days=7 * i)
        week = (
            Week.objects.get(municipality=m, start=start)
            if Week.objects.filter(municipality=m, start=start).exists()
            else None
        )
        if week is None:
            clock_tick(now=dt.datetime.combine(start, dt.time(0, 30), tzinfo=dt.UTC))
            week = Week.objects.get(municipality=m, start=start)
        intake_at = week.intake_opens_at + dt.timedelta(hours=10)
        tick(intake_at, i)
        per = args.per_district * (5 if i == args.flood_week else 1)
        new: list[Case] = []
        for district in districts:
            manager = managers.get(district.pk)
            for k in range(per):
                case = submit(intake_at, district)
                if k == per - 1 and new and new[-1].district_id == district.pk and i % 2 == 0:
                    case_services.case_merge(case=case, into=new[-1], actor=manager)  # a duplicate
                    continue
                if k == per - 2 and i % 5 == 0:
                    late_accepted.append(case)  # triaged late, after the plan
                    continue
                case_services.case_accept(
                    case=case, needs_visit=False, actor=manager, now=intake_at
                )
                new.append(case)
        tick(week.visits_end_at + dt.timedelta(minutes=30), i)
        for case in late_accepted:
            case_services.case_accept(
                case=case,
                needs_visit=False,
                actor=None,
                now=week.visits_end_at + dt.timedelta(hours=1),
            )
        late_accepted = []
        tick(week.agenda_freeze_at + dt.timedelta(minutes=5), i)
        meeting_at = week.meeting_at + dt.timedelta(minutes=10)
        if i == args.outage_week:  # back up before the meeting
            failed.extend(
                line
                for line in clock_tick(now=meeting_at - dt.timedelta(minutes=5))
                if line.endswith("FAILED")
            )
        meeting = Meeting.objects.filter(municipality=m, week_start=start).first()
        if meeting is not None and meeting.status == "frozen" and i != args.skip_week:
            meeting_services.meeting_start(
                meeting=meeting, present=members, actor=secretary, now=meeting_at
            )
            deadline = meeting_at.date() + dt.timedelta(days=5)
            for n, item in enumerate(meeting.items.order_by("number")):
                outcome = "defer" if n % 17 == 5 else "approve"
                extra = (
                    {"lead_department": city["civil"], "deadline": deadline}
                    if outcome == "approve"
                    else {}
                )
                meeting_services.decision_record(
                    item=item, outcome=outcome, text="اقدام شود", actor=secretary, **extra
                )
            meeting = meeting_services.meeting_close(
                meeting=meeting, actor=secretary, now=meeting_at
            )
            for member in members:
                meeting_services.minutes_sign(
                    meeting=meeting, member=member, password=PASSWORD, now=meeting_at
                )
        tick(week.meeting_at + dt.timedelta(hours=4), i)
        tick(week.dispatch_at + dt.timedelta(hours=2), i)
        work_at = week.dispatch_at + dt.timedelta(hours=3)
        for n, order in enumerate(
            Directive.objects.filter(
                municipality=m, status__in=["issued", "acknowledged", "in_progress", "overdue"]
            ).order_by("id")
        ):
            if n % 10 == 3 and order.status != "overdue":
                continue  # left undone: overdue, re-decided at a later meeting
            directive_services.directive_complete(
                directive=order,
                note="انجام شد",
                actor=heads[order.department_id],
                files=[photo()],
                now=work_at,
            )
        tick(week.dispatch_at + dt.timedelta(days=1), i)
        took = time.perf_counter() - begun
        week_seconds.append(took)
        _, left = latest_off_path(m.pk)
        held = Meeting.objects.filter(municipality=m, week_start=start).values_list(
            "status", flat=True
        )
        print(
            f"week {i + 1:2d} {start} {took:6.2f} s  cases={Case.objects.filter(municipality=m).count()}"
            f" meeting={','.join(held) or '-'} off_path={len(left)} failed_steps={len(failed)}"
            f" load={os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for line in failed:
            print("  FAILED:", line, flush=True)
        failed.clear()
        reset_queries()  # DEBUG keeps the last 9,000 queries; production (DEBUG off) keeps none
    end = dt.datetime.combine(
        START + dt.timedelta(days=7 * args.weeks + 9), dt.time(12), tzinfo=dt.UTC
    )
    clock_tick(now=end)
    report = promise_report(m.pk, weeks=args.weeks + 2, now=end)
    total = report["total"][0]
    off = [o for o in promise_check(municipality=m, now=end, fix=False) if not o.fixed]
    print()
    print(
        "| city | weeks | cases | promised | kept | late | deferred ≥2 | kept % | s/week p50 | s/week max | off path |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {args.districts} districts | {args.weeks} | {Case.objects.filter(municipality=m).count()} | {total['promised']} "
        f"| {total['kept']} | {total['late']} | {total['deferred_twice']} | {total['kept_pct']} "
        f"| {statistics.median(week_seconds):.2f} | {max(week_seconds):.2f} | {len(off)} |"
    )
    for o in off[:10]:
        print("off path:", o)


if __name__ == "__main__":
    main()
