"""Every kind of letter generated from a real case moved through the services, read back with python-docx."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.web.letters.conftest import Register
from tests.web.letters.docxkit import paragraphs, text
from xxgk.core.deadlines import FEE_PAYMENT_DAYS
from xxgk.core.fees import FeeMethod, fee_by_pages, payment_deadline
from xxgk.core.letters import REPLY_OUTCOMES, LetterError, format_date
from xxgk.core.outcomes import OUTCOMES, Channel, DeliveryMethod, Outcome, ProvisionForm
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import (
    Consultation,
    ConsultationKind,
    CorrectionReceipt,
    CorrectionRequest,
    CustomDeadline,
    Extension,
    FeeNotice,
    ReasonsRecord,
    ReceiptConfirmation,
    Reply,
    ReviewNote,
)
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases import services as s
from xxgk.web.cases.models import Case, CaseEvent
from xxgk.web.cases.selectors import case_core
from xxgk.web.letters.models import Letter
from xxgk.web.letters.selectors import letter_steps, letters_for_case
from xxgk.web.letters.services import letter_generate
from xxgk.web.workcalendar.selectors import calendar_get

pytestmark = pytest.mark.django_db

BODY = "大渡口区八桥镇人民政府"
CONTENT = "2019年八桥镇老旧小区改造项目的批复文件"


def _seq(case: Case, action: str) -> int:
    return CaseEvent.objects.filter(case=case, action=action).order_by("-seq").values_list("seq", flat=True)[0]


def _generate(users: dict[str, User], case: Case, action: str, who: str = "bq_clerk") -> list[Letter]:
    return letter_generate(actor=users[who], case_id=case.pk, event_seq=_seq(case, action))


def _read(letter: Letter) -> str:
    content = Letter.objects.get(pk=letter.pk).content
    data = bytes(content)
    assert letter.size == len(data)
    body = text(data)
    assert "{{" not in body and "}}" not in body
    return body


def _common(body: str, case: Case) -> None:
    assert "张三" in body and CONTENT in body and BODY in body and case.number in body
    assert "2026年3月2日" in body  # 收到申请之日


def test_receipt_states_the_answer_deadline(users: dict[str, User], register: Register) -> None:
    case = register()
    (letter,) = _generate(users, case, "register")
    body = _read(letter)
    _common(body, case)
    assert case.answer_due is not None and format_date(case.answer_due) in body
    assert letter.filename == f"{case.number}-登记回执.docx"


def test_receipt_after_the_receipt_date_is_confirmed(users: dict[str, User], register: Register) -> None:
    case = register(channel=Channel.ONLINE, receipt=ReceiptFacts())
    assert letter_steps(case=case) == []  # 登记（收到日期待确认）: nothing to confirm to the applicant yet
    case = s.case_confirm_receipt(
        actor=users["bq_clerk"],
        case_id=case.pk,
        data=ReceiptConfirmation(ReceiptFacts(confirmed_on=date(2026, 3, 4))),
        on=date(2026, 3, 4),
    )
    (letter,) = _generate(users, case, "confirm_receipt")
    body = _read(letter)
    assert "通过网络方式" in body and "2026年3月4日" in body and "2026年3月2日" not in body
    assert case.answer_due is not None and format_date(case.answer_due) in body


def test_correction_lists_every_item_and_the_deadline(users: dict[str, User], register: Register) -> None:
    case = register()
    items = ("请明确所需文件的项目名称", "请写明文件的大致形成年份")
    s.case_request_correction(
        actor=users["bq_clerk"], case_id=case.pk, data=CorrectionRequest(items, date(2026, 3, 16)), on=date(2026, 3, 4)
    )
    (letter,) = _generate(users, case, "request_correction")
    body = _read(letter)
    _common(body, case)
    lines = paragraphs(bytes(Letter.objects.get(pk=letter.pk).content))
    assert [line for line in lines if line.endswith(items)] == [f"1．{items[0]}", f"2．{items[1]}"]
    assert "2026年3月16日" in body and "2026年3月4日" in body and "第三十条" in body
    assert letter.filename == f"{case.number}-补正告知书.docx" and letter.version == 1


def test_consultation_one_letter_per_party(users: dict[str, User], register: Register) -> None:
    case = register()
    parties = ("重庆某建设公司", "重庆某设计院")
    s.case_consult(
        actor=users["bq_clerk"],
        case_id=case.pk,
        data=Consultation(ConsultationKind.THIRD_PARTY, parties),
        on=date(2026, 3, 5),
    )
    letters = _generate(users, case, "start_consultation")
    assert [letter.party for letter in letters] == list(parties)
    for letter, party in zip(letters, parties, strict=True):
        body = _read(letter)
        assert paragraphs(bytes(Letter.objects.get(pk=letter.pk).content))[2] == f"{party}："
        assert CONTENT in body and "第三十二条" in body and "15个工作日" in body
        assert "张三" not in body  # the applicant's name is not disclosed to the third party by default
        assert letter.filename == f"{case.number}-征求意见函-{party}.docx"


def test_extension_states_the_old_and_the_new_deadline(users: dict[str, User], register: Register) -> None:
    case = register()
    old_due = case.answer_due
    assert old_due is not None
    case = s.case_extend(
        actor=users["bq_head"],
        case_id=case.pk,
        data=Extension(15, "王主任", date(2026, 3, 20), reason="所需信息涉及多个部门，需要协调核实"),
        on=date(2026, 3, 20),
    )
    new_due = case_core(case=case).answer_deadline(calendar_get()).due
    assert new_due is not None and new_due > old_due
    (letter,) = _generate(users, case, "extend")
    body = _read(letter)
    _common(body, case)
    assert format_date(old_due) in body and format_date(new_due) in body
    assert "延长15个工作日" in body and "所需信息涉及多个部门，需要协调核实。" in body and "第三十三条第二款" in body


def test_reasons_and_custom_deadline_letters(users: dict[str, User], register: Register) -> None:
    case = register()
    s.case_request_reasons(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 3))
    (reasons,) = _generate(users, case, "request_reasons")
    body = _read(reasons)
    _common(body, case)
    assert "第三十五条" in body and "说明理由" in body
    s.case_record_reasons(
        actor=users["bq_clerk"], case_id=case.pk, data=ReasonsRecord("用于课题研究"), on=date(2026, 3, 5)
    )
    s.case_set_custom_deadline(
        actor=users["bq_head"],
        case_id=case.pk,
        data=CustomDeadline(date(2026, 5, 29), "所需信息量大，需分批整理", date(2026, 3, 6)),
        on=date(2026, 3, 6),
    )
    (custom,) = _generate(users, case, "set_custom_deadline")
    body = _read(custom)
    assert "2026年5月29日" in body and "所需信息量大，需分批整理。" in body


def test_fee_notice_amount_breakdown_and_payment_deadline(users: dict[str, User], register: Register) -> None:
    case = register()
    quote = fee_by_pages(150)
    served = date(2026, 3, 6)
    s.case_send_fee_notice(
        actor=users["bq_clerk"],
        case_id=case.pk,
        data=FeeNotice(FeeMethod.BY_PAGE, quote.amount, served, quote.describe()),
        on=date(2026, 3, 5),
    )
    (letter,) = _generate(users, case, "send_fee_notice")
    body = _read(letter)
    _common(body, case)
    assert f"人民币{quote.amount:.2f}元" in body and "按量计收" in body
    for line in quote.describe():
        assert line in body
    pay_by = payment_deadline(served, calendar_get()).due
    assert format_date(pay_by) in body and f"{FEE_PAYMENT_DAYS}个工作日" in body


def _reply_case(users: dict[str, User], register: Register, outcome: Outcome) -> Case:
    clerk = users["bq_clerk"]
    case = register()
    if outcome is Outcome.NOT_PROCESSED_EXCESSIVE:
        s.case_request_reasons(actor=clerk, case_id=case.pk, on=date(2026, 3, 3))
        s.case_record_reasons(actor=clerk, case_id=case.pk, data=ReasonsRecord(), on=date(2026, 3, 4))
    if outcome is Outcome.UNABLE_UNCLEAR:
        request = CorrectionRequest(("请明确项目名称",), date(2026, 3, 10))
        s.case_request_correction(actor=clerk, case_id=case.pk, data=request, on=date(2026, 3, 3))
        s.case_receive_correction(actor=clerk, case_id=case.pk, data=CorrectionReceipt(), on=date(2026, 3, 5))
    spec = OUTCOMES[outcome]
    reply = Reply(
        outcome,
        legal_ground="《中华人民共和国政府信息公开条例》相关规定" if spec.requires_legal_ground else "",
        reasons="经研究，情况属实" if spec.requires_reasons else "",
        withheld_parts=("报价明细", "个人身份信息") if spec.lists_withheld_parts else (),
        form=ProvisionForm.PAPER if spec.provides_information else None,
        delivery=DeliveryMethod.MAIL if spec.provides_information else None,
    )
    s.case_draft_reply(actor=clerk, case_id=case.pk, data=reply, on=date(2026, 3, 10))
    s.case_approve_reply(actor=users["bq_reviewer"], case_id=case.pk, data=ReviewNote("同意"), on=date(2026, 3, 11))
    return s.case_send_reply(actor=clerk, case_id=case.pk, on=date(2026, 3, 12))


@pytest.mark.parametrize("outcome", REPLY_OUTCOMES, ids=lambda o: o.value)
def test_the_reply_of_every_outcome(users: dict[str, User], register: Register, outcome: Outcome) -> None:
    case = _reply_case(users, register, outcome)
    (letter,) = _generate(users, case, "send_reply")
    assert letter.slot == f"reply.{outcome.value}"
    body = _read(letter)
    _common(body, case)
    spec = OUTCOMES[outcome]
    if spec.basis.startswith("第"):
        assert "《中华人民共和国政府信息公开条例》" + spec.basis in body
    assert "2026年3月12日" in body  # the letter is dated the day it is sent
    assert "申请行政复议" in body and "重庆市大渡口区人民政府" in body  # the body's superior reviews
    if spec.requires_reasons:
        assert "经研究，情况属实。" in body
    if spec.lists_withheld_parts:
        assert "1．报价明细" in body and "2．个人身份信息" in body
    if spec.provides_information and outcome is not Outcome.GRANTED_PUBLISHED:  # published: where, in the reasons
        assert "提供形式：纸质文本；获取方式：邮寄。" in body


def test_draft_and_on_the_spot_replies_are_letters_too(users: dict[str, User], register: Register) -> None:
    case = register(channel=Channel.IN_PERSON)
    s.case_reply_on_the_spot(
        actor=users["bq_clerk"], case_id=case.pk, data=Reply(Outcome.GRANTED_PUBLISHED), on=date(2026, 3, 2)
    )
    (letter,) = _generate(users, case, "reply_on_the_spot")
    body = _read(letter)
    assert "已经主动公开" in body and "第三十六条第（一）项" in body and "6个月内" in body
    case = register(name="李四")
    reply = Reply(
        Outcome.DENIED_STATE_SECRET, legal_ground="《中华人民共和国保守国家秘密法》", reasons="属于秘密级文件"
    )
    s.case_draft_reply(actor=users["bq_clerk"], case_id=case.pk, data=reply, on=date(2026, 3, 9))
    (draft,) = _generate(users, case, "draft_reply")
    body = _read(draft)
    assert "李四" in body and "属于国家秘密" in body and "《中华人民共和国保守国家秘密法》" in body
    assert "对行政复议决定不服的" in body  # 复议前置 for a refusal


def test_regenerating_keeps_the_old_version_and_audits_each(users: dict[str, User], register: Register) -> None:
    case = register()
    first = _generate(users, case, "register")[0]
    second = _generate(users, case, "register", who="bq_reviewer")[0]
    assert (first.version, second.version) == (1, 2)
    assert second.filename.endswith("-第2版.docx")
    assert [lt.version for lt in letters_for_case(case=case)] == [2, 1]
    audits = AuditEvent.objects.filter(code=AuditCode.LETTER_GENERATED, object_type="case", object_id=str(case.pk))
    assert audits.count() == 2
    last = audits.order_by("id").last()
    assert last is not None and last.new is not None and last.new["sha256"] == second.sha256
    (step,) = letter_steps(case=case)
    assert step.seq == 1 and [lt.pk for lt in step.letters] == [second.pk, first.pk]


def test_generation_is_refused_where_it_should_be(users: dict[str, User], register: Register) -> None:
    case = register()
    s.case_withdraw(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 3))
    with pytest.raises(LetterError, match="不需要书面文书"):
        letter_generate(actor=users["bq_clerk"], case_id=case.pk, event_seq=2)
    with pytest.raises(Http404):
        letter_generate(actor=users["bq_clerk"], case_id=case.pk, event_seq=9)
    with pytest.raises(Http404):  # another body's clerk: as if it did not exist
        letter_generate(actor=users["td_clerk"], case_id=case.pk, event_seq=1)
    with pytest.raises(PermissionDenied):  # the supervising district reads only
        letter_generate(actor=users["qu_viewer"], case_id=case.pk, event_seq=1)
    s.case_archive(actor=users["bq_clerk"], case_id=case.pk, on=date(2026, 3, 4))
    with pytest.raises(LetterError, match="已归档"):
        letter_generate(actor=users["bq_clerk"], case_id=case.pk, event_seq=1)
    assert not Letter.objects.exists()
    assert not AuditEvent.objects.filter(code=AuditCode.LETTER_GENERATED).exists()


def test_an_admin_of_the_body_who_handles_no_case_cannot_generate(
    users: dict[str, User], register: Register, bq_admin: User
) -> None:
    case = register()
    with pytest.raises(PermissionDenied):
        letter_generate(actor=bq_admin, case_id=case.pk, event_seq=1)


def test_amounts_with_cents(users: dict[str, User], register: Register) -> None:
    case = register()
    s.case_send_fee_notice(
        actor=users["bq_clerk"],
        case_id=case.pk,
        data=FeeNotice(FeeMethod.BY_ITEM, Decimal("100.5"), date(2026, 3, 6)),
        on=date(2026, 3, 5),
    )
    (letter,) = _generate(users, case, "send_fee_notice")
    body = _read(letter)
    assert "人民币100.50元" in body and "按件计收，合计100.50元" in body  # no breakdown given: the total


def test_letters_use_the_registration_as_corrected_by_edits(users: dict[str, User], register: Register) -> None:
    case = register()
    s.case_edit_registration(
        actor=users["bq_clerk"],
        case_id=case.pk,
        changes={"applicant_name": "张三丰", "content": "八桥镇2025年老旧小区改造项目的批复文件"},
        reason="申请人更正姓名和所需信息",
    )
    (letter,) = _generate(users, case, "register")
    body = text(bytes(Letter.objects.get(pk=letter.pk).content))
    assert "张三丰：" in body and "八桥镇2025年老旧小区改造项目的批复文件" in body and CONTENT not in body
