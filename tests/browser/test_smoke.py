"""The browser can reach the application and sign in."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User


@pytest.mark.django_db(transaction=True)
def test_sign_in_shows_the_work_list(page: Any, sign_in: Any, users: dict[str, User]) -> None:
    sign_in(page, "bq_clerk")
    assert page.url.endswith("/cases/")
    assert "bq_clerk" in page.inner_text("header")
    page.goto(f"{page.base}/cases/new/")
    assert page.locator("h1").first.inner_text().strip() != ""
