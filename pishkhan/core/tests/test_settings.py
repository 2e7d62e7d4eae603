import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase

from pishkhan.settings import BASE_DIR


def _import_settings(**env):
    full = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PISHKHAN_TESTING"))
    }
    full.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import pishkhan.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
        ],
        cwd=BASE_DIR,
        env=full,
        capture_output=True,
        text=True,
    )


class SettingsTests(SimpleTestCase):
    def test_defaults(self):
        self.assertEqual(settings.LANGUAGE_CODE, "fa")
        self.assertEqual(settings.TIME_ZONE, "Asia/Tehran")
        self.assertTrue(settings.USE_TZ)

    def test_production_refuses_default_secret(self):
        result = _import_settings(DJANGO_DEBUG="0")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY", result.stderr)

    def test_production_turns_on_secure_cookies_and_hsts(self):
        result = _import_settings(
            DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, PISHKHAN_VAR_DIR="/tmp/pishkhan-prod-test"
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["False", "True", "31536000"])

    def test_var_dir_is_created_on_a_fresh_clone(self):
        import tempfile
        from pathlib import Path

        var = Path(tempfile.mkdtemp()) / "fresh" / "var"
        result = _import_settings(PISHKHAN_VAR_DIR=str(var))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(var.is_dir())  # the default SQLite file can be created there

    def test_bad_values_fail_loudly(self):
        for env in ({"DJANGO_DEBUG": "maybe"}, {"LOGIN_MAX_FAILURES": "five"}):
            result = _import_settings(**env)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("ImproperlyConfigured", result.stderr)
