"""Settings of the xxgk web application, read from the environment.

* ``XXGK_DEBUG`` — ``1`` for development (default ``0``).
* ``XXGK_SECRET_KEY`` — required unless debugging (a development key is used only when ``XXGK_DEBUG=1``).
* ``DATABASE_URL`` — defaults to SQLite at ``var/xxgk.sqlite3``; e.g. ``postgres://postgres@127.0.0.1:5432/postgres``.
* ``XXGK_ALLOWED_HOSTS`` — comma-separated (default ``127.0.0.1,localhost``).
* ``XXGK_EMAIL_HOST`` … — SMTP settings; the console backend is used when no host is set.
"""

from __future__ import annotations

import os
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


DEBUG = _flag("XXGK_DEBUG")
_DEV_SECRET_KEY = "django-insecure-xxgk-development-only"
SECRET_KEY = os.environ.get("XXGK_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("请设置环境变量 XXGK_SECRET_KEY（或在开发时设置 XXGK_DEBUG=1）")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("XXGK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

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
    "xxgk.web.jobs",
    "xxgk.web.ops",
    "xxgk.web.security",
    "xxgk.web.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and _flag("XXGK_HTTPS")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

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
