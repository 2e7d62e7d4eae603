"""The background worker: runs the clock tick every minute, the registered background jobs
(cycle.jobs) every round, and sends the outbox.

Safe to run in several copies (row claims). Stop with Ctrl-C / SIGTERM: it finishes the
current message and exits.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from pishkhan.cycle.jobs import jobs_run
from pishkhan.notify.models import WorkerHeartbeat
from pishkhan.notify.services import outbox_process


class Command(BaseCommand):
    help = "Run the background worker (clock tick + background jobs + outbox)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument("--name", default="worker")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stopping = False

        def stop(signum: int, frame: Any) -> None:
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        last_tick = 0.0
        while not self.stopping:
            close_old_connections()
            now = timezone.now()
            WorkerHeartbeat.objects.update_or_create(
                name=options["name"], defaults={"at": now, "pid": os.getpid()}
            )
            if time.monotonic() - last_tick >= 60 or options["once"]:
                last_tick = time.monotonic()
                try:
                    call_command("tick", verbosity=0)
                except Exception as exc:  # noqa: BLE001 — a failing step must not kill the worker
                    self.stderr.write(f"tick failed: {exc}")
            jobs_run(on_error=lambda name, exc: self.stderr.write(f"job {name} failed: {exc}"))
            while not self.stopping:
                counts = outbox_process(limit=50)
                if not counts:
                    break
            if options["once"]:
                break
            for _ in range(int(settings.WORKER_INTERVAL_SECONDS * 10)):
                if self.stopping:
                    break
                time.sleep(0.1)
        self.stdout.write("worker stopped")
