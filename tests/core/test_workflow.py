"""The application lifecycle: outcome catalogue, receipt date by channel, the transition table and its guards.

The transition table is tested exhaustively: every status × action × role either succeeds (legal pair, allowed
role, valid payload) and lands on the table's target, or raises WorkflowError saying why.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from xxgk.core.calendar import add_working_days, calendar_from_chinesecalendar
from xxgk.core.deadlines import DeadlineKind
from xxgk.core.errors import ReportError, WorkflowError
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import (
    OUTCOMES,
    ApplicantType,
    Channel,
    DeliveryMethod,
    Outcome,
    OutcomeGroup,
    ProvisionForm,
    report_cell,
)
from xxgk.core.receipt import ReceiptFacts, receipt_date
from xxgk.core.templates import S3_PARTS, TEMPLATE_VERSIONS, get_template
from xxgk.core.workflow import (
    CLOSING_OUTCOMES,
    TRANSITIONS,
    Action,
    Applicant,
    Case,
    Consultation,
    ConsultationEnd,
    ConsultationKind,
    ConsultationResult,
    CorrectionReceipt,
    CorrectionRequest,
    CustomDeadline,
    Event,
    Extension,
    FeeNotice,
    Payment,
    ReasonsRecord,
    ReceiptConfirmation,
    Registration,
    Reply,
    ReviewNote,
    Role,
    Status,
    Withdrawal,
    allowed_actions,
    apply,
    check,
    replay,
    transition,
)

CAL = calendar_from_chinesecalendar()
_T = TypeVar("_T")


def day(text: str) -> date:
    return date.fromisoformat(text)


def unchecked(obj: _T, **changes: Any) -> _T:
    """``dataclasses.replace`` without type checking, to build the wrong-typed input callers may send."""
    return replace(obj, **changes)  # type: ignore[type-var]


# ==================================================================================================
# Outcomes
# ==================================================================================================


@pytest.mark.parametrize("version", TEMPLATE_VERSIONS)
def test_every_outcome_maps_to_an_outcome_row_and_every_row_is_covered(version: str) -> None:
    rows = get_template(version).s3_outcome_rows
    mapped = {o.row(version) for o in Outcome}
    assert mapped <= set(rows)
    assert mapped == set(rows)  # the catalogue is complete for both templates


@pytest.mark.parametrize(
    ("outcome", "row_2021", "row_2019"),
    [
        # regulation.md §6 and template.md §4
        (Outcome.GRANTED_PUBLISHED, "granted", "granted"),
        (Outcome.GRANTED, "granted", "granted"),
        (Outcome.PARTIAL, "partial", "partial"),
        (Outcome.DENIED_STATE_SECRET, "denied.state_secret", "denied.state_secret"),
        (Outcome.DENIED_THIRD_PARTY, "denied.third_party", "denied.third_party"),
        (Outcome.DENIED_INQUIRY, "denied.inquiry", "denied.inquiry"),
        (Outcome.UNABLE_NOT_FOUND, "unable.not_held", "unable.not_held"),
        (Outcome.UNABLE_NOT_RESPONSIBLE, "unable.not_held", "unable.not_held"),
        (Outcome.UNABLE_UNCLEAR, "unable.unclear", "unable.unclear"),
        (Outcome.NOT_PROCESSED_EXCESSIVE, "not_processed.excessive", "not_processed.excessive"),
        (Outcome.NO_CORRECTION, "other.no_correction", "other"),
        (Outcome.NO_FEE, "other.no_fee", "other"),
        (Outcome.WITHDRAWN, "other.other", "other"),
        (Outcome.OTHER, "other.other", "other"),
    ],
)
def test_outcome_rows(outcome: Outcome, row_2021: str, row_2019: str) -> None:
    assert outcome.row("2021") == row_2021
    assert outcome.row("2019") == row_2019


def test_outcome_requirements() -> None:
    for outcome, spec in OUTCOMES.items():
        assert spec.outcome is outcome and spec.label and spec.basis
        refusal = spec.group in (OutcomeGroup.DENIED, OutcomeGroup.UNABLE, OutcomeGroup.NOT_PROCESSED)
        if refusal or spec.group is OutcomeGroup.PARTIAL:
            assert spec.requires_legal_ground and spec.requires_reasons, outcome
        assert spec.lists_withheld_parts == (outcome is Outcome.PARTIAL)
        assert spec.provides_information == (spec.group in (OutcomeGroup.GRANTED, OutcomeGroup.PARTIAL))
    assert {o for o, s in OUTCOMES.items() if not s.by_reply} == {
        Outcome.NO_CORRECTION,
        Outcome.NO_FEE,
        Outcome.WITHDRAWN,
    }
    assert "第十四条" in Outcome.DENIED_STATE_SECRET.spec.basis
    assert "第三十七条" in Outcome.PARTIAL.spec.basis
    assert "109号" in Outcome.NO_FEE.spec.basis
    assert OutcomeGroup.DENIED.label == "（三）不予公开"
    assert Outcome.GRANTED.label == "予以公开"


def test_report_cells_exist_in_both_templates() -> None:
    for version, outcome, applicant in itertools.product(TEMPLATE_VERSIONS, Outcome, ApplicantType):
        assert report_cell(outcome, applicant, version) in get_template(version).by_code
    assert report_cell(Outcome.PARTIAL, ApplicantType.BUSINESS, "2021") == "s3.partial.business"
    assert report_cell(Outcome.NO_FEE, ApplicantType.NATURAL, "2019") == "s3.other.natural"
    with pytest.raises(ReportError, match="2008"):
        Outcome.GRANTED.row("2008")
    with pytest.raises(ReportError, match="未知的办理结果或申请人类型"):
        report_cell("granted_maybe", ApplicantType.NATURAL, "2021")  # type: ignore[arg-type]
    with pytest.raises(ReportError, match="未知的办理结果或申请人类型"):
        report_cell(Outcome.GRANTED, "robot", "2021")  # type: ignore[arg-type]


def test_applicant_types_are_the_table3_columns() -> None:
    assert tuple(a.value for a in ApplicantType) == S3_PARTS
    assert ApplicantType.NATURAL.label == "自然人" and ApplicantType.NATURAL.is_natural_person
    assert ApplicantType.OTHER_ORG.full_label == "法人或其他组织·其他"
    assert ApplicantType.NATURAL.full_label == "自然人"
    assert ApplicantType.LEGAL.full_label == "法人或其他组织·法律服务机构"


def test_labels() -> None:
    assert [c.label for c in Channel] == ["当面", "邮寄", "网络", "传真", "电子邮件", "口头"]
    assert ProvisionForm.INSPECTION.label == "查阅、抄录" and DeliveryMethod.PICKUP.label == "当面领取"
    assert Role.HEAD.label == "负责人" and Role.SYSTEM.label == "系统"
    assert all(s.label for s in Status) and all(a.label for a in Action)
    assert ConsultationKind.CO_PRODUCER.label == "征求其他机关意见"
    assert ConsultationResult.NO_REPLY.label == "逾期未提出意见"


# ==================================================================================================
# 收到申请之日 (Art 31, 207号)
# ==================================================================================================

MON, TUE, WED = day("2025-03-03"), day("2025-03-04"), day("2025-03-05")


@pytest.mark.parametrize(
    ("channel", "facts", "expected", "basis"),
    [
        (Channel.IN_PERSON, ReceiptFacts(submitted_on=MON), MON, "第三十一条第（一）项"),
        (Channel.ORAL, ReceiptFacts(submitted_on=MON), MON, "第三十一条第（一）项"),
        (Channel.MAIL, ReceiptFacts(signed_for_on=TUE), TUE, "签收之日"),
        (Channel.MAIL, ReceiptFacts(ordinary_mail=True, arrived_on=MON, confirmed_on=MON), MON, "平常信函"),
        (Channel.MAIL, ReceiptFacts(addressed_elsewhere=True, arrived_on=MON, confirmed_on=TUE), TUE, "207号"),
        (Channel.ONLINE, ReceiptFacts(arrived_on=MON, confirmed_on=TUE), TUE, "双方确认之日"),
        (Channel.FAX, ReceiptFacts(confirmed_on=WED), WED, "双方确认之日"),
        (Channel.EMAIL, ReceiptFacts(mailbox_received_on=MON), MON, "电子邮件系统收到之日"),
        (Channel.EMAIL, ReceiptFacts(mailbox_received_on=MON, confirmed_on=TUE), TUE, "双方确认之日"),
    ],
)
def test_receipt_date_by_channel(channel: Channel, facts: ReceiptFacts, expected: date, basis: str) -> None:
    result = receipt_date(channel, facts)
    assert result.day == expected and not result.pending
    assert basis in result.basis
    assert result.describe().startswith(f"收到申请之日：{expected.isoformat()}")


def test_ordinary_mail_confirmed_late_starts_from_the_confirmation() -> None:
    # 207号: applicant unreachable on the day of arrival -> counted from the day contact is restored.
    result = receipt_date(Channel.MAIL, ReceiptFacts(ordinary_mail=True, arrived_on=MON, confirmed_on=WED))
    assert result.day == WED
    assert "未能当日确认" in result.note and "未能当日确认" in result.describe()
    # for online applications a later confirmation is the rule itself, no note
    assert receipt_date(Channel.ONLINE, ReceiptFacts(arrived_on=MON, confirmed_on=WED)).note == ""


@pytest.mark.parametrize(
    ("channel", "facts", "missing"),
    [
        (Channel.IN_PERSON, ReceiptFacts(), "提交日期"),
        (Channel.MAIL, ReceiptFacts(), "签收日期"),
        (Channel.MAIL, ReceiptFacts(ordinary_mail=True, arrived_on=MON), "尚未与申请人确认"),
        (Channel.MAIL, ReceiptFacts(addressed_elsewhere=True, arrived_on=MON), "电话确认"),
        (Channel.ONLINE, ReceiptFacts(arrived_on=MON), "双方确认"),
        (Channel.EMAIL, ReceiptFacts(), "邮箱收到日期"),
    ],
)
def test_receipt_date_pending(channel: Channel, facts: ReceiptFacts, missing: str) -> None:
    result = receipt_date(channel, facts)
    assert result.pending and result.day is None
    assert missing in result.describe()


def test_receipt_date_bad_input() -> None:
    with pytest.raises(WorkflowError, match="早于实际收到日期"):
        receipt_date(Channel.MAIL, ReceiptFacts(ordinary_mail=True, arrived_on=WED, confirmed_on=MON))
    with pytest.raises(WorkflowError, match="未知的申请渠道"):
        receipt_date("pigeon", ReceiptFacts())  # type: ignore[arg-type]
    with pytest.raises(WorkflowError, match="ReceiptFacts"):
        receipt_date(Channel.MAIL, {"signed_for_on": MON})  # type: ignore[arg-type]
    with pytest.raises(WorkflowError, match="必须是日期"):
        ReceiptFacts(submitted_on=datetime(2025, 3, 3, 9, 0))  # noqa: DTZ001
    with pytest.raises(WorkflowError, match="必须是日期"):
        ReceiptFacts(confirmed_on="2025-03-03")  # type: ignore[arg-type]


# ==================================================================================================
# Building cases
# ==================================================================================================

D0 = MON  # receipt; answer due 2025-03-31; 补正 notice by 2025-03-12 (see test_deadlines for the counts)
APPLICANT = Applicant(ApplicantType.NATURAL, "张三", "居民身份证 110101199001011234", "13800000000")
CONTENT = "本镇2024年财政预算执行情况"
REG = Registration(Channel.IN_PERSON, APPLICANT, CONTENT, ReceiptFacts(submitted_on=D0))
PENDING_REG = Registration(Channel.ONLINE, APPLICANT, CONTENT, ReceiptFacts(arrived_on=D0))


def ev(action: Action, on: str | date, role: Role = Role.CLERK, data: object = None, actor: str = "") -> Event:
    when = day(on) if isinstance(on, str) else on
    return Event(action, when, role, data, actor)  # type: ignore[arg-type]


def run(*events: Event, start: Case | None = None) -> Case:
    case = Case() if start is None else start
    for e in events:
        case = apply(case, e, CAL)
    return case


REGISTER = ev(Action.REGISTER, D0, data=REG)
REQUEST_CORRECTION = ev(
    Action.REQUEST_CORRECTION, "2025-03-05", data=CorrectionRequest(("请写明文件名称",), day("2025-03-14"))
)
START_CONSULTATION = ev(
    Action.START_CONSULTATION,
    "2025-03-10",
    data=Consultation(ConsultationKind.THIRD_PARTY, ("某某有限公司",), party_received_on=day("2025-03-11")),
)
FEE_NOTICE = ev(
    Action.SEND_FEE_NOTICE, "2025-03-10", data=FeeNotice(FeeMethod.BY_PAGE, Decimal(720), day("2025-03-11"))
)
DRAFT = ev(Action.DRAFT_REPLY, "2025-03-20", data=Reply(Outcome.GRANTED, form=ProvisionForm.PAPER), actor="clerk-1")
APPROVE = ev(Action.APPROVE_REPLY, "2025-03-21", Role.REVIEWER, actor="reviewer-1")

#: A history that reaches each status.
PATHS: dict[Status, tuple[Event, ...]] = {
    Status.NEW: (),
    Status.AWAITING_RECEIPT: (ev(Action.REGISTER_PENDING, D0, data=PENDING_REG),),
    Status.PROCESSING: (REGISTER,),
    Status.AWAITING_CORRECTION: (REGISTER, REQUEST_CORRECTION),
    Status.CONSULTING: (REGISTER, START_CONSULTATION),
    Status.AWAITING_REASONS: (REGISTER, ev(Action.REQUEST_REASONS, "2025-03-05")),
    Status.AWAITING_PAYMENT: (REGISTER, FEE_NOTICE),
    Status.REPLY_REVIEW: (REGISTER, DRAFT),
    Status.REPLY_APPROVED: (REGISTER, DRAFT, APPROVE),
    Status.CLOSED: (REGISTER, DRAFT, APPROVE, ev(Action.SEND_REPLY, "2025-03-24")),
    Status.ARCHIVED: (REGISTER, DRAFT, APPROVE, ev(Action.SEND_REPLY, "2025-03-24"), ev(Action.ARCHIVE, "2025-03-26")),
}

#: Some guards need more history than the shortest path.
SETUP: dict[tuple[Status, Action], tuple[Event, ...]] = {
    (Status.PROCESSING, Action.SET_CUSTOM_DEADLINE): (
        REGISTER,
        ev(Action.REQUEST_REASONS, "2025-03-05"),
        ev(Action.RECORD_REASONS, "2025-03-07", data=ReasonsRecord("课题研究需要")),
    ),
}


def case_in(status: Status, action: Action | None = None) -> Case:
    events = SETUP.get((status, action), PATHS[status]) if action else PATHS[status]
    case = run(*events)
    assert case.status is status
    return case


def valid_event(action: Action, role: Role) -> Event:
    """An event that satisfies the guard of ``action`` from every status the table allows it in."""
    makers: dict[Action, Callable[[], Event]] = {
        Action.REGISTER: lambda: REGISTER,
        Action.REGISTER_PENDING: lambda: ev(Action.REGISTER_PENDING, D0, data=PENDING_REG),
        Action.CONFIRM_RECEIPT: lambda: ev(
            Action.CONFIRM_RECEIPT,
            "2025-03-04",
            data=ReceiptConfirmation(ReceiptFacts(arrived_on=D0, confirmed_on=TUE)),
        ),
        Action.REPLY_ON_THE_SPOT: lambda: ev(Action.REPLY_ON_THE_SPOT, D0, data=Reply(Outcome.GRANTED_PUBLISHED)),
        Action.REQUEST_CORRECTION: lambda: REQUEST_CORRECTION,
        Action.RECEIVE_CORRECTION: lambda: ev(Action.RECEIVE_CORRECTION, "2025-03-12"),
        Action.CORRECTION_OVERDUE: lambda: ev(Action.CORRECTION_OVERDUE, "2025-03-17"),
        Action.START_CONSULTATION: lambda: START_CONSULTATION,
        Action.END_CONSULTATION: lambda: (
            ev(Action.END_CONSULTATION, "2025-04-02", data=ConsultationEnd(ConsultationResult.NO_REPLY))
            if role is Role.SYSTEM
            else ev(Action.END_CONSULTATION, "2025-03-20", data=ConsultationEnd(ConsultationResult.CONSENT))
        ),
        Action.EXTEND: lambda: ev(Action.EXTEND, "2025-03-12", data=Extension(10, "李主任", day("2025-03-12"))),
        Action.REQUEST_REASONS: lambda: ev(Action.REQUEST_REASONS, "2025-03-05"),
        Action.RECORD_REASONS: lambda: ev(Action.RECORD_REASONS, "2025-03-07", data=ReasonsRecord("课题研究需要")),
        Action.SET_CUSTOM_DEADLINE: lambda: ev(
            Action.SET_CUSTOM_DEADLINE,
            "2025-03-10",
            data=CustomDeadline(day("2025-04-30"), "申请涉及材料数量大", day("2025-03-10")),
        ),
        Action.SEND_FEE_NOTICE: lambda: FEE_NOTICE,
        Action.RECORD_PAYMENT: lambda: ev(Action.RECORD_PAYMENT, "2025-03-20", data=Payment(Decimal(720))),
        Action.FEE_OVERDUE: lambda: ev(Action.FEE_OVERDUE, "2025-04-10"),
        Action.DRAFT_REPLY: lambda: DRAFT,
        Action.RETURN_REPLY: lambda: ev(Action.RETURN_REPLY, "2025-03-21", data=ReviewNote("请补充提供方式")),
        Action.APPROVE_REPLY: lambda: APPROVE,
        Action.SEND_REPLY: lambda: ev(Action.SEND_REPLY, "2025-03-24"),
        Action.WITHDRAW: lambda: ev(Action.WITHDRAW, "2025-04-15", data=Withdrawal("已通过其他途径获取")),
        Action.ARCHIVE: lambda: ev(Action.ARCHIVE, "2025-03-26"),
    }
    return replace(makers[action](), role=role)


# ==================================================================================================
# The transition table, exhaustively
# ==================================================================================================

C, R, H, SYS = Role.CLERK, Role.REVIEWER, Role.HEAD, Role.SYSTEM
OPEN = [s for s in Status if s not in (Status.NEW, Status.CLOSED, Status.ARCHIVED)]

#: The lifecycle, written out independently of the code: (status, action) -> (next status, roles allowed).
LIFECYCLE: dict[tuple[Status, Action], tuple[Status, frozenset[Role]]] = {
    (Status.NEW, Action.REGISTER): (Status.PROCESSING, frozenset({C})),
    (Status.NEW, Action.REGISTER_PENDING): (Status.AWAITING_RECEIPT, frozenset({C})),
    (Status.AWAITING_RECEIPT, Action.CONFIRM_RECEIPT): (Status.PROCESSING, frozenset({C})),
    (Status.PROCESSING, Action.REPLY_ON_THE_SPOT): (Status.CLOSED, frozenset({C})),
    (Status.PROCESSING, Action.REQUEST_CORRECTION): (Status.AWAITING_CORRECTION, frozenset({C})),
    (Status.AWAITING_CORRECTION, Action.RECEIVE_CORRECTION): (Status.PROCESSING, frozenset({C})),
    (Status.AWAITING_CORRECTION, Action.CORRECTION_OVERDUE): (Status.CLOSED, frozenset({C, SYS})),
    (Status.PROCESSING, Action.START_CONSULTATION): (Status.CONSULTING, frozenset({C})),
    (Status.CONSULTING, Action.END_CONSULTATION): (Status.PROCESSING, frozenset({C, SYS})),
    (Status.PROCESSING, Action.EXTEND): (Status.PROCESSING, frozenset({H})),
    (Status.CONSULTING, Action.EXTEND): (Status.CONSULTING, frozenset({H})),
    (Status.PROCESSING, Action.REQUEST_REASONS): (Status.AWAITING_REASONS, frozenset({C})),
    (Status.AWAITING_REASONS, Action.RECORD_REASONS): (Status.PROCESSING, frozenset({C})),
    (Status.PROCESSING, Action.SET_CUSTOM_DEADLINE): (Status.PROCESSING, frozenset({H})),
    (Status.PROCESSING, Action.SEND_FEE_NOTICE): (Status.AWAITING_PAYMENT, frozenset({C})),
    (Status.AWAITING_PAYMENT, Action.RECORD_PAYMENT): (Status.PROCESSING, frozenset({C})),
    (Status.AWAITING_PAYMENT, Action.FEE_OVERDUE): (Status.CLOSED, frozenset({C, SYS})),
    (Status.PROCESSING, Action.DRAFT_REPLY): (Status.REPLY_REVIEW, frozenset({C})),
    (Status.REPLY_REVIEW, Action.RETURN_REPLY): (Status.PROCESSING, frozenset({R, H})),
    (Status.REPLY_REVIEW, Action.APPROVE_REPLY): (Status.REPLY_APPROVED, frozenset({R, H})),
    (Status.REPLY_APPROVED, Action.SEND_REPLY): (Status.CLOSED, frozenset({C})),
    **{(s, Action.WITHDRAW): (Status.CLOSED, frozenset({C})) for s in OPEN},
    (Status.CLOSED, Action.ARCHIVE): (Status.ARCHIVED, frozenset({C, R})),
}


def test_transition_table_is_the_lifecycle() -> None:
    assert {k: (t.target, t.roles) for k, t in TRANSITIONS.items()} == LIFECYCLE


ALL = list(itertools.product(Status, Action, Role))


@pytest.mark.parametrize(("status", "action", "role"), ALL, ids=[f"{s}-{a}-{r}" for s, a, r in ALL])
def test_every_status_action_role(status: Status, action: Action, role: Role) -> None:
    case = case_in(status, action)
    entry = LIFECYCLE.get((status, action))
    if entry is None:
        with pytest.raises(WorkflowError, match=f"当前状态“{status.label}”下不能执行“{action.label}”"):
            apply(case, ev(action, "2025-04-30", role), CAL)
        return
    target, roles = entry
    event = valid_event(action, role)
    if role not in roles:
        with pytest.raises(WorkflowError, match=f"“{role.label}”无权执行“{action.label}”"):
            apply(case, event, CAL)
        return
    after = apply(case, event, CAL)
    assert after.status is target
    assert after.events == (*case.events, event)
    assert case.status is status  # the input case is unchanged


def test_table_shape() -> None:
    assert all(t.source is s and t.action is a for (s, a), t in TRANSITIONS.items())
    assert all(t.roles and t.guard for t in TRANSITIONS.values())
    assert not any(s is Status.ARCHIVED for s, _ in TRANSITIONS)  # terminal
    assert {a for (s, a) in TRANSITIONS if s is Status.CLOSED} == {Action.ARCHIVE}
    # every status is reachable from NEW and every open status can reach CLOSED
    reachable, frontier = {Status.NEW}, [Status.NEW]
    while frontier:
        s = frontier.pop()
        for (src, _), t in TRANSITIONS.items():
            if src is s and t.target not in reachable:
                reachable.add(t.target)
                frontier.append(t.target)
    assert reachable == set(Status)
    for status in Status:
        if status.is_open:
            assert (status, Action.WITHDRAW) in TRANSITIONS
    # only the system's own moves are allowed to the system role
    assert {a for (s, a), t in TRANSITIONS.items() if Role.SYSTEM in t.roles} == {
        Action.CORRECTION_OVERDUE,
        Action.END_CONSULTATION,
        Action.FEE_OVERDUE,
    }
    assert {a for (s, a), t in TRANSITIONS.items() if Role.HEAD in t.roles} >= {
        Action.EXTEND,
        Action.SET_CUSTOM_DEADLINE,
    }


def test_allowed_actions() -> None:
    assert allowed_actions(Status.NEW, Role.CLERK) == (Action.REGISTER, Action.REGISTER_PENDING)
    assert allowed_actions(Status.NEW, Role.HEAD) == ()
    assert allowed_actions(Status.PROCESSING, Role.HEAD) == (Action.EXTEND, Action.SET_CUSTOM_DEADLINE)
    assert allowed_actions(Status.REPLY_REVIEW, Role.REVIEWER) == (Action.RETURN_REPLY, Action.APPROVE_REPLY)
    assert allowed_actions(Status.ARCHIVED, Role.CLERK) == ()
    for status, role in itertools.product(Status, Role):
        assert set(allowed_actions(status, role)) == {
            a for (s, a), t in TRANSITIONS.items() if s is status and role in t.roles
        }


def test_transition_lookup_errors() -> None:
    assert transition(Status.PROCESSING, Action.DRAFT_REPLY).target is Status.REPLY_REVIEW
    with pytest.raises(WorkflowError, match="可执行：归档"):
        transition(Status.CLOSED, Action.SEND_REPLY)
    with pytest.raises(WorkflowError, match="可执行：无"):
        transition(Status.ARCHIVED, Action.ARCHIVE)
    with pytest.raises(WorkflowError, match="未知的状态或操作"):
        transition("lost", Action.ARCHIVE)  # type: ignore[arg-type]


# ==================================================================================================
# Structural checks
# ==================================================================================================


def test_payload_type_is_enforced() -> None:
    with pytest.raises(WorkflowError, match="须附带 Registration"):
        apply(Case(), ev(Action.REGISTER, D0), CAL)
    with pytest.raises(WorkflowError, match="须附带 Registration，收到 Reply"):
        apply(Case(), ev(Action.REGISTER, D0, data=Reply(Outcome.GRANTED)), CAL)
    closed = case_in(Status.CLOSED)
    with pytest.raises(WorkflowError, match="不需要附带信息"):
        apply(closed, ev(Action.ARCHIVE, "2025-03-26", data=ReviewNote("x")), CAL)
    # optional payloads may be omitted
    assert run(ev(Action.WITHDRAW, "2025-03-05"), start=case_in(Status.PROCESSING)).outcome is Outcome.WITHDRAWN


def test_events_must_not_go_back_in_time() -> None:
    with pytest.raises(WorkflowError, match="早于上一操作日期"):
        apply(case_in(Status.PROCESSING), ev(Action.REQUEST_REASONS, "2025-03-02"), CAL)


def test_bad_event_values() -> None:
    with pytest.raises(WorkflowError, match="未知的角色"):
        apply(Case(), Event(Action.REGISTER, D0, "boss", REG), CAL)  # type: ignore[arg-type]
    with pytest.raises(WorkflowError, match="操作日期必须是日期"):
        apply(Case(), Event(Action.REGISTER, "2025-03-03", Role.CLERK, REG), CAL)  # type: ignore[arg-type]
    with pytest.raises(WorkflowError, match="需要 Event"):
        apply(Case(), "register", CAL)  # type: ignore[arg-type]
    with pytest.raises(WorkflowError, match="需要 Case"):
        check("case", REGISTER, CAL)  # type: ignore[arg-type]


# ==================================================================================================
# Guards
# ==================================================================================================


@pytest.mark.parametrize(
    ("registration", "message"),
    [
        (replace(REG, applicant=replace(APPLICANT, contact=" ")), "缺少联系方式"),
        (replace(REG, applicant=replace(APPLICANT, id_document="")), "缺少身份证明"),
        (replace(REG, applicant=replace(APPLICANT, name="")), "缺少申请人姓名或名称"),
        (replace(REG, applicant=unchecked(APPLICANT, type="person")), "申请人类型未知"),
        (unchecked(REG, applicant=None), "缺少申请人信息"),
        (unchecked(REG, receipt=None), "缺少收到申请的日期信息"),
        (replace(REG, content=""), "特征性描述"),
        (unchecked(REG, channel="pigeon"), "申请渠道未知"),
        (unchecked(REG, requested_form="scroll"), "获取信息的形式未知"),
        (unchecked(REG, requested_delivery="drone"), "获取信息的方式未知"),
        (replace(REG, channel=Channel.ORAL), "代为填写的工作人员；口头申请须经申请人确认"),
        (replace(REG, receipt=ReceiptFacts(submitted_on=TUE)), "不能晚于登记日期"),
        (replace(REG, channel=Channel.ONLINE, receipt=ReceiptFacts(arrived_on=D0)), "收到日期待确认"),
    ],
)
def test_register_guard(registration: Registration, message: str) -> None:
    with pytest.raises(WorkflowError, match=message):
        apply(Case(), ev(Action.REGISTER, D0, data=registration), CAL)


def test_register_oral_and_by_mail() -> None:
    oral = replace(REG, channel=Channel.ORAL, transcribed_by="王五", applicant_confirmed=True)
    assert run(ev(Action.REGISTER, D0, data=oral)).status is Status.PROCESSING
    by_mail = replace(REG, channel=Channel.MAIL, receipt=ReceiptFacts(signed_for_on=D0))
    case = run(ev(Action.REGISTER, TUE, data=by_mail))  # registered the day after signing for it
    assert case.received_on == D0
    assert case.answer_deadline(CAL).due == day("2025-03-31")


def test_register_pending_then_confirm() -> None:
    with pytest.raises(WorkflowError, match="请直接登记"):
        apply(Case(), ev(Action.REGISTER_PENDING, D0, data=REG), CAL)
    case = run(ev(Action.REGISTER_PENDING, D0, data=PENDING_REG))
    assert case.received_on is None and case.deadlines(CAL) == ()
    assert case.answer_deadline(CAL).due is None
    with pytest.raises(WorkflowError, match="尚未与申请人双方确认"):
        apply(case, ev(Action.CONFIRM_RECEIPT, TUE, data=ReceiptConfirmation(ReceiptFacts(arrived_on=D0))), CAL)
    late = ReceiptConfirmation(ReceiptFacts(arrived_on=D0, confirmed_on=WED))
    with pytest.raises(WorkflowError, match="不能晚于确认操作日期"):
        apply(case, ev(Action.CONFIRM_RECEIPT, TUE, data=late), CAL)
    confirmed = run(ev(Action.CONFIRM_RECEIPT, WED, data=late), start=case)
    assert confirmed.received_on == WED
    assert confirmed.answer_deadline(CAL).due == add_working_days(WED, 20, CAL).day


def test_reply_on_the_spot() -> None:
    processing = case_in(Status.PROCESSING)
    closed = run(ev(Action.REPLY_ON_THE_SPOT, D0, data=Reply(Outcome.GRANTED_PUBLISHED)), start=processing)
    assert closed.outcome is Outcome.GRANTED_PUBLISHED and closed.closed_on == D0
    with pytest.raises(WorkflowError, match="当日"):
        apply(processing, ev(Action.REPLY_ON_THE_SPOT, TUE, data=Reply(Outcome.GRANTED)), CAL)
    by_mail = run(
        ev(Action.REGISTER, D0, data=replace(REG, channel=Channel.MAIL, receipt=ReceiptFacts(signed_for_on=D0)))
    )
    with pytest.raises(WorkflowError, match="当面或口头"):
        apply(by_mail, ev(Action.REPLY_ON_THE_SPOT, D0, data=Reply(Outcome.GRANTED)), CAL)
    busy = run(ev(Action.REQUEST_REASONS, D0), ev(Action.RECORD_REASONS, D0), start=processing)
    with pytest.raises(WorkflowError, match="已开始办理"):
        apply(busy, ev(Action.REPLY_ON_THE_SPOT, D0, data=Reply(Outcome.GRANTED)), CAL)


def test_correction_notice_within_seven_working_days_all_at_once() -> None:
    processing = case_in(Status.PROCESSING)
    notice = CorrectionRequest(("请写明文件名称",), day("2025-03-21"))
    assert run(ev(Action.REQUEST_CORRECTION, "2025-03-12", data=notice), start=processing).status is (
        Status.AWAITING_CORRECTION
    )
    with pytest.raises(WorkflowError, match="7个工作日内（至 2025-03-12）"):
        apply(processing, ev(Action.REQUEST_CORRECTION, "2025-03-13", data=notice), CAL)
    with pytest.raises(WorkflowError, match="一次性列明"):
        apply(processing, ev(Action.REQUEST_CORRECTION, WED, data=CorrectionRequest((), day("2025-03-21"))), CAL)
    with pytest.raises(WorkflowError, match="必须晚于告知日期"):
        apply(processing, ev(Action.REQUEST_CORRECTION, WED, data=CorrectionRequest(("x",), WED)), CAL)
    with pytest.raises(WorkflowError, match="补正期限必须是日期"):
        apply(
            processing,
            ev(Action.REQUEST_CORRECTION, WED, data=unchecked(CorrectionRequest(("x",), WED), due="2025-03-21")),
            CAL,
        )


def test_correction_restarts_the_clock_and_may_be_repeated_once_per_receipt() -> None:
    waiting = case_in(Status.AWAITING_CORRECTION)  # notice 3/5, 补正期限 3/14
    assert [d.kind for d in waiting.deadlines(CAL)] == [DeadlineKind.CORRECTION]
    assert waiting.answer_deadline(CAL).due is None
    corrected = run(ev(Action.RECEIVE_CORRECTION, "2025-03-12"), start=waiting)
    assert corrected.clock_received_on == day("2025-03-12")
    assert corrected.received_on == D0  # the original receipt is kept for the annual report
    assert corrected.answer_deadline(CAL).due == add_working_days(day("2025-03-12"), 20, CAL).day
    kinds = [d.kind for d in corrected.deadlines(CAL)]
    assert kinds == [DeadlineKind.ANSWER, DeadlineKind.CORRECTION_NOTICE]
    # still unclear: a second notice within 7 wd of the corrected application is allowed
    again = run(
        ev(Action.REQUEST_CORRECTION, "2025-03-14", data=CorrectionRequest(("请写明年份",), day("2025-03-24"))),
        start=corrected,
    )
    assert again.status is Status.AWAITING_CORRECTION
    # after a 补正 the answer may be "still unclear"
    unclear = Reply(Outcome.UNABLE_UNCLEAR, "《条例》第三十条", "补正后仍未写明所需信息的名称或特征")
    assert run(ev(Action.DRAFT_REPLY, "2025-03-20", data=unclear), start=corrected).status is Status.REPLY_REVIEW
    assert again.correction_requested_since_receipt and not corrected.correction_requested_since_receipt


def test_second_correction_notice_for_the_same_receipt_is_refused() -> None:
    # The table never leads back to PROCESSING without a new receipt, so this guard protects against histories
    # edited by hand: a processing case whose current receipt already had its notice.
    forged = Case(Status.PROCESSING, replay(PATHS[Status.AWAITING_CORRECTION]).events)
    with pytest.raises(WorkflowError, match="一次性告知"):
        apply(
            forged, ev(Action.REQUEST_CORRECTION, "2025-03-06", data=CorrectionRequest(("y",), day("2025-03-20"))), CAL
        )


def test_late_correction_needs_a_good_reason_and_overdue_closes_the_case() -> None:
    waiting = case_in(Status.AWAITING_CORRECTION)  # 补正期限 Fri 3/14
    with pytest.raises(WorkflowError, match="已超过补正期限 2025-03-14"):
        apply(waiting, ev(Action.RECEIVE_CORRECTION, "2025-03-17"), CAL)
    late = ev(Action.RECEIVE_CORRECTION, "2025-03-17", data=CorrectionReceipt(late_reason="邮寄延误，有邮戳为证"))
    assert run(late, start=waiting).status is Status.PROCESSING
    mailed = ev(Action.RECEIVE_CORRECTION, "2025-03-17", data=CorrectionReceipt(received_on=day("2025-03-14")))
    assert run(mailed, start=waiting).clock_received_on == day("2025-03-14")
    with pytest.raises(WorkflowError, match="补正申请收到日期必须是日期"):
        apply(
            waiting,
            ev(Action.RECEIVE_CORRECTION, "2025-03-17", data=unchecked(CorrectionReceipt(), received_on="x")),
            CAL,
        )
    with pytest.raises(WorkflowError, match="早于补正告知日期"):
        apply(waiting, ev(Action.RECEIVE_CORRECTION, "2025-03-17", data=CorrectionReceipt(received_on=MON)), CAL)
    with pytest.raises(WorkflowError, match="不能晚于登记日期"):
        apply(waiting, ev(Action.RECEIVE_CORRECTION, "2025-03-12", data=CorrectionReceipt(day("2025-03-13"))), CAL)
    with pytest.raises(WorkflowError, match="尚未届满"):
        apply(waiting, ev(Action.CORRECTION_OVERDUE, "2025-03-14", Role.SYSTEM), CAL)
    closed = run(ev(Action.CORRECTION_OVERDUE, "2025-03-17", Role.SYSTEM), start=waiting)
    assert closed.outcome is Outcome.NO_CORRECTION
    assert closed.report_cell("2021") == "s3.other.no_correction.natural"
    assert closed.report_cell("2019") == "s3.other.natural"


def test_consultation_guards_and_pause() -> None:
    processing = case_in(Status.PROCESSING)
    with pytest.raises(WorkflowError, match="须列明被征求意见"):
        apply(
            processing,
            ev(Action.START_CONSULTATION, "2025-03-10", data=Consultation(ConsultationKind.THIRD_PARTY, ())),
            CAL,
        )
    with pytest.raises(WorkflowError, match="不能早于发出日期"):
        bad = Consultation(ConsultationKind.CO_PRODUCER, ("某局",), party_received_on=day("2025-03-07"))
        apply(processing, ev(Action.START_CONSULTATION, "2025-03-10", data=bad), CAL)
    with pytest.raises(WorkflowError, match="类型未知"):
        apply(processing, ev(Action.START_CONSULTATION, "2025-03-10", data=Consultation("x", ("y",))), CAL)  # type: ignore[arg-type]
    consulting = case_in(Status.CONSULTING)  # sent 3/10, received 3/11, window ends 4/1
    kinds = [d.kind for d in consulting.deadlines(CAL)]
    assert kinds == [DeadlineKind.ANSWER, DeadlineKind.CONSULTATION]
    assert consulting.deadlines(CAL)[1].due == day("2025-04-01")
    with pytest.raises(WorkflowError, match="尚未届满"):
        end = ConsultationEnd(ConsultationResult.NO_REPLY)
        apply(consulting, ev(Action.END_CONSULTATION, "2025-04-01", Role.SYSTEM, data=end), CAL)
    with pytest.raises(WorkflowError, match="系统只能记录"):
        apply(
            consulting,
            ev(Action.END_CONSULTATION, "2025-04-02", Role.SYSTEM, data=ConsultationEnd(ConsultationResult.CONSENT)),
            CAL,
        )
    with pytest.raises(WorkflowError, match="征求意见结果未知"):
        apply(consulting, ev(Action.END_CONSULTATION, "2025-04-02", data=ConsultationEnd("yes")), CAL)  # type: ignore[arg-type]
    # reply on Fri 3/14 -> paused 3/11–3/14 = 4 wd -> due 2025-04-07 (hand count in test_deadlines)
    replied = run(
        ev(Action.END_CONSULTATION, "2025-03-14", data=ConsultationEnd(ConsultationResult.OBJECTION)), start=consulting
    )
    deadline = replied.answer_deadline(CAL)
    assert deadline.due == day("2025-04-07")
    assert any(s.startswith("征求第三方意见：2025-03-10 至 2025-03-14") for s in deadline.steps)


def test_extension_rules() -> None:
    processing = case_in(Status.PROCESSING)  # due 3/31
    good = Extension(20, "李主任", day("2025-03-31"))
    extended = run(ev(Action.EXTEND, "2025-03-31", Role.HEAD, data=good), start=processing)
    assert extended.answer_deadline(CAL).due == add_working_days(day("2025-03-31"), 20, CAL).day
    with pytest.raises(WorkflowError, match="只能延长一次"):
        apply(extended, ev(Action.EXTEND, "2025-04-01", Role.HEAD, data=Extension(1, "李主任", day("2025-04-01"))), CAL)
    with pytest.raises(WorkflowError, match="无权执行“延长答复期限”"):
        apply(processing, ev(Action.EXTEND, "2025-03-12", Role.CLERK, data=good), CAL)
    cases = [
        (Extension(21, "李主任", day("2025-03-12")), "2025-03-12", "1–20"),
        (Extension(0, "李主任", day("2025-03-12")), "2025-03-12", "1–20"),
        (Extension(5, "", day("2025-03-12")), "2025-03-12", "记录批准人"),
        (Extension(5, "李主任", day("2025-03-11")), "2025-03-12", "不能早于批准日期"),
        (Extension(5, "李主任", day("2025-04-01")), "2025-04-01", "已于 2025-03-31 届满"),
        (Extension(5, "李主任", day("2025-04-01")), "2025-03-28", "届满前告知申请人"),
    ]
    for data, on, message in cases:
        with pytest.raises(WorkflowError, match=message):
            apply(processing, ev(Action.EXTEND, on, Role.HEAD, data=data), CAL)


def test_article_35_reasons_then_refusal_or_custom_deadline() -> None:
    processing = case_in(Status.PROCESSING)
    custom = CustomDeadline(day("2025-04-30"), "申请涉及材料数量大", day("2025-03-10"))
    with pytest.raises(WorkflowError, match="须先要求申请人说明理由"):
        apply(processing, ev(Action.SET_CUSTOM_DEADLINE, "2025-03-10", Role.HEAD, data=custom), CAL)
    excessive = Reply(Outcome.NOT_PROCESSED_EXCESSIVE, "《条例》第三十五条", "申请数量明显超过合理范围且理由不合理")
    with pytest.raises(WorkflowError, match="须先要求申请人说明理由"):
        apply(processing, ev(Action.DRAFT_REPLY, "2025-03-10", data=excessive), CAL)
    asked = run(ev(Action.REQUEST_REASONS, "2025-03-05"), ev(Action.RECORD_REASONS, "2025-03-07"), start=processing)
    with pytest.raises(WorkflowError, match="申请人未说明理由"):
        apply(asked, ev(Action.SET_CUSTOM_DEADLINE, "2025-03-10", Role.HEAD, data=custom), CAL)
    refused = run(ev(Action.DRAFT_REPLY, "2025-03-10", data=excessive), start=asked)
    assert refused.status is Status.REPLY_REVIEW
    reasoned = case_in(Status.PROCESSING, Action.SET_CUSTOM_DEADLINE)
    fixed = run(ev(Action.SET_CUSTOM_DEADLINE, "2025-03-10", Role.HEAD, data=custom), start=reasoned)
    assert fixed.answer_deadline(CAL).due == day("2025-04-30")
    for data, message in [
        (replace(custom, due=day("2025-03-31")), "应晚于第三十三条规定的答复期限 2025-03-31"),
        (replace(custom, reason=""), "须写明"),
        (replace(custom, notified_on=day("2025-04-01")), "届满前告知申请人"),
        (unchecked(custom, due="2025-04-30"), "必须是日期"),
    ]:
        with pytest.raises(WorkflowError, match=message):
            apply(reasoned, ev(Action.SET_CUSTOM_DEADLINE, "2025-03-10", Role.HEAD, data=data), CAL)
    with pytest.raises(WorkflowError, match="只能确定一次"):
        apply(fixed, ev(Action.SET_CUSTOM_DEADLINE, "2025-03-11", Role.HEAD, data=custom), CAL)
    with pytest.raises(WorkflowError, match="不再延长"):
        apply(fixed, ev(Action.EXTEND, "2025-03-11", Role.HEAD, data=Extension(5, "李主任", day("2025-03-11"))), CAL)


def test_fee_notice_payment_and_abandonment() -> None:
    processing = case_in(Status.PROCESSING)
    notice = FeeNotice(FeeMethod.BY_PAGE, Decimal(720), day("2025-03-11"))
    for data, on, message in [
        (replace(notice, amount=Decimal(0)), "2025-03-10", "大于零"),
        (unchecked(notice, amount=720), "2025-03-10", "大于零"),
        (replace(notice, served_on=day("2025-03-07")), "2025-03-10", "送达日期不能早于发出日期"),
        (unchecked(notice, method="both"), "2025-03-10", "计费方式未知"),
        (replace(notice, served_on=day("2025-04-01")), "2025-04-01", "应在答复期限（2025-03-31）内发出"),
    ]:
        with pytest.raises(WorkflowError, match=message):
            apply(processing, ev(Action.SEND_FEE_NOTICE, on, data=data), CAL)
    waiting = case_in(Status.AWAITING_PAYMENT)  # issued 3/10, served 3/11: pay by 4/9 (清明 4/4 off)
    kinds = [(d.kind, d.due) for d in waiting.deadlines(CAL)]
    assert kinds[1] == (DeadlineKind.FEE_PAYMENT, day("2025-04-09"))
    assert "等待申请人缴费" in waiting.answer_deadline(CAL).suspended
    with pytest.raises(WorkflowError, match="不一致"):
        apply(waiting, ev(Action.RECORD_PAYMENT, "2025-03-20", data=Payment(Decimal(700))), CAL)
    with pytest.raises(WorkflowError, match="已于 2025-04-09 届满"):
        apply(waiting, ev(Action.RECORD_PAYMENT, "2025-04-10", data=Payment(Decimal(720))), CAL)
    with pytest.raises(WorkflowError, match="尚未届满"):
        apply(waiting, ev(Action.FEE_OVERDUE, "2025-04-09", Role.SYSTEM), CAL)
    paid = run(ev(Action.RECORD_PAYMENT, "2025-04-09", data=Payment(Decimal(720))), start=waiting)
    assert paid.status is Status.PROCESSING
    # paused (3/10, 4/9] = 3/11–14 (4), 3/17–21 (9), 3/24–28 (14), 3/31–4/3 (18), 4/7–9 (21) = 21 wd
    assert paid.answer_deadline(CAL).paused_days == 21
    with pytest.raises(WorkflowError, match="只能发出一次收费通知"):
        apply(paid, ev(Action.SEND_FEE_NOTICE, "2025-04-10", data=notice), CAL)
    abandoned = run(ev(Action.FEE_OVERDUE, "2025-04-10", Role.SYSTEM), start=waiting)
    assert abandoned.outcome is Outcome.NO_FEE
    assert abandoned.report_cell("2021") == "s3.other.no_fee.natural"


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Reply(Outcome.DENIED_STATE_SECRET, reasons="涉密"), "须写明法律依据"),
        (Reply(Outcome.DENIED_STATE_SECRET, legal_ground="《保守国家秘密法》"), "须说明理由"),
        (Reply(Outcome.PARTIAL, "《条例》第三十七条", "部分涉及个人隐私"), "须列明不予公开的部分"),
        (Reply(Outcome.PARTIAL, "《条例》第三十七条", "部分涉及个人隐私", ("  ",)), "须列明不予公开的部分"),
        (Reply(Outcome.GRANTED, withheld_parts=("附件2",)), "只有部分公开"),
        (Reply(Outcome.UNABLE_UNCLEAR, "《条例》第三十条", "不明确"), "须先告知补正"),
        (Reply(Outcome.OTHER), "须说明理由"),
        (Reply(Outcome.WITHDRAWN), "不能作为答复结果"),
        (Reply(Outcome.NO_FEE), "不能作为答复结果"),
        (Reply("granted_maybe"), "未知的办理结果"),  # type: ignore[arg-type]
        (Reply(Outcome.GRANTED, form="scroll"), "提供形式未知"),  # type: ignore[arg-type]
        (Reply(Outcome.GRANTED, delivery="drone"), "提供方式未知"),  # type: ignore[arg-type]
    ],
)
def test_reply_requirements(reply: Reply, message: str) -> None:
    with pytest.raises(WorkflowError, match=message):
        apply(case_in(Status.PROCESSING), ev(Action.DRAFT_REPLY, "2025-03-20", data=reply), CAL)


def test_review_four_eyes_and_return() -> None:
    review = case_in(Status.REPLY_REVIEW)  # drafted by clerk-1
    with pytest.raises(WorkflowError, match="不能审核本人拟定的答复"):
        apply(review, ev(Action.APPROVE_REPLY, "2025-03-21", Role.HEAD, actor="clerk-1"), CAL)
    with pytest.raises(WorkflowError, match="写明意见"):
        apply(review, ev(Action.RETURN_REPLY, "2025-03-21", Role.REVIEWER, data=ReviewNote(" ")), CAL)
    returned = run(ev(Action.RETURN_REPLY, "2025-03-21", Role.REVIEWER, data=ReviewNote("请补充依据")), start=review)
    redrafted = run(
        ev(Action.DRAFT_REPLY, "2025-03-24", data=Reply(Outcome.GRANTED_PUBLISHED), actor="clerk-1"),
        ev(Action.APPROVE_REPLY, "2025-03-25", Role.REVIEWER, actor="reviewer-1"),
        ev(Action.SEND_REPLY, "2025-03-26"),
        start=returned,
    )
    assert redrafted.outcome is Outcome.GRANTED_PUBLISHED  # the latest draft counts
    assert redrafted.closed_on == day("2025-03-26")


# ==================================================================================================
# Whole stories and derived data
# ==================================================================================================


def test_full_story_with_correction_consultation_and_extension() -> None:
    business = replace(APPLICANT, type=ApplicantType.BUSINESS, name="某某有限公司", id_document="统一社会信用代码 9111")
    registration = replace(REG, applicant=business, requested_form=ProvisionForm.ELECTRONIC)
    partial = Reply(
        Outcome.PARTIAL,
        legal_ground="《条例》第十五条、第三十七条",
        reasons="附件中的个人信息涉及第三方个人隐私",
        withheld_parts=("附件2 身份证号码",),
        form=ProvisionForm.ELECTRONIC,
        delivery=DeliveryMethod.EMAIL,
    )
    case = run(
        ev(
            Action.REGISTER,
            "2025-09-26",
            data=replace(registration, receipt=ReceiptFacts(submitted_on=day("2025-09-26"))),
        ),
        ev(Action.REQUEST_CORRECTION, "2025-10-09", data=CorrectionRequest(("文件名称", "年份"), day("2025-10-20"))),
        ev(Action.RECEIVE_CORRECTION, "2025-10-15"),  # clock restarts: due 2025-11-12
        ev(Action.START_CONSULTATION, "2025-10-20", data=Consultation(ConsultationKind.THIRD_PARTY, ("李四",))),
        ev(Action.END_CONSULTATION, "2025-10-24", data=ConsultationEnd(ConsultationResult.OBJECTION)),
        ev(Action.EXTEND, "2025-11-10", Role.HEAD, data=Extension(10, "政务公开办 王主任", day("2025-11-10"))),
        ev(Action.DRAFT_REPLY, "2025-11-20", data=partial, actor="clerk-1"),
        ev(Action.APPROVE_REPLY, "2025-11-21", Role.REVIEWER, actor="reviewer-1"),
        ev(Action.SEND_REPLY, "2025-11-21"),
        ev(Action.ARCHIVE, "2025-11-28"),
    )
    assert case.status is Status.ARCHIVED and case.status.is_closed and not case.status.is_open
    assert case.outcome is Outcome.PARTIAL
    assert case.report_cell("2021") == "s3.partial.business"
    assert case.received_on == day("2025-09-26") and case.clock_received_on == day("2025-10-15")
    deadline = case.answer_deadline(CAL)
    # restart 10/15 -> 11/12; paused (10/20, 10/24] = 4 wd -> 11/18; +10 wd -> 12/2
    # (11/19–21 d1–3, 11/24–28 d4–8, 12/1–2 d9–10)
    assert deadline.due == day("2025-12-02")
    assert (deadline.paused_days, deadline.extension_days) == (4, 10)
    assert not deadline.is_overdue(case.closed_on or date.max)
    assert case.deadlines(CAL) == ()  # nothing runs once closed


@pytest.mark.parametrize(
    ("status", "kinds"),
    [
        (Status.NEW, []),
        (Status.AWAITING_RECEIPT, []),
        (Status.PROCESSING, [DeadlineKind.ANSWER, DeadlineKind.CORRECTION_NOTICE]),
        (Status.AWAITING_CORRECTION, [DeadlineKind.CORRECTION]),
        (Status.CONSULTING, [DeadlineKind.ANSWER, DeadlineKind.CONSULTATION]),
        (Status.AWAITING_REASONS, [DeadlineKind.ANSWER]),
        (Status.AWAITING_PAYMENT, [DeadlineKind.ANSWER, DeadlineKind.FEE_PAYMENT]),
        (Status.REPLY_REVIEW, [DeadlineKind.ANSWER]),
        (Status.REPLY_APPROVED, [DeadlineKind.ANSWER]),
        (Status.CLOSED, []),
        (Status.ARCHIVED, []),
    ],
)
def test_running_deadlines_per_status(status: Status, kinds: list[DeadlineKind]) -> None:
    assert [d.kind for d in case_in(status).deadlines(CAL)] == kinds


def test_closing_actions_give_exactly_one_outcome() -> None:
    assert CLOSING_OUTCOMES == {
        Action.CORRECTION_OVERDUE: Outcome.NO_CORRECTION,
        Action.FEE_OVERDUE: Outcome.NO_FEE,
        Action.WITHDRAW: Outcome.WITHDRAWN,
    }
    for status in Status:
        case = case_in(status)
        assert (case.outcome is not None) == status.is_closed
        assert (case.report_cell("2021") is not None) == status.is_closed
    withdrawn = run(valid_event(Action.WITHDRAW, Role.CLERK), start=case_in(Status.REPLY_APPROVED))
    assert withdrawn.outcome is Outcome.WITHDRAWN  # the approved draft does not count
    assert withdrawn.report_cell("2019") == "s3.other.natural"


def test_a_deadline_in_2027_is_provisional_in_the_case() -> None:
    december = replace(REG, receipt=ReceiptFacts(submitted_on=day("2026-12-10")))
    case = run(ev(Action.REGISTER, "2026-12-10", data=december))
    deadline = case.answer_deadline(CAL)
    assert deadline.provisional and "2027" in deadline.reason
    assert case.deadlines(CAL)[1].provisional is False  # the 7-day 补正 window ends in 2026


def test_replay_rebuilds_the_case_and_rejects_illegal_histories() -> None:
    events = PATHS[Status.ARCHIVED]
    assert replay(events) == case_in(Status.ARCHIVED)
    with pytest.raises(WorkflowError, match="不能执行"):
        replay([REGISTER, REGISTER])
    with pytest.raises(WorkflowError, match="无权"):
        replay([replace(REGISTER, role=Role.HEAD)])
    # A calendar-dependent guard is not re-checked: an extension recorded as timely under the calendar of the
    # day stays readable if the calendar later changes.
    late = (REGISTER, ev(Action.EXTEND, "2025-04-30", Role.HEAD, data=Extension(5, "李主任", day("2025-04-30"))))
    with pytest.raises(WorkflowError):
        run(*late)
    case = replay(late)
    assert case.status is Status.PROCESSING
    assert case.answer_deadline(CAL).warnings  # shown, not hidden


def test_case_lookups() -> None:
    case = case_in(Status.REPLY_APPROVED)
    assert case.last(Action.DRAFT_REPLY) is DRAFT
    assert case.has(Action.APPROVE_REPLY) and not case.has(Action.EXTEND)
    assert case.since(DRAFT) == (APPROVE,)
    assert case.since(None) == case.events
    assert case.reply == DRAFT.data
    assert case.registration == REG
    assert case.outcome is None and case.closed_on is None and case.fee_notice is None
    assert Case().receipt is None and Case().received_on is None and Case().registration is None
