"""Fixtures of the API tests: a token per named user and a small JSON client that sends it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from xxgk.web.api.services import api_token_create


@dataclass
class Reply:
    status: int
    data: Any
    headers: dict[str, str]


class ApiClient:
    """Django's test client speaking JSON to /api/ with ``Authorization: Bearer <token>`` (or none)."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @staticmethod
    def _reply(response: Any) -> Reply:
        body = response.content.decode()
        data = json.loads(body) if body and response["Content-Type"].startswith("application/json") else body
        return Reply(response.status_code, data, dict(response.headers))

    def get(self, path: str, params: dict[str, Any] | None = None) -> Reply:
        return self._reply(self.client.get(path, params or {}, headers=self._headers()))

    def post(self, path: str, payload: Any = None, *, raw: str | None = None) -> Reply:
        body = raw if raw is not None else json.dumps({} if payload is None else payload, ensure_ascii=False)
        return self._reply(self.client.post(path, body, content_type="application/json", headers=self._headers()))


@pytest.fixture
def token_for(users: dict[str, User]) -> Callable[[str], str]:
    made: dict[str, str] = {}

    def make(name: str) -> str:
        if name not in made:
            _row, secret = api_token_create(user=users[name], name=f"{name} 测试", days=30, actor=users[name])
            made[name] = secret
        return made[name]

    return make


@pytest.fixture
def api_as(token_for: Callable[[str], str]) -> Callable[[str | None], ApiClient]:
    """``api_as("bq_clerk")`` → a client with that user's token; ``api_as(None)`` → no token."""

    def make(name: str | None) -> ApiClient:
        return ApiClient(Client(), token_for(name) if name else None)

    return make


#: A registration body for POST /api/v1/applications (the body id is filled in by the tests).
REGISTRATION: dict[str, Any] = {
    "on": "2026-03-02",
    "channel": "in_person",
    "applicant": {
        "type": "natural",
        "name": "王五",
        "id_document": "身份证 500104199001011234",
        "contact": "13900000000",
    },
    "content": "八桥镇2025年财政预算",
    "receipt": {"submitted_on": "2026-03-02"},
}
