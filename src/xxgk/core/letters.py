"""Letters (文书): the written steps of an application, their placeholders and their default wording.

The 条例 makes several steps written: the 补正告知 (Art 30), the consultation of a third party or a co-producing
agency (Arts 32, 34), the extension of the answer deadline (Art 33 ¶2), the request for reasons and the delayed
deadline of Art 35, the fee notice (Art 42; 国办函〔2020〕109号) and the answer itself (Arts 36–39), whose wording
depends on the :class:`~xxgk.core.outcomes.Outcome`. This module is the pure part of generating them:

* :class:`LetterKind` — the kinds of letter, and :data:`ACTION_KINDS`: which workflow :class:`Action` produces
  which kind;
* :class:`LetterSlot` — one editable template: a kind and a variant (the outcome of a 答复书, the consultation
  kind of a 征求意见函); :data:`SLOTS` lists them all, :func:`slot_from_code` reads ``"reply.partial"`` back;
* :data:`PLACEHOLDERS` — the placeholder vocabulary (``{{申请人}}``, ``{{补正事项}}``, …) with Chinese
  descriptions, the kinds each one is available in, and whether it is a list (one paragraph per item);
* :func:`default_wording` — the default text of every slot as styled blocks (the web layer renders them to
  DOCX), citing the articles of the 条例;
* :func:`letter_requests` — the letters a step of a case's history produces (one per consulted party);
* :func:`letter_values` — the value of every placeholder for one letter, computed from the core case through
  that step (dates as ``2026年3月2日``, working-day deadlines from the history and the calendar).

No Django, no I/O: values are plain strings (or tuples of strings for list placeholders).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from xxgk.core.calendar import WorkCalendar
from xxgk.core.deadlines import (
    CONSULTATION_DAYS,
    FEE_PAYMENT_DAYS,
    answer_deadline,
    consultation_window_end,
    correction_deadline,
)
from xxgk.core.errors import XxgkError
from xxgk.core.fees import payment_deadline
from xxgk.core.outcomes import OUTCOMES, ApplicantType, Outcome, OutcomeGroup
from xxgk.core.workflow import (
    Action,
    Case,
    Consultation,
    ConsultationKind,
    CorrectionRequest,
    CustomDeadline,
    Event,
    Extension,
    FeeNotice,
    Registration,
    Reply,
)

REGULATION = "《中华人民共和国政府信息公开条例》"


class LetterError(XxgkError):
    """A letter or a letter template could not be produced or accepted (the message says why, in Chinese)."""

    default_message = "文书无法生成"


# -- kinds and slots -------------------------------------------------------------------------------


class LetterKind(StrEnum):
    RECEIPT = "receipt"
    CORRECTION = "correction"
    CONSULTATION = "consultation"
    EXTENSION = "extension"
    REASONS = "reasons"
    CUSTOM_DEADLINE = "custom_deadline"
    FEE = "fee"
    REPLY = "reply"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS: dict[LetterKind, str] = {
    LetterKind.RECEIPT: "登记回执",
    LetterKind.CORRECTION: "补正告知书",
    LetterKind.CONSULTATION: "征求意见函",
    LetterKind.EXTENSION: "延期答复告知书",
    LetterKind.REASONS: "说明理由通知书",
    LetterKind.CUSTOM_DEADLINE: "延迟答复告知书",
    LetterKind.FEE: "收费通知书",
    LetterKind.REPLY: "答复书",
}

#: Which step of the workflow produces which letter. ``DRAFT_REPLY`` gives the 答复书 as drafted (for review);
#: ``SEND_REPLY`` the one sent (same outcome as the approved draft).
ACTION_KINDS: Mapping[Action, LetterKind] = MappingProxyType(
    {
        Action.REGISTER: LetterKind.RECEIPT,
        Action.CONFIRM_RECEIPT: LetterKind.RECEIPT,
        Action.REQUEST_CORRECTION: LetterKind.CORRECTION,
        Action.START_CONSULTATION: LetterKind.CONSULTATION,
        Action.EXTEND: LetterKind.EXTENSION,
        Action.REQUEST_REASONS: LetterKind.REASONS,
        Action.SET_CUSTOM_DEADLINE: LetterKind.CUSTOM_DEADLINE,
        Action.SEND_FEE_NOTICE: LetterKind.FEE,
        Action.REPLY_ON_THE_SPOT: LetterKind.REPLY,
        Action.DRAFT_REPLY: LetterKind.REPLY,
        Action.SEND_REPLY: LetterKind.REPLY,
    }
)


@dataclass(frozen=True, slots=True)
class LetterSlot:
    """One editable template: a kind and its variant (an :class:`Outcome` value for a 答复书, a
    :class:`ConsultationKind` value for a 征求意见函, empty otherwise)."""

    kind: LetterKind
    variant: str = ""

    @property
    def code(self) -> str:
        """``"correction"``, ``"reply.partial"``, ``"consultation.third_party"``."""
        return f"{self.kind.value}.{self.variant}" if self.variant else self.kind.value

    @property
    def label(self) -> str:
        """The name shown to users, e.g. ``答复书·部分公开（区分处理）``."""
        if self.kind is LetterKind.REPLY:
            return f"答复书·{Outcome(self.variant).label}"
        if self.kind is LetterKind.CONSULTATION:
            return f"征求意见函·{ConsultationKind(self.variant).label}"
        return self.kind.label

    @property
    def title(self) -> str:
        """The heading of the default letter."""
        return _TITLES[self.kind] if self.kind is not LetterKind.CONSULTATION else _CONSULTATION_TITLES[self.variant]

    @property
    def file_label(self) -> str:
        """The short name used in file names (``补正告知书``, ``答复书``)."""
        return self.kind.label


_TITLES: dict[LetterKind, str] = {
    LetterKind.RECEIPT: "政府信息公开申请登记回执",
    LetterKind.CORRECTION: "政府信息公开申请补正告知书",
    LetterKind.EXTENSION: "政府信息公开申请延期答复告知书",
    LetterKind.REASONS: "政府信息公开申请说明理由通知书",
    LetterKind.CUSTOM_DEADLINE: "政府信息公开申请延迟答复告知书",
    LetterKind.FEE: "政府信息公开信息处理费收费通知书",
    LetterKind.REPLY: "政府信息公开申请答复书",
}
_CONSULTATION_TITLES: dict[str, str] = {
    ConsultationKind.THIRD_PARTY.value: "政府信息公开征求第三方意见函",
    ConsultationKind.CO_PRODUCER.value: "政府信息公开征求意见函",
}

#: The outcomes a 答复书 is written for (those chosen in a reply; the others close a case without one).
REPLY_OUTCOMES: tuple[Outcome, ...] = tuple(o for o in Outcome if OUTCOMES[o].by_reply)


def _all_slots() -> tuple[LetterSlot, ...]:
    out: list[LetterSlot] = []
    for kind in LetterKind:
        if kind is LetterKind.REPLY:
            out += [LetterSlot(kind, o.value) for o in REPLY_OUTCOMES]
        elif kind is LetterKind.CONSULTATION:
            out += [LetterSlot(kind, c.value) for c in ConsultationKind]
        else:
            out.append(LetterSlot(kind))
    return tuple(out)


#: Every template slot, in workflow order (答复书 in table-3 order of the outcomes).
SLOTS: tuple[LetterSlot, ...] = _all_slots()
_SLOTS_BY_CODE: Mapping[str, LetterSlot] = MappingProxyType({s.code: s for s in SLOTS})


def slot_from_code(code: str) -> LetterSlot:
    """The slot of ``code`` (as :attr:`LetterSlot.code`); :class:`LetterError` when there is none."""
    slot = _SLOTS_BY_CODE.get(code)
    if slot is None:
        raise LetterError(f"未知的文书类型 {code!r}")
    return slot


# -- placeholders ----------------------------------------------------------------------------------

#: ``{{名称}}``; spaces inside the braces are allowed. ``\x00`` is what the DOCX filler puts between runs that
#: a placeholder may not span (a tab, a line break, a drawing, …).
PLACEHOLDER_RE = re.compile(r"\{\{[ \t\u3000]*([^{}\x00]*?)[ \t\u3000]*\}\}")

Value = str | tuple[str, ...]

_ALL = frozenset(LetterKind)
_K = LetterKind


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One name of the vocabulary: where it may be used and what it becomes.

    ``is_list`` placeholders hold several items: the paragraph containing one is repeated once per item
    (numbered ``1．``, ``2．`` … when ``numbered``); a paragraph may contain at most one list placeholder.
    """

    name: str
    description: str
    kinds: frozenset[LetterKind] = _ALL
    is_list: bool = False
    numbered: bool = False

    def available_in(self, kind: LetterKind) -> bool:
        return kind in self.kinds


