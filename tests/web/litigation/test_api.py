"""The litigation API router behind the API's token authentication."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from ninja import NinjaAPI
from ninja.testing import TestClient

from xxgk.core.table4 import RemedyResult
from xxgk.web.api.auth import token_auth
from xxgk.web.api.errors import install_error_handlers
from xxgk.web.api.services import api_token_create
from xxgk.web.cases.models import Case
from xxgk.web.litigation.api import router
from xxgk.web.litigation.models import RemedyCase
from xxgk.web.litigation.services import hearing_add, remedy_close

pytestmark = pytest.mark.django_db


def get(user: User | None, path: str) -> tuple[int, Any]:
    api = NinjaAPI(urls_namespace=f"test-litigation-{uuid.uuid4().hex}", auth=token_auth)
    install_error_handlers(api)
    api.add_router("/v1/litigation", router)
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {api_token_create(user=user, name='t', days=None, actor=user)[1]}"
    response = TestClient(api).get(path, headers=headers)
    return response.status_code, response.json()


def test_list_detail_cells_and_sources(users: dict[str, User], remedy: RemedyCase, application: Case) -> None:
    hearing_add(actor=users["bq_clerk"], remedy_id=remedy.pk, on=date(2020, 9, 15))
    remedy_close(
        actor=users["bq_clerk"], remedy_id=remedy.pk, result=RemedyResult.CLAIM_REJECTED, closed_on=date(2020, 11, 27)
    )
    b = remedy.body_id
    status, rows = get(users["bq_clerk"], f"/v1/litigation/remedies?body_id={b}")
    assert status == 200 and [r["id"] for r in rows] == [remedy.pk]
    assert rows[0]["result_column"] == "upheld" and rows[0]["application_ids"] == [application.pk]
    assert rows[0]["hearings"] == ["2020-09-15"]
    status, one = get(users["bq_head"], f"/v1/litigation/remedies/{remedy.pk}")
    assert status == 200 and one["closed_on"] == "2020-11-27"
    status, table = get(users["bq_clerk"], f"/v1/litigation/table4?body_id={b}&year=2020")
    assert table["cells"]["s4.suit_direct.upheld"] == 1 and sum(table["cells"].values()) == 2
    status, src = get(
        users["bq_clerk"], f"/v1/litigation/table4/sources?body_id={b}&year=2020&code=s4.suit_direct.total"
    )
    assert [r["id"] for r in src] == [remedy.pk]
    assert get(users["bq_clerk"], f"/v1/litigation/table4?body_id={b}&year=2017")[0] == 404
    assert get(users["bq_clerk"], "/v1/litigation/remedies?state=open")[1] == []


def test_scoping(users: dict[str, User], remedy: RemedyCase) -> None:
    b = remedy.body_id
    paths = [
        f"/v1/litigation/remedies?body_id={b}",
        f"/v1/litigation/remedies/{remedy.pk}",
        f"/v1/litigation/table4?body_id={b}&year=2020",
        f"/v1/litigation/table4/sources?body_id={b}&year=2020&code=s4.suit_direct.pending",
    ]
    for path in paths:
        assert get(None, path)[0] == 401, path
        status, body = get(users["td_clerk"], path)
        assert status == 404 and body["code"] == "not_found", path
        assert get(users["qu_viewer"], path)[0] == 200, path
    assert get(users["td_clerk"], "/v1/litigation/remedies")[1] == []  # never another body's cases
    assert get(users["td_clerk"], f"/v1/litigation/remedies/{remedy.pk}") == get(
        users["td_clerk"], "/v1/litigation/remedies/999999"
    )
