"""The inbox page and the share of it spent on duplicate suggestions, through the real view.

    SQLITE_PATH=/tmp/bench/dups.sqlite3 nice -n 5 .venv/bin/python bench/bench_inbox_duplicates.py --runs 200

Requests ``cases:inbox`` as a random district manager (test Client, production settings) and
times ``selectors.duplicates_for_cases`` inside each request (``--live``: every page computed
live, as on main before the stored suggestions). Prints p50/p95/min of both; the
minimum shows the cost on an idle machine when others share it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup, percentile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--live", action="store_true", help="compute every suggestion live (as before cases 0005)"
    )
    args = parser.parse_args()
    from bench.bench_submit import collectstatic, production_env

    production_env()
    django_setup()
    collectstatic()
    from django.test import Client

    from bench.generate_city import BENCH_SLUG
    from pishkhan.accounts.models import User
    from pishkhan.cases import selectors

    rng = random.Random(args.seed)  # noqa: S311
    clients = []
    for user in User.objects.filter(municipality__slug=BENCH_SLUG, role="district_manager"):
        client = Client()
        client.force_login(user)
        clients.append(client)
    spent: list[float] = []
    inner = selectors.duplicates_live if args.live else selectors.duplicates_for_cases

    def timed(*a: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            return inner(*a, **kw)
        finally:
            spent.append((time.perf_counter() - t) * 1000)

    selectors.duplicates_for_cases = timed  # type: ignore[assignment]
    page: list[float] = []
    suggestions = 0
    for i in range(args.runs + 10):
        t = time.perf_counter()
        resp = rng.choice(clients).get("/office/cases/inbox/")
        elapsed = (time.perf_counter() - t) * 1000
        assert resp.status_code == 200, resp.status_code  # noqa: S101
        if i >= 10:  # warm-up
            page.append(elapsed)
            suggestions += resp.content.count(b'id="merge-')  # one merge form per suggestion
    spent = spent[10:]
    print(f"{args.runs} runs, {suggestions / args.runs:.1f} suggestions per page")
    print("| part | p50 ms | p95 ms | min ms |\n|---|---:|---:|---:|")
    for name, values in (("inbox view", page), ("duplicates_for_cases", spent)):
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {min(values):.1f} |")


if __name__ == "__main__":
    main()
