"""The citizen's paths as ratios of a trivial Django view, in one run (issue #19).

    SQLITE_PATH=/tmp/pk-bench/city.sqlite3 python bench/generate_city.py --cases 100000 --districts 3
    SQLITE_PATH=/tmp/pk-bench/city.sqlite3 python bench/citizen_paths.py --seconds 10 --rounds 3

Two gunicorns with the same command and worker count: the product (production settings) and
``bench.trivial_settings`` (Django, no apps, no middleware, one view). wrk runs against them in
turn, round after round (interleaved, so a noisy neighbour hurts every target alike):

- ``GET /`` on the trivial project — the yardstick;
- the same view served by the product (``bench.floor_settings``: every middleware the product
  runs) — what the middleware stack alone costs;
- ``GET /healthz`` — the product's per-request floor (middleware + one query);
- ``GET /track/<code>/`` — a returning citizen's tracking page (the signed cookie a browser
  gets after proving code + last digits, and the CSRF cookie of its first view);
- ``POST /requests/new/`` — a stored, audited, notified case (unique idempotency key each).

With ``--floors``, three more targets of the same product (``bench/floor.py``): what any
design of the two paths would pay on this stack — the tracking page's one statement behind the
middleware with a constant answer, the submission's request path writing nothing (CSRF, the
form validated), and the same plus one queued INSERT.

Prints req/s per target per round, the median of the rounds, each as a ratio of the trivial
view, and the machine's load average before and after.

Before and after in one run: ``--before-tree`` serves another checkout of the product (say a
``git worktree`` of the previous commit) beside this one, and its paths join every round, so
a noisy machine weighs on both alike. ``--before-sqlite`` gives it its own copy of the city
(the two may be at different migrations); by default it uses the same database.

    git worktree add --detach /tmp/before <commit>
    SQLITE_PATH=/tmp/pk-bench/after.sqlite3 python bench/citizen_paths.py \
        --before-tree /tmp/before --before-sqlite /tmp/pk-bench/before.sqlite3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup  # noqa: E402
from bench.bench_submit import (  # noqa: E402
    Gunicorn,
    collectstatic,
    post_script,
    run_wrk,
    server_env,
)


def tracked_cookie(code: str) -> str:
    from django.core.signing import get_cookie_signer

    from pishkhan.portal.request_views import TRACKED

    value = get_cookie_signer(salt=TRACKED + f"pishkhan.portal.{TRACKED}").sign(code)
    return f"{TRACKED}={value}"


def a_case_code() -> str:
    from bench.generate_city import BENCH_SLUG
    from pishkhan.cases.models import Case

    code = (
        Case.objects.filter(municipality__slug=BENCH_SLUG, merged_into__isnull=True)
        # The generated city's newest, not one this bench submitted: it is in every copy of
        # the city (--before-sqlite) however many runs each has had.
        .exclude(citizen_mobile="+989121234567")
        .order_by("-id")
        .values_list("tracking_code", flat=True)
        .first()
    )
    if code is None:
        sys.exit("no case in the bench city: run bench/generate_city.py first")
    return code


def worker_beat_sqlite(path: str) -> None:
    """worker_beat() for another SQLite file (the --before-sqlite copy)."""
    import datetime as dt
    import sqlite3

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(path, timeout=30) as db:
        changed = db.execute(
            "UPDATE notify_workerheartbeat SET at = ? WHERE name = 'bench'", [now]
        ).rowcount
        if not changed:
            db.execute(
                "INSERT INTO notify_workerheartbeat (name, at, pid) VALUES ('bench', ?, 0)", [now]
            )


def worker_beat() -> None:
    """What a running worker does every few seconds: without it /healthz answers 503 (and logs
    an error per request), which would measure the error path instead of the probe."""
    from django.utils import timezone

    from pishkhan.notify.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(name="bench", defaults={"at": timezone.now()})


def rate(out: str) -> tuple[float, int]:
    import re

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (float(rps.group(1)) if rps else 0.0), int(bad.group(1)) if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--before-tree", type=Path, help="another checkout, measured beside")
    parser.add_argument("--before-sqlite", help="its SQLite file (default: the same database)")
    parser.add_argument("--floors", action="store_true", help="also the floors of bench/floor.py")
    args = parser.parse_args()
    env = server_env()
    django_setup()
    collectstatic()
    code = a_case_code()
    if args.floors:
        from bench.floor import table_ensure

        table_ensure()
    product = Gunicorn(
        args.workers, args.port, dict(env, DJANGO_SETTINGS_MODULE="bench.floor_settings")
    )
    trivial_env = dict(env, DJANGO_SETTINGS_MODULE="bench.trivial_settings")
    trivial = Gunicorn(args.workers, args.port + 1, trivial_env)
    before = None
    if args.before_tree:
        before_env = dict(env, DJANGO_SETTINGS_MODULE="bench.floor_settings")
        if args.before_sqlite:
            before_env["SQLITE_PATH"] = args.before_sqlite
        before = Gunicorn(args.workers, args.port + 2, before_env, cwd=args.before_tree)
    script = post_script(product.tmp)
    cookie = tracked_cookie(code)
    lua = Path(product.tmp) / "track.lua"
    # A returning citizen's browser sends back the cookies it was given: the proof of the code
    # and the CSRF cookie of the first view.
    lua.write_text(f'wrk.headers["Cookie"] = "{cookie}; csrftoken={"b" * 32}"\n')

    def paths(port: int, label: str) -> dict[str, tuple[str, str | None]]:
        """The product's targets on ``port``; ``label`` names the checkout ("" for this one)."""
        url = f"http://127.0.0.1:{port}"
        return {
            f"{label}the same view behind the product's middleware": (
                f"{url}/bench-floor/ok/",
                None,
            ),
            f"{label}GET /healthz": (f"{url}/healthz", None),
            f"{label}GET /track/<code>/": (f"{url}/track/{code}/", str(lua)),
            f"{label}POST /requests/new/": (f"{url}/requests/new/", script),
        }

    url = f"http://127.0.0.1:{args.port}"
    floors = {
        "floor: the tracking statement, a constant answer": (
            f"{url}/bench-floor/read/{code}/",
            None,
        ),
        "floor: the submission's path, nothing written": (f"{url}/bench-floor/form/", script),
        "floor: the same + one queued INSERT": (f"{url}/bench-floor/append/", script),
    }
    targets = {
        "trivial Django view": (f"http://127.0.0.1:{args.port + 1}/", None),
        **paths(args.port, ""),
        **(floors if args.floors else {}),
        **(paths(args.port + 2, "before: ") if before is not None else {}),
    }
    results: dict[str, list[float]] = {name: [] for name in targets}
    load_before = os.getloadavg()
    try:
        for n in range(args.rounds):
            for name, (url, lua_script) in targets.items():
                worker_beat()
                if args.before_sqlite:
                    worker_beat_sqlite(args.before_sqlite)
                rps, bad = rate(run_wrk(url, args.seconds, args.connections, 2, lua_script))
                if bad:
                    sys.exit(f"{name}: {bad} non-2xx/3xx answers — not a measurement of the path")
                results[name].append(rps)
                print(f"round {n + 1}: {name}: {rps:,.0f}/s", flush=True)
                time.sleep(1)
    finally:
        product.stop()
        trivial.stop()
        if before is not None:
            before.stop()
    load_after = os.getloadavg()
    base = statistics.median(results["trivial Django view"])
    print(
        f"\ngunicorn {args.workers} sync workers each; wrk -t2 -c{args.connections} "
        f"-d{args.seconds}s; {args.rounds} interleaved rounds; load average "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print("| target | req/s (median) | rounds | of the trivial view |\n|---|---:|---|---:|")
    for name, values in results.items():
        med = statistics.median(values)
        each = " / ".join(f"{v:,.0f}" for v in values)
        print(f"| {name} | {med:,.0f} | {each} | {med / base:.0%} |")


if __name__ == "__main__":
    main()
