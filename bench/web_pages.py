"""Office pages through the real web stack: gunicorn (production settings) and ``wrk`` with
logged-in district managers, each request a random manager (so a random district).

    SQLITE_PATH=/tmp/bench/city.sqlite3 python bench/web_pages.py --seconds 30
    DATABASE_URL=postgres://… python bench/web_pages.py --path "/office/cases/inbox/?q=چاله"

Latency is what a user waits for with ``--connections`` users clicking at once (default 2,
one per core: no queueing behind other requests). p95 comes from wrk's full latency histogram.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_setup  # noqa: E402
from bench.bench_submit import Gunicorn, collectstatic, production_env, run_wrk, server_env  # noqa: E402

WRK_LUA = """
local cookies = {%(cookies)s}
local paths = {%(paths)s}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
request = function()
  local cookie = cookies[math.random(#cookies)]
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, {["Cookie"] = "sessionid=" .. cookie})
end
done = function(summary, latency, requests)
  local not_ok = 0
  for _, t in ipairs(threads) do not_ok = not_ok + t:get("bad") end
  io.write(string.format("RESULT %%d %%.1f %%.1f %%.1f %%.1f %%.1f %%d\\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / (summary.duration / 1e6),
    not_ok + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", action="append", help="office path(s); default the inbox")
    parser.add_argument(
        "--searches",
        action="store_true",
        help="the (first) path with each desk query of bench_inbox_search.py",
    )
    parser.add_argument("--label", default="", help="the table's first column")
    parser.add_argument("--role", default="district_manager", help="whose sessions (a role)")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    production_env()
    django_setup()
    collectstatic()
    from django.test import Client

    from bench.generate_city import BENCH_SLUG
    from pishkhan.accounts.models import Municipality, User

    m = Municipality.objects.get(slug=BENCH_SLUG)
    cookies = []
    for user in User.objects.filter(municipality=m, role=args.role)[:30]:
        client = Client()
        client.force_login(user)  # a session row, as a real login makes
        cookies.append(client.cookies["sessionid"].value)
    wanted = args.path or ["/office/cases/inbox/"]
    if args.searches:
        from bench.bench_inbox_search import QUERIES

        wanted = [f"{wanted[0]}?{urllib.parse.urlencode({'q': q})}" for q in QUERIES]
    paths = [urllib.parse.quote(p, safe="/?=&%+") for p in wanted]
    server = Gunicorn(args.workers, args.port, server_env())
    try:
        script = Path(server.tmp) / "pages.lua"
        script.write_text(
            WRK_LUA
            % {
                "cookies": ", ".join(f'"{c}"' for c in cookies),
                "paths": ", ".join(f'"{p}"' for p in paths),
            }
        )
        url = f"http://127.0.0.1:{args.port}/"
        run_wrk(url, 15, args.connections, 1, str(script))  # warm every worker (past the GC freeze)
        out = run_wrk(url, args.seconds, args.connections, 1, str(script))
        line = next(x for x in out.splitlines() if x.startswith("RESULT"))
        n, p50, p95, p99, top, rate, errors = line.split()[1:]
        print(
            f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
            f"{args.seconds}s, {len(cookies)} users ({args.role})"
        )
        print("| paths | requests | rate | p50 ms | p95 ms | p99 ms | max ms | not 200 |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        print(
            f"| {args.label or ' '.join(urllib.parse.unquote(p) for p in paths)} | {int(n):,} | "
            f"{float(rate):,.0f}/s | {p50} | {p95} | {p99} | {top} | {errors} |"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
