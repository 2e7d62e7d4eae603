"""`make run` (scripts/serve.sh) with stand-in programs: a worker that dies is started again,
a web server that dies stops everything, Ctrl-C/SIGTERM stops both (issue 13 item 6). And
the access log it configures leaves citizens' mobiles out (item 7)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import runpy
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
SERVE = ROOT / "scripts" / "serve.sh"


def _fake_bin(gunicorn_body: str) -> tuple[Path, Path]:
    folder = Path(tempfile.mkdtemp(prefix="pk-serve-"))
    starts = folder / "worker-starts"
    (folder / "python").write_text(
        '#!/usr/bin/env bash\nif [ "$2" = worker ]; then echo "$$" >> "' + str(starts) + '"; '
        "exit 3; fi\nexit 0\n"
    )
    (folder / "gunicorn").write_text(
        f'#!/usr/bin/env bash\necho "$$" > "{folder}/web.pid"\n{gunicorn_body}\n'
    )
    for name in ("python", "gunicorn"):
        (folder / name).chmod(0o755)
    return folder, starts


def _serve(folder: Path) -> subprocess.Popen:
    env = dict(os.environ, PISHKHAN_BIN=str(folder), WORKER_RESTART_SECONDS="0.1", PORT="0")
    return subprocess.Popen(
        ["bash", str(SERVE)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class ServeScriptTests(SimpleTestCase):
    def test_a_dying_worker_is_restarted_and_sigterm_stops_everything(self):
        folder, starts = _fake_bin("exec sleep 120")
        proc = _serve(folder)
        try:
            restarted = _wait(lambda: starts.exists() and len(starts.read_text().split()) >= 3)
            self.assertTrue(restarted, "the worker that died was not started again")
            self.assertIsNone(proc.poll())  # the site keeps serving meanwhile
            web = int((folder / "web.pid").read_text())
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=30), 0)
            self.assertTrue(_wait(lambda: not _alive(web), 10), "the web server was left running")
            count = len(starts.read_text().split())
            time.sleep(0.5)
            self.assertEqual(len(starts.read_text().split()), count)  # no restart after stop
            self.assertIn("restarting it", proc.stderr.read())
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)

    def test_a_dying_web_server_stops_everything(self):
        folder, starts = _fake_bin("sleep 1; exit 1")
        proc = _serve(folder)
        try:
            self.assertEqual(proc.wait(timeout=60), 1)  # make run fails visibly
            count = len(starts.read_text().split()) if starts.exists() else 0
            time.sleep(0.5)
            after = len(starts.read_text().split()) if starts.exists() else 0
            self.assertEqual(after, count)  # the worker's keeper went with it
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)


def _access_line(log_format: str) -> str:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", log_format)
    logger = Logger(cfg)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger.access_log.addHandler(Keep())
    uri = "/office/cases/lookup/?mobile=09121234567"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": uri,
        "PATH_INFO": "/office/cases/lookup/",
        "QUERY_STRING": "mobile=09121234567",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_REFERER": "https://city.test" + uri,
        "HTTP_USER_AGENT": "Firefox",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, dt.timedelta(milliseconds=42))
    return lines[-1]


class AccessLogTests(SimpleTestCase):
    def test_lookups_by_mobile_stay_out_of_the_access_log(self):
        config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
        line = _access_line(config["access_log_format"])
        self.assertNotIn("09121234567", line)
        self.assertIn('"GET /office/cases/lookup/ HTTP/1.1" 200 512 42ms', line)
        # gunicorn's default format (what `make run` used) writes it down twice
        default = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
        self.assertEqual(_access_line(default).count("09121234567"), 2)

    def test_every_server_uses_that_format(self):
        self.assertIn("--config deploy/gunicorn.conf.py", SERVE.read_text())
        service = (ROOT / "deploy" / "pishkhan-web.service").read_text()
        self.assertIn("--config /srv/pishkhan/deploy/gunicorn.conf.py", service)
        nginx = (ROOT / "deploy" / "nginx.conf").read_text()
        self.assertNotIn("$request ", nginx)
        self.assertNotIn("$args", nginx)
        self.assertEqual(nginx.count("access_log /var/log/nginx/pishkhan.access.log pishkhan;"), 2)
