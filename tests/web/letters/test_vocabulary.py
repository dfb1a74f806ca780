"""The pure part (xxgk.core.letters): kinds, slots, the placeholder vocabulary, default wording and values."""

from __future__ import annotations

from datetime import date

import pytest

from tests.web.conftest import registration
from xxgk.core.calendar import WorkCalendar, add_working_days
from xxgk.core.deadlines import CONSULTATION_DAYS, FEE_PAYMENT_DAYS
from xxgk.core.fees import FeeMethod, fee_by_pages
from xxgk.core.letters import (
    ACTION_KINDS,
    PLACEHOLDERS,
    REPLY_OUTCOMES,
    SLOTS,
    LetterError,
    LetterFacts,
    LetterKind,
    LetterRequest,
    LetterSlot,
    check_placeholders,
    clause,
    default_wording,
    file_name,
    format_date,
    letter_requests,
    letter_values,
    placeholder_names,
    placeholders_for,
    sentence,
    slot_from_code,
)
from xxgk.core.outcomes import OUTCOMES, ApplicantType, Outcome
from xxgk.core.workflow import (
    Action,
    Case,
    Consultation,
    ConsultationKind,
    CorrectionRequest,
    Event,
    FeeNotice,
    Reply,
    Role,
    apply,
)

CAL = WorkCalendar()  # the weekday rule only: enough for pure tests


def _case(*steps: Event) -> Case:
    case = apply(Case(), Event(Action.REGISTER, date(2026, 3, 2), Role.CLERK, registration()), CAL)
    for step in steps:
        case = apply(case, step, CAL)
    return case


def _facts(case: Case, review_body: str = "重庆市大渡口区人民政府") -> LetterFacts:
    return LetterFacts("大渡口区八桥镇人民政府", review_body, "2026-0007", case, CAL)


def test_every_slot_round_trips_through_its_code_and_every_outcome_answered_in_a_reply_has_one() -> None:
    assert [slot_from_code(s.code) for s in SLOTS] == list(SLOTS)
    assert len({s.code for s in SLOTS}) == len(SLOTS)
    replies = {s.variant for s in SLOTS if s.kind is LetterKind.REPLY}
    assert replies == {o.value for o in Outcome if OUTCOMES[o].by_reply}
    assert Outcome.WITHDRAWN.value not in replies  # closed without a reply
    with pytest.raises(LetterError, match="未知的文书类型"):
        slot_from_code("reply.withdrawn")


def test_every_written_step_of_the_brief_has_a_kind() -> None:
    for action in (
        Action.REQUEST_CORRECTION,
        Action.EXTEND,
        Action.START_CONSULTATION,
        Action.REQUEST_REASONS,
        Action.SEND_FEE_NOTICE,
        Action.SEND_REPLY,
        Action.REPLY_ON_THE_SPOT,
    ):
        assert action in ACTION_KINDS
    assert Action.WITHDRAW not in ACTION_KINDS and Action.ARCHIVE not in ACTION_KINDS


@pytest.mark.parametrize("slot", SLOTS, ids=lambda s: s.code)
def test_default_wording_uses_only_placeholders_available_in_its_kind(slot: LetterSlot) -> None:
    wording = default_wording(slot)
    names = placeholder_names(wording.text)
    assert names, "a letter without placeholders would not be filled from the case"
    assert check_placeholders(slot, names).ok
    assert "{{" not in placeholder_free(wording.text)
    assert wording.blocks[0].text == slot.title
    assert "{{机关名称}}" in wording.text and "{{文书日期}}" in wording.text


def placeholder_free(text: str) -> str:
    for name in set(placeholder_names(text)):
        text = text.replace("{{" + name + "}}", "")
    return text


