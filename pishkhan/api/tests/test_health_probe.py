"""/healthz is answered first, before the stack (issue #19): a probe from a load balancer or
systemd gets the real answer over plain HTTP at the machine's address, with one query, and
leaves no cookie; everything else still goes through the whole stack."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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
