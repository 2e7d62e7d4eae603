"""Soak test: a realistic mix of citizens, staff and API clients against gunicorn on 127.0.0.1,
bounded in time and rate. Reports errors, p50/p95/p99 (overall and per route) and the RSS of
the gunicorn workers sampled every 10 s.

    SQLITE_PATH=/tmp/wt-bench-perf/city.sqlite3 python bench/soak.py --minutes 10 --rate 200

Routes are discovered: every candidate below is probed once with its persona and kept only if
it answers (not 404), so the same script exercises new pages as they land on main. The list of
routes actually exercised is printed. The database must hold the bench city (generate_city.py).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import random
import re
import signal
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup, percentile  # noqa: E402
from bench.bench_submit import TEXTS, Gunicorn, collectstatic, production_env, server_env  # noqa: E402

SEARCHES = ["ولیعصر", "درخت خشکیده", "چاله", "پلاک ۲۴۵", "آبگرفتگی"]


@dataclass
class Route:
    persona: str  # citizen | staff | api
    method: str
    path: str
    weight: float
    name: str
    body: str | None = None  # "submit" / "track" builds a form body


# (persona, method, path, weight). Paths with {q} get a random search; {code} a real tracking code.
CANDIDATES = [
    ("citizen", "GET", "/", 16, "home"),
    ("citizen", "GET", "/services/", 8, "services"),
    ("citizen", "GET", "/news/", 3, "news"),
    ("citizen", "GET", "/decisions/", 3, "decision register"),
    ("citizen", "GET", "/stats/", 2, "stats"),
    ("citizen", "GET", "/requests/new/", 6, "request form"),
    ("citizen", "POST", "/requests/new/", 4, "submit"),
    ("citizen", "GET", "/track/", 4, "track form"),
    ("citizen", "POST", "/track/", 4, "track"),
    ("citizen", "GET", "/static/css/site.css", 8, "static css"),
    ("citizen", "GET", "/healthz", 2, "healthz"),
    ("staff", "GET", "/office/", 6, "office home"),
    ("staff", "GET", "/office/cases/inbox/", 8, "inbox"),
    ("staff", "GET", "/office/cases/inbox/?q={q}", 4, "inbox search"),
    ("staff", "GET", "/office/cases/", 4, "case list"),
    ("staff", "GET", "/office/cases/?q={q}", 2, "case list search"),
    ("staff", "GET", "/office/week/", 2, "week"),
    ("api", "GET", "/open311/v2/services.json", 4, "open311 services"),
    ("api", "GET", "/open311/v2/requests.json?page_size=50", 4, "open311 requests"),
    ("api", "GET", "/open311/v2/requests/{code}.json", 3, "open311 request"),
    ("api", "GET", "/api/v1/cases/", 3, "api cases"),
    ("api", "GET", "/api/v1/services/", 2, "api services"),
]

# The weights above are the "staff-heavy" mix: a quarter of all requests from staff, the
# costliest pages (inbox, searches) among them. A city's real traffic is mostly citizens and
# apps: Gorgan's Service Counter has ~60 staff users (3 district managers, operators, senior
# managers, department staff, the board); even all of them clicking every 10 s at the Saturday
# peak is ~6 req/s, i.e. 3 % of 200 req/s. The "city" mix gives staff 10 % (still three times
# that), apps 18 %, citizens 72 % — of which 5 % submissions, 10/s: more than Tehran's yearly
# 2.4M requests would need at peak.
CITY_WEIGHTS = {
    "home": 20,
    "services": 10,
    "news": 5,
    "decision register": 4,
    "stats": 2,
    "request form": 7,
    "submit": 5,
    "track form": 5,
    "track": 5,
    "static css": 8,
    "healthz": 1,
    "office home": 2.5,
    "inbox": 3,
    "inbox search": 1.5,
    "case list": 1.5,
    "case list search": 0.5,
    "week": 1,
    "open311 services": 4,
    "open311 requests": 4,
    "open311 request": 5,
    "api cases": 3,
    "api services": 2,
}
MIXES = {
    "city": CITY_WEIGHTS,
    "staff-heavy": {name: weight for _p, _m, _path, weight, name in CANDIDATES},
}


def city_samples(m: object, *, codes: int) -> tuple[list[tuple[str, str]], list[int], list[int]]:
    """The newest (tracking code, mobile) pairs, the service ids and district ids of the city:
    what the POST bodies and the {code} paths are drawn from."""
    from pishkhan.accounts.models import District
    from pishkhan.cases.models import Case, ServiceType

    recent = Case.objects.filter(municipality=m).order_by("-id")
    return (
        list(recent.values_list("tracking_code", "citizen_mobile")[:codes]),
        list(ServiceType.objects.filter(municipality=m).values_list("pk", flat=True)),
        list(District.objects.filter(municipality=m).values_list("pk", flat=True)),
    )


def form_fields(
    name: str,
    rng: random.Random,
    code: str,
    mobile: str,
    services: list[int],
    districts: list[int],
    prefix: str,
) -> dict[str, object]:
    """The body of a POST route: a new request ("submit") or a tracking proof ("track")."""
    if name == "submit":
        return {
            "citizen_name": "شهروند آزمون",
            "citizen_mobile": f"0912{rng.randrange(10**7):07d}",
            "service": rng.choice(services),
            "district": rng.choice(districts),
            "description": rng.choice(TEXTS),
            "address": "خیابان ولیعصر",
            "idempotency_key": f"{prefix}-{time.time_ns()}-{rng.random()}",
        }
    return {"code": code, "digits": mobile[-4:]}


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.lat: dict[str, list[float]] = collections.defaultdict(list)
        self.codes: collections.Counter[tuple[str, int]] = collections.Counter()
        self.errors: collections.Counter[str] = collections.Counter()
        self.samples: list[str] = []

    def add(self, name: str, ms: float, status: int, error: str | None = None) -> None:
        with self.lock:
            self.lat[name].append(ms)
            self.codes[(name, status)] += 1
            if error or status >= 500 or status == 0:
                self.errors[name] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{name}: {status} {error or ''}")


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: str | None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each process (from /proc/PID/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    result = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        result[pid] = (int(fields[11]) + int(fields[12])) / tick
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=200, help="target requests per second")
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--sample-seconds", type=float, default=10)
    parser.add_argument(
        "--mix", choices=sorted(MIXES), default="city", help="route weights (see CITY_WEIGHTS)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=15,
        help="seconds of the same mix, not recorded, before measuring (fills every worker's caches)",
    )
    args = parser.parse_args()
    production_env()
    django_setup()
    from django.test import Client
    from django.urls import Resolver404, resolve

    collectstatic()

    from bench.generate_city import BENCH_SLUG
    from pishkhan.accounts.models import Municipality, User

    m = Municipality.objects.get(slug=BENCH_SLUG)
    managers = list(User.objects.filter(municipality=m, role="district_manager"))
    staff_cookies = []
    for user in managers:
        c = Client()
        c.force_login(user)
        staff_cookies.append(f"sessionid={c.cookies['sessionid'].value}")
    api_user = User.objects.filter(municipality=m, role="operator").first()
    api_headers: dict[str, str] = {}
    if api_user is not None:
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=api_user)
        api_headers = {"Authorization": f"Token {token.key}"}
    codes, services, districts = city_samples(m, codes=2000)
    rng = random.Random(11)  # noqa: S311
    csrf = "c" * 32

    def build(route: Route) -> tuple[str, dict[str, str], str | None]:
        path = route.path.replace("{q}", urllib.parse.quote(rng.choice(SEARCHES)))
        code, mobile = rng.choice(codes) if codes else ("XXXXXXXX", "0000")
        path = path.replace("{code}", code)
        headers = {"Host": "127.0.0.1", "Accept-Language": "fa"}
        body = None
        if route.persona == "staff":
            headers["Cookie"] = rng.choice(staff_cookies)
        elif route.persona == "api":
            headers.update(api_headers)
            headers["Accept"] = "application/json"
        if route.method == "POST":
            headers["Cookie"] = f"csrftoken={csrf}"
            headers["X-CSRFToken"] = csrf
            headers["Referer"] = "http://127.0.0.1/"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            fields = form_fields(route.name, rng, code, mobile, services, districts, "soak")
            body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf})
        return path, headers, body

    server = Gunicorn(args.workers, args.port, server_env())

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(f"stopped by signal {signum}")  # runs the finally: gunicorn stops too

    signal.signal(signal.SIGTERM, _terminate)
    try:
        routes: list[Route] = []
        print("route discovery:")
        for persona, method, path, _weight, name in CANDIDATES:
            route = Route(persona, method, path, MIXES[args.mix][name], name)
            p, h, b = build(route)
            try:
                exists = path.startswith("/static/") or bool(resolve(p.split("?")[0]))
            except Resolver404:
                exists = False
            status = 0
            if exists:
                status, _ = request(args.port, method, p, h, b)
            keep = exists and status < 500 and status != 404
            print(f"  {'+' if keep else '-'} {method} {path} [{persona}] → {status}")
            if keep:
                routes.append(route)
        weights = [r.weight for r in routes]
        share = collections.Counter()
        for r in routes:
            share[r.persona] += r.weight
        print(
            f"mix {args.mix!r}: "
            + ", ".join(f"{p} {100 * w / sum(weights):.0f} %" for p, w in sorted(share.items()))
        )
        interval = 1.0 / args.rate
        slot_lock = threading.Lock()

        def run(seconds: float, stats: Stats) -> float:
            stop_at = time.monotonic() + seconds
            next_slot = [time.monotonic()]
            threads = [
                threading.Thread(target=client, args=(stop_at, next_slot, stats), daemon=True)
                for _ in range(args.threads)
            ]
            t_start = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return time.monotonic() - t_start

        def client(stop_at: float, next_slot: list[float], stats: Stats) -> None:
            local = random.Random()  # noqa: S311
            while True:
                with slot_lock:
                    slot = next_slot[0]
                    next_slot[0] += interval
                if slot >= stop_at:
                    return
                delay = slot - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                route = local.choices(routes, weights)[0]
                path, headers, body = build(route)
                t = time.perf_counter()
                try:
                    status, _ = request(args.port, route.method, path, headers, body)
                    err = None
                except OSError as exc:
                    status, err = 0, repr(exc)
                stats.add(route.name, (time.perf_counter() - t) * 1000, status, err)

        rss_rows: list[tuple[float, dict[int, int]]] = []
        done = threading.Event()  # the sampler runs until the last request is answered

        def sampler(stop_at: float) -> None:
            t0 = time.monotonic()
            while not done.is_set():
                sample = {}
                for pid in server.worker_pids():
                    try:
                        text = Path(f"/proc/{pid}/status").read_text()
                        sample[pid] = int(re.search(r"VmRSS:\s+(\d+)", text).group(1)) // 1024
                    except (OSError, AttributeError):
                        pass
                rss_rows.append((time.monotonic() - t0, sample))
                done.wait(args.sample_seconds)

        if args.warmup > 0:
            warm = Stats()
            warm_elapsed = run(args.warmup, warm)
            n_warm = sum(len(v) for v in warm.lat.values())
            print(
                f"warm-up: {n_warm:,} requests in {warm_elapsed:.0f}s (not recorded), "
                f"errors {sum(warm.errors.values())}"
            )
        stats = Stats()
        cpu_before = cpu_seconds(server.worker_pids()), os.times()
        load_before = os.getloadavg()
        stop_at = time.monotonic() + args.minutes * 60
        sampler_thread = threading.Thread(target=sampler, args=(stop_at,), daemon=True)
        sampler_thread.start()
        elapsed = run(args.minutes * 60, stats)
        done.set()
        sampler_thread.join(timeout=args.sample_seconds + 2)
        cpu_after = cpu_seconds(server.worker_pids()), os.times()
        load_after = os.getloadavg()
    finally:
        server.stop()

    all_lat = [x for v in stats.lat.values() for x in v]
    total = len(all_lat)
    n_err = sum(stats.errors.values())
    print(
        f"\n{total:,} requests in {elapsed:.0f}s = {total / elapsed:,.1f} req/s (target {args.rate:g}); "
        f"errors (5xx, connection): {n_err}; gunicorn {args.workers} sync workers"
    )
    print(
        f"overall latency ms: p50 {percentile(all_lat, 50):.1f}  p95 {percentile(all_lat, 95):.1f}  "
        f"p99 {percentile(all_lat, 99):.1f}  max {max(all_lat):.1f}"
    )
    server_cpu = sum(cpu_after[0].get(p, 0) - cpu_before[0].get(p, 0) for p in cpu_after[0])
    client_cpu = (cpu_after[1].user + cpu_after[1].system) - (
        cpu_before[1].user + cpu_before[1].system
    )
    print(
        f"CPU: gunicorn workers {server_cpu:.0f}s = {1000 * server_cpu / max(total, 1):.1f} ms per request; "
        f"this load generator {client_cpu:.0f}s = {1000 * client_cpu / max(total, 1):.1f} ms per request; "
        f"machine load average {load_before[0]:.1f} at start, {load_after[0]:.1f} at end ({os.cpu_count()} CPUs)"
    )
    print(
        "\n| route | requests | statuses | errors | p50 ms | p95 ms | p99 ms |\n|---|---:|---|---:|---:|---:|---:|"
    )
    for name, lat in sorted(stats.lat.items(), key=lambda kv: -len(kv[1])):
        statuses = ", ".join(f"{s}×{n}" for (r, s), n in sorted(stats.codes.items()) if r == name)
        print(
            f"| {name} | {len(lat):,} | {statuses} | {stats.errors[name]} | {percentile(lat, 50):.1f} | "
            f"{percentile(lat, 95):.1f} | {percentile(lat, 99):.1f} |"
        )
    for s in stats.samples:
        print("  sample error:", s)
    print("\nRSS of gunicorn workers (MiB), every", args.sample_seconds, "s:")
    for t, sample in rss_rows:
        print(f"  t={t:5.0f}s  " + "  ".join(f"{pid}:{mb}" for pid, mb in sorted(sample.items())))
    if len(rss_rows) >= 2:
        first, last = rss_rows[1][1] if len(rss_rows) > 2 else rss_rows[0][1], rss_rows[-1][1]
        same = set(first) & set(last)
        growth = {pid: last[pid] - first[pid] for pid in same}
        print(
            f"RSS growth per worker from the first warm sample to the last (MiB): {growth}; "
            f"workers restarted: {len(set(first) ^ set(last)) // 2}"
        )


if __name__ == "__main__":
    main()
