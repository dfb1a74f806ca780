"""``blocked_reason``: which actions can never succeed on a case whatever is entered, and why.

The reason comes from the same precondition :func:`apply` runs, so two properties are checked: an action that
:func:`apply` accepts on some day is never blocked (the whole transition table), and a blocked action is refused by
:func:`apply` on every day it could be dated, with the reason shown (each guard with a payload-independent part).
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.core.test_workflow import (
    ALL,
    APPROVE,
    CAL,
    D0,
    DRAFT,
    LIFECYCLE,
    REG,
    REGISTER,
    TUE,
    case_in,
    day,
    ev,
    run,
    valid_event,
)
from xxgk.core.errors import WorkflowError
from xxgk.core.fees import FeeMethod
from xxgk.core.outcomes import Channel, Outcome
from xxgk.core.receipt import ReceiptFacts
from xxgk.core.workflow import (
    Action,
    Case,
    ConsultationEnd,
    ConsultationResult,
    CorrectionRequest,
    CustomDeadline,
    Event,
    Extension,
    FeeNotice,
    Payment,
    ReasonsRecord,
    Reply,
    Role,
    Status,
    apply,
    blocked_reason,
    replay,
)


def blocked(case: Case, event: Event, today: str | date) -> str | None:
    on = day(today) if isinstance(today, str) else today
    return blocked_reason(case, event.action, event.role, CAL, today=on, actor=event.actor)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(n) for n in range((last - first).days + 1)]


def refused_every_day(case: Case, event: Event, today: str) -> list[str]:
    """``apply`` refuses ``event`` dated on each day from the case's last step to ``today``: the messages."""
    messages = []
    for d in days(case.events[-1].on, day(today)):
        with pytest.raises(WorkflowError) as exc:
            apply(case, replace(event, on=d), CAL)
        messages.append(exc.value.message)
    return messages


# -- what apply accepts is never blocked ------------------------------------------------------------


@pytest.mark.parametrize(("status", "action", "role"), ALL, ids=[f"{s}-{a}-{r}" for s, a, r in ALL])
def test_blocked_exactly_when_the_table_or_role_refuses_for_a_valid_event(
    status: Status, action: Action, role: Role
) -> None:
    case = case_in(status, action)
    event = valid_event(action, role)
    if (status, action) in LIFECYCLE and role in LIFECYCLE[(status, action)][1]:
        apply(case, event, CAL)  # accepted on its day ...
        assert blocked(case, event, event.on) is None  # ... so not blocked when today is that day
        assert blocked(case, event, "2025-12-31") is None  # nor on any later day (it could still be dated then)
        return
    with pytest.raises(WorkflowError) as exc:
        apply(case, event, CAL)
    assert blocked(case, event, "2025-12-31") == exc.value.message  # the same refusal, the same words


def test_the_table_and_the_role_come_first() -> None:
    closed = case_in(Status.CLOSED)
    assert "当前状态“已办结”下不能执行“答复”" in (
        blocked_reason(closed, Action.SEND_REPLY, Role.CLERK, CAL, today=TUE) or ""
    )
    assert blocked_reason(closed, Action.ARCHIVE, Role.HEAD, CAL, today=day("2025-04-30")) == (
        "“负责人”无权执行“归档”（可由：经办人、审核人）"
    )
    assert blocked_reason(closed, Action.ARCHIVE, Role.REVIEWER, CAL, today=day("2025-04-30")) is None


def test_nothing_can_be_dated_before_the_last_step() -> None:
    processing = case_in(Status.PROCESSING)  # registered 2025-03-03
    reason = blocked_reason(processing, Action.WITHDRAW, Role.CLERK, CAL, today=day("2025-03-02"))
    assert reason is not None and "上一操作日期 2025-03-03 晚于今天（2025-03-02）" in reason
    with pytest.raises(WorkflowError, match="早于上一操作日期"):
        apply(processing, ev(Action.WITHDRAW, "2025-03-02"), CAL)
    assert blocked_reason(processing, Action.WITHDRAW, Role.CLERK, CAL, today=D0) is None


# -- each guard's payload-independent part ----------------------------------------------------------

ON_THE_SPOT = ev(Action.REPLY_ON_THE_SPOT, D0, data=Reply(Outcome.GRANTED_PUBLISHED))