def _p(name: str, description: str, *kinds: LetterKind, is_list: bool = False, numbered: bool = False) -> Placeholder:
    return Placeholder(name, description, frozenset(kinds) if kinds else _ALL, is_list, numbered)


#: The vocabulary, in the order shown to template editors.
PLACEHOLDERS: Mapping[str, Placeholder] = MappingProxyType(
    {
        p.name: p
        for p in (
            _p("机关名称", "本机关的名称，如“大渡口区八桥镇人民政府”"),
            _p("申请编号", "申请的登记编号，如“2026-0001”"),
            _p("文书日期", "文书所依据的办理步骤的日期（如告知补正的日期），如“2026年3月2日”"),
            _p("申请人", "申请人姓名或者名称"),
            _p("申请人称谓", "对申请人的称呼：自然人为“您”，法人或者其他组织为“贵单位”"),
            _p("申请人类型", "自然人，或法人或其他组织（商业企业、科研机构等）"),
            _p("身份证明", "申请人的身份证明（证件名称和号码）"),
            _p("联系方式", "申请人的联系方式"),
            _p("委托代理人", "委托代理人（没有的为空）"),
            _p("申请内容", "所需政府信息的名称、文号或者特征性描述（不带句末标点）"),
            _p("申请渠道", "提出申请的方式，如“当面”“邮寄”“网络”"),
            _p("登记日期", "登记申请的日期"),
            _p("收到申请日期", "收到申请之日（《条例》第三十一条）"),
            _p("收到补正日期", "收到补正后的申请之日（未补正的为空）"),
            _p("答复期限", "该步骤之后的答复期限（最后一天）；期限暂停计算时为“（暂停计算）”"),
            _p("复议机关", "行政复议机关：本机关的上一级机关（在系统中没有上级的，写“依法有管辖权的行政复议机关”）"),
            # 补正 (Art 30)
            _p("补正事项", "需要补正的事项，每项一段，自动编号", _K.CORRECTION, is_list=True, numbered=True),
            _p("补正期限", "申请人提交补正的最后一天（遇节假日顺延）", _K.CORRECTION),
            # 征求意见 (Arts 32, 34)
            _p("被征求意见方", "本函的收件方（第三方或者其他机关），每个被征求意见方生成一份", _K.CONSULTATION),
            _p("征求意见类型", "“征求第三方意见”或者“征求其他机关意见”", _K.CONSULTATION),
            _p(
                "意见期限",
                f"对方提出意见的最后一天（已记录对方收到日期时）；否则为“收到本函之日起{CONSULTATION_DAYS}个工作日内”",
                _K.CONSULTATION,
            ),
            # 延期 (Art 33)
            _p("延长天数", "延长的工作日数", _K.EXTENSION),
            _p("原答复期限", "延期前的答复期限", _K.EXTENSION),
            _p("延期理由", "延长答复期限的理由（一句话；未填写的为空）", _K.EXTENSION),
            _p("批准人", "同意延期的政府信息公开工作机构负责人", _K.EXTENSION),
            _p("告知日期", "告知申请人延期的日期", _K.EXTENSION),
            # 第三十五条
            _p("延迟答复期限", "依第三十五条确定的延迟答复期限", _K.CUSTOM_DEADLINE),
            _p("延迟理由", "确定延迟答复期限的理由", _K.CUSTOM_DEADLINE),
            # 收费 (Art 42; 109号)
            _p("计费方式", "“按件计收”或者“按量计收”", _K.FEE),
            _p("收费金额", "收费金额（元，两位小数），如“200.00”", _K.FEE),
            _p("收费明细", "计费明细，每行一段", _K.FEE, is_list=True),
            _p("送达日期", "申请人收到收费通知之日", _K.FEE),
            _p("缴费期限", f"缴费的最后一天（收到通知次日起{FEE_PAYMENT_DAYS}个工作日）", _K.FEE),
            # 答复 (Arts 36–39)
            _p("办理结果", "答复的办理结果，如“部分公开（区分处理）”", _K.REPLY),
            _p("答复依据", "该办理结果的《条例》条款，如“《中华人民共和国政府信息公开条例》第三十七条”", _K.REPLY),
            _p("法律依据", "拟定答复时填写的法律依据（不带句末标点）", _K.REPLY),
            _p("答复说明", "拟定答复时填写的理由或者说明（完整的句子）", _K.REPLY),
            _p("不予公开部分", "部分公开时不予公开的内容，每项一段，自动编号", _K.REPLY, is_list=True, numbered=True),
            _p("提供形式", "提供政府信息的形式，如“纸质文本”", _K.REPLY),
            _p("提供方式", "获取政府信息的方式，如“邮寄”", _K.REPLY),
            _p("提供信息说明", "提供信息的形式和方式合成的一句话（未填写的为空）", _K.REPLY),
            _p("救济途径", "行政复议和行政诉讼的告知段落（不予公开的写明先申请行政复议）", _K.REPLY),
        )
    }
)


