"""The citizen's paths profiled in-process, through the WSGI application (issue #19).

    SQLITE_PATH=/tmp/pk-bench/city.sqlite3 python bench/citizen_profile.py --runs 300
    SQLITE_PATH=/tmp/pk-bench/city.sqlite3 python bench/citizen_profile.py --runs 300 --top 25 --only track
    SQLITE_PATH=/tmp/pk-bench/city.sqlite3 python bench/citizen_profile.py --runs 1000 --pieces

The same targets as bench/citizen_paths.py, called through ``WSGIHandler`` with production
settings (``bench.floor_settings``) and no HTTP server or load client: for each, the median
CPU time per request, the Python function calls per request (cProfile: deterministic, so it
compares before/after on a noisy machine) and, with ``--top``, the profile's top entries by
cumulative time; with ``--pieces``, the median time of each named step of the tracking page and
the submission (``PIECES``: a timer around each call, no profiler). Targets: the bare Django view (``bench.trivial_settings``' view, called
directly without middleware), the same view behind the product's middleware, ``/healthz``,
a returning citizen's ``/track/<code>/`` and ``POST /requests/new/``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor_settings")
from bench.bench_submit import collectstatic, form_fields, production_env  # noqa: E402

production_env()
from bench._setup import django_setup  # noqa: E402


def environ(method: str, path: str, cookie: str = "", body: bytes = b"") -> dict[str, Any]:
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if cookie:
        env["HTTP_COOKIE"] = cookie
    if body:
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(body))
    return env


def targets() -> dict[str, Callable[[], dict[str, Any]]]:
    from bench.citizen_paths import a_case_code, tracked_cookie, worker_beat

    worker_beat()
    code = a_case_code()
    cookie = tracked_cookie(code)
    form = form_fields()

    def post() -> dict[str, Any]:
        body = urlencode({**form, "idempotency_key": uuid.uuid4().hex}).encode()
        env = environ("POST", "/requests/new/", "csrftoken=" + "b" * 32, body)
        env["HTTP_X_CSRFTOKEN"] = "b" * 32
        return env

    return {
        "behind the middleware": lambda: environ("GET", "/bench-floor/ok/"),
        "GET /healthz": lambda: environ("GET", "/healthz"),
        "floor: the tracking statement, a constant answer": lambda: environ(
            "GET", f"/bench-floor/read/{code}/"
        ),
        "GET /track/<code>/": lambda: environ(
            "GET", f"/track/{code}/", f"{cookie}; csrftoken={'b' * 32}"
        ),
        "POST /requests/new/": post,
    }


# The steps of a request timed by --pieces: (module, name) of calls the view makes.
PIECES = {
    "GET /track/<code>/": [
        ("pishkhan.portal.request_views", "track_case"),
        ("pishkhan.portal.request_views", "_proved"),
        ("pishkhan.portal.request_views", "case_public_state"),
        ("pishkhan.portal.request_views", "serve_state"),
        ("pishkhan.portal.cache", "csrf_token"),
        ("pishkhan.portal.cache", "_filled"),
    ],
    "POST /requests/new/": [
        ("pishkhan.portal.request_views", "rate_limited"),
        ("pishkhan.portal.request_views", "case_submit"),
        ("pishkhan.cases.services", "row_insert"),
        ("pishkhan.cases.services", "_event"),
        ("pishkhan.cases.services", "audit_record"),
        ("pishkhan.cases.services", "_notify"),
        ("pishkhan.portal.request_views", "redirect"),
        ("pishkhan.portal.request_views", "_remember"),
    ],
}


def pieces(name: str, run: Callable[[], None], runs: int) -> None:
    """Median µs of each step in PIECES[name] over ``runs`` requests (after 100 to warm)."""
    import importlib

    spent: dict[str, list[int]] = {}
    undo = []
    for module_name, attr in PIECES.get(name, []):
        module = importlib.import_module(module_name)
        original = getattr(module, attr)
        label = f"{module_name.rsplit('.', 1)[-1]}.{attr}"

        def timed(*a: Any, _f: Any = original, _label: str = label, **k: Any) -> Any:
            start = time.perf_counter_ns()
            try:
                return _f(*a, **k)
            finally:
                spent.setdefault(_label, []).append(time.perf_counter_ns() - start)

        setattr(module, attr, timed)
        undo.append((module, attr, original))
    try:
        for _ in range(100):
            run()
        spent.clear()
        totals = []
        for _ in range(runs):
            start = time.perf_counter_ns()
            run()
            totals.append(time.perf_counter_ns() - start)
    finally:
        for module, attr, original in undo:
            setattr(module, attr, original)
    print(f"\n{name}: {statistics.median(totals) / 1000:,.0f} µs a request (median of {runs})")
    print("| step | calls a request | µs a call (median) |\n|---|---:|---:|")
    for label, times in spent.items():
        print(f"| {label} | {len(times) / runs:g} | {statistics.median(times) / 1000:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--top", type=int, default=0, help="print this many profile entries")
    parser.add_argument("--only", default="", help="substring of a target's name")
    parser.add_argument("--pieces", action="store_true", help="time each step (PIECES)")
    args = parser.parse_args()
    django_setup()
    collectstatic()
    from django.core.handlers.wsgi import WSGIHandler

    from bench.trivial import ok

    app = WSGIHandler()

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        if not status.startswith(("2", "3")):
            sys.exit(f"answered {status}: not a measurement of the path")

    def call(make: Callable[[], dict[str, Any]]) -> None:
        response = app(make(), start_response)
        b"".join(response)
        response.close()

    from django.test import RequestFactory

    bare = RequestFactory().get("/")
    runs: dict[str, Callable[[], None]] = {"bare Django view (no middleware)": lambda: ok(bare)}
    for name, make in targets().items():
        runs[name] = lambda make=make: call(make)  # type: ignore[misc]
    if args.pieces:
        for name in PIECES:
            if not args.only or args.only in name:
                pieces(name, runs[name], args.runs)
        return
    print(f"| target | µs per request (median of {args.runs}) | Python calls per request |")
    print("|---|---:|---:|")
    for name, run in runs.items():
        if args.only and args.only not in name:
            continue
        for _ in range(20):
            run()  # warm: first-request imports, caches, the memo
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            run()
            times.append(time.perf_counter() - t)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(50):
            run()
        profile.disable()
        stats = pstats.Stats(profile)
        calls = stats.total_calls / 50  # type: ignore[attr-defined]
        print(f"| {name} | {statistics.median(times) * 1e6:,.0f} | {calls:,.0f} |", flush=True)
        if args.top:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
            print("```\n" + out.getvalue().split("\n\n", 2)[-1].strip() + "\n```")


if __name__ == "__main__":
    main()
