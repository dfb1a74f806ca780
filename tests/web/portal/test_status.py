"""What the applicant sees with a 查询码: ``public_status`` for every workflow status, the status page, and that
nothing personal (applicant, staff, consulted parties) nor internal (a draft reply, its grounds) ever shows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.web.conftest import registration
from tests.web.portal.conftest import DISTINCT
from xxgk.core.deadlines import correction_deadline
from xxgk.core.fees import FeeMethod, payment_deadline
from xxgk.core.outcomes import ApplicantType, Channel, Outcome
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import (
    Applicant,
    Consultation,
    ConsultationEnd,
    ConsultationKind,
    ConsultationResult,
    CorrectionRequest,
    Extension,
    FeeNotice,
    Registration,
    Reply,
    Status,
)
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case
from xxgk.web.portal.selectors import PublicState, public_status
from xxgk.web.portal.services import access_code_issue
from xxgk.web.tenancy.models import Body
from xxgk.web.workcalendar.selectors import calendar_get

pytestmark = pytest.mark.django_db

D = date(2026, 3, 2)  # a Monday
THIRD_PARTY = "重庆某某置业有限公司甲"
APPROVER = "王负责人乙"
GROUND = "《中华人民共和国保守国家秘密法》第九条丙"
REASONS = "涉及第三方商业秘密丁"
WITHHELD = "第三方营业执照复印件戊"
CORRECTION_ITEMS = ("请写明所需文件的文号", "请说明所需信息的时间范围")


def _distinct_registration(channel: Channel = Channel.IN_PERSON, receipt: ReceiptFacts | None = None) -> Registration:
    return Registration(
        channel=channel,
        applicant=Applicant(
            type=ApplicantType.NATURAL,
            name=DISTINCT["applicant_name"],
            id_document=f"居民身份证 {DISTINCT['id_number']}",
            contact=f"电话 {DISTINCT['phone']}；电子邮箱 {DISTINCT['email']}；通信地址 {DISTINCT['address']}",
            agent=DISTINCT["agent"],
        ),
        content="八桥镇2025年老旧小区改造项目的立项批复文件",
        receipt=receipt if receipt is not None else ReceiptFacts(submitted_on=D),
    )


def _day(n: int) -> date:
    return date(2026, 3, n)


Builder = Callable[[dict[str, User], dict[str, Body]], Case]


def _registered(u: dict[str, User], o: dict[str, Body]) -> Case:
    return s.case_register(actor=u["bq_clerk"], body_id=o["baqiao"].pk, registration=_distinct_registration(), on=D)


def _pending(u: dict[str, User], o: dict[str, Body]) -> Case:
    reg = _distinct_registration(Channel.ONLINE, ReceiptFacts(arrived_on=D))
    return s.case_register(actor=u["bq_clerk"], body_id=o["baqiao"].pk, registration=reg, on=D)


def _correction(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _registered(u, o)
    data = CorrectionRequest(items=CORRECTION_ITEMS, due=_day(14))  # a Saturday: rolls to Monday 16th
    return s.case_request_correction(actor=u["bq_clerk"], case_id=c.pk, data=data, on=_day(4))


def _consulting(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _registered(u, o)
    data = Consultation(kind=ConsultationKind.THIRD_PARTY, parties=(THIRD_PARTY,))
    return s.case_consult(actor=u["bq_clerk"], case_id=c.pk, data=data, on=_day(5))


def _reasons(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _registered(u, o)
    return s.case_request_reasons(actor=u["bq_clerk"], case_id=c.pk, on=_day(5))


def _payment(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _registered(u, o)
    data = FeeNotice(method=FeeMethod.BY_ITEM, amount=Decimal("100.00"), served_on=_day(6))
    return s.case_send_fee_notice(actor=u["bq_clerk"], case_id=c.pk, data=data, on=_day(5))


def _extended(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _registered(u, o)
    data = Extension(days=20, approved_by=APPROVER, notified_on=_day(20), reason="需要调取档案")
    return s.case_extend(actor=u["bq_head"], case_id=c.pk, data=data, on=_day(20))


def _drafted(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _registered(u, o)
    reply = Reply(outcome=Outcome.PARTIAL, legal_ground=GROUND, reasons=REASONS, withheld_parts=(WITHHELD,))
    return s.case_draft_reply(actor=u["bq_clerk"], case_id=c.pk, data=reply, on=_day(10))


def _approved(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _drafted(u, o)
    return s.case_approve_reply(actor=u["bq_reviewer"], case_id=c.pk, on=_day(11))


def _replied(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _approved(u, o)
    return s.case_send_reply(actor=u["bq_clerk"], case_id=c.pk, on=_day(12))


def _archived(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _replied(u, o)
    return s.case_archive(actor=u["bq_clerk"], case_id=c.pk, on=_day(13))


def _withdrawn(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _registered(u, o)
    return s.case_withdraw(actor=u["bq_clerk"], case_id=c.pk, on=_day(3))


def _no_correction(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _correction(u, o)
    return s.case_correction_overdue(actor=u["bq_clerk"], case_id=c.pk, on=_day(17))


def _no_fee(u: dict[str, User], o: dict[str, Body]) -> Case:
    c = _payment(u, o)
    return s.case_fee_overdue(actor=u["bq_clerk"], case_id=c.pk, on=date(2026, 4, 20))


def _new(u: dict[str, User], o: dict[str, Body]) -> Case:
    """A row that was never registered (not reachable through the services; still answered safely)."""
    return Case.objects.create(
        body=o["baqiao"],
        number="2026-9999",
        handler=u["bq_clerk"],
        channel="online",
        applicant_type="natural",
        applicant_name=DISTINCT["applicant_name"],
        content="x",
        registered_on=D,
    )


#: One way to reach every workflow status, with the public state it must show.
BY_STATUS: dict[Status, tuple[Builder, PublicState]] = {
    Status.NEW: (_new, PublicState.SUBMITTED),
    Status.AWAITING_RECEIPT: (_pending, PublicState.SUBMITTED),
    Status.PROCESSING: (_registered, PublicState.PROCESSING),
    Status.AWAITING_CORRECTION: (_correction, PublicState.AWAITING_CORRECTION),
    Status.CONSULTING: (_consulting, PublicState.CONSULTING),
    Status.AWAITING_REASONS: (_reasons, PublicState.AWAITING_REASONS),
    Status.AWAITING_PAYMENT: (_payment, PublicState.AWAITING_PAYMENT),
    Status.REPLY_REVIEW: (_drafted, PublicState.PROCESSING),
    Status.REPLY_APPROVED: (_approved, PublicState.PROCESSING),
    Status.CLOSED: (_replied, PublicState.REPLIED),
    Status.ARCHIVED: (_archived, PublicState.REPLIED),
}


def test_every_status_is_covered() -> None:
    assert set(BY_STATUS) == set(Status)


@pytest.mark.parametrize("status", list(Status), ids=lambda st: st.value)
def test_public_status_of_every_workflow_status(users: dict[str, User], org: dict[str, Body], status: Status) -> None:
    build, expected = BY_STATUS[status]
    case = build(users, org)
    assert case.status == status.value
    pub = public_status(case=case)
    assert pub.state is expected
    assert pub.body_name == org["baqiao"].name and pub.case_number == case.number
    calendar = calendar_get()
    if status in (Status.NEW, Status.AWAITING_RECEIPT):
        assert pub.received_on is None and pub.due is None
    else:
        assert pub.received_on == D
    if status.is_open and status not in (Status.AWAITING_RECEIPT, Status.AWAITING_CORRECTION):
        assert pub.due is not None and pub.due == case.answer_due  # the same deadline staff see
    if status.is_closed:
        assert pub.due is None and pub.closed_on == _day(12)
        assert pub.outcome_label == Outcome.PARTIAL.label
    else:
        assert pub.outcome_label == "" and pub.closed_on is None  # never a draft's outcome
    if status is Status.AWAITING_CORRECTION:
        assert pub.correction_items == CORRECTION_ITEMS
        assert pub.correction_due == correction_deadline(_day(4), _day(14), calendar).due == _day(16)
    else:
        assert pub.correction_items == () and pub.correction_due is None
    if status is Status.AWAITING_PAYMENT:
        assert pub.fee_amount == Decimal("100.00")
        assert pub.fee_due == payment_deadline(_day(6), calendar).due
    else:
        assert pub.fee_amount is None
    labels = [step.label for step in pub.steps]
    assert "拟定答复" not in labels and "审核通过" not in labels and "归档" not in labels
    dates = [step.on for step in pub.steps]
    assert dates == sorted(dates)


@pytest.mark.parametrize(
    ("build", "state", "closing_step"),
    [
        (_withdrawn, PublicState.WITHDRAWN, "申请人撤回申请"),
        (_no_correction, PublicState.ABANDONED_CORRECTION, "逾期未补正，视为放弃申请"),
        (_no_fee, PublicState.ABANDONED_FEE, "逾期未缴费，视为放弃申请"),
    ],
)
def test_closures_other_than_a_reply(
    users: dict[str, User], org: dict[str, Body], build: Builder, state: PublicState, closing_step: str
) -> None:
    case = build(users, org)
    pub = public_status(case=case)
    assert pub.state is state and pub.outcome_label == "" and pub.due is None
    assert pub.closed_on == case.closed_on and pub.steps[-1].label == closing_step


def test_extension_shows_the_new_due_date(users: dict[str, User], org: dict[str, Body]) -> None:
    before = public_status(case=_registered(users, org))
    case = _extended(users, org)
    pub = public_status(case=case)
    assert pub.state is PublicState.EXTENDED and pub.label == "已延期"
    assert pub.due is not None and before.due is not None and pub.due > before.due
    assert pub.due == case.answer_due and "延长" in pub.due_note
    assert pub.steps[-1].label == "延长答复期限"


def test_steps_of_a_full_story(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _consulting(users, org)
    s.case_end_consultation(
        actor=users["bq_clerk"], case_id=case.pk, data=ConsultationEnd(result=ConsultationResult.OBJECTION), on=_day(9)
    )
    pub = public_status(case=case)
    assert [(st.on, st.label) for st in pub.steps] == [
        (D, "登记申请（收到申请）"),
        (_day(5), "征求第三方意见"),
        (_day(9), "征求意见结束"),
    ]


def _page(client: Client, case: Case, user: User) -> str:
    _, code = access_code_issue(actor=user, case_id=case.pk)
    response = client.post("/portal/status/", {"code": code})
    assert response.status_code == 200
    return response.content.decode()


def test_status_page_shows_nothing_personal_in_any_state(users: dict[str, User], org: dict[str, Body]) -> None:
    staff_names = {"bq_clerk": "刘洋经办甲", "bq_reviewer": "陈静审核乙", "bq_head": "王强负责丙"}
    for username, full in staff_names.items():
        users[username].first_name = full
        users[username].save()
    secrets = [
        DISTINCT["applicant_name"],
        DISTINCT["id_number"],
        DISTINCT["phone"],
        DISTINCT["email"],
        DISTINCT["address"],
        DISTINCT["agent"],
        THIRD_PARTY,
        APPROVER,
        GROUND,
        REASONS,
        WITHHELD,
        *staff_names,
        *staff_names.values(),
    ]
    client = Client()
    for status, (build, state) in BY_STATUS.items():
        case = build(users, org)
        html = _page(client, case, users["bq_clerk"])
        assert state.label in html, status
        assert case.number in html and org["baqiao"].name in html
        for secret in secrets:
            assert secret not in html, (status, secret)
    for build in (_extended, _withdrawn, _no_correction, _no_fee):
        html = _page(client, build(users, org), users["bq_clerk"])
        for secret in secrets:
            assert secret not in html, (build.__name__, secret)


def test_status_page_content_while_awaiting_correction(users: dict[str, User], org: dict[str, Body]) -> None:
    html = _page(Client(), _correction(users, org), users["bq_clerk"])
    assert "待补正" in html and "2026-03-16" in html
    for item in CORRECTION_ITEMS:
        assert item in html


def test_status_page_content_after_the_reply(users: dict[str, User], org: dict[str, Body]) -> None:
    html = _page(Client(), _replied(users, org), users["bq_clerk"])
    assert "已答复" in html and Outcome.PARTIAL.label in html and "2026-03-12" in html
    assert "作出答复" in html


def test_print_version_carries_the_code(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _registered(users, org)
    _, code = access_code_issue(actor=users["bq_clerk"], case_id=case.pk)
    html = Client().post("/portal/status/", {"code": code, "print": "1"}).content.decode()
    assert code in html and "办理中" in html and "/portal/status/" in html


def test_wrong_malformed_and_revoked_codes(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _registered(users, org)
    _, old = access_code_issue(actor=users["bq_clerk"], case_id=case.pk)
    _, new = access_code_issue(actor=users["bq_clerk"], case_id=case.pk)
    client = Client()
    revoked = client.post("/portal/status/", {"code": old})
    assert revoked.status_code == 400 and "查询码不正确或已作废" in revoked.content.decode()
    assert case.number not in revoked.content.decode()
    malformed = client.post("/portal/status/", {"code": "12345"})
    assert malformed.status_code == 400 and "16位字母和数字" in malformed.content.decode()
    assert client.post("/portal/status/", {"code": new}).status_code == 200
    assert client.get("/portal/status/").status_code == 200


def test_status_lookup_is_post_only_and_not_cached(users: dict[str, User], org: dict[str, Body]) -> None:
    case = _registered(users, org)
    _, code = access_code_issue(actor=users["bq_clerk"], case_id=case.pk)
    client = Client()
    get = client.get("/portal/status/", {"code": code})
    assert case.number not in get.content.decode()  # a code in a URL is ignored
    post = client.post("/portal/status/", {"code": code})
    assert "no-store" in post["Cache-Control"]


def test_registration_helper_cases_are_public_too(users: dict[str, User], org: dict[str, Body]) -> None:
    case = s.case_register(actor=users["bq_clerk"], body_id=org["baqiao"].pk, registration=registration(), on=D)
    assert public_status(case=case).state is PublicState.PROCESSING
