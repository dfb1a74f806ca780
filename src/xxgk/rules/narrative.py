"""N5xx — narrative vs tables, and the contents the notice asks of sections 五 and 六.

The narrative is prose, so everything here is a warning and only *clear* statements are used: a count
is taken from the first sentence that states it in a recognised form ("共收到政府信息公开申请X件",
"上年结转X件", "结转下年度继续办理X件", "被申请行政复议X件", "行政诉讼X件", "现行有效行政规范性文件X件",
or "未收到…申请" for 0), skipping sentences about another year, about applicant categories, about other
kinds of requests (行政许可申请, 信访), or about cases the body handled as review organ or court
(办理行政复议案件). Numbers may be written in Chinese numerals (一件, 两件, 十二件, 一百零五件).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from xxgk.core.findings import Severity
from xxgk.core.model import NARRATIVE_SECTIONS, Report
from xxgk.rules.registry import UNVERIFIABLE_HINT, CheckContext, Issue, rule

# -- Chinese numerals ----------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_number(text: str) -> int | None:
    """Read a count written in Arabic or Chinese numerals: ``"12"``, ``"十二"``, ``"两"``, ``"一百零五"``, ``"三万"``.

    Returns ``None`` for text that is not a well-formed number (``"一二"``, ``""``).
    """
    text = text.strip()
    if not text:
        return None
    if text.isdecimal():
        return int(text)
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in _CN_DIGITS:
            d = _CN_DIGITS[ch]
            if digit is not None and digit != 0 and d != 0:
                return None  # two digits in a row ("一二") is not a count
            digit = d
        elif ch in _CN_UNITS:
            if digit == 0:
                return None
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch == "万":
            section += digit or 0
            if section == 0:
                return None
            total += section * 10_000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


# -- extraction ----------------------------------------------------------------------------------

_CN = "零〇一二两三四五六七八九十百千万"
_NUM = rf"\s*(?P<num>\d+|[{_CN}]+)\s*"
_MEASURE = r"(?:件次|件|条|个|宗|份|次|起|例|笔|部|篇|项)"
_FILL = r"(?:数量|总数|件数|数)?(?:共计|合计|总计|累计|共|为|是|达|有|\s)*"
_CLAUSE_END = "。！？；;\n"
#: Words that make a "收到…申请" clause about something else than the year's disclosure requests.
_OFF_TOPIC = re.compile(
    r"自然人|法人|企业|组织|机构|个人|律师|公民|群众|许可|审批|复议|诉讼|信访|举报|投诉|建议|提案|咨询|留言|来信|热线"
)
#: "行政复议、行政诉讼N件": one count for both kinds of case (ambiguous, not used).
_SHARED = re.compile(r"(?:复议|诉讼)(?:案件)?[、和及与或]$")
#: Words before 行政复议/行政诉讼 that make the body the review organ or the court, not the respondent.
_HANDLER = re.compile(r"办理|审理|受理|收到|接收|接到|审结|办结|作出|复议机关|法院")
_OTHER_PERIOD = re.compile(r"去年|上一年度|上年度|上年同期|同期|前年")
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")


@dataclass(frozen=True, slots=True)
class Stated:
    """A count the narrative states: its value, the words that state it and the section they are in."""

    value: int
    text: str
    section: str


@dataclass(frozen=True, slots=True)
class _Pattern:
    quantities: tuple[str, ...]
    regex: re.Pattern[str]
    zero: bool = False
    check: Callable[[re.Match[str], str], bool] | None = None

    @property
    def needles(self) -> tuple[str, ...]:
        """Words a text must contain for the pattern to match at all (a cheap pre-filter)."""
        return _NEEDLES[self.quantities[-1]]


_NEEDLES = {
    "received": ("申请", "公开"),
    "carried_in": ("结转",),
    "carried_out": ("结转", "转入"),
    "review": ("行政复议",),
    "suit": ("行政诉讼",),
    "in_force": ("现行有效",),
}


#: "公民、法人和其他组织" names every applicant, not a category: dropped before the topic checks.
_ALL_APPLICANTS = re.compile(r"公民、?法人(?:和|或|或者|及|以及|、)其他组织")
#: Words that a "未收到…申请" clause may contain and still mean "no application at all".
_GENERIC_APPLICANTS = re.compile(r"公民|群众|社会公众|申请人")


def _gap(match: re.Match[str]) -> str:
    return _ALL_APPLICANTS.sub("", match.groupdict().get("gap") or "")


def _gap_on_topic(match: re.Match[str], text: str) -> bool:
    gap = _gap(match)
    if _OFF_TOPIC.search(gap):
        return False
    if "公开" in gap or "信息" in gap:
        return True
    return "公开" in _sentence(text, match.start())


def _gap_clean(match: re.Match[str], text: str) -> bool:
    return not _OFF_TOPIC.search(_gap(match))


def _respondent(match: re.Match[str], text: str) -> bool:
    """False when the words just before 行政复议/行政诉讼 make the body the review organ or the court, or
    when the count is shared with the other kind of case ("行政诉讼、行政复议3件")."""
    if _SHARED.search(text, max(0, match.start() - 5), match.start()):
        return False
    start = max(text.rfind(ch, 0, match.start()) for ch in _CLAUSE_END + "，,") + 1
    before = text[max(start, match.start() - 8) : match.start()]
    return not _HANDLER.search(before)


def _whole_number(match: re.Match[str], text: str) -> bool:
    """False when the number starts inside a longer one or a date ("2023年1月…")."""
    return not (match.start() > 0 and (text[match.start() - 1].isdecimal() or text[match.start() - 1] in "年月日"))


def _not_pending(match: re.Match[str], text: str) -> bool:
    """False for 尚未审结 ("尚未…"): a pending case is not "no case"."""
    return not (match.start() > 0 and text[match.start() - 1] == "尚")


def _not_review(match: re.Match[str], text: str) -> bool:
    """False for "未发生…被申请行政复议": the 申请 is a review application, not a disclosure request."""
    after = text[match.end() : match.end() + 4]
    if after.startswith("人") or "复议" in after or "诉讼" in after:
        return False
    gap = _GENERIC_APPLICANTS.sub("", _gap(match))
    return not _OFF_TOPIC.search(gap) and ("公开" in gap or "信息" in gap or "公开" in _sentence(text, match.start()))


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind(ch, 0, pos) for ch in _CLAUSE_END) + 1
    ends = [i for i in (text.find(ch, pos) for ch in _CLAUSE_END) if i >= 0]
    return text[start : min(ends) if ends else len(text)]


_NEG = r"(?:未|没有|无)(?!经|审|法|正当)"

_PATTERNS: tuple[_Pattern, ...] = (
    # 一、本年新收 (or 受理 = new + carried in; the rule accepts both)
    _Pattern(
        ("received",),
        re.compile(
            r"(?:收到|受理|接收|接到|新收)(?P<gap>[^。！？；;\n，,：:\d]{0,24}?)申请(?:公开)?(?:事项)?"
            + _FILL
            + _NUM
            + _MEASURE
        ),
        check=_gap_on_topic,
    ),
    _Pattern(
        ("received",),
        re.compile(r"(?:未|没有)(?:收到|受理|接到|接收)(?P<gap>[^。！？；;\n，,\d]{0,24}?)申请"),
        zero=True,
        check=_not_review,
    ),
    _Pattern(
        ("received",), re.compile(r"无(?:任何)?(?:政府信息公开|信息公开|依申请公开)(?:申请|事项|情况|件)"), zero=True
    ),
    # 二、上年结转
    _Pattern(
        ("carried_in",),
        re.compile(
            r"上一?年度?结转(?:至本年度?|到本年度?|的)?(?P<gap>[^。！？；;\n，,：:\d]{0,16}?)" + _FILL + _NUM + _MEASURE
        ),
        check=_gap_clean,
    ),
    _Pattern(("carried_in",), re.compile(r"(?:无|没有)上一?年度?结转"), zero=True),
    # 四、结转下年度
    _Pattern(
        ("carried_out",),
        re.compile(
            r"结转(?:至|到|入)?下一?年度?(?:继续)?(?:办理)?(?P<gap>[^。！？；;\n，,：:\d]{0,12}?)"
            + r"(?:的|申请|\s)*"
            + _FILL
            + _NUM
            + _MEASURE
        ),
        check=_gap_clean,
    ),
    _Pattern(
        ("carried_out",),
        re.compile(rf"(?P<num>\d+|[{_CN}]+)\s*" + _MEASURE + r"(?:申请)?(?:需|须|将)?(?:结转|转入)(?:至|到)?下一?年"),
        check=_whole_number,
    ),
    _Pattern(("carried_out",), re.compile(r"(?:无|没有|不存在)(?:需要?|须)?结转(?:至|到)?下一?年"), zero=True),
    # 行政复议 / 行政诉讼 (this body as respondent / defendant)
    _Pattern(
        ("review", "suit"),
        re.compile(r"行政复议(?:和|、|及|与)(?:提起)?行政诉讼(?:案件)?(?:均|都|各)(?:为|是|有)?" + _NUM + _MEASURE),
        check=_respondent,
    ),
    _Pattern(
        ("review",),
        re.compile(r"行政复议(?:申请|案件)?" + _FILL + _NUM + _MEASURE),
        check=_respondent,
    ),
    _Pattern(
        ("suit",),
        re.compile(r"行政诉讼(?:案件)?" + _FILL + _NUM + _MEASURE),
        check=_respondent,
    ),
    _Pattern(("review",), re.compile(_NEG + r"[^。！？；;\n，,\d]{0,30}?行政复议"), zero=True, check=_not_pending),
    _Pattern(("suit",), re.compile(_NEG + r"[^。！？；;\n，,\d]{0,30}?行政诉讼"), zero=True, check=_not_pending),
    # 现行有效（行政）规范性文件 (2021 table 2)
    _Pattern(
        ("in_force",),
        re.compile(r"现行有效的?(?:行政)?规范性文件" + _FILL + _NUM + _MEASURE),
    ),
)

#: Sections searched, in order: a count is taken from 一、总体情况 first.
_SECTION_ORDER = ("overall", "other", "problems")


def _about_this_year(match: re.Match[str], text: str, year: int | None) -> bool:
    """False when the sentence before the match speaks of another period (去年, or last names another year)."""
    start = max(text.rfind(ch, 0, match.start()) for ch in _CLAUSE_END) + 1
    prefix = text[start : match.start()]
    clause = prefix[max(prefix.rfind("，"), prefix.rfind(",")) + 1 :]
    if _OTHER_PERIOD.search(clause):
        return False
    years = _YEAR.findall(prefix)
    return year is None or not years or int(years[-1]) == year


def stated_counts(report: Report) -> dict[str, Stated]:
    """The counts the narrative clearly states: quantity -> first statement (overall first)."""
    found: dict[str, tuple[int, int, Stated]] = {}  # quantity -> (section rank, position, statement)
    for rank, section in enumerate(_SECTION_ORDER):
        text = report.narrative.get(section) or ""
        if not text:
            continue
        for pattern in _PATTERNS:
            if all(q in found and found[q][0] < rank for q in pattern.quantities):
                continue
            if not any(needle in text for needle in pattern.needles):
                continue
            for match in pattern.regex.finditer(text):
                if pattern.check is not None and not pattern.check(match, text):
                    continue
                if not _about_this_year(match, text, report.year):
                    continue
                value = 0 if pattern.zero else cn_number(match.group("num"))
                if value is None:
                    continue
                statement = Stated(value, match.group(0).strip(), section)
                for q in pattern.quantities:
                    old = found.get(q)
                    if old is None or (rank, match.start()) < (old[0], old[1]):
                        found[q] = (rank, match.start(), statement)
                break
    return {q: s for q, (_, _, s) in found.items()}


def _stated(ctx: CheckContext) -> dict[str, Stated]:
    return ctx.memo("narrative.counts", lambda: stated_counts(ctx.report))


def _quote(stated: Stated) -> str:
    text = stated.text if len(stated.text) <= 22 else stated.text[:21] + "…"
    return f"正文“{text}”"


def _compare(
    ctx: CheckContext, quantity: str, codes: tuple[str, ...], what: str, accept: tuple[int, ...] = ()
) -> Iterator[Issue]:
    stated = _stated(ctx).get(quantity)
    if stated is None:
        return
    values, missing = ctx.nums(codes)
    if missing:
        yield Issue(
            f"无法核对{_quote(stated)}：表中{ctx.describe_missing(missing)}",
            codes,
            severity=Severity.WARNING,
            hint=UNVERIFIABLE_HINT,
        )
        return
    table = sum(values)
    if stated.value != table and stated.value not in accept:
        yield Issue(f"{_quote(stated)}与{what} {table} 不符", codes)


# -- rules ---------------------------------------------------------------------------------------


@rule(
    "N501",
    name="narrative-received",
    severity=Severity.WARNING,
    message="正文所述收到申请件数与表三“本年新收”不符",
    hint="核对正文与表三：本年新收申请数以表三“一、本年新收”总计为准",
)
def narrative_received(ctx: CheckContext) -> Iterator[Issue]:
    """The narrative's number of applications received ("共收到政府信息公开申请X件") vs 一、本年新收·总计.

    A narrative total equal to 本年新收 + 上年结转 is accepted (some reports say "共受理…" for both).
    "未收到…申请" / "无依申请公开" counts as 0.

    Why: section 一 summarises the year's 依申请公开; its count and table 3's are the same fact and readers
    quote either. Real contradictions exist (平潭 2023: 393 in the text vs 470 in the table; 上海 2019:
    258 vs 275).

    Example: "全年共收到政府信息公开申请393件" with 一、本年新收·总计 470.

    Fix: correct whichever is wrong; the table is the statistical record.
    """
    accept: tuple[int, ...] = ()
    received, carried_in = ctx.num("s3.received.total"), ctx.num("s3.carried_in.total")
    if received is not None and carried_in is not None:
        accept = (int(received + carried_in),)
    elif received is not None and carried_in is None and "received" in _stated(ctx):
        stated = _stated(ctx)["received"]
        if stated.value != received:
            yield ctx.unverifiable(
                f"{_quote(stated)}（可能含上年结转）", ["s3.carried_in.total"], ["s3.received.total"]
            )
            return
    yield from _compare(ctx, "received", ("s3.received.total",), "表三本年新收总计", accept)


@rule(
    "N502",
    name="narrative-carried-in",
    severity=Severity.WARNING,
    message="正文所述上年结转件数与表三“上年结转”不符",
    hint="核对正文与表三“二、上年结转政府信息公开申请数量”总计",
)
def narrative_carried_in(ctx: CheckContext) -> Iterator[Issue]:
    """The narrative's "上年结转X件" vs 二、上年结转·总计.

    Why: the same fact stated twice; the carried-in count also links to last year's report (X602).

    Example: "上年结转政府信息公开申请3件" with 二、上年结转·总计 1.

    Fix: correct whichever is wrong.
    """
    yield from _compare(ctx, "carried_in", ("s3.carried_in.total",), "表三上年结转总计")


@rule(
    "N503",
    name="narrative-carried-out",
    severity=Severity.WARNING,
    message="正文所述结转下年度件数与表三“结转下年度”不符",
    hint="核对正文与表三“四、结转下年度继续办理”总计",
)
def narrative_carried_out(ctx: CheckContext) -> Iterator[Issue]:
    """The narrative's "结转下年度继续办理X件" (or "X件结转至下一年度") vs 四、结转下年度继续办理·总计.

    Why: the same fact stated twice; next year's report must carry the same number in (X602).

    Example: "结转下年度继续办理5件" with 四、结转下年度继续办理·总计 1.

    Fix: correct whichever is wrong.
    """
    yield from _compare(ctx, "carried_out", ("s3.carried_out.total",), "表三结转下年度总计")


@rule(
    "N504",
    name="narrative-review",
    severity=Severity.WARNING,
    message="正文所述行政复议件数与表四不符",
    hint="核对正文与表四“行政复议·总计”",
)
def narrative_review(ctx: CheckContext) -> Iterator[Issue]:
    """The narrative's "（被申请）行政复议X件" vs 表四 行政复议·总计.

    Sentences about reviews the body decided as review organ ("办理行政复议案件X件") are not used: table 4
    counts reviews of this body's disclosure work. "未发生…行政复议" counts as 0.

    Why: section 一 (监督保障) and section 四 state the same cases.

    Example: "因政府信息公开工作被申请行政复议5件" with 行政复议·总计 2.

    Fix: correct whichever is wrong.
    """
    yield from _compare(ctx, "review", ("s4.review.total",), "表四行政复议总计")


@rule(
    "N505",
    name="narrative-suit",
    severity=Severity.WARNING,
    message="正文所述行政诉讼件数与表四不符",
    hint="核对正文与表四“未经复议直接起诉”和“复议后起诉”两组总计之和",
)
def narrative_suit(ctx: CheckContext) -> Iterator[Issue]:
    """The narrative's "（被提起）行政诉讼X件" vs 表四 未经复议直接起诉·总计 + 复议后起诉·总计.

    Why: table 4 splits lawsuits into those filed directly and those filed after review; the narrative
    usually gives their sum.

    Example: "被提起行政诉讼5件" with 直接起诉 总计 1 and 复议后起诉 总计 0.

    Fix: correct whichever is wrong.
    """
    yield from _compare(ctx, "suit", ("s4.suit_direct.total", "s4.suit_after_review.total"), "表四行政诉讼两组总计之和")


@rule(
    "N506",
    name="narrative-in-force",
    severity=Severity.WARNING,
    message="正文所述现行有效规范性文件件数与表二不符",
    hint="核对正文与表二“行政规范性文件·现行有效件数”",
    templates=("2021",),
    table="s2",
)
def narrative_in_force(ctx: CheckContext) -> Iterator[Issue]:
    """The narrative's "现行有效（行政）规范性文件N件" vs 表二 行政规范性文件·现行有效件数 (2021 table 2).

    Why: the same fact stated twice. The 2019 table 2 has no 现行有效 column (its 对外公开总数量 means
    something else), so the rule runs only on the 2021 table 2.

    Example: "现行有效行政规范性文件99件" with 现行有效件数 73.

    Fix: correct whichever is wrong.
    """
    yield from _compare(ctx, "in_force", ("s2.normative_docs.in_force",), "表二行政规范性文件现行有效件数")


_FEE = re.compile(r"处理费")


def _has_narrative(report: Report) -> bool:
    return any((report.narrative.get(k) or "").strip() for k in NARRATIVE_SECTIONS)


@rule(
    "N507",
    name="information-fee",
    severity=Severity.WARNING,
    message="2021年度起的年报未说明信息处理费收取情况",
    hint="在“六、其他需要报告的事项”中说明本年度收取信息处理费的情况（未收取也要写明）",
)
def information_fee(ctx: CheckContext) -> Iterator[Issue]:
    """A report on 2021 or later does not say whether 信息处理费 was charged.

    Runs only when the report has narrative text (a report JSON without ``narrative`` is not judged) and
    the year is known (2021 or later). Any mention of 信息处理费 in the narrative is accepted.

    Why: the 2021 notice (国办公开办函〔2021〕30号) asks section 六 to report 收取信息处理费的情况, under
    《政府信息公开信息处理费管理办法》(国办函〔2020〕109号, in force 2021-01-01); real 2021+ reports almost
    always state it ("2021年，无收取信息处理费情况。").

    Example: a 2021 report whose section 六 is just "无" (平潭 自然资源与生态环境局 2021).

    Fix: add a sentence to section 六, e.g. "本年度未收取信息处理费。"
    """
    report = ctx.report
    if report.year is None or report.year < 2021 or not _has_narrative(report):
        return
    if not any(_FEE.search(report.narrative.get(k) or "") for k in NARRATIVE_SECTIONS):
        yield Issue(f"{report.year}年度报告未说明信息处理费收取情况（第六部分）")


_TRIVIAL = re.compile(r"[\s。.．，,、；;：:！!（）()“”\"'—\-]+")
_EMPTY_WORDS = {"", "无", "暂无", "没有", "无问题", "不存在", "略"}


@rule(
    "N508",
    name="problems-empty",
    severity=Severity.WARNING,
    message="“五、存在的主要问题及改进情况”只写了“无”",
    hint="写明本年度存在的主要问题、改进措施及上年问题的整改情况",
)
def problems_empty(ctx: CheckContext) -> Iterator[Issue]:
    """Section 五 (存在的主要问题及改进情况) says only "无" (or "暂无", "没有").

    A missing or blank section is N509.

    Why: 条例第五十条(四) makes 存在的主要问题及改进情况 part of every annual report, and the 2021 notice asks
    for the problems and how last year's were fixed; "无" reports nothing.

    Example: "五、存在的主要问题及改进情况 无。"

    Fix: describe the year's main problems and the improvements made or planned.
    """
    text = ctx.report.narrative.get("problems")
    if text is None or not text.strip():
        return
    if _TRIVIAL.sub("", text) in _EMPTY_WORDS:
        yield Issue(f"第五部分只有“{text.strip()[:10]}”，未说明存在的问题及改进情况")


@rule(
    "N509",
    name="section-missing",
    severity=Severity.WARNING,
    message="年报缺少正文部分（一、五或六）或该部分为空",
    hint="年报应包含一、总体情况，五、存在的主要问题及改进情况，六、其他需要报告的事项",
)
def section_missing(ctx: CheckContext) -> Iterator[Issue]:
    """A narrative section (一、总体情况, 五、存在的主要问题及改进情况, 六、其他需要报告的事项) is missing or empty.

    Runs only when the report has some narrative text: a report JSON with no ``narrative`` at all (e.g.
    tables only) is not judged.

    Why: 条例第五十条 lists the contents of the annual report (第一项 to 第五项 map to sections 一 to 六), and
    both notices fix the six-part skeleton. Real reports drop section 六.

    Example: a report that ends after section 五.

    Fix: add the section (write "无" only where there is truly nothing to report, and say so in a sentence).
    """
    report = ctx.report
    if not _has_narrative(report):
        return
    for key, title in NARRATIVE_SECTIONS.items():
        if not (report.narrative.get(key) or "").strip():
            yield Issue(f"缺少“{title}”部分或该部分为空")