def test_reply_on_the_spot() -> None:
    processing = case_in(Status.PROCESSING)  # in person, received and registered 2025-03-03
    assert blocked(processing, ON_THE_SPOT, "2025-04-30") is None  # it can still be recorded for that day
    assert run(replace(ON_THE_SPOT, on=D0), start=processing).status is Status.CLOSED
    by_mail = run(
        ev(Action.REGISTER, D0, data=replace(REG, channel=Channel.MAIL, receipt=ReceiptFacts(signed_for_on=D0)))
    )
    busy = run(ev(Action.REQUEST_REASONS, D0), ev(Action.RECORD_REASONS, D0), start=processing)
    registered_later = run(ev(Action.REGISTER, TUE, data=REG))  # handed in on 3/3, registered on 3/4
    for case, message in [
        (by_mail, "只有当面或口头提出的申请才能当场答复"),
        (busy, "申请已开始办理（补正、征求意见等），不能再当场答复"),
        (registered_later, "当场答复须在收到申请的当日作出"),
    ]:
        assert blocked(case, ON_THE_SPOT, "2025-03-10") == message
        assert set(refused_every_day(case, ON_THE_SPOT, "2025-03-10")) == {message}


REQUEST_CORRECTION = ev(Action.REQUEST_CORRECTION, D0, data=CorrectionRequest(("请写明文件名称",), day("2025-04-30")))


def test_correction_notice_out_of_time_or_already_given() -> None:
    processing = case_in(Status.PROCESSING)  # received 3/3: notice by 3/12
    assert blocked(processing, REQUEST_CORRECTION, "2025-04-30") is None  # may be recorded for a day up to 3/12
    late = run(
        ev(Action.REQUEST_REASONS, "2025-03-05"),
        ev(Action.RECORD_REASONS, "2025-03-13", data=ReasonsRecord("研究需要")),
        start=processing,
    )
    assert blocked(late, REQUEST_CORRECTION, "2025-03-20") == (
        "补正告知应在收到申请之日（2025-03-03）起7个工作日内（至 2025-03-12）作出，上一操作日期 2025-03-13 已逾期"
    )
    messages = refused_every_day(late, REQUEST_CORRECTION, "2025-03-20")
    assert all("7个工作日内（至 2025-03-12）作出" in m for m in messages)
    on_time = run(
        ev(Action.RECORD_REASONS, "2025-03-12"), start=run(ev(Action.REQUEST_REASONS, "2025-03-05"), start=processing)
    )
    assert blocked(on_time, REQUEST_CORRECTION, "2025-03-20") is None
    assert run(replace(REQUEST_CORRECTION, on=day("2025-03-12")), start=on_time).status is Status.AWAITING_CORRECTION
    # a second notice for the same receipt (a history edited by hand; the table never leads there)
    forged = Case(Status.PROCESSING, replay((REGISTER, replace(REQUEST_CORRECTION, on=day("2025-03-05")))).events)
    message = "补正事项应当一次性告知：收到本次申请后已告知过补正"
    assert blocked(forged, REQUEST_CORRECTION, "2025-03-07") == message
    assert set(refused_every_day(forged, REQUEST_CORRECTION, "2025-03-07")) == {message}


def test_correction_overdue_only_after_the_period() -> None:
    waiting = case_in(Status.AWAITING_CORRECTION)  # 补正期限 Fri 3/14
    overdue = ev(Action.CORRECTION_OVERDUE, "2025-03-17", Role.SYSTEM)
    message = "补正期限 2025-03-14 尚未届满，不能视为放弃申请"
    assert blocked(waiting, overdue, "2025-03-14") == message
    assert set(refused_every_day(waiting, overdue, "2025-03-14")) == {message}
    assert blocked(waiting, overdue, "2025-03-15") is None  # Saturday: the period is over
    assert run(replace(overdue, on=day("2025-03-15")), start=waiting).outcome is Outcome.NO_CORRECTION
    assert blocked(waiting, replace(overdue, role=Role.CLERK), "2025-03-14") == message


