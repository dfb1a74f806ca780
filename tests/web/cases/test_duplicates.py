"""Possible duplicates (重复申请): flagged at registration, shown and decided by the handler, audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tests.web.cases.conftest import Register
from xxgk.core.errors import WorkflowError
from xxgk.core.outcomes import Outcome
from xxgk.core.workflow import Reply, Status, Withdrawal
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case, DuplicateDecision, DuplicateFlag

pytestmark = pytest.mark.django_db

SAME = "二〇一九年八桥镇老旧小区改造项目的批复文件。"


def test_same_applicant_same_request_is_flagged_with_the_earlier_case(register: Register) -> None:
    first = register(on=date(2026, 3, 2))
    other_subject = register(on=date(2026, 3, 3), content="八桥镇2025年财政预算执行情况")
    again = register(on=date(2026, 3, 9), content=SAME, name="张 三")
    flag = DuplicateFlag.objects.get(case=again)
    assert flag.earlier_id == first.pk and flag.score == 1.0 and flag.decision == DuplicateDecision.PENDING
    assert "申请内容相同" in flag.reasons and any("尚在办理" in r for r in flag.reasons)
    assert not DuplicateFlag.objects.filter(case__in=[first, other_subject]).exists()
    audit = AuditEvent.objects.for_object("case", again.pk).get(code=AuditCode.CASE_DUPLICATE_FLAGGED)
    assert isinstance(audit.new, dict) and audit.new["possible_duplicates"][0]["earlier"] == first.number


def test_same_contact_counts_as_the_same_applicant_but_not_a_namesake(register: Register) -> None:
    first = register(name="张三", contact="13800000000")
    by_contact = register(on=date(2026, 3, 4), name="张三的代理人", id_document="身份证 1234567", content=SAME)
    namesake = register(
        on=date(2026, 3, 5), name="张三", id_document="身份证 500104200001019999", contact="13955556666", content=SAME
    )
    assert DuplicateFlag.objects.get(case=by_contact).earlier_id == first.pk
    assert not DuplicateFlag.objects.filter(case=namesake).exists()


def test_only_the_same_body_and_the_window_count(register: Register, users: dict[str, User]) -> None:
    old = register(on=date(2025, 3, 1), submitted_on=date(2025, 3, 1))
    register(on=date(2026, 3, 2), body="tiaodeng", clerk="td_clerk")  # another body: never compared
    recent = register(on=date(2026, 3, 2))
    assert not DuplicateFlag.objects.filter(case=recent).exists()  # 2025-03-01 is more than 12 months before
    with override_settings(XXGK_DUPLICATE_MONTHS=24):
        later = register(on=date(2026, 3, 3))
    assert set(DuplicateFlag.objects.filter(case=later).values_list("earlier_id", flat=True)) == {old.pk, recent.pk}


def test_closed_earlier_case_is_named_with_its_outcome(register: Register, users: dict[str, User]) -> None:
    first = register()
    clerk, reviewer = users["bq_clerk"], users["bq_reviewer"]
    s.case_draft_reply(actor=clerk, case_id=first.pk, data=Reply(Outcome.GRANTED), on=date(2026, 3, 3))
    s.case_approve_reply(actor=reviewer, case_id=first.pk, on=date(2026, 3, 4))
    s.case_send_reply(actor=clerk, case_id=first.pk, on=date(2026, 3, 5))
    again = register(on=date(2026, 3, 10))
    (flag,) = DuplicateFlag.objects.filter(case=again)
    assert any("已办结" in r and "予以公开" in r for r in flag.reasons)


def test_an_edit_can_reveal_a_duplicate(register: Register, users: dict[str, User]) -> None:
    first = register()
    second = register(on=date(2026, 3, 3), name="李四", id_document="身份证 7777777", contact="13911112222")
    assert not DuplicateFlag.objects.filter(case=second).exists()
    s.case_edit_registration(
        actor=users["bq_clerk"], case_id=second.pk, changes={"contact": "138 0000 0000"}, reason="更正联系方式"
    )
    assert DuplicateFlag.objects.get(case=second).earlier_id == first.pk
    # editing again does not flag the same pair twice
    s.case_edit_registration(actor=users["bq_clerk"], case_id=second.pk, changes={"agent": "王五"}, reason="补充")
    s.case_edit_registration(actor=users["bq_clerk"], case_id=second.pk, changes={"content": SAME}, reason="补充")
    assert DuplicateFlag.objects.filter(case=second).count() == 1


def _pair(register: Register) -> tuple[Case, Case, DuplicateFlag]:
    first = register()
    again = register(on=date(2026, 3, 9), content=SAME)
    return first, again, DuplicateFlag.objects.get(case=again)


def test_confirm_and_dismiss_are_audited_and_do_not_close(register: Register, users: dict[str, User]) -> None:
    _first, again, flag = _pair(register)
    clerk = users["bq_clerk"]
    flag = s.case_duplicate_decide(
        actor=clerk, case_id=again.pk, flag_id=flag.pk, decision="confirmed", note="同一事项"
    )
    assert (flag.decision, flag.decided_by_id, flag.note) == ("confirmed", clerk.pk, "同一事项")
    assert flag.decided_at is not None
    again.refresh_from_db()
    assert again.status == Status.PROCESSING  # confirming does not close the case
    with pytest.raises(WorkflowError, match="请说明不属于重复申请的理由"):
        s.case_duplicate_decide(actor=clerk, case_id=again.pk, flag_id=flag.pk, decision="dismissed")
    with pytest.raises(WorkflowError, match="已是"):
        s.case_duplicate_decide(actor=clerk, case_id=again.pk, flag_id=flag.pk, decision="confirmed")
    with pytest.raises(WorkflowError, match="请选择"):
        s.case_duplicate_decide(actor=clerk, case_id=again.pk, flag_id=flag.pk, decision="pending")
    s.case_duplicate_decide(actor=clerk, case_id=again.pk, flag_id=flag.pk, decision="dismissed", note="所涉年度不同")
    audits = list(
        AuditEvent.objects.for_object("case", again.pk)
        .filter(code__in=[AuditCode.CASE_DUPLICATE_CONFIRMED, AuditCode.CASE_DUPLICATE_DISMISSED])
        .order_by("id")
    )
    assert [a.code for a in audits] == [AuditCode.CASE_DUPLICATE_CONFIRMED, AuditCode.CASE_DUPLICATE_DISMISSED]
    assert audits[1].old == {"decision": "confirmed", "note": "同一事项"}
    new = audits[1].new
    assert isinstance(new, dict) and (new["decision"], new["note"]) == ("dismissed", "所涉年度不同")


def test_decisions_need_a_clerk_or_head_of_the_body_and_an_open_case(
    register: Register, users: dict[str, User]
) -> None:
    first, again, flag = _pair(register)
    kwargs = {"case_id": again.pk, "flag_id": flag.pk, "decision": "confirmed"}
    with pytest.raises(Http404):
        s.case_duplicate_decide(actor=users["td_clerk"], **kwargs)  # type: ignore[arg-type]
    with pytest.raises(Http404):  # the flag must belong to the case in the URL
        s.case_duplicate_decide(actor=users["bq_clerk"], case_id=first.pk, flag_id=flag.pk, decision="confirmed")
    with pytest.raises(PermissionDenied):
        s.case_duplicate_decide(actor=users["qu_viewer"], **kwargs)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        s.case_duplicate_decide(actor=users["bq_reviewer"], **kwargs)  # type: ignore[arg-type]
    s.case_duplicate_decide(actor=users["bq_head"], **kwargs)  # type: ignore[arg-type]
    s.case_withdraw(actor=users["bq_clerk"], case_id=again.pk, data=Withdrawal(), on=date(2026, 3, 10))
    with pytest.raises(WorkflowError, match="已办结"):
        s.case_duplicate_decide(
            actor=users["bq_clerk"], case_id=again.pk, flag_id=flag.pk, decision="dismissed", note="x"
        )


def test_case_page_warns_links_and_decides(login: object, register: Register) -> None:
    first, again, flag = _pair(register)
    client: Client = login("bq_clerk")  # type: ignore[operator]
    page = client.get(f"/cases/{again.pk}/").content.decode()
    assert "疑似重复申请" in page and f'href="/cases/{first.pk}/"' in page and first.number in page
    url = f"/cases/{again.pk}/duplicates/{flag.pk}/decide/"
    assert url in page
    assert client.get(url).status_code == 405  # POST only
    response = client.post(url, {"decision": "confirmed", "note": ""})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.decision == "confirmed"
    page = client.get(f"/cases/{again.pk}/").content.decode()
    assert "确认为重复申请" in page and "不予处理：重复申请" in page
    # the reply form proposes the duplicate outcome once confirmed
    form = client.get(f"/cases/{again.pk}/act/draft_reply/").content.decode()
    assert 'value="not_processed_duplicate" selected' in form
    other_form = client.get(f"/cases/{first.pk}/act/draft_reply/").content.decode()
    assert 'value="not_processed_duplicate" selected' not in other_form
    # an invalid decision is reported, not stored
    bad = client.post(url, {"decision": "dismissed", "note": ""}, follow=True)
    assert "请说明不属于重复申请的理由" in bad.content.decode()
    flag.refresh_from_db()
    assert flag.decision == "confirmed"


def test_decide_endpoint_permissions(login: object, register: Register, client: Client) -> None:
    _first, again, flag = _pair(register)
    url = f"/cases/{again.pk}/duplicates/{flag.pk}/decide/"
    anonymous = client.post(url, {"decision": "confirmed"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    other: Client = login("td_clerk")  # type: ignore[operator]
    mine = other.post(url, {"decision": "confirmed"})
    absent = other.post(f"/cases/{again.pk}/duplicates/999999/decide/", {"decision": "confirmed"})
    missing_case = other.post(f"/cases/999999/duplicates/{flag.pk}/decide/", {"decision": "confirmed"})
    assert mine.status_code == absent.status_code == missing_case.status_code == 404
    assert mine.content == missing_case.content
    viewer: Client = login("qu_viewer")  # type: ignore[operator]
    viewer_page = viewer.get(f"/cases/{again.pk}/").content.decode()
    assert "疑似重复申请" in viewer_page and url not in viewer_page  # sees the warning, no decision form
    assert viewer.post(url, {"decision": "confirmed"}).status_code == 403
    flag.refresh_from_db()
    assert flag.decision == DuplicateDecision.PENDING


def test_work_list_marks_duplicates_and_filters_them_without_extra_queries(login: object, register: Register) -> None:
    first, again, flag = _pair(register)
    client: Client = login("bq_clerk")  # type: ignore[operator]
    html = client.get("/cases/").content.decode()
    assert html.count("duplicate-marker") == 1
    listed = client.get("/cases/?view=duplicates").content.decode()
    assert again.number in listed and first.number not in listed
    with CaptureQueriesContext(connection) as one:
        client.get("/cases/")
    for i in range(3):
        register(on=date(2026, 3, 10 + i), content=SAME)
    with CaptureQueriesContext(connection) as many:
        client.get("/cases/")
    assert len(many.captured_queries) == len(one.captured_queries)
    s.case_duplicate_decide(
        actor=again.handler, case_id=again.pk, flag_id=flag.pk, decision="dismissed", note="不同事项"
    )
    assert again.number not in client.get("/cases/?view=duplicates").content.decode()
