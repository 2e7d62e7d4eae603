"""The database goes away under a real server, in the middle of a request (issue #8).

gunicorn talks to PostgreSQL through a TCP proxy in this test; the proxy holds a submission's
statements, then drops every connection, as a failed network or a crashed database server does.
The citizen gets the Persian "try again" page (the API a JSON 503), nothing half-written stays
behind, the same submission retried after the outage makes exactly one case, and every request
acknowledged before the outage can still be tracked.

PostgreSQL only: SQLite is a file inside the server process, there is no connection to lose.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase

from pishkhan.cases.models import Case
from pishkhan.test import make_city

ROOT = Path(settings.BASE_DIR)
CSRF = "c" * 32


class FlakyProxy:
    """A TCP proxy that can hold traffic and drop every connection on demand."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = threading.Event()
        self.hold = threading.Event()
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down.is_set():
                client.close()  # the database is unreachable
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                while self.hold.is_set() and not self.down.is_set():
                    time.sleep(0.01)
                if self.down.is_set():
                    return
                dst.sendall(data)
        except OSError:
            pass
        finally:
            _close(src)
            _close(dst)

    def cut(self) -> None:
        self.down.set()
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for s in sockets:
            _close(s)

    def restore(self) -> None:
        self.hold.clear()
        self.down.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()


class DatabaseLostLiveTests(TransactionTestCase):
    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("SQLite has no connection to lose; this runs in the PostgreSQL pass")
        city = make_city("gorgan")
        self.service, self.district = city["pothole"], city["d1"]
        db = connection.settings_dict
        self.proxy = FlakyProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
        self.addCleanup(self.proxy.close)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        tmp = tempfile.mkdtemp(prefix="pishkhan-live-")
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="pishkhan.settings_test",
            DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{self.proxy.port}/{db['NAME']}",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="live-test-only-" + "k" * 40,
            SECURE_SSL_REDIRECT="0",
            PISHKHAN_VAR_DIR=tmp,
            REQUEST_RATE_LIMIT="100000/m",
        )
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "pishkhan.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--timeout",
                "60",
                "--no-control-socket",
                "--worker-tmp-dir",
                tmp,
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.addCleanup(self._stop_server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/healthz")[0] in (200, 503):
                    return
            except OSError:
                time.sleep(0.2)
        self.fail("gunicorn did not start")

    def _stop_server(self) -> None:
        self.server.terminate()
        try:
            self.server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.server.kill()

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1", "Accept-Language": "fa"}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": CSRF})
            headers.update(
                {
                    "Cookie": f"csrftoken={CSRF}",
                    "X-CSRFToken": CSRF,
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            )
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def submit(self, key: str) -> tuple[int, dict[str, str], str]:
        return self.request(
            "POST",
            "/requests/new/",
            {
                "citizen_name": "زهرا کریمی",
                "citizen_mobile": "09125550000",
                "service": str(self.service.pk),
                "district": str(self.district.pk),
                "description": "چالهٔ بزرگ جلوی نانوایی خیابان گلستان",
                "idempotency_key": key,
            },
        )

    def test_outage_mid_request_gives_503_loses_nothing_and_recovers(self) -> None:
        acknowledged = []
        for i in range(3):
            status, headers, _ = self.submit(f"before-{i}")
            self.assertEqual(status, 302)
            acknowledged.append(re.search(r"/requests/receipt/(\w+)/", headers["location"])[1])

        # A submission in flight: its statements are held by the "network", then it fails.
        self.proxy.hold.set()
        result: dict[str, object] = {}
        worker = threading.Thread(target=lambda: result.update(r=self.submit("in-flight")))
        worker.start()
        time.sleep(1.0)
        self.assertTrue(worker.is_alive(), "the request should be waiting on the database")
        self.proxy.cut()
        worker.join(timeout=60)
        status, headers, text = result["r"]  # type: ignore[misc]
        self.assertEqual(status, 503)
        self.assertIn("دوباره تلاش کنید", text)
        self.assertEqual(headers["retry-after"], "30")
        self.assertIn('lang="fa"', text)

        # While it is down: pages and APIs answer 503, never a traceback.
        status, _, text = self.submit("during")
        self.assertEqual(status, 503)
        self.assertIn("دوباره تلاش کنید", text)
        status, headers, text = self.request("GET", "/open311/v2/requests.json?page_size=5")
        self.assertEqual(status, 503)
        self.assertTrue(headers["content-type"].startswith("application/json"), headers)
        self.assertEqual(json.loads(text)[0]["code"], 503)  # Open311's own error format
        self.assertEqual(headers["retry-after"], "30")

        # Nothing half-written: the failed submissions left no case behind.
        self.assertFalse(Case.objects.filter(idempotency_key__in=["in-flight", "during"]).exists())

        # Back up: the server reconnects by itself; the retried submission makes one case.
        self.proxy.restore()
        for _ in range(2):
            status, headers, _ = self.submit("in-flight")
            self.assertEqual(status, 302)
        self.assertEqual(Case.objects.filter(idempotency_key="in-flight").count(), 1)
        # Every request acknowledged before the outage is there and can be tracked.
        for code in acknowledged:
            case = Case.objects.get(tracking_code=code)
            status, headers, _ = self.request(
                "POST", "/track/", {"code": code, "digits": case.citizen_mobile[-4:]}
            )
            self.assertEqual(status, 302, code)  # found: on to the case's timeline
            self.assertIn("/track/", headers["location"])
