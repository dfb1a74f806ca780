"""The registers' API router, mounted as the lead will mount it: behind the API's token authentication."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from ninja import NinjaAPI
from ninja.testing import TestClient

from tests.web.registers.conftest import doc_data, procurement
from xxgk.web.api.auth import token_auth
from xxgk.web.api.errors import install_error_handlers
from xxgk.web.api.services import api_token_create
from xxgk.web.registers.api import router
from xxgk.web.registers.data import AmendmentData
from xxgk.web.registers.services import amendment_add, document_create, figure_save
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db


def client() -> TestClient:
    api = NinjaAPI(urls_namespace=f"test-registers-{uuid.uuid4().hex}", auth=token_auth)
    install_error_handlers(api)
    api.add_router("/v1/registers", router)
    return TestClient(api)


def get(user: User | None, path: str) -> tuple[int, Any]:
    headers = {}
    if user is not None:
        _row, secret = api_token_create(user=user, name="test", days=None, actor=user)
        headers["Authorization"] = f"Bearer {secret}"
    response = client().get(path, headers=headers)
    return response.status_code, response.json()


@pytest.fixture
def data(users: dict[str, User], org: dict[str, Body]) -> dict[str, int]:
    clerk, body = users["bq_clerk"], org["baqiao"].pk
    doc = document_create(actor=clerk, body_id=body, data=doc_data())
    amendment_add(actor=clerk, document_id=doc.pk, data=AmendmentData(date(2021, 5, 1), "改1号"))
    figure_save(actor=clerk, body_id=body, data=procurement())
    return {"body": body, "doc": doc.pk}


def test_lists_and_cells(users: dict[str, User], data: dict[str, int]) -> None:
    b = data["body"]
    status, docs = get(users["bq_clerk"], f"/v1/registers/documents?body_id={b}")
    assert status == 200 and [d["doc_number"] for d in docs] == ["八桥府发〔2020〕1号"]
    assert docs[0]["amendments"] == [{"amended_on": "2021-05-01", "doc_number": "改1号", "published_on": None}]
    status, one = get(users["bq_clerk"], f"/v1/registers/documents/{data['doc']}")
    assert status == 200 and one["issued_on"] == "2020-03-02"
    status, figs = get(users["bq_clerk"], f"/v1/registers/figures?body_id={b}&year=2020")
    assert status == 200 and figs[0]["amount"] == "589.08" and figs[0]["entered_by"] == "bq_clerk"
    status, table = get(users["bq_clerk"], f"/v1/registers/table2?body_id={b}&year=2020")
    assert status == 200 and table["template"] == "2019"
    assert table["cells"]["s2.procurement.amount"] == 589.08 and table["cells"]["s2.normative_docs.made"] == 1
    assert "s2.licensing.decisions" in table["not_entered"] and "s2.procurement.amount" not in table["not_entered"]
    status, t21 = get(users["bq_clerk"], f"/v1/registers/table2?body_id={b}&year=2021")
    assert t21["template"] == "2021" and t21["cells"]["s2.normative_docs.issued"] == 1
    status, sources = get(
        users["bq_clerk"], f"/v1/registers/table2/sources?body_id={b}&year=2021&code=s2.normative_docs.issued"
    )
    assert status == 200 and [s["object_id"] for s in sources] == [data["doc"]]
    assert get(users["bq_clerk"], f"/v1/registers/table2?body_id={b}&year=2018")[0] == 404
    assert get(users["bq_clerk"], f"/v1/registers/table2/sources?body_id={b}&year=2021&code=s2.x.y")[0] == 404


def test_scoping(users: dict[str, User], data: dict[str, int]) -> None:
    b = data["body"]
    paths = [
        f"/v1/registers/documents?body_id={b}",
        f"/v1/registers/documents/{data['doc']}",
        f"/v1/registers/figures?body_id={b}",
        f"/v1/registers/table2?body_id={b}&year=2020",
        f"/v1/registers/table2/sources?body_id={b}&year=2020&code=s2.procurement.projects",
    ]
    for path in paths:
        status, body = get(None, path)
        assert status == 401 and body["code"] == "token_missing", path
        status, body = get(users["td_clerk"], path)
        assert status == 404 and body["code"] == "not_found", path
        assert get(users["qu_viewer"], path)[0] == 200, path  # the supervisor reads
    missing = get(users["bq_clerk"], "/v1/registers/documents/999999")
    other = get(users["td_clerk"], f"/v1/registers/documents/{data['doc']}")
    assert missing == other