def test_default_wording_cites_the_articles_of_the_regulation() -> None:
    assert "第三十条" in default_wording(LetterSlot(LetterKind.CORRECTION)).text
    assert "第三十三条第二款" in default_wording(LetterSlot(LetterKind.EXTENSION)).text
    assert "第三十五条" in default_wording(LetterSlot(LetterKind.REASONS)).text
    assert "第三十五条" in default_wording(LetterSlot(LetterKind.CUSTOM_DEADLINE)).text
    fee = default_wording(LetterSlot(LetterKind.FEE)).text
    assert "第四十二条" in fee and "国办函〔2020〕109号" in fee and f"{FEE_PAYMENT_DAYS}个工作日" in fee
    third = default_wording(LetterSlot(LetterKind.CONSULTATION, ConsultationKind.THIRD_PARTY.value)).text
    co = default_wording(LetterSlot(LetterKind.CONSULTATION, ConsultationKind.CO_PRODUCER.value)).text
    assert "第三十二条" in third and "第三十四条" in co and "视为同意公开" in co
    assert f"{CONSULTATION_DAYS}个工作日" in third and f"{CONSULTATION_DAYS}个工作日" in co
    for outcome in REPLY_OUTCOMES:
        text = default_wording(LetterSlot(LetterKind.REPLY, outcome.value)).text
        spec = OUTCOMES[outcome]
        assert "{{救济途径}}" in text
        assert ("{{法律依据}}" in text) == spec.requires_legal_ground, outcome
        assert "{{不予公开部分}}" in text if spec.lists_withheld_parts else "{{不予公开部分}}" not in text


def test_unknown_and_unavailable_placeholders_are_listed_once_by_name() -> None:
    fee = LetterSlot(LetterKind.FEE)
    check = check_placeholders(fee, ["申请人", "身份证号", "补正事项", "身份证号", "收费金额", "电话"])
    assert check.unknown == ("身份证号", "电话")
    assert check.unavailable == ("补正事项",)
    message = check.message(fee)
    assert "{{身份证号}}" in message and "{{电话}}" in message and "{{补正事项}}" in message
    assert "{{申请人}}" not in message
    assert placeholder_names("致{{ 申请人 }}：{{申请内容}}，{{ }}") == ["申请人", "申请内容", ""]


def test_list_placeholders_are_declared_lists() -> None:
    lists = {p.name for p in PLACEHOLDERS.values() if p.is_list}
    assert lists == {"补正事项", "不予公开部分", "收费明细"}
    assert all(p.available_in(LetterKind.REPLY) for p in placeholders_for(LetterKind.REPLY))


def test_text_helpers() -> None:
    assert format_date(date(2026, 3, 2)) == "2026年3月2日" and format_date(None) == ""
    assert sentence(" 涉及商业秘密 ") == "涉及商业秘密。" and sentence("已说明。") == "已说明。" and sentence("") == ""
    assert clause("《条例》第十五条。") == "《条例》第十五条"
    request = LetterRequest(LetterSlot(LetterKind.CONSULTATION, "third_party"), "重庆某/公司")
    assert file_name("2026-0001", request) == "2026-0001-征求意见函-重庆某_公司.docx"
    assert (
        file_name("2026-0001", LetterRequest(LetterSlot(LetterKind.CORRECTION)), 2) == "2026-0001-补正告知书-第2版.docx"
    )


def test_correction_values_come_from_the_step_and_the_calendar() -> None:
    request = Event(
        Action.REQUEST_CORRECTION,
        date(2026, 3, 4),
        Role.CLERK,
        CorrectionRequest(("请明确项目名称。", "请写明年份"), date(2026, 3, 21)),  # a Saturday
    )
    case = _case(request)
    (req,) = letter_requests(case)
    assert req.slot == LetterSlot(LetterKind.CORRECTION)
    values = letter_values(req, _facts(case))
    assert values["补正事项"] == ("1．请明确项目名称", "2．请写明年份")
    assert values["补正期限"] == "2026年3月23日"  # rolled to the next working day
    assert values["收到申请日期"] == "2026年3月2日" and values["文书日期"] == "2026年3月4日"
    assert values["申请人"] == "张三" and values["申请人称谓"] == "您"
    assert values["答复期限"] == "（暂停计算）"  # the clock restarts on the corrected application
    assert set(values) == {p.name for p in placeholders_for(LetterKind.CORRECTION)}


