"""Settings of the xxgk web application, read from the environment.

* ``XXGK_DEBUG`` — ``1`` for development (default ``0``).
* ``XXGK_SECRET_KEY`` — required unless debugging (a development key is used only when ``XXGK_DEBUG=1``).
* ``DATABASE_URL`` — defaults to SQLite at ``var/xxgk.sqlite3``; e.g. ``postgres://postgres@127.0.0.1:5432/postgres``.
* ``XXGK_ALLOWED_HOSTS`` — comma-separated (default ``127.0.0.1,localhost``).
* ``XXGK_EMAIL_HOST`` … — SMTP settings; the console backend is used when no host is set.
* ``XXGK_CELERY_BROKER_URL`` (or ``CELERY_BROKER_URL``) — e.g. ``redis://127.0.0.1:6379/0``: background jobs run on
  Celery workers; unset, they run in a thread of the web process (``XXGK_JOBS_EAGER=1``: synchronously).
* ``XXGK_LOG_FORMAT`` — ``json`` for one JSON object per log line (with request ids), else plain text.
* ``XXGK_HTTPS``, ``XXGK_BEHIND_PROXY``, ``XXGK_MEDIA_ROOT``, ``XXGK_STATIC_ROOT`` … — see ``docs/operations.md``,
  which lists every variable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The repository root when running from a checkout (``src/xxgk/web`` → three levels up), else the working dir.
_REPO_DIR = PACKAGE_DIR.parent.parent.parent
BASE_DIR = _REPO_DIR if (_REPO_DIR / "pyproject.toml").exists() else Path.cwd()
VAR_DIR = Path(os.environ.get("XXGK_VAR_DIR", BASE_DIR / "var"))


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


DEBUG = _flag("XXGK_DEBUG")
#: Running under pytest: background jobs default to synchronous and static files to the plain storage.
_TESTING = "pytest" in sys.modules
_DEV_SECRET_KEY = "django-insecure-xxgk-development-only"
SECRET_KEY = os.environ.get("XXGK_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("请设置环境变量 XXGK_SECRET_KEY（或在开发时设置 XXGK_DEBUG=1）")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = _list("XXGK_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _list("XXGK_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "xxgk.web.tenancy",
    "xxgk.web.audit",
    "xxgk.web.workcalendar",
    "xxgk.web.cases",
    "xxgk.web.letters",
    "xxgk.web.portal",
    "xxgk.web.api",
    "xxgk.web.proactive",
    "xxgk.web.registers",
    "xxgk.web.litigation",
    "xxgk.web.reports",
    "xxgk.web.oversight",
    "xxgk.web.jobs",
    "xxgk.web.ops",
    "xxgk.web.security",
    "xxgk.web.backup",
]

MIDDLEWARE = [
    "xxgk.web.ops.middleware.RequestIdMiddleware",
    # refuses an oversized body before anything reads (or spools) it; the 413 page still carries the request id
    "xxgk.web.security.limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # sets request.csp_nonce and the Content-Security-Policy of every response (static files and error pages too)
    "xxgk.web.security.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xxgk.web.jobs.middleware.JobNoticeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xxgk.web.config.urls"
WSGI_APPLICATION = "xxgk.web.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xxgk.web.tenancy.context_processors.memberships",
            ],
        },
    }
]

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'xxgk.sqlite3'}",
        conn_max_age=int(os.environ.get("XXGK_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("XXGK_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
#: Uploaded and generated files that live on disk (shared storage such as NFS when there are several servers).
#: Job inputs and results, letters and attachments are stored in the database; this is for file-based data.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("XXGK_MEDIA_ROOT", VAR_DIR / "media"))
#: Hashed, compressed static files (run ``manage.py collectstatic`` first); off when debugging and in tests.
XXGK_STATIC_MANIFEST = _flag("XXGK_STATIC_MANIFEST", default=not DEBUG and not _TESTING)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if XXGK_STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not XXGK_STATIC_MANIFEST:  # serve straight from the source directories, no collectstatic needed
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "login"

#: Caches of each process. "local" keeps what is the same on every server and changes only with a deployment (the
#: header's navigation, docs/performance.md §5). Sessions stay in the database (the "db" engine): a per-process
#: cache cannot hold them ("cached_db"), as a sign-out on one server would not reach the other servers' copies.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xxgk-default"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xxgk-local"},
}

#: Database sessions and Django's model backend, each reading its row (the session, the user) with SQL written once
#: per process instead of a queryset compiled on every request (docs/performance.md §5). Changing the backend's
#: name signs out the sessions signed in under the previous one (once, at the deployment that changes it).
SESSION_ENGINE = "xxgk.web.tenancy.sessions"
AUTHENTICATION_BACKENDS = ["xxgk.web.tenancy.backends.UserBackend"]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
#: A sign-in lasts this many hours (a working day and some), then the user signs in again.
XXGK_SESSION_HOURS = float(os.environ.get("XXGK_SESSION_HOURS", "10"))
SESSION_COOKIE_AGE = int(XXGK_SESSION_HOURS * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
#: A form posted without a valid CSRF token (a page left open too long) gets a Chinese page.
CSRF_FAILURE_VIEW = "xxgk.web.security.errors.csrf_failure"
#: Served over HTTPS (directly or by the reverse proxy): secure cookies, HSTS, redirect of plain HTTP.
XXGK_HTTPS = not DEBUG and _flag("XXGK_HTTPS")
SESSION_COOKIE_SECURE = XXGK_HTTPS
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = XXGK_HTTPS and _flag("XXGK_SSL_REDIRECT", default=True)
#: Load balancers probe these over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("XXGK_HSTS_SECONDS", "31536000")) if XXGK_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("XXGK_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = _flag("XXGK_HSTS_PRELOAD")
#: Behind a trusted reverse proxy (nginx, a load balancer) that sets X-Forwarded-Proto, X-Forwarded-Host and
#: X-Request-ID. Never set it when clients reach the application servers directly: they could forge the headers.
XXGK_BEHIND_PROXY = _flag("XXGK_BEHIND_PROXY")
if XXGK_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

EMAIL_HOST = os.environ.get("XXGK_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("XXGK_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("XXGK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("XXGK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("XXGK_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("XXGK_EMAIL_FROM", "xxgk@localhost")

#: How many working days ahead "due soon" looks by default.
XXGK_DUE_SOON_DAYS = int(os.environ.get("XXGK_DUE_SOON_DAYS", "5"))

#: The site's address as users reach it (links in e-mails).
XXGK_BASE_URL = os.environ.get("XXGK_BASE_URL", "http://127.0.0.1:8000")
#: Possible 重复申请: months looked back, and the least content similarity flagged.
XXGK_DUPLICATE_MONTHS = int(os.environ.get("XXGK_DUPLICATE_MONTHS", "12"))
XXGK_DUPLICATE_THRESHOLD = float(os.environ.get("XXGK_DUPLICATE_THRESHOLD", "0.6"))
#: How many trusted reverse proxies put the client address into X-Forwarded-For (0: use REMOTE_ADDR).
XXGK_PORTAL_PROXY_COUNT = int(os.environ.get("XXGK_PORTAL_PROXY_COUNT", "0"))

# -- Background jobs (xxgk.web.jobs) -----------------------------------------------------------------------------
#: The Celery broker; empty: jobs run inside the web process (a thread), or synchronously with XXGK_JOBS_EAGER=1.
CELERY_BROKER_URL = os.environ.get("XXGK_CELERY_BROKER_URL") or os.environ.get("CELERY_BROKER_URL", "")
#: ``celery`` (a broker is configured), ``thread`` (the embedded default) or ``eager`` (tests, XXGK_JOBS_EAGER=1).
XXGK_JOBS_MODE = (
    "eager" if _flag("XXGK_JOBS_EAGER", default=_TESTING) else ("celery" if CELERY_BROKER_URL else "thread")
)
#: Threads that run jobs inside one web process (thread mode).
XXGK_JOBS_THREADS = int(os.environ.get("XXGK_JOBS_THREADS", "1"))
#: A running job writes a heartbeat this often; one silent for XXGK_JOBS_STALE_SECONDS is taken for dead and
#: re-queued (its finished items are kept, so the next attempt resumes).
XXGK_JOBS_HEARTBEAT_SECONDS = float(os.environ.get("XXGK_JOBS_HEARTBEAT_SECONDS", "15"))
XXGK_JOBS_STALE_SECONDS = float(os.environ.get("XXGK_JOBS_STALE_SECONDS", "120"))
#: A queued job whose message was sent longer ago than this is sent again (the broker may have lost it).
XXGK_JOBS_REDISPATCH_SECONDS = float(os.environ.get("XXGK_JOBS_REDISPATCH_SECONDS", "600"))
#: Attempts (a worker dying counts as one) before a job is failed.
XXGK_JOBS_MAX_ATTEMPTS = int(os.environ.get("XXGK_JOBS_MAX_ATTEMPTS", "3"))
#: Upload limits of the batch check page (files per upload, total megabytes).
XXGK_JOBS_MAX_FILES = int(os.environ.get("XXGK_JOBS_MAX_FILES", "100"))
XXGK_JOBS_MAX_UPLOAD_MB = int(os.environ.get("XXGK_JOBS_MAX_UPLOAD_MB", "100"))
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("XXGK_CELERY_QUEUE", "xxgk")
CELERY_TASK_ACKS_LATE = True  # a job's message is acknowledged when it ends: a killed worker's job is redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # the state of a job is its row in the database
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below (JSON when asked)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
#: Seconds after which Redis hands an unacknowledged message (its worker died) to another worker.
_VISIBILITY = int(os.environ.get("XXGK_CELERY_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY // 5)),
    "unacked_restore_throttle": 1 if _VISIBILITY < 600 else 10,
}

# -- Security (xxgk.web.security; the modules read these with the same defaults) ----------------------------------
#: Login throttle: this many failed sign-ins for one user name from one address within the window lock that pair
#: out; the address limit (any user names) stops password spraying. Seconds for the window and the lockout.
XXGK_LOGIN_FAILURE_LIMIT = int(os.environ.get("XXGK_LOGIN_FAILURE_LIMIT", "5"))
XXGK_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("XXGK_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
XXGK_LOGIN_FAILURE_WINDOW = float(os.environ.get("XXGK_LOGIN_FAILURE_WINDOW", "900"))
XXGK_LOGIN_LOCKOUT = float(os.environ.get("XXGK_LOGIN_LOCKOUT", "900"))
#: Content-Security-Policy on every response; report-only sends it as Content-Security-Policy-Report-Only.
XXGK_CSP = _flag("XXGK_CSP", default=True)
XXGK_CSP_REPORT_ONLY = _flag("XXGK_CSP_REPORT_ONLY")
#: Django refuses a request with more files than this before any form sees it: a little above the batch check's
#: own limit, so that its form answers with its Chinese message instead.
DATA_UPLOAD_MAX_NUMBER_FILES = XXGK_JOBS_MAX_FILES + 10
#: Ceiling on any request body (xxgk.web.security.limits): above every upload page's own limit (the batch check's
#: upload and the form around it). Keep nginx's client_max_body_size the same.
XXGK_MAX_REQUEST_MB = float(os.environ.get("XXGK_MAX_REQUEST_MB", str(max(110, XXGK_JOBS_MAX_UPLOAD_MB + 10))))

# -- Logging -----------------------------------------------------------------------------------------------------
#: ``json``: one JSON object per line (time, level, logger, message, request id, user id, path, status, duration).
XXGK_LOG_FORMAT = os.environ.get("XXGK_LOG_FORMAT", "plain").strip().lower()
XXGK_LOG_LEVEL = os.environ.get("XXGK_LOG_LEVEL", "INFO").upper()
#: One log line per request (on by default with JSON logs; gunicorn's own access log can then stay off).
XXGK_ACCESS_LOG = _flag("XXGK_ACCESS_LOG", default=XXGK_LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "xxgk.web.ops.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "xxgk.web.ops.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if XXGK_LOG_FORMAT == "json" else "plain",
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": XXGK_LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": XXGK_LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["console"], "level": XXGK_LOG_LEVEL, "propagate": False},
    },
}
