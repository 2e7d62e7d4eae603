"""The background worker: runs the clock tick every minute, the registered background jobs
(cycle.jobs) every round, and sends the outbox.

Safe to run in several copies (row claims). Stop with Ctrl-C / SIGTERM: it finishes the
current message and exits.

A database error in a round (SQLite's "database is locked" when a long write holds the file,
a PostgreSQL connection dropped) does not end the worker: the round is retried after a pause
that doubles up to WORKER_RETRY_MAX_SECONDS. The heartbeat is written every round and every
outbox batch, so /healthz sees a worker that is stuck or gone.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone

from pishkhan.cycle.jobs import jobs_run
from pishkhan.notify.models import WorkerHeartbeat
from pishkhan.notify.services import outbox_process

RETRY_FIRST_SECONDS = 0.5
ONCE_RETRIES = 5


class Command(BaseCommand):
    help = "Run the background worker (clock tick + background jobs + outbox)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--name", default="worker")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False
        self.name = options["name"]

        def stop(signum: int, frame: Any) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.last_tick = 0.0
        failures = 0
        while not self.stopping:
            try:
                self.round(once=options["once"])
                failures = 0
            except OperationalError as exc:
                failures += 1
                if options["once"] and failures > ONCE_RETRIES:
                    raise
                pause = min(
                    settings.WORKER_RETRY_MAX_SECONDS, RETRY_FIRST_SECONDS * 2 ** (failures - 1)
                )
                self.stderr.write(f"database error ({exc}); round {failures} retried in {pause:g}s")
                if not connection.in_atomic_block:
                    connection.close()  # a broken connection is not reused
                self.pause(pause)
                continue
            if options["once"]:
                break
            self.pause(settings.WORKER_INTERVAL_SECONDS)
        self.stdout.write("worker stopped")

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            name=self.name, defaults={"at": timezone.now(), "pid": os.getpid()}
        )

    def round(self, *, once: bool) -> None:
        close_old_connections()
        self.beat()
        if time.monotonic() - self.last_tick >= 60 or once:
            self.last_tick = time.monotonic()
            try:
                call_command("tick", verbosity=0)
            except Exception as exc:  # noqa: BLE001 — a failing step must not kill the worker
                self.stderr.write(f"tick failed: {exc}")
        jobs_run(on_error=lambda name, exc: self.stderr.write(f"job {name} failed: {exc}"))
        while not self.stopping:
            counts = outbox_process(limit=50)
            if not counts:
                break
            self.beat()  # a long backlog is progress, not a stuck worker

    def pause(self, seconds: float) -> None:
        for _ in range(max(1, int(seconds * 10))):
            if self.stopping:
                break
            time.sleep(0.1)
