"""/healthz is answered first, before the stack (issue #19): a probe from a load balancer or
systemd gets the real answer over plain HTTP at the machine's address, with one query, and
leaves no cookie; everything else still goes through the whole stack."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.conf import settings
from django.db import OperationalError, connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pishkhan.api import health
from pishkhan.notify.models import WorkerHeartbeat


class HealthProbeTests(TestCase):
    def setUp(self) -> None:
        WorkerHeartbeat.objects.create(name="worker", at=timezone.now())

    def test_one_query_no_cookie(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["worker"], "ok")
        self.assertEqual(len(queries), 1)
        self.assertFalse(response.cookies)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_answers_the_machine_address_over_plain_http(self):
        # The probe comes from the load balancer to the backend's own address, over HTTP.
        with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["pishkhan.example"]):
            probe = self.client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
            page = self.client.get("/", HTTP_HOST="pishkhan.example")
            stranger = self.client.get("/", HTTP_HOST="10.0.0.7:8000")
        self.assertEqual(probe.status_code, 200)
        self.assertEqual(page.status_code, 301)  # a person's page still goes to HTTPS
        self.assertEqual(stranger.status_code, 400)  # and an unknown host is still refused

    def test_a_stale_worker_is_still_reported(self):
        WorkerHeartbeat.objects.update(at=timezone.now() - timezone.timedelta(hours=1))
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["worker"], "stale")

    def test_other_paths_keep_the_stack(self):
        response = self.client.get("/healthz/")  # not the probe: the stack (and its 404)
        self.assertEqual(response.status_code, 404)
        self.assertIn("Content-Security-Policy", response)


@override_settings(HEALTHZ_REUSE_SECONDS=1)
class HealthReadingReuseTests(TestCase):
    """The probe needs no sign-in: within HEALTHZ_REUSE_SECONDS a process answers from the
    database's last answer instead of asking again, so a flood of probes is not a flood of
    queries. What it says still follows the clock and is never older than the window."""

    def setUp(self) -> None:
        health._last = None
        self.addCleanup(setattr, health, "_last", None)
        self.clock = 1000.0
        patcher = mock.patch("pishkhan.api.health.time.monotonic", lambda: self.clock)
        patcher.start()
        self.addCleanup(patcher.stop)

    def probe(self) -> tuple[int, dict, int]:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get("/healthz")
        return response.status_code, response.json(), len(queries)

    def test_a_flood_of_probes_is_one_query_a_second(self):
        WorkerHeartbeat.objects.create(name="worker", at=timezone.now())
        counts = []
        for _ in range(50):
            status, body, count = self.probe()
            self.assertEqual((status, body["worker"]), (200, "ok"))
            counts.append(count)
            self.clock += 0.1
        self.assertEqual(counts[0], 1)
        self.assertEqual(sum(counts), 5)  # 5 seconds of probes, one query each second

    def test_a_new_worker_is_seen_within_the_window(self):
        status, body, _count = self.probe()
        self.assertEqual((status, body["worker"]), (503, "missing"))
        WorkerHeartbeat.objects.create(name="worker", at=timezone.now())
        self.clock += 0.5
        self.assertEqual(self.probe()[1]["worker"], "missing")  # the answer of 0.5 s ago
        self.clock += 0.5
        status, body, count = self.probe()
        self.assertEqual((status, body["worker"], count), (200, "ok", 1))

    def test_the_worker_turns_stale_on_the_clock_not_the_reading(self):
        beat = timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS - 1)
        WorkerHeartbeat.objects.create(name="worker", at=beat)
        self.assertEqual(self.probe()[0], 200)
        with mock.patch(
            "django.utils.timezone.now", return_value=timezone.now() + dt.timedelta(seconds=5)
        ):
            status, body, count = self.probe()
        self.assertEqual((status, body["worker"], count), (503, "stale", 0))

    def test_a_lost_database_is_seen_within_the_window(self):
        WorkerHeartbeat.objects.create(name="worker", at=timezone.now())
        self.assertEqual(self.probe()[0], 200)
        lost = mock.patch(
            "pishkhan.api.health.worker_heartbeat_at", side_effect=OperationalError("gone")
        )
        with lost:
            self.clock += 0.9
            self.assertEqual(self.probe()[0], 200)  # the answer of 0.9 s ago
            self.clock += 0.1
            response = self.client.get("/healthz")
            self.clock += 0.5
            again = self.client.get("/healthz")  # the failure is reused too: no query storm
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "unreachable")
        self.assertEqual(again.status_code, 503)
        self.clock += 0.5
        self.assertEqual(self.probe()[0], 200)  # back as soon as the window has passed

    @override_settings(HEALTHZ_REUSE_SECONDS=0)
    def test_zero_asks_every_time(self):
        WorkerHeartbeat.objects.create(name="worker", at=timezone.now())
        self.assertEqual([self.probe()[2] for _ in range(3)], [1, 1, 1])
