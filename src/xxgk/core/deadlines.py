"""Statutory deadlines of an application, computed from its history — each with the steps of its computation.

The answer deadline (答复期限, 条例 Art 33) is a pure function of the case's *clock events* and a
:class:`~xxgk.core.calendar.WorkCalendar`:

* :class:`Received` — 收到申请之日 (Art 31). The clock starts: due = receipt + 20 working days.
* :class:`CorrectionRequested` — 补正告知 (Art 30). The clock stops; there is no answer deadline while the
  applicant corrects.
* :class:`CorrectionReceived` — the corrected application arrives: the clock **restarts from zero**
  (答复期限自行政机关收到补正的申请之日起计算); earlier pauses and extensions no longer apply.
* :class:`ConsultationStarted` / :class:`ConsultationEnded` — 征求第三方 (Art 32) or 其他机关 (Art 34) 意见:
  the time is not counted (Art 33 ¶3). The pause runs from dispatch to the reply, but never beyond the end of the
  15-working-day window, counted from the day the consulted party received the letter (from dispatch if that day
  is not recorded).
* :class:`FeeNoticeSent` / :class:`FeePaid` — 信息处理费 (国办函〔2020〕109号): the time from issuing the fee notice to
  payment is not counted (regulation.md §8, marked [R] there: verify against the text of 109号).
* :class:`ExtensionGranted` — one extension of at most 20 working days (Art 33 ¶2), approved by the 工作机构负责人
  and notified to the applicant before the due date then in force.
* :class:`CustomDeadlineSet` — Art 35: the agency fixes a reasonable later deadline; it replaces the computed one.

Counting (see :mod:`xxgk.core.calendar`): the start day is day 0. A pause from ``D`` to ``E`` excludes the working
days after ``D`` up to and including ``E`` (the dispatch day is a day of the clock, the reply day is not) and
pushes the due date back by that many working days. A pause that begins after the due date in force does not
revive an expired deadline (a warning says so). While a pause is still open the due date shown assumes it runs
its full course (window end; last day to pay), and ``suspended`` says that the clock is stopped.

Every :class:`Deadline` carries ``steps``: Chinese lines saying how it was computed (start, +20 wd, paused N wd
from … to …, extension +N wd, calendar used), and ``provisional``/``reason`` when a day counted lies in a year
whose holiday schedule is not announced.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from xxgk.core.calendar import WorkCalendar, add_working_days, provisional_reason, working_days_between
from xxgk.core.errors import WorkflowError

ANSWER_DAYS = 20  # Art 33 ¶2
CORRECTION_NOTICE_DAYS = 7  # Art 30
CONSULTATION_DAYS = 15  # Arts 32, 34
MAX_EXTENSION_DAYS = 20  # Art 33 ¶2
FEE_PAYMENT_DAYS = 20  # 国办函〔2020〕109号

BASIS_ANSWER = "《条例》第三十三条第二款"
BASIS_PAUSE = "《条例》第三十三条第三款"
BASIS_CORRECTION = "《条例》第三十条"
BASIS_CONSULTATION = "《条例》第三十二条、第三十四条"
BASIS_EXTENSION = "《条例》第三十三条第二款"
BASIS_CUSTOM = "《条例》第三十五条"
BASIS_FEE = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"


class DeadlineKind(StrEnum):
    ANSWER = "answer"
    CORRECTION_NOTICE = "correction_notice"
    CORRECTION = "correction"
    CONSULTATION = "consultation"
    FEE_PAYMENT = "fee_payment"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.ANSWER: "答复期限",
    DeadlineKind.CORRECTION_NOTICE: "补正告知期限",
    DeadlineKind.CORRECTION: "申请人补正期限",
    DeadlineKind.CONSULTATION: "征求意见期限",
    DeadlineKind.FEE_PAYMENT: "缴费期限",
}


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed deadline.

    * ``due`` — the last day (always a working day); ``None`` when no deadline runs (clock stopped with no
      bound, e.g. while the applicant corrects the application, or before the receipt date is fixed).
    * ``suspended`` — non-empty while the clock is stopped; says why.
    * ``provisional`` / ``reason`` — a day counted lies in a year whose schedule is not announced.
    * ``start``, ``days``, ``paused_days``, ``extension_days`` — the figures of the computation.
    * ``steps`` — how it was computed, in Chinese, ending with the calendar used; ``warnings`` — irregularities
      in the history (an extension approved after the due date, …).
    """

    kind: DeadlineKind
    due: date | None
    start: date | None = None
    days: int = 0
    paused_days: int = 0
    extension_days: int = 0
    provisional: bool = False
    reason: str = ""
    unannounced_years: tuple[int, ...] = ()
    suspended: str = ""
    steps: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def explanation(self) -> str:
        lines = [f"{self.kind.label}：{self.due.isoformat() if self.due else '（未在计算）'}"]
        lines += [f"{i}. {s}" for i, s in enumerate(self.steps, 1)]
        if self.provisional:
            lines.append(f"暂定：{self.reason}")
        if self.suspended:
            lines.append(f"中止：{self.suspended}")
        lines += [f"注意：{w}" for w in self.warnings]
        return "\n".join(lines)

    def is_overdue(self, on: date) -> bool:
        """Whether ``on`` is after the due date (the due day itself is still in time)."""
        return self.due is not None and on > self.due

    def remaining_working_days(self, on: date, calendar: WorkCalendar) -> int | None:
        """Working days left after ``on`` up to the due date (0 on the due day, negative when overdue)."""
        if self.due is None:
            return None
        return working_days_between(on, self.due, calendar)


