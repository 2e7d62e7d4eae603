"""Settings for bench/trivial.py: the smallest Django project (no apps, no middleware)."""

SECRET_KEY = "bench-trivial-only"  # noqa: S105 — serves one constant page on 127.0.0.1
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.trivial"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
