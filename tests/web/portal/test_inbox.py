"""The staff side: the inbox of online submissions, accepting one as a case (received on the day of
confirmation, Art 31 (三)), rejecting spam, issuing a 查询码 for a case, the portal setting — and who may do what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.web.conftest import registration
from tests.web.portal.conftest import DISTINCT, Submit, code_from
from xxgk.core.outcomes import ApplicantType, Channel
from xxgk.core.receipt import ART_31_3
from xxgk.core.workflow import Action, Status
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.models import Case
from xxgk.web.cases.selectors import case_core
from xxgk.web.cases.services import case_register
from xxgk.web.portal.models import AccessCode, IdType, OnlineSubmission, PortalSettings, SubmissionStatus
from xxgk.web.portal.services import (
    PortalError,
    SubmissionData,
    submission_accept,
    submission_create,
)
from xxgk.web.tenancy.models import Body

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]


def _submission(body: Body, *, days_ago: int = 0, name: str = "李四") -> tuple[OnlineSubmission, str]:
    data = SubmissionData(
        applicant_type=ApplicantType.NATURAL,
        applicant_name=name,
        id_type=IdType.RESIDENT_ID,
        id_number=DISTINCT["id_number"],
        content="八桥镇2025年老旧小区改造项目的立项批复文件",
        phone=DISTINCT["phone"],
        address=DISTINCT["address"],
    )
    at = timezone.now() - timedelta(days=days_ago)
    return submission_create(body_id=body.pk, data=data, form_token=f"token-{name}-{days_ago}", now=at)


def test_inbox_lists_pending_submissions_of_own_bodies_only(login: Login, org: dict[str, Body]) -> None:
    _submission(org["baqiao"], name="八桥申请人")
    _submission(org["tiaodeng"], name="跳磴申请人")
    bq = login("bq_clerk").get("/portal/inbox/").content.decode()
    assert "八桥申请人" in bq and "跳磴申请人" not in bq and "核对并确认" in bq
    td = login("td_clerk").get("/portal/inbox/").content.decode()
    assert "跳磴申请人" in td and "八桥申请人" not in td
    viewer = login("qu_viewer").get("/portal/inbox/").content.decode()
    assert "八桥申请人" in viewer and "跳磴申请人" in viewer and "核对并确认" not in viewer  # read-only
    reviewer = login("bq_reviewer").get("/portal/inbox/").content.decode()
    assert "八桥申请人" in reviewer and "核对并确认" not in reviewer  # only a clerk confirms
    assert "八桥申请人" not in login("nobody").get("/portal/inbox/").content.decode()


def test_accept_creates_an_online_case_received_on_the_day_of_confirmation(
    submit: Submit, anon: Client, login: Login, org: dict[str, Body], users: dict[str, User]
) -> None:
    code = code_from(submit(org["baqiao"], **DISTINCT))
    sub = OnlineSubmission.objects.get()
    sub.submitted_at = timezone.now() - timedelta(days=3)  # submitted three days ago, confirmed today
    sub.save()
    clerk = login("bq_clerk")
    detail = clerk.get(f"/portal/inbox/{sub.pk}/").content.decode()
    assert DISTINCT["applicant_name"] in detail and DISTINCT["id_number"] in detail and "确认并登记" in detail
    response = clerk.post(f"/portal/inbox/{sub.pk}/accept/")
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    today = timezone.localdate()
    assert case.channel == Channel.ONLINE and case.status == Status.PROCESSING
    assert case.received_on == today and case.registered_on == today and case.handler == users["bq_clerk"]
    assert case.applicant_name == DISTINCT["applicant_name"] and case.body == org["baqiao"]
    core = case_core(case=case)
    assert core.receipt is not None and core.receipt.basis == ART_31_3
    reg = core.registration
    assert reg is not None and reg.receipt.arrived_on == today - timedelta(days=3)
    assert reg.receipt.confirmed_on == today and DISTINCT["phone"] in reg.applicant.contact
    assert DISTINCT["id_number"] in reg.applicant.id_document and reg.applicant.agent == DISTINCT["agent"]
    assert core.events[0].action is Action.REGISTER
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.ACCEPTED and sub.case == case and sub.decided_by == users["bq_clerk"]
    assert AccessCode.objects.get().case == case
    accepted = AuditEvent.objects.get(code=AuditCode.PORTAL_SUBMISSION_ACCEPTED)
    assert accepted.actor == users["bq_clerk"] and accepted.new == {
        "status": "accepted",
        "case_id": case.pk,
        "case_number": case.number,
    }
    # the applicant's code now follows the case
    html = anon.post("/portal/status/", {"code": code}).content.decode()
    assert "办理中" in html and case.number in html and "网上提交申请" in html and "确认收到网上申请并登记" in html
    assert DISTINCT["applicant_name"] not in html


def test_accepting_twice_is_refused_with_a_message(login: Login, org: dict[str, Body]) -> None:
    sub, _ = _submission(org["baqiao"])
    clerk = login("bq_clerk")
    clerk.post(f"/portal/inbox/{sub.pk}/accept/")
    again = clerk.post(f"/portal/inbox/{sub.pk}/accept/", follow=True)
    assert "该网上申请已处理" in again.content.decode()
    assert Case.objects.count() == 1


def test_accept_service_validates_the_date(users: dict[str, User], org: dict[str, Body]) -> None:
    sub, _ = _submission(org["baqiao"], days_ago=2)
    with pytest.raises(PortalError):
        submission_accept(actor=users["bq_clerk"], submission_id=sub.pk, on=timezone.localdate() - timedelta(days=5))
    assert not Case.objects.exists()
    case = submission_accept(actor=users["bq_clerk"], submission_id=sub.pk, on=timezone.localdate() - timedelta(days=1))
    assert case.received_on == timezone.localdate() - timedelta(days=1)


def test_other_bodys_clerk_gets_404_like_a_missing_submission(login: Login, org: dict[str, Body]) -> None:
    sub, _ = _submission(org["baqiao"])
    client = login("td_clerk")
    for path in (f"/portal/inbox/{sub.pk}/", f"/portal/inbox/{sub.pk}/accept/", f"/portal/inbox/{sub.pk}/reject/"):
        method = client.get if path.endswith(f"{sub.pk}/") else client.post
        mine = method(path, {"reason": "垃圾信息"}) if method == client.post else method(path)
        missing_path = path.replace(f"/{sub.pk}/", "/999999/")
        missing = method(missing_path, {"reason": "垃圾信息"}) if method == client.post else method(missing_path)
        assert mine.status_code == missing.status_code == 404, path
        assert mine.content == missing.content, path
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED and not Case.objects.exists()


@pytest.mark.parametrize("username", ["qu_viewer", "bq_reviewer", "bq_head"])
def test_supervisor_and_other_roles_cannot_accept_or_reject(login: Login, org: dict[str, Body], username: str) -> None:
    sub, _ = _submission(org["baqiao"])
    client = login(username)
    page = client.get(f"/portal/inbox/{sub.pk}/")
    assert page.status_code == 200 and 'action="/portal/inbox/' not in page.content.decode()
    assert client.post(f"/portal/inbox/{sub.pk}/accept/").status_code == 403
    assert client.post(f"/portal/inbox/{sub.pk}/reject/", {"reason": "垃圾信息"}).status_code == 403
    assert client.post(f"/portal/inbox/{sub.pk}/reject/", {"reason": ""}).status_code == 403
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED and not Case.objects.exists()


def test_anonymous_is_sent_to_login_on_staff_pages(anon: Client, users: dict[str, User], org: dict[str, Body]) -> None:
    sub, _ = _submission(org["baqiao"])
    case = case_register(actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration())
    pages: list[tuple[str, str]] = [
        ("get", "/portal/inbox/"),
        ("get", f"/portal/inbox/{sub.pk}/"),
        ("post", f"/portal/inbox/{sub.pk}/accept/"),
        ("post", f"/portal/inbox/{sub.pk}/reject/"),
        ("get", f"/portal/case/{case.pk}/code/"),
        ("post", f"/portal/case/{case.pk}/code/"),
        ("get", "/portal/settings/"),
        ("post", "/portal/settings/"),
    ]
    for method, path in pages:
        response = getattr(anon, method)(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path
    assert not AccessCode.objects.filter(case=case).exists()
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED


def test_reject_as_spam_needs_a_reason_and_is_shown_to_the_code_holder(
    anon: Client, login: Login, org: dict[str, Body], users: dict[str, User]
) -> None:
    sub, code = _submission(org["baqiao"])
    clerk = login("bq_clerk")
    empty = clerk.post(f"/portal/inbox/{sub.pk}/reject/", {"reason": "  "})
    assert empty.status_code == 400 and "请填写不予受理的说明" in empty.content.decode()
    too_long = clerk.post(f"/portal/inbox/{sub.pk}/reject/", {"reason": "长" * 501})
    assert too_long.status_code == 400
    ok = clerk.post(f"/portal/inbox/{sub.pk}/reject/", {"reason": "内容为广告信息"})
    assert ok.status_code == 302
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.REJECTED and sub.reject_reason == "内容为广告信息"
    assert AuditEvent.objects.get(code=AuditCode.PORTAL_SUBMISSION_REJECTED).note == "内容为广告信息"
    html = anon.post("/portal/status/", {"code": code}).content.decode()
    assert "未予受理" in html and "内容为广告信息" in html and not Case.objects.exists()
    rejected = clerk.get("/portal/inbox/?state=rejected").content.decode()
    assert "李四" in rejected and "李四" not in clerk.get("/portal/inbox/").content.decode()


def test_issue_a_code_for_a_staff_registered_case(
    anon: Client, login: Login, org: dict[str, Body], users: dict[str, User]
) -> None:
    case = case_register(actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration())
    clerk = login("bq_clerk")
    page = clerk.get(f"/portal/case/{case.pk}/code/").content.decode()
    assert "还没有查询码" in page and "生成查询码" in page
    first = code_from(clerk.post(f"/portal/case/{case.pk}/code/"))
    assert "已有有效的查询码" in clerk.get(f"/portal/case/{case.pk}/code/").content.decode()
    second = code_from(clerk.post(f"/portal/case/{case.pk}/code/"))
    assert first != second
    assert anon.post("/portal/status/", {"code": first}).status_code == 400  # re-issuing invalidated it
    assert anon.post("/portal/status/", {"code": second}).status_code == 200
    rows = AccessCode.objects.filter(case=case)
    assert rows.count() == 2 and rows.filter(revoked_at__isnull=True).count() == 1
    events = AuditEvent.objects.filter(code=AuditCode.PORTAL_CODE_ISSUED, object_type="case", object_id=str(case.pk))
    assert [e.old for e in events.order_by("id")] == [{"active_codes": 0}, {"active_codes": 1}]
    # the case page's audit trail shows it
    assert "生成查询码" in clerk.get(f"/cases/{case.pk}/").content.decode()


def test_code_page_permissions(login: Login, org: dict[str, Body], users: dict[str, User]) -> None:
    case = case_register(actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration())
    other = login("td_clerk")
    mine, missing = other.get(f"/portal/case/{case.pk}/code/"), other.get("/portal/case/999999/code/")
    assert mine.status_code == missing.status_code == 404 and mine.content == missing.content
    assert other.post(f"/portal/case/{case.pk}/code/").status_code == 404
    viewer = login("qu_viewer")
    page = viewer.get(f"/portal/case/{case.pk}/code/")
    assert page.status_code == 200 and "只有查看权限" in page.content.decode()
    assert viewer.post(f"/portal/case/{case.pk}/code/").status_code == 403
    assert not AccessCode.objects.exists()
    # a reviewer or head of the body may issue one (they hand out the 登记回执 too)
    assert login("bq_head").post(f"/portal/case/{case.pk}/code/").status_code == 200


def test_settings_admin_toggles_online_applications(
    anon: Client, login: Login, org: dict[str, Body], users: dict[str, User]
) -> None:
    admin = login("qu_admin")
    page = admin.get("/portal/settings/").content.decode()
    assert all(b.name in page for b in org.values())
    assert admin.post("/portal/settings/", {"body": org["tiaodeng"].pk}).status_code == 302  # unchecked = off
    assert PortalSettings.objects.get(body=org["tiaodeng"]).accepts_online is False
    assert anon.get(f"/portal/apply/{org['tiaodeng'].code}/").status_code == 404
    admin.post("/portal/settings/", {"body": org["tiaodeng"].pk, "accepts_online": "on"})
    assert anon.get(f"/portal/apply/{org['tiaodeng'].code}/").status_code == 200
    changes = AuditEvent.objects.filter(code=AuditCode.PORTAL_SETTINGS_CHANGED).order_by("id")
    assert [(e.old, e.new) for e in changes] == [
        ({"accepts_online": True}, {"accepts_online": False}),
        ({"accepts_online": False}, {"accepts_online": True}),
    ]


def test_settings_are_for_administrators_only(login: Login, org: dict[str, Body]) -> None:
    clerk = login("bq_clerk")
    assert clerk.get("/portal/settings/").status_code == 403
    assert clerk.post("/portal/settings/", {"body": org["baqiao"].pk}).status_code == 403
    assert not PortalSettings.objects.exists()


def test_settings_of_a_body_outside_the_admins_tree_is_404(login: Login, org: dict[str, Body]) -> None:
    outside = Body.objects.create(name="另一个区人民政府", code="other")
    admin = login("qu_admin")
    assert admin.post("/portal/settings/", {"body": outside.pk}).status_code == 404
    assert not PortalSettings.objects.exists()
