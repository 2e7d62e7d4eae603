"""Pishkhan settings: one module, driven by environment variables.

Every value can be set from the environment; bad values fail loudly at start-up.
Secrets can also be read from a file named by ``<NAME>_FILE``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pishkhan.core.secretkey import install_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = env(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = env(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envfloat(name: str, default: str) -> float:
    value = env(name, default)
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "1")
TESTING = envbool("PISHKHAN_TESTING", "0")
VAR_DIR = Path(env("PISHKHAN_VAR_DIR", str(BASE_DIR / "var")))
# A configured key wins; without one, this install's own key, generated on the first start and
# kept in var/secret_key (mode 0600). There is no default key in the source to forge with.
SECRET_KEY = env("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production mode)."
    )
SECRET_KEY = SECRET_KEY or install_secret_key(VAR_DIR)
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "pishkhan.accounts.admin_config.PishkhanAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pishkhan.core",
    "pishkhan.accounts",
    "pishkhan.cases",
    "pishkhan.cycle",
    "pishkhan.visits",
    "pishkhan.meetings",
    "pishkhan.directives",
    "pishkhan.notify",
    "pishkhan.portal",
    "pishkhan.api",
    "pishkhan.office",
    "pishkhan.demo",
]
# Optional, PostgreSQL only: `migrate` partitions cases_case / cases_caseevent by RANGE (id)
# (pishkhan/partitioning, docs/DEPLOY.md §9). Ids a partition: about a year of Tehran's cases.
if envbool("PISHKHAN_PARTITION_CASES", "0"):
    INSTALLED_APPS.append("pishkhan.partitioning")
PARTITION_CASE_ROWS = envint("PISHKHAN_PARTITION_CASE_ROWS", "2500000")
PARTITION_EVENT_ROWS = envint("PISHKHAN_PARTITION_EVENT_ROWS", "10000000")

MIDDLEWARE = [
    "pishkhan.api.health.HealthProbeMiddleware",  # the probe needs none of what follows
    "django.middleware.security.SecurityMiddleware",
    "pishkhan.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pishkhan.core.middleware.PersianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pishkhan.core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pishkhan.accounts.middleware.MunicipalityMiddleware",
    "pishkhan.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "pishkhan.urls"
WSGI_APPLICATION = "pishkhan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pishkhan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pishkhan.accounts.context_processors.municipality",
                "pishkhan.office.nav.office_nav",
            ],
            "builtins": ["pishkhan.core.templatetags.fa"],
        },
    }
]

# Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "60"), conn_health_checks=True
        )
    }
    # Django's backend with the health check made only after the connection sat idle
    # (pishkhan/core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "pishkhan.core.postgresql"
    if envbool("DB_PREPARED_STATEMENTS", "1"):
        # Parameters bound by the server and a statement prepared once it has run a few times
        # on a connection: PostgreSQL plans the same query once, not on every request (the
        # tracking page 1.4 -> 0.9 ms, /healthz 0.22 -> 0.17 ms, measured). Behind PgBouncer in
        # transaction pooling (older than 1.21), set DB_PREPARED_STATEMENTS=0.
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
    DATABASES["default"]["TEST"] = {
        "NAME": env("DATABASE_TEST_NAME", "") or None,
        # A UTF-8 (C.UTF-8 ctype) template so trigram search sees Persian letters.
        "TEMPLATE": env("DATABASE_TEST_TEMPLATE", "") or None,
    }
else:
    SQLITE_WAL_AUTOCHECKPOINT = envint("SQLITE_WAL_AUTOCHECKPOINT", "10000")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(VAR_DIR / "pishkhan.sqlite3")),
            # Keep the connection (and SQLite's page cache with it) across requests: a new
            # connection per request re-reads every index page it touches.
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "60"),
            "CONN_HEALTH_CHECKS": True,
            # A file (not in-memory) test database, so tests can run real worker processes.
            "TEST": {"NAME": env("SQLITE_TEST_PATH", "") or None},
            "OPTIONS": {
                # The worker checkpoints the log every round (cycle/upkeep.py); a request
                # does it only past this many pages (40 MB), when no worker runs.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                    f" PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT};"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
# A reused PostgreSQL connection is checked (SELECT 1) before a request's first query only if
# it was last used longer ago than this.
DB_HEALTH_CHECK_IDLE_SECONDS = envfloat("DB_HEALTH_CHECK_IDLE_SECONDS", "1")
DB_VENDOR = "postgresql" if DATABASE_URL.startswith("postgres") else "sqlite"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["pishkhan.accounts.backends.MobileBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "office:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
# Login limits (accounts/login_limits.py): failed attempts per address, then 429; an account
# with LOGIN_SLOWDOWN failures is slowed down (one attempt per 1, 2, 4 … up to
# LOGIN_SLOWDOWN_MAX_SECONDS) for browsers its owner has not signed in with — never locked.
LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "20/10m")
LOGIN_SLOWDOWN = env("LOGIN_SLOWDOWN", "5/15m")
LOGIN_SLOWDOWN_MAX_SECONDS = envint("LOGIN_SLOWDOWN_MAX_SECONDS", "60")
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("فارسی")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "pishkhan_language"
LOCALE_PATHS = [BASE_DIR / "pishkhan" / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "pishkhan" / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/files/"  # served only through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", str(5 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(12 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        if not env("CACHE_URL")
        else "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", "pishkhan"),
    },
    # Where every limit counts (failed logins, reset codes, submissions, tracking, comments):
    # shared by every process of the install and kept across restarts — Redis when CACHE_URL
    # is set, else files under var/limits/ (a process-local cache would give each worker its own
    # limit, and a restart would reset them).
    "limits": {
        "BACKEND": "pishkhan.core.limits_cache.RedisLimitsCache",
        "LOCATION": env("CACHE_URL"),
        "KEY_PREFIX": "limits",
    }
    if env("CACHE_URL")
    else {
        "BACKEND": "pishkhan.core.limits_cache.LockedFileCache",
        "LOCATION": str(VAR_DIR / "limits"),
        "TIMEOUT": 86400,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}
if TESTING and not env("CACHE_URL"):
    # One process per test run: the limits share the default cache's memory, so a test's
    # cache.clear() starts every counter afresh (core/tests/test_limits_cache.py tests the files).
    CACHES["limits"] = {**CACHES["default"]}
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", "60")
# core.memo: how often a process re-reads the stamp of a value it holds (a city, its lists).
# Tests use 0 (every read checks the stamp, so cache.clear() starts afresh at once).
MEMO_RECHECK_SECONDS = envint("MEMO_RECHECK_SECONDS", "0" if TESTING else "1")

# Security. Production (DEBUG off) turns on secure cookies and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_FAILURE_VIEW = "pishkhan.core.views.csrf_failure"  # Persian, "nothing was saved"
SECURE_HSTS_SECONDS = 0 if DEBUG else envint("SECURE_HSTS_SECONDS", "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:"
    " https://*.tile.openstreetmap.org; font-src 'self'; connect-src 'self';"
    " frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'",
)
# HSTS preload is a commitment for the whole domain: each city decides (SECURE_HSTS_PRELOAD).
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0")
SILENCED_SYSTEM_CHECKS = ["security.W021"] + (["security.W008"] if not SECURE_SSL_REDIRECT else [])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a bad/missing token a 401, not a 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "pishkhan.core.parsers.JSONParser",  # a body nested too deep is a 400, not a 500
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "pishkhan.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_RATE_USER", "100000/hour" if TESTING else "3600/hour"),
        "anon": env("API_RATE_ANON", "100000/hour" if TESTING else "600/hour"),
        # Scoped (per user, per scope): writes are rarer than reads.
        "api_read": env("API_RATE_READ", "100000/hour" if TESTING else "3000/hour"),
        "api_write": env("API_RATE_WRITE", "100000/hour" if TESTING else "600/hour"),
        # Open311: reads per client address, creates per api_key.
        "open311_read": env("OPEN311_RATE_READ", "100000/hour" if TESTING else "6000/hour"),
        "open311_write": env("OPEN311_RATE_WRITE", "100000/hour" if TESTING else "1200/hour"),
    },
    "EXCEPTION_HANDLER": "pishkhan.api.errors.exception_handler",
}
# Open311: also download the photo at an incoming media_url (public addresses only, an image no
# larger than UPLOAD_MAX_BYTES, 5 s). Off: we keep the link only.
OPEN311_FETCH_MEDIA = env("OPEN311_FETCH_MEDIA", "") in ("1", "true", "yes")
# The REST API's schema and Swagger UI: public in development, staff only in production
# (pishkhan/api/docs.py says why); API_DOCS_PUBLIC=1 publishes them.
API_DOCS_PUBLIC = envbool("API_DOCS_PUBLIC", "1" if DEBUG else "0")
SPECTACULAR_SETTINGS = {
    "TITLE": "Pishkhan API",
    "DESCRIPTION": "REST API of Pishkhan (پیشخوان خدمت).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseChannelEnum": "pishkhan.cases.models.Case.Channel",
        "CaseStatusEnum": "pishkhan.cases.models.Case.Status",
        "VisitStatusEnum": "pishkhan.visits.models.Visit.Status",
        "MeetingStatusEnum": "pishkhan.meetings.models.Meeting.Status",
        "DirectiveStatusEnum": "pishkhan.directives.models.Directive.Status",
        "StaffChannelEnum": [("walk_in", "walk_in"), ("phone", "phone"), ("letter", "letter")],
    },
}

# Notifications: pluggable transports.
SMS_BACKEND = env("SMS_BACKEND", "pishkhan.notify.transports.FileSMSBackend")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", "")
SMS_GATEWAY_API_KEY = env("SMS_GATEWAY_API_KEY", "")
SMS_SENDER = env("SMS_SENDER", "137")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "outbox" / "email")
SMS_FILE_PATH = str(VAR_DIR / "outbox" / "sms")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "0")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "pishkhan@localhost")
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", "12")
# A worker that dies mid-send loses its claim after this long; the message is then retried
# with the same idempotency key, so a gateway (or the file backend) delivers it once.
OUTBOX_CLAIM_SECONDS = envint("OUTBOX_CLAIM_SECONDS", "120")
WORKER_INTERVAL_SECONDS = envfloat("WORKER_INTERVAL_SECONDS", "5")
# A round that failed on the database (SQLite "database is locked", a dropped connection) is
# retried after 0.5 s, 1 s, 2 s … up to this many seconds between tries.
WORKER_RETRY_MAX_SECONDS = envfloat("WORKER_RETRY_MAX_SECONDS", "30")
# /healthz answers 503 when no worker has written its heartbeat for this long (the worker
# writes it every WORKER_INTERVAL_SECONDS round and every outbox batch).
WORKER_STALE_SECONDS = envint("WORKER_STALE_SECONDS", "120")
# /healthz asks the database at most once per this many seconds in each web process (it needs
# no sign-in: a flood of probes must not become a flood of queries); 0 asks on every probe
# (the tests, which change the heartbeat between probes; tests of the reuse set it).
HEALTHZ_REUSE_SECONDS = envfloat("HEALTHZ_REUSE_SECONDS", "0" if TESTING else "1")

# The audit log is a few hash chains per city (by object), so concurrent writers do not queue
# on one chain head; verify_ledger checks every chain.
AUDIT_SHARDS = envint("AUDIT_SHARDS", "8")

# Domain settings.
DUPLICATE_RADIUS_METERS = envint("DUPLICATE_RADIUS_METERS", "150")
OBJECTION_WINDOW_DAYS = envint("OBJECTION_WINDOW_DAYS", "7")
RETENTION_DAYS = envint("RETENTION_DAYS", str(5 * 365))
# A senior manager's calendar (iCal) link stops working this many days after it is made.
ICAL_FEED_DAYS = envint("ICAL_FEED_DAYS", "90")
MAP_TILE_URL = env("MAP_TILE_URL", "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")
TRACK_RATE_LIMIT = env("TRACK_RATE_LIMIT", "10/m")
# Public request submissions per IP address (cache-based).
REQUEST_RATE_LIMIT = env("REQUEST_RATE_LIMIT", "20/h")
# News comments per IP address (the window opens at the first comment).
COMMENT_RATE_LIMIT = env("COMMENT_RATE_LIMIT", "5/m")
# Password reset per address: wrong codes, and codes asked for (each one an SMS).
RESET_RATE_LIMIT = env("RESET_RATE_LIMIT", "10/h")
RESET_SEND_RATE_LIMIT = env("RESET_SEND_RATE_LIMIT", "5/h")
# The reverse proxy's own addresses (comma-separated, e.g. "127.0.0.1" behind the nginx of
# deploy/): per-address limits then count the client named in X-Forwarded-For.
TRUSTED_PROXIES = tuple(a.strip() for a in env("TRUSTED_PROXIES", "").split(",") if a.strip())
# The API's throttles likewise (nginx appends the client to X-Forwarded-For).
REST_FRAMEWORK["NUM_PROXIES"] = 1 if TRUSTED_PROXIES else None
# Shared secret the SMS gateway sends with reply codes (/sms/inbound/); empty = webhook disabled.
SMS_INBOUND_SECRET = env("SMS_INBOUND_SECRET", "")
# Default public address of the site for links in SMS/e-mail/letters (a city's own
# "base_url" wins); empty: https://<first host of the city>.
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "")
KEYS_DIR = Path(env("PISHKHAN_KEYS_DIR", str(VAR_DIR / "keys")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pishkhan.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
    },
}
if TESTING:
    LOGGING["root"]["level"] = "CRITICAL"  # type: ignore[index]

# The SQLite file, uploads, keys and the file outbox live here: it must exist on a fresh clone.
VAR_DIR.mkdir(parents=True, exist_ok=True)
