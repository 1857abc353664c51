"""The one settings module: everything comes from ``ICOMMIT_*`` variables and DATABASE_URL.

Production is the default; ICOMMIT_DEV or ICOMMIT_DEMO relax it. Anything unknown or
malformed stops start-up with a message naming the variable (see ``icommit.config``).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

from icommit.config import ConfigError, Env, secret_from

ENV = Env(dict(os.environ))
ENV.check_unknown()

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent

DEV = ENV.flag("ICOMMIT_DEV", False)
DEMO = ENV.flag("ICOMMIT_DEMO", False)
PRODUCTION = not (DEV or DEMO)
DEBUG = DEV

DATA_DIR = Path(ENV.raw("ICOMMIT_DATA_DIR") or BASE_DIR / "var").expanduser().resolve()
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ConfigError(f"ICOMMIT_DATA_DIR={str(DATA_DIR)!r} cannot be created: {exc}.") from None

BASE_URL = ENV.url("ICOMMIT_BASE_URL", "http://127.0.0.1:8000")
_base = urlsplit(BASE_URL)
ALLOWED_HOSTS = [
    h.strip() for h in (ENV.raw("ICOMMIT_ALLOWED_HOSTS") or "").split(",") if h.strip()
] or [_base.hostname or "127.0.0.1"]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver", "[::1]"]
CSRF_TRUSTED_ORIGINS = [f"{_base.scheme}://{_base.netloc}"]

SECRET_KEY = secret_from(ENV, "ICOMMIT_SECRET_KEY", DATA_DIR, generate=not PRODUCTION, make="token")
DATA_KEYS = secret_from(ENV, "ICOMMIT_DATA_KEYS", DATA_DIR, generate=not PRODUCTION, make="datakey")

MFA_REQUIRED = ENV.flag("ICOMMIT_MFA_REQUIRED", True)
SESSION_IDLE_SECONDS = ENV.integer("ICOMMIT_SESSION_IDLE_MINUTES", 30, 1, 24 * 60) * 60
SESSION_MAX_SECONDS = ENV.integer("ICOMMIT_SESSION_MAX_HOURS", 12, 1, 72) * 3600
#: A case with no contact with the client recorded for this many days is "drifting" (interventions).
ICOMMIT_DRIFT_DAYS = ENV.integer("ICOMMIT_DRIFT_DAYS", 30, 1, 365)
DEMO_PASSWORD = ENV.raw("ICOMMIT_DEMO_PASSWORD") or "icommit-demo"
CHECKPOINT_DIR = Path(ENV.raw("ICOMMIT_CHECKPOINT_DIR") or DATA_DIR / "checkpoints")
AUDIT_SIGNING_KEY_FILE = ENV.raw("ICOMMIT_AUDIT_SIGNING_KEY_FILE")
AUDIT_CHECKPOINT_MAX_AGE_MINUTES = ENV.integer(
    "ICOMMIT_AUDIT_CHECKPOINT_MAX_AGE_MINUTES", 10, 2, 7 * 24 * 60
)
# training credentials (issue 15): the Ed25519 key of Open Badges certificates, outside the database
CREDENTIAL_SIGNING_KEY_FILE = ENV.raw("ICOMMIT_CREDENTIAL_SIGNING_KEY_FILE")
SERVE_PORT = ENV.integer("ICOMMIT_PORT", 8000, 1, 65535)
SERVE_BIND = ENV.raw("ICOMMIT_BIND") or "127.0.0.1"
SERVE_WORKERS = ENV.integer("ICOMMIT_WORKERS", os.cpu_count() or 1, 1, 64)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "heroicons",
    "csp",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "icommit.core",
    "icommit.access",
    "icommit.accounts",
    "icommit.stakeholders",
    "icommit.teams",
    "icommit.sharing",
    "icommit.phases",
    "icommit.charters",
    "icommit.plans",
    "icommit.instruments",
    "icommit.diagnostics",
    "icommit.cases",
    "icommit.dataprotection",
    "icommit.analysis",
    "icommit.assessments",
    "icommit.interventions",
    "icommit.conferences",
    "icommit.training",
    "icommit.api",
    "icommit.web",
    "icommit.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "icommit.accounts.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "icommit.core.middleware.SecurityHeadersMiddleware",
    "icommit.core.middleware.KeyCacheMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icommit.urls"
WSGI_APPLICATION = "icommit.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "icommit.access.backend.PolicyBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "icommit.web.context.platform",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# --- database -----------------------------------------------------------------------------
_database_url = ENV.values.get("DATABASE_URL", "").strip()
if _database_url:
    try:
        _db = dj_database_url.parse(_database_url, conn_max_age=600, conn_health_checks=True)
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"DATABASE_URL is malformed: {exc}") from None
    if _db.get("ENGINE") != "django.db.backends.postgresql":
        raise ConfigError(
            "DATABASE_URL must be a postgres:// address (PostgreSQL 15 or newer); "
            "leave it unset for the embedded SQLite database."
        )
    if not _db.get("NAME"):
        raise ConfigError("DATABASE_URL names no database.")
    _db.setdefault("OPTIONS", {})
    _db["TEST"] = {"NAME": f"test_{_db['NAME']}"}
    DATABASES = {"default": _db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "icommit.sqlite3"),
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;PRAGMA secure_delete=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ------------------------------------------------------------------------------------
# One cache for every worker process of this host, in the data directory: the counters of the
# public verification and registration rate limits and the signed status list. A cache in each
# process's memory (Django's default) would let every worker count on its own.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}

# --- passwords and sessions ----------------------------------------------------------------
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if ENV.flag("ICOMMIT_FAST_HASHER", False) and not PRODUCTION
    else ["django.contrib.auth.hashers.Argon2PasswordHasher"]
)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
SESSION_ENGINE = "django.contrib.sessions.backends.db"
#: How recent a password (and code) check must be before changing MFA or creating a token.
REAUTH_SECONDS = 5 * 60
OTP_TOTP_ISSUER = "icommit"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# Lock an account from one address after AXES_FAILURE_LIMIT failures, so a stranger cannot lock
# a known person out; accounts.lockout adds a slower limit per account from any address and one
# per address over any accounts. Behind the reverse proxy of deploy/, the client address comes
# from X-Forwarded-For (one proxy).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "icommit.accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "icommit.accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "icommit.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# A locked pair that keeps trying does not add failures, so one address alone can never reach
# the per-account limit.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
LOCKOUT_ACCOUNT_FAILURE_LIMIT = 20
LOCKOUT_ADDRESS_FAILURE_LIMIT = 20
AXES_IPWARE_PROXY_COUNT = 1 if PRODUCTION else 0
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PRODUCTION else ("REMOTE_ADDR",)
)
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _base.scheme == "https"
SESSION_COOKIE_NAME = "icommit_session"
CSRF_COOKIE_SECURE = _base.scheme == "https"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_NAME = "icommit_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = _base.scheme == "https"

# --- security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = PRODUCTION
SECURE_HSTS_SECONDS = 63072000 if _base.scheme == "https" else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _base.scheme == "https"
SECURE_HSTS_PRELOAD = False

from csp.constants import NONCE, NONE, SELF  # noqa: E402 (settings read constants late)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    }
}

# --- languages ----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
#: English dates as written in Europe ("4 December 2026, 14:05"), not Django's US style.
FORMAT_MODULE_PATH = ["icommit.formats"]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Berlin"

# --- static and private files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "private"
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEV
#: How long a download link for a generated file stays valid.
DOWNLOAD_LINK_SECONDS = 300
#: A PDF (always rendered by a background task) stops after this long, and is refused when it
#: has more pages than this; either way the job fails with a message and writes nothing.
PDF_TIME_LIMIT_SECONDS = 60
PDF_MAX_PAGES = 300
#: How many files (PDFs, exports) one person may have being prepared at the same time.
JOBS_MAX_UNFINISHED = 3

# --- mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = ENV.raw("ICOMMIT_MAIL_FROM") or f"icommit <noreply@{_base.hostname}>"
_smtp_host = ENV.raw("ICOMMIT_SMTP_HOST")
if _smtp_host:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp_host
    EMAIL_PORT = ENV.integer("ICOMMIT_SMTP_PORT", 587, 1, 65535)
    EMAIL_HOST_USER = ENV.raw("ICOMMIT_SMTP_USER") or ""
    EMAIL_HOST_PASSWORD = ENV.raw("ICOMMIT_SMTP_PASSWORD") or ""
    EMAIL_USE_TLS = ENV.flag("ICOMMIT_SMTP_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")

# --- background work --------------------------------------------------------------------------
Q_CLUSTER = {
    "name": "icommit",
    "orm": "default",
    "workers": max(1, min(SERVE_WORKERS, 4)),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "ack_failures": True,
    "save_limit": 500,
    "catch_up": False,
    "poll": 1,
    "label": _("Background tasks"),
}

# --- logging ------------------------------------------------------------------------------
_LOG_LEVEL = ENV.choice("ICOMMIT_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": _LOG_LEVEL,
    },
    # django-q logs under "django-q" (a line per task enqueued: the demo's 40 jobs at start),
    # WeasyPrint each layout step and, as warnings, every screen-only CSS rule it skips. Their
    # errors always show (django-q's warnings too); ICOMMIT_LOG_LEVEL=DEBUG shows everything.
    "loggers": {
        name: {"level": "DEBUG" if _LOG_LEVEL == "DEBUG" else level}
        for name, level in (
            ("django-q", "WARNING"),
            ("axes", "WARNING"),
            ("weasyprint", "ERROR"),
            ("fontTools", "WARNING"),
        )
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "icommit.api.pagination.BoundedLimitOffset"
NINJA_PAGINATION_MAX_LIMIT = 200
# Preloading HSTS is the operator's decision (it binds the whole domain); see deploy/README.md.
SILENCED_SYSTEM_CHECKS: list[str] = ["security.W021"]
CSRF_FAILURE_VIEW = "icommit.web.errors.csrf_failure"