# -- clock events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Received:
    """收到申请之日 (Art 31): the clock starts."""

    day: date


@dataclass(frozen=True, slots=True)
class CorrectionRequested:
    """补正告知 sent on ``day``; the applicant must correct by ``due`` (the 补正期限 the agency set)."""

    day: date
    due: date


@dataclass(frozen=True, slots=True)
class CorrectionReceived:
    """The corrected application was received on ``day`` (date per Art 31): the clock restarts."""

    day: date


@dataclass(frozen=True, slots=True)
class ConsultationStarted:
    """A consultation letter was sent on ``day``; ``party_received_on`` is when the party received it."""

    day: date
    party_received_on: date | None = None
    label: str = "征求意见"


@dataclass(frozen=True, slots=True)
class ConsultationEnded:
    """The consultation ended on ``day`` (reply received, or the window ran out)."""

    day: date


@dataclass(frozen=True, slots=True)
class ExtensionGranted:
    """The 工作机构负责人 approved an extension of ``days`` working days on ``day``."""

    day: date
    days: int
    notified_on: date | None = None


@dataclass(frozen=True, slots=True)
class CustomDeadlineSet:
    """Art 35: on ``day`` the agency fixed ``due`` as the (later) answer deadline."""

    day: date
    due: date


@dataclass(frozen=True, slots=True)
class FeeNoticeSent:
    """The fee notice was issued on ``day`` and served on the applicant on ``served_on``."""

    day: date
    served_on: date


@dataclass(frozen=True, slots=True)
class FeePaid:
    """The applicant paid on ``day``."""

    day: date


ClockEvent = (
    Received
    | CorrectionRequested
    | CorrectionReceived
    | ConsultationStarted
    | ConsultationEnded
    | ExtensionGranted
    | CustomDeadlineSet
    | FeeNoticeSent
    | FeePaid
)
_CLOCK_EVENT_TYPES = (
    Received,
    CorrectionRequested,
    CorrectionReceived,
    ConsultationStarted,
    ConsultationEnded,
    ExtensionGranted,
    CustomDeadlineSet,
    FeeNoticeSent,
    FeePaid,
)


# -- counting with provenance ----------------------------------------------------------------------


class _Tally:
    """Working-day arithmetic that remembers every unannounced year it touched."""

    def __init__(self, calendar: WorkCalendar) -> None:
        if not isinstance(calendar, WorkCalendar):
            raise WorkflowError(f"需要 WorkCalendar，收到 {calendar!r}")
        self.calendar = calendar
        self.years: set[int] = set()

    def add(self, start: date, n: int) -> date:
        result = add_working_days(start, n, self.calendar)
        self.years.update(result.unannounced_years)
        return result.day

    def between(self, start: date, end: date) -> int:
        self.years.update(self.calendar.unannounced_years(min(start, end), max(start, end)))
        return working_days_between(start, end, self.calendar)

    def roll(self, day: date) -> date:
        return self.add(day, 0)

    def finish(
        self,
        kind: DeadlineKind,
        due: date | None,
        steps: list[str],
        *,
        start: date | None = None,
        days: int = 0,
        paused: int = 0,
        extension: int = 0,
        suspended: str = "",
        warnings: Iterable[str] = (),
    ) -> Deadline:
        steps = [*steps, f"日历：{self.calendar.describe()}"]
        return Deadline(
            kind=kind,
            due=due,
            start=start,
            days=days,
            paused_days=paused,
            extension_days=extension,
            provisional=bool(self.years),
            reason=provisional_reason(self.years),
            unannounced_years=tuple(sorted(self.years)),
            suspended=suspended,
            steps=tuple(steps),
            warnings=tuple(warnings),
        )


