from unittest import mock

from django.db import OperationalError
from django.test import override_settings

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
            "pishkhan.api.health.worker_heartbeat_age", side_effect=OperationalError("gone")
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "unreachable")
