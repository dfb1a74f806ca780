"""The narrative sections of the annual report (一、总体情况, 五、存在的主要问题及改进情况, 六、其他需要报告的事项):
the facts the template asks for, in sentences the engine's narrative rules (N501–N507) read back, and the text a
new draft starts from (last year's text, the facts where there is none, this year's 信息处理费 in 六).

Pure functions over :class:`~xxgk.core.model.Report` objects: no database access here (the services pass in the
reports and the fee statement).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from xxgk.core.model import NARRATIVE_SECTIONS, Number, Report

#: Section keys in report order, with their headings (the same in both templates).
SECTIONS: tuple[str, ...] = tuple(NARRATIVE_SECTIONS)

#: Longest text accepted for one section (a long 总体情况 is a few thousand characters).
MAX_SECTION_CHARS = 20_000

#: From this year on the template (国办公开办函〔2021〕30号) asks section 六 for the 信息处理费 collected.
FEE_STATEMENT_FROM = 2021

#: What the notices ask of each section (shown next to the text box; msgids, translated where shown).
SECTION_HINTS: dict[str, str] = {
    "overall": gettext_noop(
        "综述本机关贯彻落实《条例》情况：主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障"
        "（各级人民政府还应包括工作考核、社会评议和责任追究结果情况）。"
    ),
    "problems": gettext_noop("本年度存在的主要问题和改进措施，以及上一年度问题的整改情况。"),
    "other": gettext_noop(
        "其他需要报告的事项。2021年度起应说明收取信息处理费的情况（未收取也要写明），"
        "以及落实上级年度政务公开工作要点、人大代表建议和政协提案办理结果公开等情况。"
    ),
}

#: Sub-headings of 一、总体情况 commonly used since the 2021 notice (its five topics).
OVERALL_HEADS: tuple[str, ...] = (
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
)

_FEE_SENTENCE = re.compile(r"[^。！？\n]*(?:信息处理费)[^。！？\n]*[。！？]?")


@dataclass(frozen=True)
class Facts:
    """The facts of the year the narrative states, as sentences (empty where the tables have no number)."""

    requests: str = ""
    remedies: str = ""
    in_force: str = ""
    fees: str = ""

    def sentences(self) -> list[tuple[str, str]]:
        """(what, sentence) pairs for display, the empty ones left out. ``what`` is a msgid (the page translates
        it); the sentences are report text and stay Chinese."""
        pairs = [
            (gettext_noop("依申请公开"), self.requests),
            (gettext_noop("行政复议和行政诉讼"), self.remedies),
            (gettext_noop("现行有效行政规范性文件"), self.in_force),
            (gettext_noop("信息处理费"), self.fees),
        ]
        return [(what, text) for what, text in pairs if text]


def _count(report: Report, *codes: str) -> int | None:
    total = 0
    for code in codes:
        value: Number | None = report.value(code) if code in report.cells else None
        if value is None:
            return None
        total += int(value)
    return total


def narrative_facts(report: Report, *, fee_statement: str | None = None) -> Facts:
    """The facts of ``report`` (the year's tables) as sentences the narrative rules N501–N506 recognise, and the
    信息处理费 statement for a report on 2021 or later."""
    year = report.year
    prefix = f"{year}年，" if year is not None else "本年度，"
    received = _count(report, "s3.received.total")
    carried_in = _count(report, "s3.carried_in.total")
    handled = _count(report, "s3.total.total")
    carried_out = _count(report, "s3.carried_out.total")
    requests = ""
    if None not in (received, carried_in, handled, carried_out):
        requests = (
            f"{prefix}本机关共收到政府信息公开申请{received}件，上年结转政府信息公开申请{carried_in}件，"
            f"本年度办结{handled}件，结转下年度继续办理{carried_out}件。"
        )
    review = _count(report, "s4.review.total")
    suit = _count(report, "s4.suit_direct.total", "s4.suit_after_review.total")
    remedies = ""
    if review is not None and suit is not None:
        remedies = f"{prefix}本机关因政府信息公开工作被申请行政复议{review}件、被提起行政诉讼{suit}件。"
    in_force_value = _count(report, "s2.normative_docs.in_force") if report.template_of("s2") == "2021" else None
    in_force = f"截至{year}年底，本机关现行有效行政规范性文件{in_force_value}件。" if in_force_value is not None else ""
    fees = fee_statement if fee_statement and year is not None and year >= FEE_STATEMENT_FROM else ""
    return Facts(requests=requests, remedies=remedies, in_force=in_force, fees=fees)


def _skeleton(facts: Facts) -> str:
    """一、总体情况 for a body with no text of last year: the five topics, the year's facts under theirs."""
    under = {
        "（一）主动公开": facts.in_force,
        "（二）依申请公开": facts.requests,
        "（五）监督保障": facts.remedies,
    }
    return "\n\n".join(f"{head}\n{under.get(head, '')}".rstrip() for head in OVERALL_HEADS)


def _with_fee_statement(text: str, statement: str) -> str:
    """``text`` with its sentences about 信息处理费 (last year's) replaced by ``statement``."""
    kept = _FEE_SENTENCE.sub("", text).strip()
    return f"{kept}\n{statement}" if kept else statement


def narrative_prefill(*, report: Report, last_year: Report | None, fee_statement: str | None = None) -> dict[str, str]:
    """The text a new draft of ``report``'s narrative starts from: last year's text of each section where there is
    one (the narrative rules then point at the counts to update), otherwise the facts the template asks for; and
    in 六 (2021 template on) this year's 信息处理费 statement in place of last year's."""
    facts = narrative_facts(report, fee_statement=fee_statement)
    previous = last_year.narrative if last_year is not None else {}
    out: dict[str, str] = {}
    for key in SECTIONS:
        out[key] = (previous.get(key) or "").strip()
    if not out["overall"]:
        out["overall"] = _skeleton(facts)
    if facts.fees:
        out["other"] = _with_fee_statement(out["other"], facts.fees)
    return out


def clean_section(text: str) -> str:
    """A section as stored: line ends normalised, trailing spaces and blank lines at the ends dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()
