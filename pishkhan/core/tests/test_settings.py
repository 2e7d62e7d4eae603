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
            "import pishkhan.settings as s;"
            " print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)",
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
        for env in ({"DJANGO_DEBUG": "maybe"}, {"LOGIN_SLOWDOWN_MAX_SECONDS": "sixty"}):
            result = _import_settings(**env)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("ImproperlyConfigured", result.stderr)


def _secret_key(var: str, **env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    full.update(PISHKHAN_VAR_DIR=var, **env)
    return subprocess.run(
        [sys.executable, "-c", "import pishkhan.settings as s; print(s.SECRET_KEY)"],
        cwd=BASE_DIR,
        env=full,
        capture_output=True,
        text=True,
    )


class InstallSecretKeyTests(SimpleTestCase):
    """`make run` without DJANGO_SECRET_KEY used a key printed in the source code, so anyone
    could sign a session, a reset code or a calendar link for any install."""

    def test_each_install_generates_its_own_private_key_once(self):
        import stat
        import tempfile
        from pathlib import Path

        first, second = (Path(tempfile.mkdtemp()) / "var" for _ in range(2))
        a1, a2, b = _secret_key(str(first)), _secret_key(str(first)), _secret_key(str(second))
        for result in (a1, a2, b):
            self.assertEqual(result.returncode, 0, result.stderr)
        key = a1.stdout.strip()
        self.assertGreaterEqual(len(key), 50)
        self.assertNotEqual(key, "insecure-dev-key-change-me")
        self.assertEqual(a2.stdout.strip(), key)  # kept across restarts
        self.assertNotEqual(b.stdout.strip(), key)  # another install, another key
        path = first / "secret_key"
        self.assertEqual(path.read_text().strip(), key)
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)

    def test_a_configured_key_wins_and_writes_nothing(self):
        import tempfile
        from pathlib import Path

        var = Path(tempfile.mkdtemp()) / "var"
        result = _secret_key(str(var), DJANGO_SECRET_KEY="configured-" + "k" * 50)
        self.assertEqual(result.stdout.strip(), "configured-" + "k" * 50)
        self.assertFalse((var / "secret_key").exists())

    def test_concurrent_first_starts_agree_on_one_key(self):
        import tempfile
        from concurrent.futures import ThreadPoolExecutor
        from pathlib import Path

        from pishkhan.core.secretkey import install_secret_key

        var = Path(tempfile.mkdtemp()) / "var"
        with ThreadPoolExecutor(8) as pool:
            keys = set(pool.map(lambda _: install_secret_key(var), range(16)))
        self.assertEqual(len(keys), 1)
        self.assertEqual(sorted(p.name for p in var.iterdir()), ["secret_key"])
