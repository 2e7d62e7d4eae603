"""Per-route cost in-process: p50/p95 of every soak route, through the full
middleware stack (django.test.Client, production settings), on a generated city.

    SQLITE_PATH=/tmp/bench/city.sqlite3 python bench/routes.py --runs 50
    DATABASE_URL=postgres://… python bench/routes.py --runs 50 --only inbox

Shows where the soak's CPU goes, route by route, without HTTP or the load generator.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup, percentile  # noqa: E402
from bench.bench_submit import collectstatic, production_env  # noqa: E402
from bench.soak import CANDIDATES, SEARCHES, city_samples, form_fields  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--only", default="", help="substring of route names to run")
    parser.add_argument("--profile", default="", help="cProfile this route name, print the top")
    parser.add_argument("--profile-filter", default="pishkhan/")
    parser.add_argument("--profile-sort", default="cumulative", help="or tottime")
    args = parser.parse_args()
    production_env()
    django_setup()
    collectstatic()
    from django.test import Client

    from bench.generate_city import BENCH_SLUG
    from pishkhan.accounts.models import Municipality, User

    m = Municipality.objects.get(slug=BENCH_SLUG)
    rng = random.Random(7)  # noqa: S311
    managers = list(User.objects.filter(municipality=m, role="district_manager"))
    staff = []
    for user in managers[:5]:
        c = Client(HTTP_HOST="127.0.0.1")
        c.force_login(user)
        staff.append(c)
    api_user = User.objects.filter(municipality=m, role="operator").first()
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=api_user)
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}")
    citizen = Client(HTTP_HOST="127.0.0.1")
    codes, services, districts = city_samples(m, codes=500)

    def call(persona: str, method: str, path: str, name: str) -> int:
        code, mobile = rng.choice(codes)
        path = path.replace("{q}", urllib.parse.quote(rng.choice(SEARCHES))).replace("{code}", code)
        client = rng.choice(staff) if persona == "staff" else api if persona == "api" else citizen
        if method == "GET":
            return client.get(path).status_code
        data = form_fields(name, rng, code, mobile, services, districts, "routes")
        return client.post(path, data).status_code

    print("| route | status | p50 ms | p95 ms | mean ms |\n|---|---|---:|---:|---:|")
    for persona, method, path, _weight, name in CANDIDATES:
        if args.only and args.only not in name:
            continue
        for _ in range(3):
            call(persona, method, path, name)  # warm caches
        status = call(persona, method, path, name)
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            call(persona, method, path, name)
            times.append((time.perf_counter() - t) * 1000)
        print(
            f"| {name} | {status} | {percentile(times, 50):.1f} | "
            f"{percentile(times, 95):.1f} | {sum(times) / len(times):.1f} |"
        )
        if args.profile and args.profile == name:
            import cProfile
            import pstats

            pr = cProfile.Profile()
            pr.enable()
            for _ in range(args.runs):
                call(persona, method, path, name)
            pr.disable()
            pstats.Stats(pr).sort_stats(args.profile_sort).print_stats(args.profile_filter, 45)


if __name__ == "__main__":
    main()