def placeholders_for(kind: LetterKind) -> tuple[Placeholder, ...]:
    """The placeholders available in letters of ``kind``, in vocabulary order."""
    return tuple(p for p in PLACEHOLDERS.values() if p.available_in(kind))


def placeholder_names(text: str) -> list[str]:
    """The placeholder names in ``text`` in order (``{{ 申请人 }}`` gives ``申请人``)."""
    return [m.group(1) for m in PLACEHOLDER_RE.finditer(text)]


@dataclass(frozen=True, slots=True)
class PlaceholderCheck:
    """The names used in a template that are not in the vocabulary, and those not available in its kind."""

    unknown: tuple[str, ...]
    unavailable: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.unavailable

    def message(self, slot: LetterSlot) -> str:
        parts: list[str] = []
        if self.unknown:
            parts.append("未知的占位符：" + "、".join(f"{{{{{n}}}}}" for n in self.unknown))
        if self.unavailable:
            parts.append(
                f"“{slot.kind.label}”中不能使用的占位符：" + "、".join(f"{{{{{n}}}}}" for n in self.unavailable)
            )
        return "；".join(parts)


def check_placeholders(slot: LetterSlot, names: Iterable[str]) -> PlaceholderCheck:
    """Which of ``names`` are unknown, and which are known but not available for ``slot`` (each listed once)."""
    unknown: list[str] = []
    unavailable: list[str] = []
    for name in names:
        spec = PLACEHOLDERS.get(name)
        if spec is None:
            if name not in unknown:
                unknown.append(name)
        elif not spec.available_in(slot.kind) and name not in unavailable:
            unavailable.append(name)
    return PlaceholderCheck(tuple(unknown), tuple(unavailable))


