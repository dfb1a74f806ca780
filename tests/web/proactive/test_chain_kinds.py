"""A body has one 保密审查 chain per kind of subject: proactive items (default four steps) and replies to
applications (default one step by the reviewer). The settings page shows and edits both."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404
from django.test import Client

from xxgk.core.signoff import DEFAULT_CHAIN, Chain, SignoffError, Step
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.proactive.models import ChainKind, SignoffChain
from xxgk.web.proactive.signoff_selectors import (
    DEFAULT_REPLY_CHAIN,
    chain_for_body,
    chain_is_default,
    default_chain,
    register_subject_type,
    signoff_tasks,
    subject_type_get,
)
from xxgk.web.proactive.signoff_services import SubjectRef, signoff_chain_save, signoff_submit
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

REPLY_TWO = Chain(steps=(Step("review", "审核人审核", "reviewer"), Step("sign", "负责人审定", "head")))
ITEM_SHORT = Chain(steps=(Step("check", "办公室审核", "reviewer"),))


def _blank_form(prefix: str = "") -> dict[str, str]:
    return {f"{prefix}step_{i}_role": "reviewer" for i in range(1, 11)}


def test_each_kind_has_its_own_default_and_its_own_row(users: dict[str, User], org: dict[str, Body]) -> None:
    body_id = org["baqiao"].pk
    assert default_chain(ChainKind.ITEM) == DEFAULT_CHAIN and default_chain(ChainKind.REPLY) == DEFAULT_REPLY_CHAIN
    assert [(s.name, s.role) for s in DEFAULT_REPLY_CHAIN.steps] == [("审核人审核", "reviewer")]
    with pytest.raises(ValueError, match="unknown"):
        default_chain("letter")
    assert chain_for_body(body_id=body_id) == DEFAULT_CHAIN  # the item chain stays the default kind
    assert chain_for_body(body_id=body_id, kind=ChainKind.REPLY) == DEFAULT_REPLY_CHAIN
    signoff_chain_save(actor=users["bq_head"], body_id=body_id, chain=REPLY_TWO, kind=ChainKind.REPLY)
    assert chain_for_body(body_id=body_id, kind=ChainKind.REPLY) == REPLY_TWO
    assert chain_for_body(body_id=body_id, kind=ChainKind.ITEM) == DEFAULT_CHAIN
    assert chain_is_default(body_id=body_id) and not chain_is_default(body_id=body_id, kind=ChainKind.REPLY)
    signoff_chain_save(actor=users["bq_head"], body_id=body_id, chain=ITEM_SHORT)
    assert chain_for_body(body_id=body_id) == ITEM_SHORT
    assert chain_for_body(body_id=body_id, kind=ChainKind.REPLY) == REPLY_TWO  # untouched
    signoff_chain_save(actor=users["bq_head"], body_id=body_id, chain=DEFAULT_REPLY_CHAIN, kind=ChainKind.REPLY)
    assert sorted(SignoffChain.objects.filter(body_id=body_id).values_list("kind", flat=True)) == ["item", "reply"]
    assert chain_for_body(body_id=org["tiaodeng"].pk, kind=ChainKind.REPLY) == DEFAULT_REPLY_CHAIN
    changes = list(AuditEvent.objects.filter(code=AuditCode.SIGNOFF_CHAIN_CHANGED).order_by("id"))
    news: list[dict[str, Any]] = [e.new or {} for e in changes]
    first_old: dict[str, Any] = changes[0].old or {}
    assert [n.get("kind") for n in news] == ["依申请公开答复", "主动公开信息", "依申请公开答复"]
    assert "审核人审核" in first_old["steps"] and "负责人审定" in news[0]["steps"]


def test_one_chain_per_body_and_kind(org: dict[str, Body]) -> None:
    SignoffChain.objects.create(body=org["baqiao"], kind=ChainKind.REPLY, definition=REPLY_TWO.to_dict())
    SignoffChain.objects.create(body=org["baqiao"], kind=ChainKind.ITEM, definition=ITEM_SHORT.to_dict())
    with pytest.raises(IntegrityError), transaction.atomic():
        SignoffChain.objects.create(body=org["baqiao"], kind=ChainKind.REPLY, definition=REPLY_TWO.to_dict())


def test_a_reply_chain_is_decided_by_reviewers_and_heads_and_has_no_important_only_step(
    users: dict[str, User], org: dict[str, Body]
) -> None:
    body_id = org["baqiao"].pk
    bad_role = Chain(steps=(Step("review", "审核人审核", "reviewer"), Step("admin", "管理员确认", "admin")))
    with pytest.raises(SignoffError, match="只能由审核人或负责人审定"):
        signoff_chain_save(actor=users["bq_head"], body_id=body_id, chain=bad_role, kind=ChainKind.REPLY)
    important = Chain(steps=(Step("review", "审核人审核", "reviewer"), Step("p", "主要领导审定", "head", True)))
    with pytest.raises(SignoffError, match="不区分重要信息"):
        signoff_chain_save(actor=users["bq_head"], body_id=body_id, chain=important, kind=ChainKind.REPLY)
    signoff_chain_save(actor=users["bq_head"], body_id=body_id, chain=important)  # fine for items
    with pytest.raises(SignoffError, match="未知的审查流程类型"):
        signoff_chain_save(actor=users["bq_head"], body_id=body_id, chain=REPLY_TWO, kind="letter")
    assert not SignoffChain.objects.filter(kind=ChainKind.REPLY).exists()


def test_only_the_bodys_head_or_admin_sets_the_reply_chain(users: dict[str, User], org: dict[str, Body]) -> None:
    body_id = org["baqiao"].pk
    for name in ("bq_reviewer", "bq_clerk", "qu_viewer"):
        with pytest.raises(PermissionDenied):
            signoff_chain_save(actor=users[name], body_id=body_id, chain=REPLY_TWO, kind=ChainKind.REPLY)
    for name in ("td_clerk", "nobody"):
        with pytest.raises(Http404):
            signoff_chain_save(actor=users[name], body_id=body_id, chain=REPLY_TWO, kind=ChainKind.REPLY)
    assert not SignoffChain.objects.exists() and not AuditEvent.objects.exists()


def test_submission_takes_the_chain_of_the_subjects_kind(users: dict[str, User], org: dict[str, Body]) -> None:
    signoff_chain_save(actor=users["bq_head"], body_id=org["baqiao"].pk, chain=REPLY_TWO, kind=ChainKind.REPLY)

    def subject(kind: str, subject_id: str) -> SubjectRef:
        return SubjectRef(
            type="test_subject",
            id=subject_id,
            body=org["baqiao"],
            drafter=users["bq_clerk"],
            title=subject_id,
            chain_kind=kind,
        )

    reply = signoff_submit(actor=users["bq_clerk"], subject=subject(ChainKind.REPLY, "r1"))
    item = signoff_submit(actor=users["bq_clerk"], subject=subject(ChainKind.ITEM, "i1"))
    assert reply.chain == REPLY_TWO and item.chain == DEFAULT_CHAIN


def test_tasks_leave_out_subjects_their_owner_closed(users: dict[str, User], org: dict[str, Body]) -> None:
    register_subject_type("test_subject", label="测试事项", url=lambda i: f"/t/{i}/", awaiting=lambda ids: ["a"])
    try:
        for subject_id in ("a", "b"):
            signoff_submit(
                actor=users["bq_clerk"],
                subject=SubjectRef(
                    type="test_subject", id=subject_id, body=org["baqiao"], drafter=users["bq_clerk"], title=subject_id
                ),
            )
        tasks = signoff_tasks(user=users["bq_reviewer"])
        assert [(t.signoff.subject_id, t.kind, t.url) for t in tasks] == [("a", "测试事项", "/t/a/")]
    finally:
        from xxgk.web.proactive import signoff_selectors

        signoff_selectors._SUBJECT_TYPES.pop("test_subject", None)
    reply_type = subject_type_get("case_reply")  # registered by the cases app
    assert reply_type is not None and reply_type.label == "依申请公开答复" and reply_type.url("7") == "/cases/7/"


def test_tasks_take_the_urls_of_a_kind_at_once(users: dict[str, User], org: dict[str, Body]) -> None:
    """A kind that gives its pages' URLs for many subjects at once is asked once for every task of the list (not
    one ``url`` call per task); a subject it gives no page for has an empty URL."""
    asked: list[list[str]] = []

    def urls(ids: list[str]) -> dict[str, str]:
        asked.append(sorted(ids))
        return {i: f"/batch/{i}/" for i in ids if i != "c"}

    def one_by_one(subject_id: str) -> str:
        raise AssertionError(f"url() called for {subject_id}")

    register_subject_type("test_batch", label="批量事项", url=one_by_one, urls=urls)
    try:
        for subject_id in ("a", "b", "c"):
            signoff_submit(
                actor=users["bq_clerk"],
                subject=SubjectRef(
                    type="test_batch", id=subject_id, body=org["baqiao"], drafter=users["bq_clerk"], title=subject_id
                ),
            )
        tasks = signoff_tasks(user=users["bq_reviewer"])
        assert [(t.signoff.subject_id, t.url) for t in tasks] == [("a", "/batch/a/"), ("b", "/batch/b/"), ("c", "")]
        assert asked == [["a", "b", "c"]]
    finally:
        from xxgk.web.proactive import signoff_selectors

        signoff_selectors._SUBJECT_TYPES.pop("test_batch", None)


# -- the settings page -------------------------------------------------------------------------------------


def test_the_chain_page_shows_and_edits_both_chains(login: Any, org: dict[str, Body]) -> None:
    head: Client = login("bq_head")
    body_id = org["baqiao"].pk
    url = f"/proactive/settings/{body_id}/chain/"
    page = head.get(url).content.decode()
    assert "主动公开信息的审查流程" in page and "依申请公开答复的审查流程" in page
    assert "承办科室审核" in page and "审核人审核" in page and page.count("（默认流程）") == 2
    assert 'name="reply-step_1_name"' in page and 'name="reply-step_1_important_only"' not in page
    assert 'name="step_1_important_only"' in page

    empty = head.post(url, {"kind": "reply", **_blank_form("reply-")})
    assert empty.status_code == 200 and "至少需要一个环节" in empty.content.decode()
    assert not SignoffChain.objects.exists()

    data = {"kind": "reply", **_blank_form("reply-")}
    data.update({"reply-step_1_name": "科员审核", "reply-step_2_name": "负责人签发", "reply-step_2_role": "head"})
    data.update({"step_1_name": "不应保存"})  # the other form's fields are ignored
    response = head.post(url, data)
    assert response.status_code == 302
    row = SignoffChain.objects.get()
    assert row.kind == ChainKind.REPLY
    assert [(s["name"], s["role"]) for s in row.definition["steps"]] == [
        ("科员审核", "reviewer"),
        ("负责人签发", "head"),
    ]
    page = head.get(url).content.decode()
    assert "科员审核 → 负责人签发" in page and page.count("（默认流程）") == 1

    # without ``kind`` a POST is the items' chain (the form the page always had)
    data = _blank_form()
    data.update({"step_1_name": "科室初审"})
    assert head.post(url, data).status_code == 302
    assert chain_for_body(body_id=body_id).steps[0].name == "科室初审"
    assert chain_for_body(body_id=body_id, kind=ChainKind.REPLY).steps[0].name == "科员审核"
    assert head.post(url, {"kind": "letter"}).status_code == 400


def test_the_chain_page_permissions(client: Client, login: Any, org: dict[str, Body]) -> None:
    url = f"/proactive/settings/{org['baqiao'].pk}/chain/"
    data = {"kind": "reply", **_blank_form("reply-"), "reply-step_1_name": "科员审核"}
    anonymous = client.post(url, data)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert login("td_clerk").post(url, data).status_code == 404
    assert login("td_clerk").get(url).status_code == 404
    assert login("qu_viewer").post(url, data).status_code == 403  # the supervisor reads, never edits
    assert login("bq_reviewer").post(url, data).status_code == 403
    assert not SignoffChain.objects.exists()


# -- the migration -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_chains_as_item_chains() -> None:
    executor = MigrationExecutor(connection)
    old_state = [("proactive", "0001_initial")]
    executor.migrate(old_state)
    old_apps = executor.loader.project_state(old_state).apps
    body = old_apps.get_model("tenancy", "Body").objects.create(name="测试镇人民政府", code="t-town", kind="town")
    old_apps.get_model("proactive", "SignoffChain").objects.create(body_id=body.pk, definition=ITEM_SHORT.to_dict())
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    latest = executor.loader.graph.leaf_nodes("proactive")
    executor.migrate(latest)
    row = SignoffChain.objects.get(body_id=body.pk)
    assert row.kind == ChainKind.ITEM and Chain.from_dict(row.definition) == ITEM_SHORT
    assert chain_for_body(body_id=body.pk) == ITEM_SHORT
    assert chain_for_body(body_id=body.pk, kind=ChainKind.REPLY) == DEFAULT_REPLY_CHAIN
