"""The case pages: register through the form, act through the action forms, the list without N+1 queries."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.conftest import registration
from xxgk.core.workflow import Status
from xxgk.web.cases.models import Case
from xxgk.web.cases.services import case_register
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

FORM = {
    "body": "",
    "on": "2026-03-02",
    "channel": "in_person",
    "applicant_type": "natural",
    "applicant_name": "王五",
    "id_document": "身份证",
    "contact": "13900000000",
    "content": "八桥镇2025年财政预算",
    "submitted_on": "2026-03-02",
}


def test_register_through_the_form(login: object, org: dict[str, Body]) -> None:
    client: Client = login("bq_clerk")  # type: ignore[operator]
    assert client.get("/cases/new/").status_code == 200
    response = client.post("/cases/new/", {**FORM, "body": org["baqiao"].pk})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "答复期限" in page and "《条例》第三十三条第二款" in page  # the deadline and how it was computed
    assert "审计记录" in page and "登记" in page


def test_register_form_shows_the_core_refusal(login: object, org: dict[str, Body]) -> None:
    client: Client = login("bq_clerk")  # type: ignore[operator]
    response = client.post("/cases/new/", {**FORM, "body": org["baqiao"].pk, "channel": "oral"})
    assert response.status_code == 200
    assert "口头申请须记录代为填写的工作人员" in response.content.decode()
    assert not Case.objects.exists()


def test_register_refuses_a_body_the_clerk_does_not_work_in(login: object, org: dict[str, Body]) -> None:
    client: Client = login("bq_clerk")  # type: ignore[operator]
    response = client.post("/cases/new/", {**FORM, "body": org["tiaodeng"].pk})
    assert response.status_code == 200 and not Case.objects.exists()


def test_action_form_and_allowed_actions(login: object, users: dict[str, User], org: dict[str, Body]) -> None:
    case = case_register(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
    )
    client: Client = login("bq_clerk")  # type: ignore[operator]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "告知补正" in page and "延长答复期限" not in page  # extension is for the head
    response = client.post(
        f"/cases/{case.pk}/act/request_correction/",
        {"on": "2026-03-04", "items": "请写明文号\n请提供身份证明", "due": "2026-03-20"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CORRECTION
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "processing → awaiting_correction" in page  # the audit trail shows old and new values
    # a move the core refuses comes back as a form error
    client.post(f"/cases/{case.pk}/act/receive_correction/", {"on": "2026-03-10"})
    bad = client.post(
        f"/cases/{case.pk}/act/request_correction/", {"on": "2026-03-11", "items": "x", "due": "2026-03-11"}
    )
    assert bad.status_code == 200 and "必须晚于告知日期" in bad.content.decode()
    assert client.get(f"/cases/{case.pk}/act/extend/").status_code == 403
    assert client.get(f"/cases/{case.pk}/act/no_such_action/").status_code == 404
    head: Client = login("bq_head")  # type: ignore[operator]
    assert head.get(f"/cases/{case.pk}/act/extend/").status_code == 200


def test_future_dates_are_refused(login: object, users: dict[str, User], org: dict[str, Body]) -> None:
    case = case_register(
        actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2)
    )
    client: Client = login("bq_clerk")  # type: ignore[operator]
    response = client.post(f"/cases/{case.pk}/act/withdraw/", {"on": "2999-01-01"})
    assert response.status_code == 200 and "不能晚于今天" in response.content.decode()


def test_user_input_is_escaped(login: object, users: dict[str, User], org: dict[str, Body]) -> None:
    case = case_register(
        actor=users["bq_clerk"],
        body_id=org["baqiao"].pk,
        registration=registration(name="<script>alert(1)</script>"),
        on=date(2026, 3, 2),
    )
    client: Client = login("bq_clerk")  # type: ignore[operator]
    for url in ("/cases/", f"/cases/{case.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def _list_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["all", "mine", "due_soon", "overdue", "paused"])
def test_work_lists_have_no_n_plus_one(login: object, users: dict[str, User], org: dict[str, Body], view: str) -> None:
    client: Client = login("bq_clerk")  # type: ignore[operator]
    case_register(actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=date(2026, 3, 2))
    client.get("/cases/")  # the session's first page also looks for failed background jobs (then every 30 s)
    one = _list_queries(client, f"/cases/?view={view}")
    for i in range(5):
        case_register(
            actor=users["bq_clerk"],
            body_id=org["baqiao"].pk,
            registration=registration(name=f"申请人{i}"),
            on=date(2026, 3, 2),
        )
    assert _list_queries(client, f"/cases/?view={view}") == one


def test_work_list_filters(login: object, users: dict[str, User], org: dict[str, Body]) -> None:
    clerk = users["bq_clerk"]
    a = case_register(
        actor=clerk,
        body_id=org["baqiao"].pk,
        registration=registration(name="赵六", content="道路规划"),
        on=date(2026, 3, 2),
    )
    b = case_register(
        actor=clerk,
        body_id=org["baqiao"].pk,
        registration=registration(name="钱七", content="财政预算"),
        on=date(2026, 3, 2),
    )
    client: Client = login("bq_clerk")  # type: ignore[operator]
    html = client.get("/cases/?q=道路").content.decode()
    assert a.number in html and b.number not in html
    # both were received on 2026-03-02; their deadlines have long passed on the real 'today'
    overdue = client.get("/cases/?view=overdue").content.decode()
    assert a.number in overdue and b.number in overdue
    assert a.number not in client.get("/cases/?view=paused").content.decode()
    assert a.number not in client.get("/cases/?status=closed").content.decode()


def test_csv_export_follows_the_filters_and_neutralises_formulas(
    login: object, users: dict[str, User], org: dict[str, Body]
) -> None:
    clerk = users["bq_clerk"]
    case_register(
        actor=clerk, body_id=org["baqiao"].pk, registration=registration(name="=HYPERLINK(1)"), on=date(2026, 3, 2)
    )
    case_register(
        actor=clerk,
        body_id=org["baqiao"].pk,
        registration=registration(name="孙八", content="其他"),
        on=date(2026, 3, 2),
    )
    client: Client = login("bq_clerk")  # type: ignore[operator]
    response = client.get("/cases/export.csv?q=HYPERLINK")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and len(rows) == 2
    assert rows[1][2] == "'=HYPERLINK(1)"
    with CaptureQueriesContext(connection) as ctx:
        client.get("/cases/export.csv")
    assert len(ctx.captured_queries) < 10
