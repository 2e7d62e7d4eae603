"""Submission throughput.

Modes (``--mode``):
- ``web``: gunicorn on 127.0.0.1 (``--workers`` sync workers, --no-control-socket) and ``wrk``
  with a Lua script POSTing the public form at /requests/new/ (used when that route exists).
- ``inprocess``: ``--procs`` OS processes (like gunicorn's sync workers) each calling
  ``cases.services.case_submit`` in a loop — the full write path (validation, tracking code,
  Case + CaseEvent + hash-chained audit entry + outbox message, FTS trigger) without HTTP.
- ``http``: the web stack alone — gunicorn + wrk on a cheap page (``--path``, default /healthz),
  to show the HTTP ceiling on this machine.
- ``floor``: one gunicorn (``bench.floor_settings``), four targets one after the other:
  ``GET /healthz``, the submission's request path writing nothing (``/bench-floor/form/``),
  the same plus one queued INSERT (``/bench-floor/append/``), and ``POST /requests/new/``.
  What any intake design could reach on this machine (see bench/floor.py).

    SQLITE_PATH=/tmp/wt-bench-perf/submit.sqlite3 python bench/bench_submit.py --mode inprocess --seconds 20
    python bench/bench_submit.py --mode http --path /healthz --seconds 20

The database must be migrated and hold the bench city (bench/generate_city.py --cases 0 is enough).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import ROOT, django_setup, percentile  # noqa: E402

VENV_BIN = Path(sys.executable).parent
TEXTS = [
    "چاله‌ی عمیق جلوی مدرسهٔ شهید بهشتی، خیابان ولیعصر پلاک ۱۲",
    "درخت خشکيده در پارك لاله خطر سقوط دارد، لطفاً رسیدگی کنید",
    "چراغ‌های بلوار جمهوری از هفتهٔ گذشته خاموش است",
    "آبگرفتگی شدید بعد از باران در زیرگذر میدان وحدت",
]


def _submit_worker(seconds: float, seed: int, queue: mp.Queue) -> None:
    django_setup()
    import random

    from django.db import connection

    from bench.generate_city import BENCH_SLUG
    from pishkhan.accounts.models import District, Municipality
    from pishkhan.cases.models import ServiceType
    from pishkhan.cases.services import case_submit

    rng = random.Random(seed)  # noqa: S311
    m = Municipality.objects.get(slug=BENCH_SLUG)
    districts = list(District.objects.filter(municipality=m))
    services = list(ServiceType.objects.filter(municipality=m, is_active=True))
    times: list[float] = []
    errors = 0
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
        t = time.perf_counter()
        try:
            case_submit(
                municipality=m,
                channel="web",
                citizen_name="شهروند محک",
                citizen_mobile=f"0912{rng.randrange(10**7):07d}",
                service=rng.choice(services),
                description=rng.choice(TEXTS) + f" ({n})",
                address="خیابان ولیعصر",
                district=rng.choice(districts),
                idempotency_key=f"bench-{seed}-{n}-{time.time_ns()}",
            )
        except Exception as exc:  # noqa: BLE001 — counted and reported
            errors += 1
            if errors < 3:
                print(f"error: {exc!r}", file=sys.stderr)
        times.append((time.perf_counter() - t) * 1000)
    connection.close()
    queue.put((times, errors))


def inprocess(args: argparse.Namespace) -> None:
    ctx = mp.get_context("fork")
    queue: mp.Queue = ctx.Queue()
    t0 = time.perf_counter()
    procs = [
        ctx.Process(target=_submit_worker, args=(args.seconds, 100 + i, queue))
        for i in range(args.procs)
    ]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    wall = time.perf_counter() - t0
    times = [t for r in results for t in r[0]]
    errors = sum(r[1] for r in results)
    print(
        f"| case_submit in-process | {args.procs} procs | {len(times):,} | {len(times) / args.seconds:,.0f}/s | "
        f"{percentile(times, 50):.1f} | {percentile(times, 95):.1f} | {percentile(times, 99):.1f} | {errors} |"
    )
    print(f"(wall {wall:.1f}s incl. start-up; rate over the {args.seconds}s measuring window)")


class Gunicorn:
    def __init__(
        self, workers: int, port: int, env: dict[str, str], cwd: Path | None = None
    ) -> None:
        self.port = port
        self.tmp = tempfile.mkdtemp(prefix="pishkhan-gunicorn-")
        cmd = [
            str(VENV_BIN / "gunicorn"),
            "pishkhan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            "--worker-tmp-dir",
            self.tmp,
            "--pid",
            f"{self.tmp}/gunicorn.pid",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
        ]
        self.proc = subprocess.Popen(cmd, cwd=cwd or ROOT, env=env, start_new_session=True)  # noqa: S603
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
                return
            except OSError as exc:
                if getattr(exc, "code", None):  # an HTTP error: the server is up
                    return
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True
        )  # noqa: S603, S607
        return [int(x) for x in out.stdout.split()]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)


def production_env() -> None:
    """Production settings (DEBUG off, manifest static files) for this process and gunicorn;
    the same secret key, so sessions made here are valid there."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pishkhan.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("STATIC_ROOT", "/tmp/wt-bench-perf/static")
    # Every benchmark request comes from 127.0.0.1: per-IP limits would turn the load into 429s.
    for name in ("REQUEST_RATE_LIMIT", "TRACK_RATE_LIMIT"):
        os.environ.setdefault(name, "100000000/s")
    for name in (
        "API_RATE_USER",
        "API_RATE_ANON",
        "API_RATE_READ",
        "API_RATE_WRITE",
        "OPEN311_RATE_READ",
        "OPEN311_RATE_WRITE",
    ):
        os.environ.setdefault(name, "100000000/hour")