def list_item(placeholder: Placeholder, index: int, item: str) -> str:
    """The text of item ``index`` (0-based) of a list placeholder: ``1．请明确项目名称`` when numbered."""
    return f"{index + 1}．{item}" if placeholder.numbered else item


# -- default wording --------------------------------------------------------------------------------


class BlockStyle(StrEnum):
    """How a paragraph of the default letter is laid out (the web layer maps these to DOCX formatting)."""

    TITLE = "title"  # centred heading, 方正小标宋
    NUMBER = "number"  # the application number under the title, right-aligned
    SALUTATION = "salutation"  # “张三：”, flush left
    BODY = "body"  # first line indented by two characters
    SIGNATURE = "signature"  # the body's name and the date, right-aligned
    BLANK = "blank"  # an empty line


@dataclass(frozen=True, slots=True)
class Block:
    style: BlockStyle
    text: str = ""


@dataclass(frozen=True, slots=True)
class Wording:
    """The default letter of a slot: its blocks in order (the title first)."""

    slot: LetterSlot
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


_OPENING = "本机关于{{收到申请日期}}收到{{申请人称谓}}提出的政府信息公开申请，所需政府信息的描述为：“{{申请内容}}”。"


def _body(*texts: str) -> tuple[Block, ...]:
    return tuple(Block(BlockStyle.BODY, t) for t in texts)


def _letter(slot: LetterSlot, salutation: str, body: tuple[Block, ...], closing: str) -> Wording:
    return Wording(
        slot,
        (
            Block(BlockStyle.TITLE, slot.title),
            Block(BlockStyle.NUMBER, "申请编号：{{申请编号}}"),
            Block(BlockStyle.SALUTATION, salutation),
            *body,
            Block(BlockStyle.BODY, closing),
            Block(BlockStyle.BLANK),
            Block(BlockStyle.SIGNATURE, "{{机关名称}}"),
            Block(BlockStyle.SIGNATURE, "{{文书日期}}"),
        ),
    )


#: What the requested information is, for each ground of 不予公开 (Arts 14–16).
_DENIED_PHRASES: dict[Outcome, str] = {
    Outcome.DENIED_STATE_SECRET: "属于国家秘密",
    Outcome.DENIED_PROHIBITED: "属于法律、行政法规禁止公开的政府信息",
    Outcome.DENIED_SECURITY: "公开后可能危及国家安全、公共安全、经济安全、社会稳定",
    Outcome.DENIED_THIRD_PARTY: "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
    Outcome.DENIED_INTERNAL: "属于行政机关的人事管理、后勤管理、内部工作流程等方面的内部事务信息",
    Outcome.DENIED_PROCESS: (
        "属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息"
    ),
    Outcome.DENIED_ENFORCEMENT_FILE: "属于行政执法案卷信息",
}

