"""收到申请之日: the date an application counts as received, by channel (条例 Art 31; 国办公开办函〔2015〕207号).

* 当面 / 口头 — the day it is submitted (口头: transcribed by staff). Art 31 (一).
* 邮寄, signed for — the day the agency signs for it. Art 31 (二).
* 邮寄 by 平常信函 (no signature) — the day the 工作机构 confirms with the applicant: on the day it arrives, or,
  if the applicant cannot be reached, the day contact is restored. Art 31 (二); 207号.
* 邮寄 to another unit of the agency — the day the 工作机构 actually receives it and confirms by phone. 207号.
* 网络 / 传真 — the day both sides confirm (双方确认之日). Art 31 (三).
* 电子邮件 — 双方确认之日 when a confirmation is recorded (e-mail is an internet channel); otherwise the day the
  published mailbox received it. Art 31 (三); 207号.

:func:`receipt_date` is a pure function of the channel and the dates recorded at registration. When the date
cannot be fixed yet (not yet confirmed with the applicant, not yet signed for) it returns a *pending* result that
says what is missing; the application then waits in ``awaiting_receipt`` and its clock has not started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from xxgk.core.errors import WorkflowError
from xxgk.core.outcomes import Channel

ART_31_1 = "《条例》第三十一条第（一）项：当面提交的，以提交之日为收到申请之日"
ART_31_2_SIGNED = "《条例》第三十一条第（二）项：以邮寄方式提交的，以行政机关签收之日为收到申请之日"
ART_31_2_ORDINARY = (
    "《条例》第三十一条第（二）项：以平常信函等无需签收的邮寄方式提交的，工作机构应当于收到申请的当日与申请人确认，"
    "确认之日为收到申请之日"
)
RULE_207_ELSEWHERE = (
    "国办公开办函〔2015〕207号：寄至本机关其他部门的，以工作机构实际收到并与申请人电话确认之日为收到申请之日"
)
ART_31_3 = "《条例》第三十一条第（三）项：通过互联网渠道或者工作机构的传真提交的，以双方确认之日为收到申请之日"
RULE_207_EMAIL = "国办公开办函〔2015〕207号：通过公布的电子邮箱提交的，以电子邮件系统收到之日为收到申请之日"


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    """The dates recorded about how an application arrived. Only the ones the channel needs matter.

    * ``submitted_on`` — 当面/口头: the day it was handed in (or spoken and transcribed).
    * ``signed_for_on`` — 邮寄: the day the agency signed for it.
    * ``arrived_on`` — 邮寄 without signature, or sent to another unit: the day the 工作机构 actually got it.
    * ``confirmed_on`` — the day the 工作机构 confirmed receipt with the applicant (平常信函, other unit, 网络,
      传真, 电子邮件).
    * ``mailbox_received_on`` — 电子邮件: the day the published mailbox received it.
    * ``ordinary_mail`` — 邮寄 by 平常信函 or another way that needs no signature.
    * ``addressed_elsewhere`` — 邮寄 to a unit of the agency other than its 政府信息公开工作机构.
    """

    submitted_on: date | None = None
    signed_for_on: date | None = None
    arrived_on: date | None = None
    confirmed_on: date | None = None
    mailbox_received_on: date | None = None
    ordinary_mail: bool = False
    addressed_elsewhere: bool = False

    def __post_init__(self) -> None:
        for name in ("submitted_on", "signed_for_on", "arrived_on", "confirmed_on", "mailbox_received_on"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
                raise WorkflowError(f"{_FIELD_LABELS[name]}必须是日期，收到 {value!r}")


_FIELD_LABELS = {
    "submitted_on": "提交日期",
    "signed_for_on": "签收日期",
    "arrived_on": "实际收到日期",
    "confirmed_on": "确认日期",
    "mailbox_received_on": "邮箱收到日期",
}


@dataclass(frozen=True, slots=True)
class ReceiptDate:
    """The outcome of :func:`receipt_date`: the date (``None`` while pending), the rule applied and a note."""

    day: date | None
    basis: str
    note: str = ""

    @property
    def pending(self) -> bool:
        return self.day is None

    def describe(self) -> str:
        if self.day is None:
            return f"收到申请之日尚未确定：{self.note}（{self.basis}）"
        text = f"收到申请之日：{self.day.isoformat()}（{self.basis}）"
        return f"{text}；{self.note}" if self.note else text


def _confirmed(
    facts: ReceiptFacts, basis: str, waiting: str, *, arrived: date | None, same_day_rule: bool = False
) -> ReceiptDate:
    if facts.confirmed_on is None:
        return ReceiptDate(None, basis, waiting)
    if arrived is not None and facts.confirmed_on < arrived:
        raise WorkflowError(f"确认日期 {facts.confirmed_on.isoformat()} 早于实际收到日期 {arrived.isoformat()}，请核对")
    note = ""
    if same_day_rule and arrived is not None and facts.confirmed_on > arrived:
        note = (
            f"{arrived.isoformat()} 收到后未能当日确认（如无法联系申请人，已记录在案），"
            "自确认（联系上申请人）之日起计算"
        )
    return ReceiptDate(facts.confirmed_on, basis, note)


def receipt_date(channel: Channel, facts: ReceiptFacts) -> ReceiptDate:
    """The 收到申请之日 of an application submitted through ``channel`` (see the module table).

    Raises :class:`WorkflowError` for contradictory dates (a confirmation before the application arrived).
    """
    try:
        channel = Channel(channel)
    except ValueError:
        raise WorkflowError(f"未知的申请渠道 {channel!r}") from None
    if not isinstance(facts, ReceiptFacts):
        raise WorkflowError(f"需要 ReceiptFacts，收到 {facts!r}")
    if channel in (Channel.IN_PERSON, Channel.ORAL):
        if facts.submitted_on is None:
            return ReceiptDate(None, ART_31_1, "尚未记录提交日期")
        return ReceiptDate(facts.submitted_on, ART_31_1)
    if channel is Channel.MAIL:
        if facts.addressed_elsewhere:
            return _confirmed(
                facts,
                RULE_207_ELSEWHERE,
                "工作机构收到后尚未与申请人电话确认",
                arrived=facts.arrived_on,
                same_day_rule=True,
            )
        if facts.ordinary_mail:
            return _confirmed(
                facts, ART_31_2_ORDINARY, "尚未与申请人确认收到", arrived=facts.arrived_on, same_day_rule=True
            )
        if facts.signed_for_on is None:
            return ReceiptDate(None, ART_31_2_SIGNED, "尚未记录签收日期")
        return ReceiptDate(facts.signed_for_on, ART_31_2_SIGNED)
    if channel in (Channel.ONLINE, Channel.FAX):
        return _confirmed(facts, ART_31_3, "尚未与申请人双方确认", arrived=facts.arrived_on)
    # e-mail: confirmation if recorded (Art 31 (三)), else the mailbox's date (207号)
    if facts.confirmed_on is not None:
        return _confirmed(facts, ART_31_3, "", arrived=facts.mailbox_received_on or facts.arrived_on)
    if facts.mailbox_received_on is not None:
        return ReceiptDate(facts.mailbox_received_on, RULE_207_EMAIL)
    return ReceiptDate(None, ART_31_3, "尚未记录邮箱收到日期或双方确认日期")
