"""A NUL character in an action's text through the API (no form in front of the service) is refused with the core's
message (409), not stored — PostgreSQL would refuse it in the event's and the audit trail's JSON with a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.api.conftest import REGISTRATION, ApiClient
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.models import CaseEvent
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Api = Callable[[str | None], ApiClient]


def test_a_withdrawal_reason_with_nul_is_a_409_with_a_message(api_as: Api, org: dict[str, Body]) -> None:
    clerk = api_as("bq_clerk")
    case_id = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk}).data["id"]
    audited = AuditEvent.objects.count()
    path = f"/api/v1/applications/{case_id}/actions/withdraw"
    refused = clerk.post(path, {"on": "2026-03-04", "reason": "不再需要\u0000"})
    assert refused.status == 409, refused.data
    assert refused.data["detail"] == "“撤回”填写的内容包含不可见的控制字符，请重新输入"
    assert CaseEvent.objects.filter(case_id=case_id).count() == 1 and AuditEvent.objects.count() == audited
    done = clerk.post(path, {"on": "2026-03-04", "reason": "不再需要"})
    assert done.status == 200 and done.data["status"] == "closed"


def test_a_registration_with_nul_is_refused_with_a_message(api_as: Api, org: dict[str, Body]) -> None:
    clerk = api_as("bq_clerk")
    refused = clerk.post("/api/v1/applications", {**REGISTRATION, "body_id": org["baqiao"].pk, "content": "文件\u0000"})
    assert refused.status == 409, refused.data
    assert refused.data["detail"] == "“登记”填写的内容包含不可见的控制字符，请重新输入"