def collectstatic() -> None:
    """Once (slow: compresses every file); delete STATIC_ROOT to refresh."""
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def server_env() -> dict[str, str]:
    production_env()
    return dict(os.environ)


def run_wrk(
    url: str, seconds: int, connections: int, threads: int, script: str | None = None
) -> str:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603


def summarize_wrk(label: str, out: str) -> None:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    lat = dict(re.findall(r"\s+(50|75|90|99)%\s+([\d.]+\w+)", out))
    errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    print(
        f"| {label} | {float(rps.group(1)) if rps else 0:,.0f}/s | p50 {lat.get('50')} | p90 {lat.get('90')} | "
        f"p99 {lat.get('99')} | non-2xx {errs.group(1) if errs else 0} | {sock.group(1) if sock else 'no socket errors'} |"
    )


WRK_POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "csrftoken=%(csrf)s"
wrk.headers["X-CSRFToken"] = "%(csrf)s"
-- Unique key per request: run nonce, wrk thread number, counter (math.random is seeded the
-- same in every thread, so it would repeat keys and turn half the POSTs into idempotent replays).
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end
counter = 0
request = function()
  counter = counter + 1
  local body = "%(body)s" .. "&idempotency_key=wrk-%(nonce)s-" .. tostring(tid) .. "-" .. counter
  return wrk.format(nil, nil, nil, body)
end
"""


def form_fields() -> dict[str, object]:
    """The public request form as a browser sends it, for the bench city (CSRF token "b"×32)."""
    from bench.generate_city import BENCH_SLUG
    from pishkhan.accounts.models import District, Municipality
    from pishkhan.cases.models import ServiceType

    m = Municipality.objects.get(slug=BENCH_SLUG)
    return {
        "citizen_name": "شهروند محک",
        "citizen_mobile": "09121234567",
        "service": ServiceType.objects.filter(municipality=m, is_active=True).first().pk,
        "district": District.objects.filter(municipality=m).first().pk,
        "description": TEXTS[0],
        "address": "خیابان ولیعصر",
        "csrfmiddlewaretoken": "b" * 32,
    }


def post_script(tmp: str) -> str:
    """A wrk script POSTing the public request form (a unique idempotency key per request)."""
    from urllib.parse import urlencode

    body = urlencode(form_fields())
    script = Path(tmp) / "post.lua"
    script.write_text(WRK_POST_LUA % {"csrf": "b" * 32, "body": body, "nonce": time.time_ns()})
    return str(script)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mode", choices=["auto", "web", "inprocess", "http", "floor"], default="auto"
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--path", default="/healthz")
    args = parser.parse_args()
    production_env()
    django_setup()
    from django.urls import Resolver404, resolve

    mode = args.mode
    if mode == "auto":
        try:
            resolve("/requests/new/")
            mode = "web"
        except Resolver404:
            mode = "inprocess"
            print("/requests/new/ is not on main yet: measuring case_submit in-process")
    if mode == "inprocess":
        print(
            "| path | concurrency | submitted | rate | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|---:|---:|"
        )
        inprocess(args)
        return
    collectstatic()
    env = server_env()
    if mode == "floor":
        from bench.floor import table_ensure

        table_ensure()
        env["DJANGO_SETTINGS_MODULE"] = "bench.floor_settings"
    server = Gunicorn(args.workers, args.port, env)
    base = f"http://127.0.0.1:{args.port}"
    try:
        print(
            f"gunicorn: {args.workers} sync workers; wrk {args.connections} connections, {args.seconds}s"
        )
        print("| target | rate | latency | | | errors | socket |\n|---|---:|---|---|---|---:|---|")
        if mode == "http":
            summarize_wrk(
                f"GET {args.path}",
                run_wrk(
                    f"http://127.0.0.1:{args.port}{args.path}", args.seconds, args.connections, 2
                ),
            )
        else:
            script = post_script(server.tmp)
            targets = ["/requests/new/"]
            if mode == "floor":
                summarize_wrk(
                    "GET /healthz", run_wrk(f"{base}/healthz", args.seconds, args.connections, 2)
                )
                targets = ["/bench-floor/form/", "/bench-floor/append/", "/requests/new/"]
            for target in targets:
                summarize_wrk(
                    f"POST {target}",
                    run_wrk(f"{base}{target}", args.seconds, args.connections, 2, script),
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
