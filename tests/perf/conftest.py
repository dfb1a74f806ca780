"""Django set-up of the query-count tests (the same as the web tests': they share the fixtures' helpers)."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.config.settings")
os.environ.setdefault("XXGK_SECRET_KEY", "xxgk-test-only")

import django

django.setup()

from django.conf import settings  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user fixtures
