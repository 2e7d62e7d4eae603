"""Open311 throughput: POST requests.json and the GET reads, against gunicorn on 127.0.0.1 with wrk.

    .venv/bin/python bench/api_open311.py [--cases 100000] [--duration 10] [--write] [--no-post]

Builds a throw-away SQLite database (PISHKHAN_VAR_DIR=/tmp/pishkhan-bench-open311 unless given) with
one city and N cases (bulk_create, spread over the last 85 days), issues an API key, starts gunicorn
(2 sync workers, production settings, behind a simulated TLS proxy header), and runs wrk
(2 threads, 8 connections) for each scenario. Prints a Markdown table; --write appends it to
docs/performance-log.md under "Open311" (then update the table in docs/PERFORMANCE.md). Set DATABASE_URL to bench PostgreSQL instead.
On a city built by bench/generate_city.py (same slug, ``benchcity``) pass its database and
``--cases 0`` to measure it as it is, without seeding:

    SQLITE_PATH=/tmp/wt-bench-perf/city.sqlite3 .venv/bin/python bench/api_open311.py --cases 0
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8311


def configure_env(var_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PISHKHAN_VAR_DIR=var_dir,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        OPEN311_RATE_READ="100000000/hour",
        OPEN311_RATE_WRITE="100000000/hour",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="pishkhan.settings",
    )
    if "DATABASE_URL" not in os.environ and "SQLITE_PATH" not in os.environ:
        env["SQLITE_PATH"] = f"{var_dir}/bench.sqlite3"
    os.environ.update(env)
    return env


def seed(n_cases: int) -> tuple[str, list[str]]:
    """One city, n cases; returns (api key, some tracking codes)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from pishkhan.accounts.models import District, Municipality
    from pishkhan.accounts.services import api_client_create
    from pishkhan.cases.models import Case, ServiceType
    from pishkhan.cases.tracking import tracking_code_new
    from pishkhan.test import make_city

    if not Municipality.objects.filter(slug="benchcity").exists():
        make_city("benchcity", "شهر سنجش")
    city = Municipality.objects.get(slug="benchcity")
    district = District.objects.filter(municipality=city).order_by("number").first()
    services = list(ServiceType.objects.filter(municipality=city).order_by("code"))
    have = Case.objects.filter(municipality=city).count()
    batch: list[Case] = []
    codes: set[str] = (
        set(Case.objects.values_list("tracking_code", flat=True)) if n_cases > have else set()
    )
    today = __import__("datetime").date.today()
    started = time.monotonic()
    for i in range(have, n_cases):
        code = tracking_code_new()
        while code in codes:
            code = tracking_code_new()
        codes.add(code)
        batch.append(
            Case(
                municipality=city,
                tracking_code=code,
                channel="web",
                citizen_name="شهروند سنجش",
                citizen_mobile="+989120000000",
                service=services[i % len(services)],
                description=f"درخواست نمونهٔ شمارهٔ {i} برای سنجش کارایی",
                district=district,
                week_start=today,
                status=("submitted", "accepted", "done", "rejected")[i % 4],
                search_key=f"درخواست {i}",
            )
        )
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    if batch:
        Case.objects.bulk_create(batch)
    if n_cases > have:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "UPDATE cases_case SET created_at = datetime(created_at, '-' || (id % 85) || ' days')"
                )
            else:
                cursor.execute(
                    "UPDATE cases_case SET created_at = created_at - (id % 85) * interval '1 day'"
                )
        print(
            f"seeded {n_cases - have} cases in {time.monotonic() - started:.1f}s", file=sys.stderr
        )
    _, key = api_client_create(municipality=city, name="bench")
    last = Case.objects.filter(municipality=city).order_by("-id").values_list("id", flat=True)[:1]
    rng = __import__("random").Random(5)
    ids = [rng.randrange(1, (last[0] if last else 0) + 1) for _ in range(50)]
    sample = list(
        Case.objects.filter(municipality=city, id__in=ids).values_list("tracking_code", flat=True)[
            :5
        ]
    )
    return key, sample