#: The substance of each 答复书 after the common opening (Arts 30, 35–39); {{答复依据}} cites the article.
_REPLY_SUBSTANCE: dict[Outcome, tuple[str, ...]] = {
    Outcome.GRANTED_PUBLISHED: (
        "{{申请人称谓}}申请获取的政府信息已经主动公开。根据{{答复依据}}的规定，"
        "现告知{{申请人称谓}}获取该政府信息的方式和途径。",
    ),
    Outcome.GRANTED: (
        "{{申请人称谓}}申请获取的政府信息属于可以公开的政府信息。根据{{答复依据}}的规定，"
        "本机关向{{申请人称谓}}提供该政府信息。",
        "{{提供信息说明}}",
    ),
    Outcome.PARTIAL: (
        "{{申请人称谓}}申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理。"
        "根据{{答复依据}}的规定，本机关向{{申请人称谓}}提供可以公开的政府信息内容，下列内容不予公开：",
        "{{不予公开部分}}",
        "{{提供信息说明}}",
    ),
    **{
        outcome: ("{{申请人称谓}}申请获取的政府信息" + phrase + "。根据{{答复依据}}的规定，本机关决定不予公开。",)
        for outcome, phrase in _DENIED_PHRASES.items()
    },
    Outcome.DENIED_INQUIRY: (
        "{{申请人称谓}}申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定。"
        "根据{{答复依据}}的规定，请{{申请人称谓}}依照有关法律、行政法规的规定办理。",
    ),
    Outcome.UNABLE_NOT_FOUND: (
        "经检索，本机关没有{{申请人称谓}}所申请公开的政府信息。根据{{答复依据}}的规定，"
        "告知{{申请人称谓}}该政府信息不存在。",
    ),
    Outcome.UNABLE_NOT_RESPONSIBLE: (
        "{{申请人称谓}}所申请公开的政府信息不属于本机关负责公开。根据{{答复依据}}的规定，"
        "现告知{{申请人称谓}}并说明理由。",
    ),
    Outcome.UNABLE_NEEDS_CREATION: (
        "{{申请人称谓}}申请获取的信息需要本机关对现有政府信息进行加工、分析方能形成，"
        "本机关没有已制作或者获取的该项政府信息。根据{{答复依据}}的规定，本机关不予提供。",
    ),
    Outcome.UNABLE_UNCLEAR: (
        "本机关已告知{{申请人称谓}}对申请内容作出补正，补正后的申请内容仍不明确，"
        "本机关无法确定{{申请人称谓}}所需要的政府信息。根据{{答复依据}}的规定，"
        "本机关无法按照{{申请人称谓}}的申请提供政府信息。",
    ),
    Outcome.NOT_PROCESSED_COMPLAINT: (
        "{{申请人称谓}}提出的申请系以政府信息公开申请的形式进行信访、投诉、举报等活动。根据{{答复依据}}的规定，"
        "本机关不作为政府信息公开申请处理，{{申请人称谓}}可以通过信访、投诉、举报等相应渠道提出。",
    ),
    Outcome.NOT_PROCESSED_DUPLICATE: (
        "本机关已就{{申请人称谓}}提出的政府信息公开申请作出答复，{{申请人称谓}}重复申请公开相同的政府信息。"
        "根据{{答复依据}}的规定，本机关不予重复处理。",
    ),
    Outcome.NOT_PROCESSED_PUBLICATION: (
        "{{申请人称谓}}申请的内容为要求本机关提供政府公报、报刊、书籍等公开出版物。根据{{答复依据}}的规定，"
        "现告知{{申请人称谓}}获取的途径。",
    ),
    Outcome.NOT_PROCESSED_EXCESSIVE: (
        "{{申请人称谓}}申请公开政府信息的数量、频次明显超过合理范围，本机关已要求{{申请人称谓}}说明理由。"
        "本机关认为{{申请人称谓}}的申请理由不合理。根据{{答复依据}}的规定，本机关不予处理。",
    ),
    Outcome.NOT_PROCESSED_CONFIRMATION: (
        "{{申请人称谓}}申请要求本机关确认或者重新出具{{申请人称谓}}已经获取的信息，"
        "不属于《中华人民共和国政府信息公开条例》规定的政府信息公开申请，本机关不予处理。",
    ),
    Outcome.OTHER: (),
}


def _reply_wording(slot: LetterSlot) -> Wording:
    outcome = Outcome(slot.variant)
    spec = OUTCOMES[outcome]
    body: list[str] = [_OPENING + "经审查，现答复如下：", *_REPLY_SUBSTANCE[outcome]]
    if spec.requires_legal_ground:
        body.append("法律依据：{{法律依据}}。")
    body.append("理由：{{答复说明}}" if spec.requires_reasons else "{{答复说明}}")
    body.append("{{救济途径}}")
    return _letter(slot, "{{申请人}}：", _body(*body), "特此答复。")


_CONSULTATION_OPENING = (
    "本机关于{{收到申请日期}}收到政府信息公开申请（申请编号：{{申请编号}}），申请人申请获取“{{申请内容}}”。"
)

