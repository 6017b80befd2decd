"""Seedbed settings: one file, every knob from the environment (see README "Configuration")."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url

from seedbed.lib.env import env_bool, env_int, env_list, env_path, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- data folder: database, uploads, generated secret key ---------------------------------
DATA_DIR = env_path("SEEDBED_DATA_DIR", "./var")
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "uploads"


def _secret_key() -> str:
    """Use SEEDBED_SECRET_KEY, else a key generated once and kept in the data folder."""
    configured = env_str("SEEDBED_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SEEDBED_DEBUG", False)
ALLOWED_HOSTS = env_list("SEEDBED_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SEEDBED_CSRF_TRUSTED_ORIGINS", [])
SECURE_SSL = env_bool("SEEDBED_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "django_tasks_db",
    "seedbed.accounts",
    "seedbed.skills",
    "seedbed.frameworks",
    "seedbed.people",
    "seedbed.imports",
    "seedbed.gaps",
    "seedbed.learning",
    "seedbed.certifications",
    "seedbed.development",
    "seedbed.notifications",
    "seedbed.surveys",
    "seedbed.mentoring",
    "seedbed.knowledge",
    "seedbed.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "seedbed.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "seedbed.config.urls"
WSGI_APPLICATION = "seedbed.config.wsgi.application"
ASGI_APPLICATION = "seedbed.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "seedbed.accounts.context_processors.navigation",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

# --- database: embedded SQLite (WAL) by default, PostgreSQL via DATABASE_URL --------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # psycopg prepares a statement the fifth time it runs on a connection, and reuses it
    # (no parsing and planning: 1.6 of the expert finder's 3.2 ms for its links). Only
    # statements run on server-binding cursors are prepared: the expert finder's
    # (``seedbed.knowledge.evidence.server_cursor``); Django's own cursors bind on the client
    # and never are. Turn it off behind a pooler in transaction mode that does not keep
    # prepared statements (PgBouncer before 1.21): SEEDBED_DB_PREPARED=0.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env_bool("SEEDBED_DB_PREPARED", True) else None
    )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "seedbed.sqlite3"),
            "OPTIONS": {
                # WAL lets readers and one writer work together; IMMEDIATE takes the write lock
                # at BEGIN so concurrent writers wait (busy timeout) instead of failing mid-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Login throttle: at most this many failures per email or per client address in the window.
LOGIN_MAX_FAILURES = env_int("SEEDBED_LOGIN_MAX_FAILURES", 5, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("SEEDBED_LOGIN_WINDOW_SECONDS", 900, minimum=1)
PASSWORD_RESET_MAX_PER_WINDOW = env_int("SEEDBED_PASSWORD_RESET_MAX", 3, minimum=1)

# --- i18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["seedbed.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("SEEDBED_TIME_ZONE", "UTC")

# --- static and uploads -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # seedbed/static: app.css, app.js, favicon
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Import files: refuse anything larger than this many megabytes with a clear message.
IMPORT_MAX_MB = env_int("SEEDBED_IMPORT_MAX_MB", 20, minimum=1)
IMPORT_MAX_ROWS = env_int("SEEDBED_IMPORT_MAX_ROWS", 100_000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- background work --------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("SEEDBED_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- email (Django 6.1 MAILERS) -----------------------------------------------------------
MAILERS = {
    "default": {
        "BACKEND": env_str("SEEDBED_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": (
            {
                "host": env_str("SEEDBED_EMAIL_HOST", "localhost"),
                "port": env_int("SEEDBED_EMAIL_PORT", 25),
                "username": env_str("SEEDBED_EMAIL_USER"),
                "password": env_str("SEEDBED_EMAIL_PASSWORD"),
                "use_tls": env_bool("SEEDBED_EMAIL_TLS", False),
            }
            if env_str("SEEDBED_EMAIL_BACKEND", "smtp").endswith(("smtp", "smtp.EmailBackend"))
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("SEEDBED_FROM_EMAIL", "seedbed@localhost")
# Where people open Seedbed: links in emails start with this (no trailing slash).
BASE_URL = env_str("SEEDBED_BASE_URL", "http://localhost:8000").rstrip("/")
# How often `seedbed worker` queues the daily housekeeping (survey reminders, stale nudges).
HOUSEKEEPING_INTERVAL_SECONDS = env_int("SEEDBED_HOUSEKEEPING_INTERVAL_SECONDS", 86400, minimum=10)

# --- Content-Security-Policy: no inline scripts, everything served by us -----------------
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SEEDBED_LOG_LEVEL", "WARNING")},
}
