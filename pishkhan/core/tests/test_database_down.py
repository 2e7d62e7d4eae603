from unittest import mock

from django.db import OperationalError
from django.test import Client, override_settings

from pishkhan.test import BaseTestCase


@override_settings(DEBUG=False)
class DatabaseDownTests(BaseTestCase):
    def test_html_page_gets_persian_try_again_503(self):
        with mock.patch(
            "pishkhan.portal.views.render", side_effect=OperationalError("connection refused")
        ):
            response = self.client.get("/")
        self.assertEqual(response.status_code, 503)
        self.assertContains(response, "دوباره تلاش کنید", status_code=503)
        self.assertEqual(response["Retry-After"], "30")

    def test_api_gets_json_503(self):
        with mock.patch(
            "pishkhan.api.health.worker_heartbeat_at", side_effect=OperationalError("gone")
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "unreachable")

    def test_outage_inside_a_middleware_is_a_503_too(self):
        # The city look-up runs in a middleware, before any view: the 500 handler answers.
        client = Client(raise_request_exception=False)
        with mock.patch(
            "pishkhan.accounts.middleware.municipality_for_host",
            side_effect=OperationalError("server closed the connection unexpectedly"),
        ):
            page = client.get("/services/")
            api = client.get("/open311/v2/services.json")
        self.assertEqual(page.status_code, 503)
        self.assertContains(page, "دوباره تلاش کنید", status_code=503)
        self.assertEqual(api.status_code, 503)
        self.assertIn("دوباره تلاش کنید", api.json()["detail"])
        self.assertEqual(api["Retry-After"], "30")

    def test_other_errors_stay_a_plain_500(self):
        client = Client(raise_request_exception=False)
        with mock.patch(
            "pishkhan.accounts.middleware.municipality_for_host", side_effect=ValueError("bug")
        ):
            response = client.get("/services/")
        self.assertEqual(response.status_code, 500)
        self.assertNotIn("Retry-After", response)

    def test_open311_outage_is_a_503_in_its_own_error_format(self):
        with mock.patch(
            "pishkhan.api.open311.views._jurisdiction", side_effect=OperationalError("gone")
        ):
            response = self.client.get("/open311/v2/services.json")
            xml = self.client.get("/open311/v2/services.xml")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()[0]["code"], 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertEqual(xml.status_code, 503)
        self.assertIn(b"<code>503</code>", xml.content)
