"""The worker killed for real at random points loses and duplicates nothing; several workers
at once never send a message twice. Real processes against the real test database."""

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase

from pishkhan.notify.models import Message, WorkerHeartbeat
from pishkhan.notify.services import message_enqueue

ROOT = Path(settings.BASE_DIR)
N = 60


def worker_env(var_dir: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = db["NAME"]
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    env.update(
        DJANGO_SETTINGS_MODULE="pishkhan.settings_test",
        PISHKHAN_VAR_DIR=var_dir,
        SMS_BACKEND="pishkhan.notify.tests.slow_backend.SlowFileSMSBackend",
        WORKER_INTERVAL_SECONDS="0.2",
        **extra,
    )
    return env


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, timeout: float = 120.0) -> bool:
    """Poll until ``predicate()``; a loaded CI machine may take many seconds to start Django."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class WorkerFaultTests(TransactionTestCase):
    def setUp(self):
        self.var = tempfile.mkdtemp(prefix="pishkhan-worker-")
        for i in range(N):
            message_enqueue(
                template="accounts/messages/reset_code",
                context={"code": f"{i:06d}"},
                mobile="+989121234567",
                dedupe_key=f"fault-{i}",
            )

    def delivered(self) -> list[str]:
        """The keys of the whole lines in the file. A worker killed inside its write can leave a
        torn line: Linux stops a write at a page boundary when the process gets SIGKILL, even
        mid-character. That message was not marked sent, so it is sent again in a whole line;
        the backend closes the torn one first and, like these tests, never counts it."""
        path = Path(self.var) / "outbox" / "sms" / "sms.jsonl"
        if not path.exists():
            return []
        keys = []
        for line in path.read_bytes().splitlines():
            try:
                keys.append(json.loads(line)["key"])
            except ValueError:  # a torn line (UnicodeDecodeError is a ValueError too)
                continue
        return keys

    def drain(self, env):
        for _ in range(40):
            if not Message.objects.exclude(status="sent").exists():
                return
            time.sleep(1.1)  # let abandoned claims expire (OUTBOX_CLAIM_SECONDS=1)
            subprocess.run(
                [sys.executable, "manage.py", "worker", "--once"],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def assert_each_sent_once(self):
        self.assertEqual(Message.objects.filter(status="sent").count(), N)
        keys = self.delivered()
        self.assertEqual(len(keys), N, "a message was lost or sent twice")
        self.assertEqual(set(keys), {str(k) for k in Message.objects.values_list("key", flat=True)})

    def test_killed_at_random_points_loses_and_duplicates_nothing(self):
        env = worker_env(self.var, OUTBOX_CLAIM_SECONDS="1")
        rng = random.Random(1405)
        kills = mid_send = 0
        for _ in range(10):
            proc = start_worker(env)
            # Kill it at a random moment once it is running (start-up time varies with load).
            wait_for(
                lambda p=proc: (
                    p.poll() is not None or WorkerHeartbeat.objects.filter(pid=p.pid).exists()
                )
            )
            time.sleep(rng.uniform(0.1, 0.8))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            # A claim left behind means the process died between claiming and finishing.
            mid_send += Message.objects.filter(status="sending").exists()
            if not Message.objects.exclude(status="sent").exists():
                break
        self.assertGreater(mid_send, 0, "no kill landed in the middle of sending")
        self.drain(env)
        self.assert_each_sent_once()

    def test_several_workers_at_once_send_each_message_once(self):
        env = worker_env(self.var, OUTBOX_CLAIM_SECONDS="60")
        procs = [start_worker(env, "--name", f"w{i}") for i in range(3)]
        wait_for(lambda: not Message.objects.exclude(status="sent").exists(), timeout=180)
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=20)
        self.assert_each_sent_once()
