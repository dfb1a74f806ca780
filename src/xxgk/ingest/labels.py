"""Recognising the template's headings, row labels and column headers by meaning.

Everything here works on :func:`~xxgk.ingest.normalize.squash`-ed text, so full/half-width brackets, spaces
inside labels ("（三）不予 公开"), 、/，/. punctuation and 钩稽/勾稽 do not matter. Labels are matched by their
key words after numbering and parenthesised local annotations are removed, never by position; the typos
listed in the template notes (行政执法案件 for 案卷, 先行有效件数, 本年废纸件数, 行政法复议) are accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from xxgk.ingest.normalize import core, segments, squash, strip_punct

# -- section headings ----------------------------------------------------------------------------------

#: Section keys in document order.
SECTION_ORDER: tuple[str, ...] = ("preamble", "overall", "s2", "s3", "s4", "problems", "other")
TABLE_SECTIONS: tuple[str, ...] = ("s2", "s3", "s4")
NARRATIVE_KEYS: tuple[str, ...] = ("overall", "problems", "other")

_NUM = {
    "overall": "(?:一|1)",
    "s2": "(?:二|2)",
    "s3": "(?:三|3)",
    "s4": "(?:四|4)",
    "problems": "(?:五|5)",
    "other": "(?:六|6)",
}
_PHRASES = {
    "overall": r"[^。]{0,16}?(?:总体情况|总体概况|工作概况|基本情况|概述|总述)",
    "s2": r"主动公开(?:政府信息)?(?:的)?(?:工作)?情况",
    "s3": r"(?:收到(?:和|及|与|、)?处理政府信息公开申请|依申请公开(?:政府信息)?)(?:的)?(?:工作)?情况",
    "s4": r"[^。]{0,16}?复议[^。]{0,12}?诉讼(?:的)?情况",
    "problems": r"[^。]{0,12}?存在(?:的)?(?:主要)?问题(?:及|和|与|、)?(?:改进|整改)?(?:情况|措施)?",
    "other": (
        r"[^。]{0,8}?(?:其他需要报告的事项|需要说明的其他事项|其他需要说明的事项|其他需要报告事项|其他需要说明|其他事项)"
        r"(?:[与及和]附[表件])?"
    ),
}
#: Headings printed without their number are taken only in the template's own words.
_BARE_PHRASES = {
    "overall": r"总体情况",
    "s2": r"主动公开政府信息(?:的)?情况",
    "s3": r"收到和处理政府信息公开申请(?:的)?情况",
    "s4": r"政府信息公开行政复议(?:和|、)?行政诉讼(?:的)?情况",
    "problems": r"(?:政府信息公开工作)?存在的主要问题及改进情况",
    "other": r"其他需要报告的事项",
}
_HEADING_RES = {key: re.compile(rf"{_NUM[key]}[、.]?{_PHRASES[key]}") for key in _PHRASES}
_FIRST_CHAR = {c: key for key, num in _NUM.items() for c in num[3:-1].split("|")}
_BARE_HEADING_RES = {key: re.compile(pattern) for key, pattern in _BARE_PHRASES.items()}
_MARKUP_LEAD_RE = re.compile(r"^[#*>_]+")
#: Longest squashed line taken as a heading without its number (a bare "主动公开政府信息情况").
_BARE_MAX = 24


@dataclass(frozen=True, slots=True)
class Heading:
    key: str  # a SECTION_ORDER key
    rest: str  # text printed after the heading on the same line ("" usually)


def section_heading(text: str) -> Heading | None:
    """Is ``text`` (one line) a section heading 一 … 六 of the report? Variants from template notes §2."""
    if len(text) > 2000:
        return None
    if len(text) > 80:
        # Only the start of a long line can be a heading; the rest is its first sentence.
        found = _section_heading(text[:80])
        if found is None:
            return None
        return _section_heading_full(text)
    return _section_heading(text)


@lru_cache(maxsize=4096)
def _section_heading(text: str) -> Heading | None:
    return _section_heading_full(text)


def _section_heading_full(text: str) -> Heading | None:
    squashed = squash(text)
    flat = _MARKUP_LEAD_RE.sub("", squashed)
    if not flat:
        return None
    key = _FIRST_CHAR.get(flat[0])
    if key is not None:
        m = _HEADING_RES[key].match(flat)
        if m is not None:
            lead = len(squashed) - len(flat)
            return Heading(key, _rest_after(text, squashed, lead + m.end()))
    bare = strip_punct(flat)
    if len(bare) <= _BARE_MAX and "。" not in flat:
        for bare_key, pattern in _BARE_HEADING_RES.items():
            if pattern.fullmatch(bare):
                return Heading(bare_key, "")
    return None


_TAIL_STRIP = "：:，,。.；; *#"


def _rest_after(original: str, squashed: str, end: int) -> str:
    """Text printed after the heading phrase on the same line (a heading and its first sentence)."""
    if not squashed[end:].strip(_TAIL_STRIP):
        return ""
    positions = [i for i, ch in enumerate(original) if not ch.isspace()]
    if len(positions) == len(squashed) and end < len(positions):
        return original[positions[end] :].strip().lstrip(_TAIL_STRIP).strip()
    return squashed[end:].strip(_TAIL_STRIP)


# -- table signals -------------------------------------------------------------------------------------

_S2_SIGNAL_RE = re.compile(r"^第二十条第\(?[一二三四五六七八九十]+\)?项")
_S3_SIGNAL_RE = re.compile(r"勾稽关系|^申请人情况$|^法人或其他组织$")
_S4_WORDS = frozenset({"未经复议直接起诉", "复议后起诉"})


def table_signal(words: list[str]) -> str | None:
    """Which table a header row belongs to, from its (squashed, whitespace-split) words; ``None`` if unsure.

    Only header words that cannot occur in a sentence count: 第二十条第（一）项 / 信息内容 (table 2),
    the 勾稽 note / 申请人情况 / 法人或其他组织 (table 3), 行政复议 + 行政诉讼 / 未经复议直接起诉 (table 4).
    """
    has_review = has_suit = False
    for word in words:
        if len(word) > 60:
            continue
        if word == "信息内容" or _S2_SIGNAL_RE.match(word):
            return "s2"
        if _S3_SIGNAL_RE.search(word) and (len(word) < 50 or word.startswith("(本列数据")):
            return "s3"
        if word in _S4_WORDS:
            return "s4"
        if word == "行政复议":
            has_review = True
        elif word == "行政诉讼":
            has_suit = True
    if has_review and has_suit:
        return "s4"
    return None


# -- table 2 -------------------------------------------------------------------------------------------

_S2_ITEMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("other_services", r"对外管理服务|其他对外"),
        ("normative_docs", r"规范性文件"),
        ("regulations", r"规章"),
        ("licensing", r"行政许可"),
        ("penalties", r"行政处罚"),
        ("coercion", r"行政强制"),
        ("fees", r"事业性收费|行政收费"),
        ("procurement", r"集中采购|政府采购"),
    )
)


@lru_cache(maxsize=4096)
def s2_item(label: str) -> str | None:
    """The table-2 item (row) a label names: ``regulations``, ``normative_docs``, ... or ``None``."""
    text = core(squash(label))
    if len(text) > 40:
        return None
    for key, pattern in _S2_ITEMS:
        if pattern.search(text):
            return key
    return None


#: Column headers of table 2, both versions (typos from the template notes included).
_S2_COLUMNS_RE = re.compile(
    "|".join(
        f"(?P<{key}>{pattern})"
        for key, pattern in (
            ("made", r"(?:本年)?新制作(?:数量|件数)?|制作数量"),
            ("published", r"(?:本年)?新?公开数量(?!\))|本年新公开"),
            ("total", r"(?:对外)?公开总数量?|对外公开总数|总数量"),
            ("prev_items", r"上一?年(?:度)?项目数量?|上一年"),
            ("change", r"(?:本年)?增/?减(?:数量)?|增减"),
            ("decisions", r"(?:本年)?处理决定(?:数量|件数|数)?"),
            ("projects", r"采购项目(?:数量|数)?"),
            ("amount", r"(?:本年)?(?:收费|采购总)?金额(?:\((?:单位:?)?[万亿]?元\))?"),
            ("issued", r"(?:本年)?制发(?:件数|数量)?"),
            ("repealed", r"(?:本年)?废[止纸](?:件数?|数量)?"),
            ("in_force", r"[现先]行有效(?:件数|数量)?|有效件数"),
        )
    )
)
#: Columns that exist only in one version of table 2.
S2_VERSION_COLUMNS: dict[str, frozenset[str]] = {
    "2019": frozenset({"made", "published", "total", "prev_items", "change", "projects"}),
    "2021": frozenset({"issued", "repealed", "in_force"}),
}


@dataclass(frozen=True, slots=True)
class HeaderColumn:
    key: str
    unit: str | None  # "元"/"万元" when the header states the unit


def s2_header_columns(texts: list[str]) -> list[HeaderColumn]:
    """The table-2 columns named in a header row, left to right (``信息内容`` excluded)."""
    return list(_s2_header_columns(tuple(texts)))


@lru_cache(maxsize=2048)
def _s2_header_columns(texts: tuple[str, ...]) -> tuple[HeaderColumn, ...]:
    out: list[HeaderColumn] = []
    for text in texts:
        flat = squash(text)
        matches = [m for m in _S2_COLUMNS_RE.finditer(flat) if m.lastgroup is not None]
        for m in matches:
            key = str(m.lastgroup)
            unit = None
            if key == "amount":
                unit = _unit_in(m.group(0)) or (_unit_in(flat) if len(matches) == 1 else None)
            out.append(HeaderColumn(key, unit))
    return tuple(out)


_UNIT_RE = re.compile(r"单位:?\s*([万亿]?元)|\(([万亿]?元)\)")


def _unit_in(text: str) -> str | None:
    m = _UNIT_RE.search(text)
    if m is None:
        return None
    return m.group(1) or m.group(2)


@lru_cache(maxsize=2048)
def unit_hint(text: str) -> str | None:
    """A unit stated in a row label or block title ("政府集中采购（单位：元）")."""
    return _unit_in(squash(text))


# -- table 3 -------------------------------------------------------------------------------------------

_S3_CHILDREN: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("denied.state_secret", r"国家秘密"),
        ("denied.prohibited", r"禁止公开|法律行政法规禁止"),
        ("denied.security", r"三安全|一稳定|危及"),
        ("denied.third_party", r"第三方"),
        ("denied.internal", r"内部事务"),
        ("denied.process", r"过程性"),
        ("denied.enforcement_file", r"执法案"),
        ("denied.inquiry", r"查询"),
        ("unable.not_held", r"不掌握"),
        ("unable.needs_creation", r"另行制作|没有现成|无现成"),
        ("unable.unclear", r"不明确"),
        ("not_processed.complaint", r"信访|举报|投诉"),
        ("not_processed.duplicate", r"重复"),
        ("not_processed.publication", r"出版物"),
        ("not_processed.excessive", r"大量反复|反复申请"),
        ("not_processed.confirmation", r"确认|重新出具|已获取"),
        ("other.no_correction", r"不补正|未补正|逾期补正"),
        ("other.no_fee", r"缴纳费用|缴费|收费通知|信息处理费"),
    )
)
_S3_TOP: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("received", r"新收"),
        ("carried_in", r"上一?年度?结转"),
        ("carried_out", r"结转下一?年|下一?年度?继续办理|继续办理"),
        ("granted", r"予以公开"),
        ("partial", r"部分公开"),
        ("total", r"总计|合计"),
    )
)
_S3_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern))
    for key, pattern in (
        ("denied", r"不予公开"),
        ("unable", r"无法提供"),
        ("not_processed", r"不予处理"),
        ("other", r"其他处理"),
        ("outcomes", r"办理结果"),
    )
)
_S3_OTHER_RE = re.compile(r"其他(?:情形|情况|原因)?")
#: The 2021 sub-rows of （六）其他处理.
S3_OTHER_2021 = frozenset({"other.no_correction", "other.no_fee", "other.other"})


@dataclass(frozen=True, slots=True)
class S3Label:
    """What a table-3 row label says."""

    row: str | None  # row key ("received", "denied.state_secret", "other", ...) or None
    group: str | None  # the outcome group it belongs to, for the next rows' context
    known: bool  # False when the last label level means nothing to us


@lru_cache(maxsize=4096)
def s3_label(label: str, context: str | None) -> S3Label:
    """Classify a table-3 row label; ``context`` is the outcome group of the rows above (for "3.其他")."""
    levels = segments(squash(label))
    group = context
    row: str | None = None
    known = False
    for level in levels:
        text = core(level)
        row, known = None, False
        if not text:
            continue
        kind, key = _s3_level(text, group)
        if kind == "child":
            row, group, known = key, key.split(".")[0], True
        elif kind == "top":
            row, group, known = key, None, True
        elif kind == "group":
            group, known = (None if key == "outcomes" else key), True
            if key == "other":
                row = "other"  # the 2019 single row, unless a sub-row follows
        elif kind == "other_other":
            row, group, known = "other.other", "other", True
    return S3Label(row, group, known)


def _s3_level(text: str, group: str | None) -> tuple[str, str]:
    if len(text) > 80:
        return "", ""
    for key, pattern in _S3_CHILDREN:
        if pattern.search(text):
            return "child", key
    if _S3_OTHER_RE.fullmatch(text) and group == "other":
        return "other_other", "other.other"
    for key, pattern in _S3_TOP:
        if pattern.search(text):
            return "top", key
    for key, pattern in _S3_GROUPS:
        if pattern.search(text):
            return "group", key
    return "", ""


_S3_HEADER_WORDS = frozenset(
    {"自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "总计", "小计", "申请人情况"}
)


def is_s3_header(words: list[str]) -> bool:
    """A header row of table 3 (applicant columns, the 勾稽 note)."""
    return any(w in _S3_HEADER_WORDS or "勾稽关系" in w for w in words)


# -- table 4 -------------------------------------------------------------------------------------------

_S4_HEADER_RE = re.compile(r"行政复议|行政诉讼|复议后起诉|直接起诉|结果维持|结果纠正|其他结果|尚未审结|总计")


def is_s4_header(words: list[str]) -> bool:
    return any(_S4_HEADER_RE.search(w) for w in words)
