"""`make bench`: the benchmarks that need no web server, in a row, on a generated city.

    .venv/bin/python bench/run_all.py                 # a 20,000-case city under /tmp, quick runs
    .venv/bin/python bench/run_all.py --cases 1000000 --runs 300   # the figures of PERFORMANCE.md
    SQLITE_PATH=/tmp/wt-bench-perf/city.sqlite3 .venv/bin/python bench/run_all.py --reuse
    .venv/bin/python bench/run_all.py --only agenda,visits

Generates the city once (bench/generate_city.py; kept and reused next time), then runs each
script below with ``nice`` and prints its Markdown output, then a summary (script, seconds,
exit status). The web-stack benchmarks (gunicorn + wrk: bench_submit.py --mode web,
web_pages.py, api_open311.py, soak.py) take minutes each and the machine to themselves: run them
by hand with the commands in docs/PERFORMANCE.md. Exit status 1 when a script failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def scripts(args: argparse.Namespace, city: str) -> list[tuple[str, list[str], dict[str, str]]]:
    """(name, command, extra environment) of each benchmark, in the order they run."""
    on_city = {"SQLITE_PATH": city}
    own = {"PISHKHAN_VAR_DIR": str(Path(args.dir) / "own")}
    return [
        ("inbox", ["bench/bench_inbox_search.py", "--runs", str(args.runs)], on_city),
        ("routes", ["bench/routes.py", "--runs", str(max(args.runs // 6, 5))], on_city),
        (
            "public",
            [
                "bench/public_pages.py",
                "--db",
                city,
                "--bench-city",
                "--requests",
                str(args.runs * 3),
            ],
            {},
        ),
        (
            "submit",
            ["bench/bench_submit.py", "--mode", "inprocess", "--procs", "1", "--seconds", "5"],
            on_city,
        ),
        ("agenda", ["bench/agenda_build.py", str(min(args.cases, 5000))], own),
        ("visits", ["bench/visits_plan.py"], {}),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="size of the generated city")
    parser.add_argument("--runs", type=int, default=50, help="runs per scenario")
    parser.add_argument("--dir", default="/tmp/pishkhan-bench-all", help="where the data go")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the city at SQLITE_PATH as it is (no generation)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated names: "
        + ", ".join(n for n, _, _ in scripts(argparse.Namespace(runs=1, cases=1, dir="/tmp"), "")),
    )
    args = parser.parse_args()
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    base = {k: v for k, v in os.environ.items() if k not in ("SQLITE_PATH", "DATABASE_URL")}
    if args.reuse:
        city = os.environ.get("SQLITE_PATH", "")
        if not city:
            parser.error("--reuse needs SQLITE_PATH")
    else:
        city = str(Path(args.dir) / f"city-{args.cases}.sqlite3")
    fresh = not args.reuse and not Path(city).exists()
    # The city is brought to the latest migrations first (a kept or reused one may be older: a
    # run on an older schema fails; cheap when it is up to date).
    env = {**base, "SQLITE_PATH": city}
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    if fresh:
        print(f"## generating a city of {args.cases:,} cases into {city}\n", flush=True)
        subprocess.run(
            ["nice", "-n", "10", PY, "bench/generate_city.py", "--cases", str(args.cases)],
            cwd=ROOT,
            env=env,
            check=True,
        )
    wanted = {n.strip() for n in args.only.split(",") if n.strip()}
    summary = []
    for name, command, extra in scripts(args, city):
        if wanted and name not in wanted:
            continue
        print(f"\n## {name}: {' '.join(command)}\n", flush=True)
        started = time.monotonic()
        done = subprocess.run(["nice", "-n", "10", PY, *command], cwd=ROOT, env={**base, **extra})
        summary.append((name, time.monotonic() - started, done.returncode))
    print("\n| benchmark | seconds | exit |\n|---|---:|---:|")
    for name, seconds, code in summary:
        print(f"| {name} | {seconds:.0f} | {code} |")
    return 1 if any(code for _, _, code in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