def test_consultation_gives_one_letter_per_party() -> None:
    step = Event(
        Action.START_CONSULTATION,
        date(2026, 3, 5),
        Role.CLERK,
        Consultation(ConsultationKind.CO_PRODUCER, ("区财政局", " 区住建委 "), party_received_on=date(2026, 3, 6)),
    )
    case = _case(step)
    requests = letter_requests(case)
    assert [r.party for r in requests] == ["区财政局", "区住建委"]
    values = letter_values(requests[1], _facts(case))
    assert values["被征求意见方"] == "区住建委"
    assert values["意见期限"] == format_date(add_working_days(date(2026, 3, 6), CONSULTATION_DAYS, CAL).day)


def test_fee_values_and_an_organisation_is_addressed_as_such() -> None:
    quote = fee_by_pages(120)
    case = apply(
        Case(),
        Event(
            Action.REGISTER,
            date(2026, 3, 2),
            Role.CLERK,
            registration(name="重庆某公司", applicant_type=ApplicantType.BUSINESS),
        ),
        CAL,
    )
    notice = FeeNotice(FeeMethod.BY_PAGE, quote.amount, date(2026, 3, 4), quote.describe())
    case = apply(case, Event(Action.SEND_FEE_NOTICE, date(2026, 3, 3), Role.CLERK, notice), CAL)
    (req,) = letter_requests(case)
    values = letter_values(req, _facts(case))
    assert values["申请人称谓"] == "贵单位"
    assert values["收费金额"] == f"{quote.amount:.2f}"
    assert values["收费明细"] == tuple(line.rstrip("。") for line in quote.describe())
    assert values["缴费期限"] == format_date(add_working_days(date(2026, 3, 4), FEE_PAYMENT_DAYS, CAL).day)


def test_reply_values_for_a_refusal_and_the_remedies() -> None:
    reply = Reply(Outcome.DENIED_THIRD_PARTY, legal_ground="《条例》第十五条。", reasons="涉及商业秘密")
    case = _case(Event(Action.DRAFT_REPLY, date(2026, 3, 10), Role.CLERK, reply))
    (req,) = letter_requests(case)
    assert req.slot.variant == Outcome.DENIED_THIRD_PARTY.value
    values = letter_values(req, _facts(case))
    assert values["法律依据"] == "《条例》第十五条" and values["答复说明"] == "涉及商业秘密。"
    assert values["答复依据"] == "《中华人民共和国政府信息公开条例》" + OUTCOMES[Outcome.DENIED_THIRD_PARTY].basis
    remedies = str(values["救济途径"])
    assert "60日内向重庆市大渡口区人民政府申请行政复议" in remedies and "对行政复议决定不服的" in remedies
    granted = _case(Event(Action.DRAFT_REPLY, date(2026, 3, 10), Role.CLERK, Reply(Outcome.GRANTED)))
    remedies = str(letter_values(letter_requests(granted)[0], _facts(granted, review_body=""))["救济途径"])
    assert "6个月内" in remedies and "依法有管辖权的行政复议机关" in remedies


def test_values_refuse_a_slot_that_does_not_match_the_step() -> None:
    case = _case(Event(Action.DRAFT_REPLY, date(2026, 3, 10), Role.CLERK, Reply(Outcome.GRANTED)))
    with pytest.raises(LetterError, match="不符"):
        letter_values(LetterRequest(LetterSlot(LetterKind.REPLY, Outcome.PARTIAL.value)), _facts(case))
    with pytest.raises(LetterError, match="不产生"):
        letter_values(LetterRequest(LetterSlot(LetterKind.FEE)), _facts(case))
    assert letter_requests(Case()) == ()