# Appended to every wrk script: p95 is not among the percentiles of wrk's --latency report.
P95_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95 %.1fms\\n", latency:percentile(95) / 1000))
end
"""


def wrk(path: str, duration: int, script: str | None = None) -> tuple[float, str, str, str]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write((Path(script).read_text() if script else "") + P95_LUA)
    cmd = ["wrk", "-t2", "-c8", f"-d{duration}s", "--latency", "-H", "X-Forwarded-Proto: https"]
    cmd += ["-s", lua.name]
    out = subprocess.run(
        [*cmd, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, check=True
    ).stdout
    Path(lua.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    p95 = re.search(r"P95 (\S+)", out).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"WARNING {path}: {non2xx.group(1)} non-2xx responses", file=sys.stderr)
    return rps, p50, p95, p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--write", action="store_true", help="append the results to docs/performance-log.md"
    )
    parser.add_argument(
        "--no-post", action="store_true", help="the GET reads only (the database stays as it is)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed (apt-get install wrk)")
    var_dir = os.environ.get("PISHKHAN_VAR_DIR", "/tmp/pishkhan-bench-open311")
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    env = configure_env(var_dir)
    key, sample = seed(args.cases)
    from pishkhan.cases.models import Case

    n_total = Case.objects.count()

    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "pishkhan.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{PORT}/open311/v2/services.json",
                    headers={"X-Forwarded-Proto": "https"},
                )
                urllib.request.urlopen(req, timeout=2).read()  # noqa: S310 — local bench server
                break
            except OSError:
                time.sleep(0.2)
        body = (
            f"api_key={key}&service_code=pothole&lat=36.84&long=54.45&phone=09121234567"
            "&first_name=%D9%85%D8%B1%DB%8C%D9%85&description=%DA%86%D8%A7%D9%84%D9%87+%D8%A8%D8%B2%D8%B1%DA%AF+"
            "%D8%AC%D9%84%D9%88%DB%8C+%D9%85%D8%AF%D8%B1%D8%B3%D9%87"
        )
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write('wrk.method = "POST"\n')
            lua.write(f'wrk.body = "{body}"\n')
            lua.write(
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"\n'
            )
        code = sample[0]
        scenarios = [
            ("GET services.json", "/open311/v2/services.json", None),
            ("GET requests/{id}.json", f"/open311/v2/requests/{code}.json", None),
            ("GET requests/{id}.xml", f"/open311/v2/requests/{code}.xml", None),
            (
                "GET requests.json?service_request_id=5 ids",
                "/open311/v2/requests.json?service_request_id=" + ",".join(sample),
                None,
            ),
            (
                "GET requests.json?page_size=50 (newest)",
                "/open311/v2/requests.json?page_size=50",
                None,
            ),
            (
                "GET requests.json?status=closed&service_code=tree&page_size=50",
                "/open311/v2/requests.json?status=closed&service_code=tree&page_size=50",
                None,
            ),
            ("GET requests.json (default: 90 days, first 1000)", "/open311/v2/requests.json", None),
            ("POST requests.json (form-encoded, new case)", "/open311/v2/requests.json", lua.name),
        ]
        if args.no_post:
            scenarios = [s for s in scenarios if s[0].startswith("GET")]
        rows = []
        for label, path, script in scenarios:
            rps, p50, p95, p99 = wrk(path, args.duration, script)
            rows.append(f"| {label} | {rps:,.0f} | {p50} | {p95} | {p99} |")
            print(rows[-1], flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    db = "PostgreSQL" if "DATABASE_URL" in os.environ else "SQLite (WAL)"
    report = "\n".join(
        [
            f"### {time.strftime('%Y-%m-%d')} — {n_total:,} cases, {db}",
            "",
            f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, gunicorn 2 sync workers "
            f"on 127.0.0.1, wrk -t2 -c8 -d{args.duration}s on the same machine (it takes CPU from the server).",
            f"Command: `.venv/bin/python bench/api_open311.py --cases {args.cases} --duration {args.duration}"
            f"{' --no-post' if args.no_post else ''}`"
            f" — load average at the end: {os.getloadavg()[0]:.1f}.",
            "",
            "| scenario | req/s | p50 | p95 | p99 |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    print(report)
    if args.write:
        doc = ROOT / "docs" / "performance-log.md"
        text = doc.read_text() if doc.exists() else "# Performance log\n"
        if "\n## Open311\n" not in text:
            text += "\n## Open311\n\n"
        text = text.rstrip("\n") + "\n\n" + report
        doc.write_text(text)


if __name__ == "__main__":
    main()