#: The wording of every letter but the 答复书: (salutation, paragraphs, closing). 15 and 20 are the working days
#: of Arts 32/34 and 109号 (CONSULTATION_DAYS, FEE_PAYMENT_DAYS; checked by the tests).
_WORDING: dict[LetterSlot, tuple[str, tuple[str, ...], str]] = {
    LetterSlot(LetterKind.RECEIPT): (
        "{{申请人}}：",
        (
            "本机关于{{收到申请日期}}收到{{申请人称谓}}通过{{申请渠道}}方式提出的政府信息公开申请，"
            "所需政府信息的描述为：“{{申请内容}}”。本机关已予登记，申请编号为{{申请编号}}。",
            "根据《中华人民共和国政府信息公开条例》第三十三条的规定，本机关将自收到申请之日起20个工作日内作出答复，"
            "即不晚于{{答复期限}}；需要延长答复期限的，经本机关政府信息公开工作机构负责人同意，"
            "将另行告知{{申请人称谓}}，延长的期限最长不超过20个工作日。"
            "征求第三方和其他机关意见所需时间不计算在答复期限内。",
        ),
        "特此告知。",
    ),
    LetterSlot(LetterKind.CORRECTION): (
        "{{申请人}}：",
        (
            _OPENING + "经审查，{{申请人称谓}}的申请内容不明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，"
            "现一次性告知{{申请人称谓}}需要补正的事项如下：",
            "{{补正事项}}",
            "请{{申请人称谓}}于{{补正期限}}前向本机关提交补正后的申请。答复期限自本机关收到补正的申请之日起计算。"
            "{{申请人称谓}}无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ),
        "特此告知。",
    ),
    LetterSlot(LetterKind.CONSULTATION, ConsultationKind.THIRD_PARTY.value): (
        "{{被征求意见方}}：",
        (
            _CONSULTATION_OPENING + "经审查，本机关认为该政府信息公开后可能损害贵方的合法权益。"
            "根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求贵方意见。",
            "请贵方自收到本函之日起15个工作日内，就是否同意公开上述政府信息提出书面意见；不同意公开的，请说明理由。"
            "贵方逾期未提出意见的，由本机关依照《中华人民共和国政府信息公开条例》的规定决定是否公开。"
            "贵方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，"
            "可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。",
        ),
        "特此函告。",
    ),
    LetterSlot(LetterKind.CONSULTATION, ConsultationKind.CO_PRODUCER.value): (
        "{{被征求意见方}}：",
        (
            _CONSULTATION_OPENING + "该政府信息由本机关与贵机关共同制作。"
            "根据《中华人民共和国政府信息公开条例》第三十四条的规定，现征求贵机关意见。",
            "请贵机关自收到本函之日起15个工作日内提出意见；逾期未提出意见的，视为同意公开。",
        ),
        "特此函告。",
    ),
    LetterSlot(LetterKind.EXTENSION): (
        "{{申请人}}：",
        (
            _OPENING + "本机关原应于{{原答复期限}}前作出答复，现不能在该期限内作出答复。",
            "{{延期理由}}",
            "根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，"
            "答复期限延长{{延长天数}}个工作日，本机关将于{{答复期限}}前作出答复。",
        ),
        "特此告知。",
    ),
    LetterSlot(LetterKind.REASONS): (
        "{{申请人}}：",
        (
            _OPENING + "经审查，{{申请人称谓}}申请公开政府信息的数量、频次明显超过合理范围。"
            "根据《中华人民共和国政府信息公开条例》第三十五条的规定，请{{申请人称谓}}说明理由。",
            "本机关认为申请理由不合理的，将告知{{申请人称谓}}不予处理；认为申请理由合理，但是无法在"
            "《中华人民共和国政府信息公开条例》第三十三条规定的期限内答复的，将确定延迟答复的合理期限并告知"
            "{{申请人称谓}}。",
        ),
        "特此通知。",
    ),
    LetterSlot(LetterKind.CUSTOM_DEADLINE): (
        "{{申请人}}：",
        (
            _OPENING + "因{{申请人称谓}}申请公开政府信息的数量、频次明显超过合理范围，本机关已要求{{申请人称谓}}"
            "说明理由。经审查，本机关认为申请理由合理，但是无法在《中华人民共和国政府信息公开条例》"
            "第三十三条规定的期限内答复。",
            "{{延迟理由}}",
            "根据《中华人民共和国政府信息公开条例》第三十五条的规定，本机关确定延迟答复的合理期限为"
            "{{延迟答复期限}}，将于该日前作出答复。",
        ),
        "特此告知。",
    ),
    LetterSlot(LetterKind.FEE): (
        "{{申请人}}：",
        (
            _OPENING + "经审查，{{申请人称谓}}申请公开政府信息的数量、频次明显超过合理范围。"
            "根据《中华人民共和国政府信息公开条例》第四十二条和《政府信息公开信息处理费管理办法》"
            "（国办函〔2020〕109号）的规定，本机关依法收取信息处理费。",
            "计费方式：{{计费方式}}；收费金额：人民币{{收费金额}}元。计费明细如下：",
            "{{收费明细}}",
            "请{{申请人称谓}}自收到本通知书次日起20个工作日内，即不晚于{{缴费期限}}，按规定缴纳信息处理费。"
            "{{申请人称谓}}逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。"
            "自本机关发出本通知书至{{申请人称谓}}缴纳费用的期间，不计算在答复期限内。",
        ),
        "特此通知。",
    ),
}


def default_wording(slot: LetterSlot) -> Wording:
    """The default letter of ``slot``: the wording the built-in template carries, with placeholders."""
    if slot.kind is LetterKind.REPLY:
        return _reply_wording(slot)
    salutation, paragraphs, closing = _WORDING[slot]
    return _letter(slot, salutation, _body(*paragraphs), closing)


# -- which letters a step produces ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LetterRequest:
    """One letter to generate: its slot and, for a 征求意见函, the consulted party it is addressed to."""

    slot: LetterSlot
    party: str = ""

    @property
    def label(self) -> str:
        return f"{self.slot.label}·{self.party}" if self.party else self.slot.label


def _reply_of(history: Case) -> Reply | None:
    """The reply a reply step stands for: its own payload, or the approved draft for ``SEND_REPLY``."""
    event = history.events[-1]
    if isinstance(event.data, Reply):
        return event.data
    return history.reply


def letter_requests(history: Case) -> tuple[LetterRequest, ...]:
    """The letters the LAST step of ``history`` produces (none for steps the law does not make written).

    ``history`` is the core case through that step (``Case(events=all_events[: i + 1])``)."""
    if not history.events:
        return ()
    event = history.events[-1]
    kind = ACTION_KINDS.get(event.action)
    if kind is None:
        return ()
    if kind is LetterKind.CONSULTATION:
        data = event.data
        if not isinstance(data, Consultation):
            return ()
        slot = LetterSlot(kind, ConsultationKind(data.kind).value)
        return tuple(LetterRequest(slot, party.strip()) for party in data.parties if party.strip())
    if kind is LetterKind.REPLY:
        reply = _reply_of(history)
        if reply is None or not OUTCOMES[Outcome(reply.outcome)].by_reply:
            return ()
        return (LetterRequest(LetterSlot(kind, Outcome(reply.outcome).value)),)
    return (LetterRequest(LetterSlot(kind)),)


# -- values -----------------------------------------------------------------------------------------


def format_date(day: date | None) -> str:
    """``2026年3月2日`` (empty for ``None``)."""
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


def format_amount(amount: Decimal) -> str:
    """``200.00``."""
    return f"{amount:.2f}"


_END = "。！？；.!?;…"
_TRAILING = "。，、；：,.;: \t\u3000"


def sentence(text: str) -> str:
    """``text`` stripped and ended with ``。`` if it has no final punctuation (empty stays empty)."""
    text = text.strip()
    if not text or text[-1] in _END or text[-1] in "”）)":
        return text
    return text + "。"


def clause(text: str) -> str:
    """``text`` stripped of surrounding space and final punctuation (to sit inside a sentence)."""
    return text.strip().rstrip(_TRAILING)


DEFAULT_REVIEW_BODY = "依法有管辖权的行政复议机关"
SUSPENDED = "（暂停计算）"


@dataclass(frozen=True)
class LetterFacts:
    """What a letter is filled from: the body, its 复议机关, the case number and the core case THROUGH the step
    the letter belongs to (its last event), with the working-day calendar."""

    body_name: str
    review_body: str
    case_number: str
    history: Case
    calendar: WorkCalendar

    @property
    def event(self) -> Event:
        return self.history.events[-1]

    @property
    def before(self) -> Case:
        """The case just before the step."""
        return Case(events=self.history.events[:-1])


def _due(history: Case, calendar: WorkCalendar) -> date | None:
    return answer_deadline(history.clock_events(), calendar).due


def _applicant_address(reg: Registration | None) -> str:
    if reg is None or ApplicantType(reg.applicant.type).is_natural_person:
        return "您"
    return "贵单位"


def _remedies(outcome: Outcome, you: str, review_body: str) -> str:
    """The 救济途径 paragraph: 行政复议 within 60 days (行政复议法 Art 20) or 行政诉讼 within 6 months (行政诉讼法
    Art 46); a refusal to disclose must first go to 行政复议 (行政复议法 2023 Art 23 (四))."""
    start = f"{you}如对本答复不服，可以自收到本答复之日起60日内向{review_body}申请行政复议"
    if OUTCOMES[outcome].group in (OutcomeGroup.DENIED, OutcomeGroup.PARTIAL):
        return start + "；对行政复议决定不服的，可以自收到行政复议决定书之日起15日内依法向人民法院提起行政诉讼。"
    return start + "，也可以自收到本答复之日起6个月内依法向人民法院提起行政诉讼。"


def _reply_basis(outcome: Outcome) -> str:
    basis = OUTCOMES[outcome].basis
    return REGULATION + basis if basis.startswith("第") else ""


def _provision(reply: Reply | None, reg: Registration | None) -> tuple[str, str, str]:
    form = reply.form if reply is not None and reply.form is not None else None
    delivery = reply.delivery if reply is not None and reply.delivery is not None else None
    if form is None and reg is not None:
        form = reg.requested_form
    if delivery is None and reg is not None:
        delivery = reg.requested_delivery
    form_label = form.label if form is not None else ""
    delivery_label = delivery.label if delivery is not None else ""
    if form_label and delivery_label:
        text = f"提供形式：{form_label}；获取方式：{delivery_label}。"
    elif form_label:
        text = f"提供形式：{form_label}。"
    elif delivery_label:
        text = f"获取方式：{delivery_label}。"
    else:
        text = ""
    return form_label, delivery_label, text


def letter_values(request: LetterRequest, facts: LetterFacts) -> dict[str, Value]:
    """The value of every placeholder available in ``request``'s kind, for the step ``facts.event``.

    Raises :class:`LetterError` when the step does not produce this letter (e.g. a reply slot for a step
    without a reply)."""
    history, calendar, event = facts.history, facts.calendar, facts.event
    kind = request.slot.kind
    if ACTION_KINDS.get(event.action) is not kind:
        raise LetterError(f"“{event.action.label}”这一步不产生{kind.label}")
    reg = history.registration
    you = _applicant_address(reg)
    due = _due(history, calendar)
    review_body = facts.review_body.strip() or DEFAULT_REVIEW_BODY
    values: dict[str, Value] = {
        "机关名称": facts.body_name,
        "申请编号": facts.case_number,
        "文书日期": format_date(event.on),
        "申请人": reg.applicant.name.strip() if reg else "",
        "申请人称谓": you,
        "申请人类型": ApplicantType(reg.applicant.type).full_label if reg else "",
        "身份证明": reg.applicant.id_document.strip() if reg else "",
        "联系方式": reg.applicant.contact.strip() if reg else "",
        "委托代理人": reg.applicant.agent.strip() if reg else "",
        "申请内容": clause(reg.content) if reg else "",
        "申请渠道": reg.channel.label if reg else "",
        "登记日期": format_date(history.events[0].on),
        "收到申请日期": format_date(history.received_on),
        "收到补正日期": format_date(history.clock_received_on) if history.has(Action.RECEIVE_CORRECTION) else "",
        "答复期限": format_date(due) if due is not None else SUSPENDED,
        "复议机关": review_body,
    }
    data = event.data
    if kind is LetterKind.CORRECTION and isinstance(data, CorrectionRequest):
        rolled = correction_deadline(event.on, data.due, calendar).due
        values["补正事项"] = tuple(clause(i) for i in data.items if i.strip())
        values["补正期限"] = format_date(rolled or data.due)
    elif kind is LetterKind.CONSULTATION and isinstance(data, Consultation):
        values["被征求意见方"] = request.party
        values["征求意见类型"] = ConsultationKind(data.kind).label
        if data.party_received_on is not None:
            window = consultation_window_end(event.on, data.party_received_on, calendar)
            values["意见期限"] = format_date(window.due)
        else:
            values["意见期限"] = f"收到本函之日起{CONSULTATION_DAYS}个工作日内"
    elif kind is LetterKind.EXTENSION and isinstance(data, Extension):
        before = _due(facts.before, calendar)
        values["延长天数"] = str(data.days)
        values["原答复期限"] = format_date(before) if before is not None else SUSPENDED
        values["延期理由"] = sentence(data.reason)
        values["批准人"] = data.approved_by.strip()
        values["告知日期"] = format_date(data.notified_on)
    elif kind is LetterKind.CUSTOM_DEADLINE and isinstance(data, CustomDeadline):
        values["延迟答复期限"] = format_date(due or data.due)
        values["延迟理由"] = sentence(data.reason)
    elif kind is LetterKind.FEE and isinstance(data, FeeNotice):
        pay_by = payment_deadline(data.served_on, calendar).due
        amount = format_amount(data.amount)
        breakdown = tuple(clause(line) for line in data.breakdown if line.strip())
        values["计费方式"] = data.method.label
        values["收费金额"] = amount
        values["收费明细"] = breakdown or (f"{data.method.label}，合计{amount}元",)
        values["送达日期"] = format_date(data.served_on)
        values["缴费期限"] = format_date(pay_by)
    elif kind is LetterKind.REPLY:
        reply = _reply_of(history)
        if reply is None:
            raise LetterError("该步骤没有答复内容，不能生成答复书")
        outcome = Outcome(reply.outcome)
        if request.slot.variant != outcome.value:
            raise LetterError(f"答复的办理结果是“{outcome.label}”，与文书类型“{request.slot.label}”不符")
        form, delivery, provision = _provision(reply, reg)
        values["办理结果"] = outcome.label
        values["答复依据"] = _reply_basis(outcome)
        values["法律依据"] = clause(reply.legal_ground)
        values["答复说明"] = sentence(reply.reasons)
        values["不予公开部分"] = tuple(clause(p) for p in reply.withheld_parts if p.strip())
        values["提供形式"] = form
        values["提供方式"] = delivery
        values["提供信息说明"] = provision if OUTCOMES[outcome].provides_information else ""
        values["救济途径"] = _remedies(outcome, you, review_body)
    for name, value in list(values.items()):
        spec = PLACEHOLDERS[name]
        if isinstance(value, tuple) and spec.numbered:
            values[name] = tuple(list_item(spec, i, item) for i, item in enumerate(value))
    missing = [p.name for p in placeholders_for(kind) if p.name not in values]
    if missing:  # the step's payload is not the one its action carries: the stored history is damaged
        raise LetterError(f"“{event.action.label}”缺少生成{kind.label}所需的信息：" + "、".join(missing))
    return values


def file_name(case_number: str, request: LetterRequest, version: int = 1) -> str:
    """``2026-0001-补正告知书.docx``; the party for a 征求意见函, ``-第2版`` from the second version on. Characters
    not allowed in file names are replaced."""
    parts = [case_number, request.slot.file_label]
    if request.party:
        parts.append(request.party)
    name = "-".join(parts)
    if version > 1:
        name += f"-第{version}版"
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name)[:150] + ".docx"