def _d(day: date) -> str:
    return day.isoformat()


def _check_day(value: object, what: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise WorkflowError(f"{what}必须是日期，收到 {value!r}")
    return value


# -- simple deadlines -----------------------------------------------------------------------------


def working_day_deadline(
    kind: DeadlineKind, start: date, days: int, calendar: WorkCalendar, *, basis: str, start_label: str
) -> Deadline:
    """A deadline of ``days`` working days from ``start`` (day 0), e.g. the 7-day 补正告知 window."""
    _check_day(start, start_label)
    tally = _Tally(calendar)
    due = tally.add(start, days)
    steps = [
        f"{start_label}：{_d(start)}（当日不计入，次日起算）",
        f"+{days}个工作日（{basis}）→ {_d(due)}",
    ]
    return tally.finish(kind, due, steps, start=start, days=days)


def correction_notice_deadline(received_on: date, calendar: WorkCalendar) -> Deadline:
    """The last day to send the 补正 notice: 7 working days after receipt (Art 30)."""
    return working_day_deadline(
        DeadlineKind.CORRECTION_NOTICE,
        received_on,
        CORRECTION_NOTICE_DAYS,
        calendar,
        basis=BASIS_CORRECTION,
        start_label="收到申请之日",
    )


def correction_deadline(notice_on: date, due: date, calendar: WorkCalendar) -> Deadline:
    """The applicant's 补正期限 as set by the agency (moved to the next working day if it is not one)."""
    _check_day(notice_on, "补正告知日期")
    _check_day(due, "补正期限")
    tally = _Tally(calendar)
    rolled = tally.roll(due)
    steps = [f"{_d(notice_on)} 告知补正，行政机关确定的补正期限：{_d(due)}（{BASIS_CORRECTION}）"]
    if rolled != due:
        steps.append(f"{_d(due)} 不是工作日，顺延至 {_d(rolled)}")
    return tally.finish(DeadlineKind.CORRECTION, rolled, steps, start=notice_on)


def consultation_window_end(dispatched_on: date, party_received_on: date | None, calendar: WorkCalendar) -> Deadline:
    """The end of a consultation: 15 working days from the consulted party's receipt of the letter (Arts 32, 34);
    from dispatch when the receipt is not recorded."""
    _check_day(dispatched_on, "征求意见发出日期")
    start = dispatched_on if party_received_on is None else _check_day(party_received_on, "对方收到日期")
    if start < dispatched_on:
        raise WorkflowError(f"对方收到日期 {_d(start)} 早于发出日期 {_d(dispatched_on)}")
    return working_day_deadline(
        DeadlineKind.CONSULTATION,
        start,
        CONSULTATION_DAYS,
        calendar,
        basis=BASIS_CONSULTATION,
        start_label="对方收到征求意见书之日" if party_received_on else "征求意见书发出之日（对方收到日期未记录）",
    )


# -- the answer deadline --------------------------------------------------------------------------


def answer_deadline(events: Sequence[ClockEvent], calendar: WorkCalendar) -> Deadline:
    """The answer deadline (Art 33) after the clock ``events`` (in the order they happened).

    Raises :class:`WorkflowError` for a history that cannot have happened (events out of date order, a second
    receipt without 补正, an extension granted twice or longer than 20 working days, a reply to a consultation
    that was never started, …). Irregular but possible histories give ``warnings`` instead.
    """
    tally = _Tally(calendar)
    steps: list[str] = []
    warnings: list[str] = []
    start: date | None = None
    due: date | None = None
    paused = extension = 0
    extended = custom = False
    awaiting: CorrectionRequested | None = None
    consultation: ConsultationStarted | None = None
    fee: FeeNoticeSent | None = None
    last: date | None = None

    def require_clock(ev: ClockEvent) -> date:
        if due is None:
            raise WorkflowError(f"{_d(ev.day)}：尚未确定收到申请之日，不能{_EVENT_LABELS[type(ev)]}")
        if awaiting is not None:
            raise WorkflowError(f"{_d(ev.day)}：等待申请人补正期间不能{_EVENT_LABELS[type(ev)]}")
        return due

    def pause(begin: date, end: date, what: str, current: date, basis: str = BASIS_PAUSE) -> tuple[date, int]:
        if begin > current:
            warnings.append(f"{what}始于 {_d(begin)}，已在答复期限（{_d(current)}）届满之后，不再中止期限")
            return current, 0
        wd = tally.between(begin, end)
        new_due = tally.add(current, wd)
        steps.append(f"{what}：{_d(begin)} 至 {_d(end)}，不计入答复期限，中止{wd}个工作日（{basis}）→ {_d(new_due)}")
        return new_due, wd

    for ev in events:
        if not isinstance(ev, _CLOCK_EVENT_TYPES):
            raise WorkflowError(f"未知的期限事件 {ev!r}")
        _check_day(ev.day, "事件日期")
        if last is not None and ev.day < last:
            raise WorkflowError(f"事件日期顺序错误：{_d(ev.day)} 早于前一事件的 {_d(last)}")
        last = ev.day
        if isinstance(ev, Received):
            if start is not None:
                raise WorkflowError(f"{_d(ev.day)}：收到申请之日已确定为 {_d(start)}，不能再次确定")
            start = ev.day
            due = tally.add(start, ANSWER_DAYS)
            steps.append(f"收到申请之日：{_d(start)}（当日不计入，次日起算）")
            steps.append(f"+{ANSWER_DAYS}个工作日（{BASIS_ANSWER}）→ {_d(due)}")
        elif isinstance(ev, CorrectionRequested):
            require_clock(ev)
            if consultation is not None or fee is not None:
                raise WorkflowError(f"{_d(ev.day)}：征求意见或等待缴费期间不能告知补正")
            _check_day(ev.due, "补正期限")
            awaiting = ev
            steps.append(
                f"{_d(ev.day)} 告知补正，补正期限至 {_d(ev.due)}；"
                f"答复期限自收到补正后的申请之日起重新计算（{BASIS_CORRECTION}）"
            )
        elif isinstance(ev, CorrectionReceived):
            if awaiting is None:
                raise WorkflowError(f"{_d(ev.day)}：未告知补正，不能收到补正")
            awaiting = None
            start = ev.day
            due = tally.add(start, ANSWER_DAYS)
            if paused or extension or custom:
                steps.append("此前的中止、延期不再适用")
            paused = extension = 0
            custom = False
            steps.append(
                f"收到补正后的申请：{_d(start)}，重新起算 +{ANSWER_DAYS}个工作日（{BASIS_CORRECTION}）→ {_d(due)}"
            )
        elif isinstance(ev, ConsultationStarted):
            require_clock(ev)
            if consultation is not None:
                raise WorkflowError(f"{_d(ev.day)}：上一次征求意见尚未结束")
            consultation = ev
        elif isinstance(ev, ConsultationEnded):
            current = require_clock(ev)
            if consultation is None:
                raise WorkflowError(f"{_d(ev.day)}：没有进行中的征求意见")
            window_end = _window_end(tally, consultation)
            end = min(ev.day, window_end)
            what = consultation.label
            if ev.day > window_end:
                what += f"（{_d(ev.day)} 结束，超过{CONSULTATION_DAYS}个工作日的意见期限，只计至 {_d(window_end)}）"
            due, wd = pause(consultation.day, end, what, current)
            paused += wd
            consultation = None
        elif isinstance(ev, FeeNoticeSent):
            current = require_clock(ev)
            if fee is not None:
                raise WorkflowError(f"{_d(ev.day)}：已发出收费通知，尚未缴费")
            _check_day(ev.served_on, "收费通知送达日期")
            if ev.served_on < ev.day:
                raise WorkflowError(f"收费通知送达日期 {_d(ev.served_on)} 早于发出日期 {_d(ev.day)}")
            if ev.day > current:
                warnings.append(f"收费通知于 {_d(ev.day)} 发出，晚于答复期限 {_d(current)}（应在答复期限内发出）")
            fee = ev
        elif isinstance(ev, FeePaid):
            current = require_clock(ev)
            if fee is None:
                raise WorkflowError(f"{_d(ev.day)}：未发出收费通知，不能记录缴费")
            due, wd = pause(fee.day, ev.day, "发出收费通知至缴费", current, BASIS_FEE)
            paused += wd
            fee = None
        elif isinstance(ev, ExtensionGranted):
            current = require_clock(ev)
            if extended:
                raise WorkflowError(f"{_d(ev.day)}：答复期限只能延长一次")
            if isinstance(ev.days, bool) or not isinstance(ev.days, int) or not 1 <= ev.days <= MAX_EXTENSION_DAYS:
                raise WorkflowError(f"延长期限必须是 1–{MAX_EXTENSION_DAYS} 个工作日，收到 {ev.days!r}")
            if ev.day > current:
                warnings.append(f"延期于 {_d(ev.day)} 批准，晚于当时的答复期限 {_d(current)}")
            if ev.notified_on is not None and ev.notified_on > current:
                warnings.append(f"延期于 {_d(ev.notified_on)} 告知申请人，晚于当时的答复期限 {_d(current)}")
            extended = True
            extension = ev.days
            due = tally.add(current, ev.days)
            steps.append(
                f"{_d(ev.day)} 经政府信息公开工作机构负责人同意延长答复期限，"
                f"+{ev.days}个工作日（{BASIS_EXTENSION}）→ {_d(due)}"
            )
        else:  # CustomDeadlineSet
            current = require_clock(ev)
            if custom:
                raise WorkflowError(f"{_d(ev.day)}：延迟答复期限已经确定过")
            _check_day(ev.due, "延迟答复期限")
            if ev.due <= current:
                warnings.append(f"确定的延迟答复期限 {_d(ev.due)} 不晚于原答复期限 {_d(current)}")
            custom = True
            due = tally.roll(ev.due)
            steps.append(f"{_d(ev.day)} 依{BASIS_CUSTOM}确定延迟答复的合理期限：{_d(ev.due)}")
            if due != ev.due:
                steps.append(f"{_d(ev.due)} 不是工作日，顺延至 {_d(due)}")

    suspended = ""
    if due is None:
        suspended = "尚未确定收到申请之日，答复期限尚未起算"
    elif awaiting is not None:
        suspended = f"等待申请人补正（补正期限至 {_d(awaiting.due)}）；答复期限自收到补正后的申请之日起重新计算"
        due = None
    elif consultation is not None:
        window_end = _window_end(tally, consultation)
        due, wd = pause(consultation.day, window_end, f"{consultation.label}（进行中，暂按意见期限届满日计）", due)
        paused += wd
        suspended = (
            f"{consultation.label}中，答复期限暂停计算；暂按意见期限 {_d(window_end)} 届满计算，收到意见后重新计算"
        )
    elif fee is not None:
        pay_by = tally.add(fee.served_on, FEE_PAYMENT_DAYS)
        due, wd = pause(fee.day, pay_by, "发出收费通知至缴费（尚未缴费，暂按缴费期限届满日计）", due, BASIS_FEE)
        paused += wd
        suspended = f"等待申请人缴费（缴费期限至 {_d(pay_by)}），答复期限暂停计算；缴费后重新计算"
    return tally.finish(
        DeadlineKind.ANSWER,
        due,
        steps,
        start=start,
        days=ANSWER_DAYS if start is not None else 0,
        paused=paused,
        extension=extension,
        suspended=suspended,
        warnings=warnings,
    )


def _window_end(tally: _Tally, consultation: ConsultationStarted) -> date:
    start = consultation.party_received_on or consultation.day
    _check_day(start, "对方收到日期")
    if start < consultation.day:
        raise WorkflowError(f"对方收到日期 {_d(start)} 早于发出日期 {_d(consultation.day)}")
    return tally.add(start, CONSULTATION_DAYS)


_EVENT_LABELS: dict[type, str] = {
    Received: "确定收到申请之日",
    CorrectionRequested: "告知补正",
    CorrectionReceived: "收到补正",
    ConsultationStarted: "征求意见",
    ConsultationEnded: "结束征求意见",
    ExtensionGranted: "延长答复期限",
    CustomDeadlineSet: "确定延迟答复期限",
    FeeNoticeSent: "发出收费通知",
    FeePaid: "记录缴费",
}
