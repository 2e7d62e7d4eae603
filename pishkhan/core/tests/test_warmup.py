from unittest import mock

from django.test import SimpleTestCase

from pishkhan.core.warmup import FreezeAfterWarmup


class FreezeAfterWarmupTests(SimpleTestCase):
    def test_freezes_once_after_the_warm_requests_and_passes_everything_through(self):
        calls = []

        def app(environ, start_response):
            calls.append(environ["PATH_INFO"])
            start_response("200 OK", [])
            return [b"ok"]

        wrapped = FreezeAfterWarmup(app, warm=3)
        with mock.patch("pishkhan.core.warmup.gc") as gc:
            for n in range(1, 7):
                body = wrapped({"PATH_INFO": f"/{n}"}, lambda *a: None)
                self.assertEqual(body, [b"ok"])
                self.assertEqual(gc.freeze.call_count, 0 if n < 3 else 1, n)
            gc.collect.assert_called_once_with()
        self.assertEqual(calls, [f"/{n}" for n in range(1, 7)])

    def test_the_project_application_is_wrapped(self):
        from pishkhan import wsgi

        self.assertIsInstance(wsgi.application, FreezeAfterWarmup)
        self.assertIs(wsgi.application.app, wsgi.django_application)
