"""The answer deadline as a function of the clock events, over the real 2024–2026 schedules.

Expected dates are hand counts over the State Council schedules (spelled out beside each test) or the examples
in regulation.md §12; the properties at the end restate the model (pause = working days after dispatch up to
and including the reply) with :func:`add_working_days` alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.core.calendar import (
    DayKind,
    DayOverride,
    WorkCalendar,
    add_working_days,
    calendar_from_chinesecalendar,
    working_days_between,
)
from xxgk.core.deadlines import (
    ClockEvent,
    ConsultationEnded,
    ConsultationStarted,
    CorrectionReceived,
    CorrectionRequested,
    CustomDeadlineSet,
    DeadlineKind,
    ExtensionGranted,
    FeeNoticeSent,
    FeePaid,
    Received,
    answer_deadline,
    consultation_window_end,
    correction_deadline,
    correction_notice_deadline,
    working_day_deadline,
)
from xxgk.core.errors import WorkflowError

CAL = calendar_from_chinesecalendar()


def day(text: str) -> date:
    return date.fromisoformat(text)


def due(events: Sequence[ClockEvent], cal: WorkCalendar = CAL) -> date | None:
    return answer_deadline(events, cal).due


# -- the plain 20 working days ----------------------------------------------------------------------


def test_plain_deadline_across_guoqing_with_explanation() -> None:
    # regulation.md §12: received Fri 2025-09-26 -> +20 wd = 2025-10-30.
    deadline = answer_deadline([Received(day("2025-09-26"))], CAL)
    assert deadline.kind is DeadlineKind.ANSWER
    assert deadline.due == day("2025-10-30")
    assert (deadline.start, deadline.days, deadline.paused_days, deadline.extension_days) == (
        day("2025-09-26"),
        20,
        0,
        0,
    )
    assert not deadline.provisional and deadline.suspended == "" and deadline.warnings == ()
    assert deadline.steps[0] == "收到申请之日：2025-09-26（当日不计入，次日起算）"
    assert deadline.steps[1] == "+20个工作日（《条例》第三十三条第二款）→ 2025-10-30"
    assert deadline.steps[-1].startswith("日历：全国工作日日历（chinesecalendar 1.11.0）")
    assert deadline.explanation.splitlines()[0] == "答复期限：2025-10-30"


def test_receipt_just_before_chunjie_2026() -> None:
    # regulation.md §12: received Fri 2026-02-06 -> 2026-03-12 (naive Monday–Friday: 03-06).
    assert due([Received(day("2026-02-06"))]) == day("2026-03-12")


def test_receipt_on_a_holiday() -> None:
    # Received Sat 2025-10-04 (国庆): day 1 = 10/9 ... day 20 = 11/4 (hand count in test_calendar).
    assert due([Received(day("2025-10-04"))]) == day("2025-11-04")


def test_no_receipt_yet_means_no_deadline() -> None:
    deadline = answer_deadline([], CAL)
    assert deadline.due is None
    assert "尚未确定收到申请之日" in deadline.suspended
    assert "未在计算" in deadline.explanation


# -- 补正 restarts the clock --------------------------------------------------------------------------


def test_correction_stops_the_clock_and_restarts_it_from_zero() -> None:
    received = Received(day("2025-09-26"))
    request = CorrectionRequested(day("2025-10-09"), due=day("2025-10-20"))
    waiting = answer_deadline([received, request], CAL)
    assert waiting.due is None
    assert "等待申请人补正" in waiting.suspended and "2025-10-20" in waiting.suspended
    # Corrected application received Wed 2025-10-15: 10/16 d1, 10/17 d2, 10/20–24 d3–7, 10/27–31 d8–12,
    # 11/3–7 d13–17, 11/10–12 d18–20.
    restarted = answer_deadline([received, request, CorrectionReceived(day("2025-10-15"))], CAL)
    assert restarted.due == day("2025-11-12")
    assert restarted.start == day("2025-10-15")
    assert any("重新起算" in s for s in restarted.steps)


def test_restart_drops_earlier_pauses_and_extension() -> None:
    events: list[ClockEvent] = [
        Received(day("2025-03-03")),
        ConsultationStarted(day("2025-03-04")),
        ConsultationEnded(day("2025-03-06")),
        CorrectionRequested(day("2025-03-07"), due=day("2025-03-14")),
        CorrectionReceived(day("2025-03-10")),
    ]
    deadline = answer_deadline(events, CAL)
    assert deadline.due == add_working_days(day("2025-03-10"), 20, CAL).day
    assert deadline.paused_days == 0
    assert "此前的中止、延期不再适用" in deadline.steps


# -- consultation pauses --------------------------------------------------------------------------


def test_consultation_pause_across_qingming_2025() -> None:
    # Received Mon 2025-03-03: 3/4–7 d1–4, 3/10–14 d5–9, 3/17–21 d10–14, 3/24–28 d15–19, 3/31 d20.
    # Consultation sent Mon 3/10, reply Fri 3/14: paused 3/11, 3/12, 3/13, 3/14 = 4 wd.
    # 3/31 + 4 wd: 4/1, 4/2, 4/3, (4/4 清明 off) 4/7.
    base: list[ClockEvent] = [Received(day("2025-03-03"))]
    assert due(base) == day("2025-03-31")
    deadline = answer_deadline(
        [*base, ConsultationStarted(day("2025-03-10"), label="征求第三方意见"), ConsultationEnded(day("2025-03-14"))],
        CAL,
    )
    assert deadline.due == day("2025-04-07")
    assert deadline.paused_days == 4
    assert any(
        s.startswith("征求第三方意见：2025-03-10 至 2025-03-14") and "中止4个工作日" in s for s in deadline.steps
    )


def test_consultation_pause_is_capped_at_the_15_day_window() -> None:
    # Letter sent 3/10, received by the third party 3/11: window 3/12–14 (3), 3/17–21 (8), 3/24–28 (13),
    # 3/31 (14), 4/1 (15). A reply on 4/30 counts only to 4/1: paused (3/10, 4/1] = 16 wd.
    # 3/31 + 16 wd: 4/1–3 (3), 4/7–11 (8), 4/14–18 (13), 4/21–23 (16).
    window = consultation_window_end(day("2025-03-10"), day("2025-03-11"), CAL)
    assert window.kind is DeadlineKind.CONSULTATION and window.due == day("2025-04-01")
    events: list[ClockEvent] = [
        Received(day("2025-03-03")),
        ConsultationStarted(day("2025-03-10"), party_received_on=day("2025-03-11")),
        ConsultationEnded(day("2025-04-30")),
    ]
    deadline = answer_deadline(events, CAL)
    assert deadline.due == day("2025-04-23")
    assert deadline.paused_days == 16
    assert any("超过15个工作日的意见期限" in s for s in deadline.steps)


def test_open_consultation_assumes_the_full_window_and_says_the_clock_is_stopped() -> None:
    start: list[ClockEvent] = [
        Received(day("2025-03-03")),
        ConsultationStarted(day("2025-03-10"), party_received_on=day("2025-03-11")),
    ]
    open_ = answer_deadline(start, CAL)
    closed_at_window_end = answer_deadline([*start, ConsultationEnded(day("2025-04-01"))], CAL)
    assert open_.due == closed_at_window_end.due == day("2025-04-23")
    assert "暂停计算" in open_.suspended and "2025-04-01" in open_.suspended
    assert closed_at_window_end.suspended == ""


def test_consultation_window_without_recorded_receipt_counts_from_dispatch() -> None:
    window = consultation_window_end(day("2025-03-10"), None, CAL)
    assert window.due == add_working_days(day("2025-03-10"), 15, CAL).day
    assert "对方收到日期未记录" in window.steps[0]
    with pytest.raises(WorkflowError, match="早于发出日期"):
        consultation_window_end(day("2025-03-10"), day("2025-03-09"), CAL)


def test_pause_starting_after_the_deadline_does_not_revive_it() -> None:
    events: list[ClockEvent] = [
        Received(day("2025-03-03")),
        ConsultationStarted(day("2025-04-02")),
        ConsultationEnded(day("2025-04-10")),
    ]
    deadline = answer_deadline(events, CAL)
    assert deadline.due == day("2025-03-31")
    assert deadline.paused_days == 0
    assert any("已在答复期限" in w for w in deadline.warnings)


def test_pause_starting_on_the_due_day_still_counts() -> None:
    # Due Mon 3/31; consultation sent that day, reply Wed 4/2: paused 4/1, 4/2 -> due 4/2 + 0 = the reply day.
    events: list[ClockEvent] = [
        Received(day("2025-03-03")),
        ConsultationStarted(day("2025-03-31")),
        ConsultationEnded(day("2025-04-02")),
    ]
    assert due(events) == day("2025-04-02")


# -- fee notice pause -------------------------------------------------------------------------------


def test_fee_notice_to_payment_is_not_counted() -> None:
    # Due 2025-10-30 (received 9/26). Notice issued Thu 10/9, paid Fri 10/17:
    # paused 10/10, 10/11 (Sat, worked), 10/13–17 = 7 wd -> 10/31 (1), 11/3–7 (6), 11/10 (7).
    events: list[ClockEvent] = [
        Received(day("2025-09-26")),
        FeeNoticeSent(day("2025-10-09"), served_on=day("2025-10-10")),
        FeePaid(day("2025-10-17")),
    ]
    deadline = answer_deadline(events, CAL)
    assert deadline.due == day("2025-11-10")
    assert deadline.paused_days == 7
    assert any("109号" in s and "中止7个工作日" in s for s in deadline.steps)


def test_unpaid_fee_assumes_the_last_day_to_pay() -> None:
    notice: list[ClockEvent] = [
        Received(day("2025-09-26")),
        FeeNoticeSent(day("2025-10-09"), served_on=day("2025-10-10")),
    ]
    pay_by = add_working_days(day("2025-10-10"), 20, CAL).day
    open_ = answer_deadline(notice, CAL)
    assert open_.due == answer_deadline([*notice, FeePaid(pay_by)], CAL).due
    assert "等待申请人缴费" in open_.suspended and pay_by.isoformat() in open_.suspended


def test_late_fee_notice_is_warned() -> None:
    events: list[ClockEvent] = [Received(day("2025-09-26")), FeeNoticeSent(day("2025-11-03"), day("2025-11-03"))]
    assert any("应在答复期限内发出" in w for w in answer_deadline(events, CAL).warnings)


# -- extension and Art 35 -------------------------------------------------------------------------


def test_extension_adds_working_days_to_the_due_date() -> None:
    # Due 2025-10-30; +20 wd: 10/31 d1, 11/3–7 d2–6, 11/10–14 d7–11, 11/17–21 d12–16, 11/24–27 d17–20.
    events: list[ClockEvent] = [
        Received(day("2025-09-26")),
        ExtensionGranted(day("2025-10-28"), 20, notified_on=day("2025-10-29")),
    ]
    deadline = answer_deadline(events, CAL)
    assert deadline.due == day("2025-11-27")
    assert deadline.extension_days == 20
    assert deadline.warnings == ()
    assert any("延长答复期限，+20个工作日" in s for s in deadline.steps)


def test_extension_after_the_due_date_is_warned_not_hidden() -> None:
    events: list[ClockEvent] = [
        Received(day("2025-09-26")),
        ExtensionGranted(day("2025-10-31"), 5, notified_on=day("2025-11-03")),
    ]
    deadline = answer_deadline(events, CAL)
    assert len(deadline.warnings) == 2
    assert "晚于当时的答复期限 2025-10-30" in deadline.warnings[0]


@pytest.mark.parametrize("days", [0, 21, -1])
def test_extension_length_is_limited(days: int) -> None:
    with pytest.raises(WorkflowError, match="1–20"):
        answer_deadline([Received(day("2025-09-26")), ExtensionGranted(day("2025-10-01"), days)], CAL)


def test_only_one_extension() -> None:
    events: list[ClockEvent] = [
        Received(day("2025-09-26")),
        ExtensionGranted(day("2025-10-09"), 5),
        ExtensionGranted(day("2025-10-10"), 5),
    ]
    with pytest.raises(WorkflowError, match="只能延长一次"):
        answer_deadline(events, CAL)


def test_article_35_custom_deadline_replaces_the_computed_one() -> None:
    events: list[ClockEvent] = [Received(day("2025-09-26")), CustomDeadlineSet(day("2025-10-20"), day("2025-12-20"))]
    deadline = answer_deadline(events, CAL)
    assert deadline.due == day("2025-12-22")  # 12/20 is a Saturday: moved to Monday
    assert any("第三十五条" in s for s in deadline.steps)
    assert "2025-12-20 不是工作日，顺延至 2025-12-22" in deadline.steps
    with pytest.raises(WorkflowError, match="已经确定过"):
        answer_deadline([*events, CustomDeadlineSet(day("2025-10-21"), day("2025-12-31"))], CAL)


def test_custom_deadline_not_later_is_warned() -> None:
    events: list[ClockEvent] = [Received(day("2025-09-26")), CustomDeadlineSet(day("2025-10-20"), day("2025-10-24"))]
    assert any("不晚于原答复期限" in w for w in answer_deadline(events, CAL).warnings)


# -- calendars ------------------------------------------------------------------------------------


def test_deadline_crossing_into_unannounced_2027_is_provisional() -> None:
    deadline = answer_deadline([Received(day("2026-12-10"))], CAL)
    assert deadline.due == day("2027-01-07")  # weekday rule, see test_calendar
    assert deadline.provisional
    assert deadline.unannounced_years == (2027,)
    assert "2027年的节假日安排尚未公布" in deadline.reason
    assert "暂定：" in deadline.explanation


def test_pause_reaching_into_2027_makes_the_deadline_provisional() -> None:
    events: list[ClockEvent] = [Received(day("2026-12-01")), ConsultationStarted(day("2026-12-09"))]
    deadline = answer_deadline(events, CAL)
    assert deadline.provisional
    assert deadline.due is not None and deadline.due.year == 2027


def test_a_calendar_change_moves_the_deadline() -> None:
    # Received Wed 2026-09-30 -> 2026-11-03 (hand count in test_calendar); a one-off closure on 10/9 -> 11/4.
    events: list[ClockEvent] = [Received(day("2026-09-30"))]
    assert due(events) == day("2026-11-03")
    changed = CAL.with_overrides([DayOverride(day("2026-10-09"), DayKind.HOLIDAY, "临时调整")])
    assert due(events, changed) == day("2026-11-04")


def test_simple_deadlines() -> None:
    # regulation.md §12: received 2025-09-26 -> +7 wd = 2025-10-13.
    notice = correction_notice_deadline(day("2025-09-26"), CAL)
    assert (notice.kind, notice.due) == (DeadlineKind.CORRECTION_NOTICE, day("2025-10-13"))
    assert "第三十条" in notice.steps[1]
    applicant = correction_deadline(day("2025-10-09"), day("2025-10-05"), CAL)
    assert applicant.kind is DeadlineKind.CORRECTION
    assert applicant.due == day("2025-10-09")  # 10/5 is inside 国庆: moved to the next working day
    generic = working_day_deadline(DeadlineKind.CONSULTATION, day("2025-01-27"), 20, CAL, basis="x", start_label="y")
    assert generic.due == day("2025-03-03")


def test_overdue_and_remaining() -> None:
    deadline = answer_deadline([Received(day("2025-09-26"))], CAL)
    assert not deadline.is_overdue(day("2025-10-30"))
    assert deadline.is_overdue(day("2025-10-31"))
    assert deadline.remaining_working_days(day("2025-10-30"), CAL) == 0
    assert deadline.remaining_working_days(day("2025-10-27"), CAL) == 3
    assert deadline.remaining_working_days(day("2025-10-31"), CAL) == -1
    waiting = answer_deadline([], CAL)
    assert waiting.remaining_working_days(day("2025-10-31"), CAL) is None
    assert not waiting.is_overdue(day("2099-01-01"))


# -- impossible histories ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([Received(day("2025-03-03")), Received(day("2025-03-04"))], "不能再次确定"),
        ([Received(day("2025-03-05")), ConsultationStarted(day("2025-03-04"))], "顺序错误"),
        ([ConsultationStarted(day("2025-03-04"))], "尚未确定收到申请之日"),
        ([Received(day("2025-03-03")), CorrectionReceived(day("2025-03-04"))], "未告知补正"),
        ([Received(day("2025-03-03")), ConsultationEnded(day("2025-03-04"))], "没有进行中的征求意见"),
        (
            [
                Received(day("2025-03-03")),
                ConsultationStarted(day("2025-03-04")),
                ConsultationStarted(day("2025-03-05")),
            ],
            "尚未结束",
        ),
        ([Received(day("2025-03-03")), FeePaid(day("2025-03-04"))], "未发出收费通知"),
        (
            [
                Received(day("2025-03-03")),
                ConsultationStarted(day("2025-03-05"), party_received_on=day("2025-03-04")),
                ConsultationEnded(day("2025-03-06")),
            ],
            "对方收到日期 2025-03-04 早于发出日期",
        ),
        (
            [
                Received(day("2025-03-03")),
                FeeNoticeSent(day("2025-03-04"), day("2025-03-04")),
                FeeNoticeSent(day("2025-03-05"), day("2025-03-05")),
            ],
            "尚未缴费",
        ),
        ([Received(day("2025-03-03")), FeeNoticeSent(day("2025-03-04"), day("2025-03-03"))], "早于发出日期"),
        (
            [
                Received(day("2025-03-03")),
                CorrectionRequested(day("2025-03-04"), day("2025-03-10")),
                ExtensionGranted(day("2025-03-05"), 3),
            ],
            "等待申请人补正期间",
        ),
        (
            [
                Received(day("2025-03-03")),
                ConsultationStarted(day("2025-03-04")),
                CorrectionRequested(day("2025-03-05"), day("2025-03-10")),
            ],
            "征求意见或等待缴费期间",
        ),
        ([Received(day("2025-03-03")), ExtensionGranted(day("2025-03-04"), True)], "1–20"),
        (["received"], "未知的期限事件"),
        ([Received("2025-03-03")], "必须是日期"),  # type: ignore[arg-type]
    ],
)
def test_impossible_histories_are_rejected(events: list[ClockEvent], message: str) -> None:
    with pytest.raises(WorkflowError, match=message):
        answer_deadline(events, CAL)


def test_calendar_is_required() -> None:
    with pytest.raises(WorkflowError, match="WorkCalendar"):
        answer_deadline([], None)  # type: ignore[arg-type]


# -- properties: the model restated -----------------------------------------------------------------

RECEIPTS = st.dates(date(2024, 1, 1), date(2026, 9, 30))


@given(RECEIPTS)
def test_plain_deadline_is_receipt_plus_20(received: date) -> None:
    assert due([Received(received)]) == add_working_days(received, 20, CAL).day


@given(RECEIPTS, st.integers(0, 27), st.integers(0, 40))
def test_pause_equals_resuming_the_clock_after_the_reply(received: date, offset: int, length: int) -> None:
    plain = add_working_days(received, 20, CAL).day
    begin = received + timedelta(days=offset)
    end = begin + timedelta(days=length)
    result = due([Received(received), ConsultationStarted(begin), ConsultationEnded(min(end, _window(begin)))])
    if begin > plain:
        assert result == plain
        return
    # Working days used before the pause (the dispatch day included) ...
    used = working_days_between(received, begin, CAL)
    resumed_from = min(end, _window(begin))
    # ... and the rest counted after the reply day.
    assert result == add_working_days(resumed_from, 20 - used, CAL).day


def _window(begin: date) -> date:
    return add_working_days(begin, 15, CAL).day


@given(RECEIPTS, st.integers(1, 20))
def test_extension_is_additive(received: date, days: int) -> None:
    plain = add_working_days(received, 20, CAL).day
    extended = due([Received(received), ExtensionGranted(received, days)])
    assert extended == add_working_days(received, 20 + days, CAL).day
    assert extended is not None and extended > plain
