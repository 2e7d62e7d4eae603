"""The worker survives a locked database, and /healthz tells when it is gone (issue 13 item 6).
Before: one "database is locked" killed the worker, `make run` went on serving without SMS and
/healthz kept answering 200."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db import OperationalError
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from pishkhan.notify.models import Message, WorkerHeartbeat
from pishkhan.notify.services import message_enqueue, outbox_process

WORKER = "pishkhan.cycle.management.commands.worker"


def enqueue(key: str) -> None:
    message_enqueue(
        template="accounts/messages/reset_code",
        context={"code": "123456"},
        mobile="+989121234567",
        dedupe_key=key,
    )


class WorkerRetryTests(TransactionTestCase):  # the worker runs in autocommit, as in production
    def run_worker(self, **patches) -> str:
        err = StringIO()
        with (
            mock.patch(f"{WORKER}.time.sleep"),
            mock.patch.multiple(WORKER, **patches or {"ONCE_RETRIES": 5}),
        ):
            call_command("worker", "--once", stdout=StringIO(), stderr=err)
        return err.getvalue()

    def test_locked_database_while_sending_is_retried(self):
        enqueue("lock-1")
        calls = []

        def locked_once(**kwargs):
            calls.append(kwargs)
            if len(calls) == 1:
                raise OperationalError("database is locked")
            return outbox_process(**kwargs)

        err = self.run_worker(outbox_process=locked_once)
        self.assertIn("database is locked", err)
        self.assertEqual(Message.objects.get(dedupe_key="lock-1:sms").status, "sent")
        self.assertTrue(WorkerHeartbeat.objects.filter(name="worker").exists())

    def test_locked_database_on_the_heartbeat_is_retried(self):
        enqueue("lock-2")
        from pishkhan.cycle.management.commands.worker import Command

        real = Command.beat
        calls = []

        def locked_twice(command):
            calls.append(1)
            if len(calls) <= 2:
                raise OperationalError("database is locked")
            return real(command)

        with mock.patch.object(Command, "beat", locked_twice):
            err = self.run_worker()
        self.assertEqual(err.count("database is locked"), 2)
        self.assertEqual(Message.objects.get(dedupe_key="lock-2:sms").status, "sent")

    def test_pause_between_retries_doubles_up_to_the_limit(self):
        pauses = []
        with (
            mock.patch(f"{WORKER}.Command.pause", lambda self, s: pauses.append(s)),
            mock.patch(
                f"{WORKER}.outbox_process", side_effect=OperationalError("database is locked")
            ),
            override_settings(WORKER_RETRY_MAX_SECONDS=3),
            self.assertRaises(OperationalError),  # --once gives up in the end; the loop never does
        ):
            call_command("worker", "--once", stdout=StringIO(), stderr=StringIO())
        self.assertEqual(pauses, [0.5, 1, 2, 3, 3])


@override_settings(WORKER_STALE_SECONDS=120)
class HealthzTests(TestCase):
    def beat(self, seconds_ago: float, name: str = "worker") -> None:
        WorkerHeartbeat.objects.update_or_create(
            name=name, defaults={"at": timezone.now() - dt.timedelta(seconds=seconds_ago)}
        )

    def test_fresh_heartbeat_is_healthy(self):
        self.beat(5)
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "ok")
        self.assertEqual(response.json()["worker"], "ok")

    def test_stale_heartbeat_is_unhealthy_and_says_why(self):
        self.beat(121)
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        body = response.json()
        self.assertEqual(
            (body["status"], body["worker"], body["database"]), ("unhealthy", "stale", "ok")
        )
        self.assertIn("121", body["reason"])
        self.assertEqual(body["worker_stale_after"], 120)

    def test_no_worker_ever_is_unhealthy(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["worker"], "missing")

    def test_any_live_worker_counts(self):
        # systemd names each worker after its host (deploy/pishkhan-worker.service)
        self.beat(600, name="web1")
        self.beat(3, name="web2")
        self.assertEqual(self.client.get("/healthz").status_code, 200)

    @override_settings(WORKER_STALE_SECONDS=10)
    def test_threshold_is_a_setting(self):
        self.beat(30)
        self.assertEqual(self.client.get("/healthz").status_code, 503)
