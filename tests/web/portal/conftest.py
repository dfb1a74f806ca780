"""Fixtures of the portal tests: valid form data (with a form token issued long enough ago), submitting through the
public page, and distinctive applicant data that must never appear on a public page."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from xxgk.web.portal.forms import form_token_new
from xxgk.web.tenancy.models import Body

#: Applicant data distinctive enough to be searched for in a page (a valid ID number from GB 11643's example).
DISTINCT = {
    "applicant_name": "欧阳琦琪",
    "id_number": "11010519491231002X",
    "phone": "13912345678",
    "email": "ouyang.qiqi@example.cn",
    "address": "重庆市大渡口区春晖路街道翠柏苑17栋",
    "postcode": "400084",
    "agent": "司马懿律师",
}


def form_data(body: Body, *, issued_ago: float = 30, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant_type": "natural",
        "applicant_name": "李四",
        "id_type": "resident_id",
        "id_number": "11010519491231002X",
        "agent": "",
        "phone": "13800001111",
        "email": "",
        "address": "",
        "postcode": "",
        "content": "八桥镇2025年老旧小区改造项目的立项批复文件",
        "requested_form": "electronic",
        "requested_delivery": "online",
        "declaration": "on",
        "homepage": "",
        "token": form_token_new(body_code=body.code, now=time.time() - issued_ago),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


Submit = Callable[..., Any]


@pytest.fixture
def anon() -> Client:
    return Client()


@pytest.fixture
def submit(anon: Client) -> Submit:
    """``submit(body, **overrides)`` posts the public form anonymously and returns the response."""

    def post(body: Body, *, client: Client | None = None, **overrides: Any) -> Any:
        return (client or anon).post(f"/portal/apply/{body.code}/", form_data(body, **overrides))

    return post


def code_from(response: Any) -> str:
    """The 查询码 shown on a confirmation page."""
    import re

    match = re.search(r'data-testid="access-code">([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})<', response.content.decode())
    assert match is not None, "no access code on the page"
    return match.group(1)
