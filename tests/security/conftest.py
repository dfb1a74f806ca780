"""Fixtures of the security tests: the web tests' organisation and users (see ``tests/web/conftest.py``)."""

from __future__ import annotations

from tests.web.conftest import PASSWORD, login, org, registration, users  # noqa: F401