def test_the_system_ends_a_consultation_only_after_the_window() -> None:
    consulting = case_in(Status.CONSULTING)  # sent 3/10, received 3/11, window ends 4/1
    no_reply = ev(Action.END_CONSULTATION, "2025-04-02", Role.SYSTEM, data=ConsultationEnd(ConsultationResult.NO_REPLY))
    message = "意见期限 2025-04-01 尚未届满，不能记录为逾期未提出意见"
    assert blocked(consulting, no_reply, "2025-04-01") == message
    assert set(refused_every_day(consulting, no_reply, "2025-04-01")) == {message}
    assert blocked(consulting, no_reply, "2025-04-02") is None
    assert run(no_reply, start=consulting).status is Status.PROCESSING
    # a clerk can record a reply received at any time: only “逾期未提出意见” waits for the window
    consent = ev(Action.END_CONSULTATION, "2025-03-12", data=ConsultationEnd(ConsultationResult.CONSENT))
    assert blocked(consulting, consent, "2025-03-12") is None
    with pytest.raises(WorkflowError, match=message):
        apply(consulting, replace(no_reply, role=Role.CLERK, on=day("2025-03-12")), CAL)


EXTEND = ev(Action.EXTEND, "2025-03-12", Role.HEAD, data=Extension(5, "李主任", day("2025-03-12")))


def test_one_extension_before_the_due_date_and_none_after_article_35() -> None:
    processing = case_in(Status.PROCESSING)  # due 3/31
    assert blocked(processing, EXTEND, "2025-04-30") is None  # approved and notified by 3/31, recorded later
    extended = run(EXTEND, start=processing)
    once = "答复期限只能延长一次（第三十三条第二款）"
    assert blocked(extended, EXTEND, "2025-03-20") == once
    assert set(refused_every_day(extended, EXTEND, "2025-03-20")) == {once}
    reasoned = case_in(Status.PROCESSING, Action.SET_CUSTOM_DEADLINE)
    custom = CustomDeadline(day("2025-04-30"), "申请涉及材料数量大", day("2025-03-10"))
    fixed = run(ev(Action.SET_CUSTOM_DEADLINE, "2025-03-10", Role.HEAD, data=custom), start=reasoned)
    art35 = "已依第三十五条确定延迟答复期限，不再延长"
    assert blocked(fixed, EXTEND, "2025-03-20") == art35
    assert set(refused_every_day(fixed, EXTEND, "2025-03-20")) == {art35}
    late = run(
        ev(Action.REQUEST_REASONS, "2025-03-05"),
        ev(Action.RECORD_REASONS, "2025-04-01", data=ReasonsRecord("研究需要")),
        start=processing,
    )
    expired = "答复期限已于 2025-03-31 届满，不能再延期（须在届满前批准）"
    assert blocked(late, EXTEND, "2025-04-03") == expired
    assert set(refused_every_day(late, EXTEND, "2025-04-03")) == {expired}
    on_due = run(ev(Action.REQUEST_REASONS, "2025-03-05"), ev(Action.RECORD_REASONS, "2025-03-31"), start=processing)
    assert blocked(on_due, EXTEND, "2025-04-03") is None
    last_day = Extension(5, "李主任", day("2025-03-31"))
    assert run(ev(Action.EXTEND, "2025-03-31", Role.HEAD, data=last_day), start=on_due).status is Status.PROCESSING


SET_CUSTOM = ev(
    Action.SET_CUSTOM_DEADLINE,
    "2025-03-10",
    Role.HEAD,
    data=CustomDeadline(day("2025-05-30"), "申请涉及材料数量大", day("2025-03-31")),
)


def test_custom_deadline_needs_reasons_once_and_in_time() -> None:
    processing = case_in(Status.PROCESSING)
    asked_no_reasons = run(
        ev(Action.REQUEST_REASONS, "2025-03-05"), ev(Action.RECORD_REASONS, "2025-03-07"), start=processing
    )
    reasoned = case_in(Status.PROCESSING, Action.SET_CUSTOM_DEADLINE)
    fixed = run(SET_CUSTOM, start=reasoned)
    late = run(
        ev(Action.REQUEST_REASONS, "2025-03-05"),
        ev(Action.RECORD_REASONS, "2025-04-01", data=ReasonsRecord("研究需要")),
        start=processing,
    )
    for case, message in [
        (processing, "依第三十五条确定延迟答复期限前须先要求申请人说明理由"),
        (asked_no_reasons, "申请人未说明理由，不能确定延迟答复期限（可告知不予处理）"),
        (fixed, "延迟答复期限只能确定一次"),
        (late, "答复期限已于 2025-03-31 届满，不能再确定延迟答复期限（须在届满前告知申请人）"),
    ]:
        assert blocked(case, SET_CUSTOM, "2025-04-03") == message
        assert set(refused_every_day(case, SET_CUSTOM, "2025-04-03")) == {message}
    assert blocked(reasoned, SET_CUSTOM, "2025-04-30") is None


FEE_NOTICE = ev(
    Action.SEND_FEE_NOTICE, "2025-03-10", data=FeeNotice(FeeMethod.BY_PAGE, Decimal(720), day("2025-03-31"))
)


def test_one_fee_notice_within_the_answer_deadline() -> None:
    processing = case_in(Status.PROCESSING)
    assert blocked(processing, FEE_NOTICE, "2025-04-30") is None
    paid = run(FEE_NOTICE, ev(Action.RECORD_PAYMENT, "2025-03-20", data=Payment(Decimal(720))), start=processing)
    once = "每件申请只能发出一次收费通知"
    assert blocked(paid, FEE_NOTICE, "2025-03-25") == once
    assert set(refused_every_day(paid, FEE_NOTICE, "2025-03-25")) == {once}
    late = run(
        ev(Action.REQUEST_REASONS, "2025-03-05"),
        ev(Action.RECORD_REASONS, "2025-04-01", data=ReasonsRecord("研究需要")),
        start=processing,
    )
    expired = "收费通知应在答复期限（2025-03-31）内发出"
    assert blocked(late, FEE_NOTICE, "2025-04-03") == expired
    assert set(refused_every_day(late, FEE_NOTICE, "2025-04-03")) == {expired}


def test_payment_and_fee_overdue_around_the_payment_deadline() -> None:
    waiting = case_in(Status.AWAITING_PAYMENT)  # served 3/11: pay by 4/9
    payment = ev(Action.RECORD_PAYMENT, "2025-03-20", data=Payment(Decimal(720)))
    assert blocked(waiting, payment, "2025-04-30") is None  # a payment made by 4/9 may be recorded later
    overdue = ev(Action.FEE_OVERDUE, "2025-04-10", Role.SYSTEM)
    message = "缴费期限 2025-04-09 尚未届满，不能视为放弃申请"
    assert blocked(waiting, overdue, "2025-04-09") == message
    assert set(refused_every_day(waiting, overdue, "2025-04-09")) == {message}
    assert blocked(waiting, overdue, "2025-04-10") is None
    assert run(overdue, start=waiting).outcome is Outcome.NO_FEE
    # the payment's own window, for a history whose last step is already past it (edited by hand)
    forged = Case(Status.AWAITING_PAYMENT, (*waiting.events, ev(Action.WITHDRAW, "2025-04-10")))
    expired = "缴费期限已于 2025-04-09 届满，视为放弃申请"
    assert blocked(forged, payment, "2025-04-11") == expired
    assert set(refused_every_day(forged, payment, "2025-04-11")) == {expired}


def test_the_drafter_cannot_approve_their_own_reply() -> None:
    review = case_in(Status.REPLY_REVIEW)  # drafted by clerk-1
    own = replace(APPROVE, actor=DRAFT.actor)
    message = "审核人不能审核本人拟定的答复"
    assert blocked(review, own, "2025-03-25") == message
    assert set(refused_every_day(review, own, "2025-03-25")) == {message}
    assert blocked(review, APPROVE, "2025-03-25") is None
    assert blocked(review, replace(APPROVE, actor=""), "2025-03-25") is None  # no actor given: not decided here


def test_actions_without_a_case_level_condition_are_never_blocked_in_their_status() -> None:
    free = {
        Action.CONFIRM_RECEIPT,
        Action.RECEIVE_CORRECTION,
        Action.START_CONSULTATION,
        Action.REQUEST_REASONS,
        Action.RECORD_REASONS,
        Action.DRAFT_REPLY,
        Action.RETURN_REPLY,
        Action.SEND_REPLY,
        Action.WITHDRAW,
        Action.ARCHIVE,
    }
    for (status, action), (_target, roles) in LIFECYCLE.items():
        if action in free and status is not Status.NEW:
            case = case_in(status, action)
            for role, today in itertools.product(roles, ("2025-03-26", "2026-06-30")):
                assert blocked_reason(case, action, role, CAL, today=day(today)) is None, (status, action, role)
