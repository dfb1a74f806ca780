"""Proactive disclosure (主动公开): categories, disclosure attributes, catalogue index numbers, the Art 26 deadline.

Pure: no Django, no I/O. The web layer (:mod:`xxgk.web.proactive`) stores items and calls these functions.

Categories
----------
条例 Art 20 lists fifteen kinds of information every agency discloses proactively; Art 21 adds, "根据本地区的具体
情况", items for 设区的市级、县级人民政府及其部门 and for 乡（镇）人民政府. :data:`CATEGORIES` holds them with a
stable ``code`` (stored in the database), a two-digit ``short`` code (used in catalogue index numbers), the Chinese
label and the article. :func:`categories_for` gives the list a body of a given :class:`BodyLevel` may use.

Disclosure attributes
---------------------
Every item carries one :class:`Attribute` (主动公开 / 依申请公开 / 不予公开). 不予公开 must name one
:class:`WithholdingGround` of Arts 14–16 and give reasons; 依申请公开 must state why the information is not
disclosed proactively. :func:`check_attribute` enforces this.

Index numbers (索引号)
---------------------
A body numbers its catalogue per year in a pattern it configures, e.g. ``{机关代码}-{年}-{类别}-{序号:04d}``.
Placeholders (see :data:`PLACEHOLDERS`): ``{机关代码}``, ``{年}``, ``{月}``, ``{类别}`` and ``{序号}`` (optionally
zero-padded: ``{序号:04d}``). ``{年}`` and ``{序号}`` are required (the sequence restarts every year, so the year
keeps numbers unique). Literal text may not contain braces or whitespace. :func:`parse_pattern` validates,
:func:`format_index` renders.

The publishing deadline (Art 26)
--------------------------------
"属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开。法律、法规对政府信息公开的
期限另有规定的，从其规定。" :func:`publish_deadline` counts like every application deadline
(:mod:`xxgk.core.calendar`: the formed/changed day is day 0) and is provisional when it touches a year whose
holiday schedule is not announced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

from xxgk.core.calendar import MAX_WORKING_DAYS, WorkCalendar, add_working_days, working_days_between
from xxgk.core.errors import WorkflowError

PUBLISH_DAYS = 20  # Art 26
BASIS_PUBLISH = "《条例》第二十六条"


class ProactiveError(WorkflowError):
    """A proactive item, an index pattern or a deadline request is invalid (Chinese message)."""

    default_message = "主动公开信息有误"


# -- categories (Arts 20, 21) ---------------------------------------------------------------------


class BodyLevel(StrEnum):
    """Which Art 21 list applies to a body."""

    COUNTY = "county"  # 设区的市级、县级人民政府及其部门
    TOWN = "town"  # 乡（镇）人民政府
    OTHER = "other"  # Art 20 only

    @property
    def label(self) -> str:
        return {
            "county": "设区的市级、县级人民政府及其部门",
            "town": "乡（镇）人民政府",
            "other": "其他行政机关",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Category:
    """One kind of proactively disclosed information."""

    code: str
    short: str
    label: str
    article: str
    levels: frozenset[BodyLevel]

    @property
    def full_label(self) -> str:
        return f"{self.label}（{self.article}）"


_ALL = frozenset(BodyLevel)
_COUNTY = frozenset({BodyLevel.COUNTY})
_TOWN = frozenset({BodyLevel.TOWN})
_BOTH = frozenset({BodyLevel.COUNTY, BodyLevel.TOWN})
_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五")

_ART20 = (
    "行政法规、规章和规范性文件",
    "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    "国民经济和社会发展统计信息",
    "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
    "财政预算、决算信息",
    "行政事业性收费项目及其依据、标准",
    "政府集中采购项目的目录、标准及实施情况",
    "重大建设项目的批准和实施情况",
    "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    "突发公共事件的应急预案、预警信息及应对情况",
    "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    "公务员招考的职位、名额、报考条件等事项以及录用结果",
    "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
)

#: Art 21 items: (code suffix, short code, label, levels).
_ART21 = (
    ("municipal", "16", "市政建设", _COUNTY),
    ("public_service", "17", "公共服务", _COUNTY),
    ("public_welfare", "18", "公益事业", _COUNTY),
    ("land_expropriation", "19", "土地征收", _BOTH),
    ("housing_expropriation", "20", "房屋征收", _BOTH),
    ("public_security", "21", "治安管理", _COUNTY),
    ("social_assistance", "22", "社会救助", _BOTH),
    ("agriculture_policy", "23", "贯彻落实农业农村政策", _TOWN),
    ("irrigation", "24", "农田水利工程建设运营", _TOWN),
    ("land_contract", "25", "农村土地承包经营权流转", _TOWN),
    ("homestead", "26", "宅基地使用情况审核", _TOWN),
    ("fundraising", "27", "筹资筹劳", _TOWN),
)


def _art21_article(levels: frozenset[BodyLevel]) -> str:
    if levels == _BOTH:
        return "第二十一条"
    return "第二十一条（县级）" if levels == _COUNTY else "第二十一条（乡镇）"


#: Every category by code, Art 20 first (in order) then Art 21.
CATEGORIES: Mapping[str, Category] = MappingProxyType(
    {
        c.code: c
        for c in (
            *(
                Category(f"a20.{i:02d}", f"{i:02d}", label, f"第二十条第（{_NUMERALS[i - 1]}）项", _ALL)
                for i, label in enumerate(_ART20, 1)
            ),
            *(
                Category(f"a21.{suffix}", short, label, _art21_article(levels), levels)
                for suffix, short, label, levels in _ART21
            ),
        )
    }
)
#: The catch-all category (Art 20 (十五)).
OTHER_CATEGORY = "a20.15"


def category(code: str) -> Category:
    """The category ``code``; :class:`ProactiveError` when unknown."""
    try:
        return CATEGORIES[code]
    except (KeyError, TypeError):
        raise ProactiveError(f"未知的信息类别 {code!r}") from None


def categories_for(level: BodyLevel) -> tuple[Category, ...]:
    """The categories a body of ``level`` may use: all of Art 20 and its own Art 21 items."""
    try:
        lvl = BodyLevel(level)
    except ValueError:
        raise ProactiveError(f"未知的机关层级 {level!r}") from None
    return tuple(c for c in CATEGORIES.values() if lvl in c.levels)


# -- disclosure attributes (Arts 13–16) -----------------------------------------------------------


class Attribute(StrEnum):
    PUBLIC = "public"  # 主动公开
    ON_REQUEST = "on_request"  # 依申请公开
    NOT_PUBLIC = "not_public"  # 不予公开

    @property
    def label(self) -> str:
        return {"public": "主动公开", "on_request": "依申请公开", "not_public": "不予公开"}[self.value]


class WithholdingGround(StrEnum):
    """The legal grounds for not disclosing (Arts 14–16)."""

    STATE_SECRET = "state_secret"
    PROHIBITED = "prohibited"
    SECURITY = "security"
    THIRD_PARTY = "third_party"
    INTERNAL = "internal"
    PROCESS = "process"
    ENFORCEMENT_FILE = "enforcement_file"

    @property
    def label(self) -> str:
        return _GROUNDS[self][0]

    @property
    def article(self) -> str:
        return _GROUNDS[self][1]

    @property
    def full_label(self) -> str:
        return f"{self.label}（《条例》{self.article}）"


_GROUNDS: dict[WithholdingGround, tuple[str, str]] = {
    WithholdingGround.STATE_SECRET: ("依法确定为国家秘密", "第十四条"),
    WithholdingGround.PROHIBITED: ("法律、行政法规禁止公开", "第十四条"),
    WithholdingGround.SECURITY: ("公开后可能危及国家安全、公共安全、经济安全、社会稳定", "第十四条"),
    WithholdingGround.THIRD_PARTY: ("涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害", "第十五条"),
    WithholdingGround.INTERNAL: ("人事管理、后勤管理、内部工作流程等内部事务信息", "第十六条第一款"),
    WithholdingGround.PROCESS: ("讨论记录、过程稿、磋商信函、请示报告等过程性信息", "第十六条第二款"),
    WithholdingGround.ENFORCEMENT_FILE: ("行政执法案卷信息", "第十六条第二款"),
}


def check_attribute(attribute: object, ground: object = None, reason: str = "") -> None:
    """The attribute, its legal ground and reasons fit together; :class:`ProactiveError` otherwise.

    * 主动公开: no ground.
    * 依申请公开: no Arts 14–16 ground (the information is not withheld), but the reason it is not disclosed
      proactively must be stated (e.g. it concerns only specific persons).
    * 不予公开: one ground of Arts 14–16 and the reasons.
    """
    try:
        attr = Attribute(attribute)  # type: ignore[arg-type]
    except ValueError:
        raise ProactiveError(f"未知的公开属性 {attribute!r}") from None
    grounds: WithholdingGround | None
    if ground in (None, ""):
        grounds = None
    else:
        try:
            grounds = WithholdingGround(ground)  # type: ignore[arg-type]
        except ValueError:
            raise ProactiveError(f"未知的不予公开依据 {ground!r}") from None
    text = (reason or "").strip()
    if attr is Attribute.PUBLIC and grounds is not None:
        raise ProactiveError("主动公开的信息不应填写不予公开的依据")
    if attr is Attribute.ON_REQUEST:
        if grounds is not None:
            raise ProactiveError("依申请公开的信息不属于不予公开，不应填写第十四至十六条的依据")
        if not text:
            raise ProactiveError("依申请公开的信息须说明不主动公开的理由")
    if attr is Attribute.NOT_PUBLIC:
        if grounds is None:
            raise ProactiveError("不予公开的信息须选择法律依据（《条例》第十四条至第十六条）")
        if not text:
            raise ProactiveError("不予公开的信息须说明理由")


# -- index numbers --------------------------------------------------------------------------------

BODY_CODE = "机关代码"
YEAR = "年"
MONTH = "月"
CATEGORY = "类别"
SEQUENCE = "序号"

#: Placeholder -> what it stands for.
PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        BODY_CODE: "机关代码（目录设置中的代码，如统一社会信用代码）",
        YEAR: "公开年份，四位数字",
        MONTH: "公开月份，两位数字",
        CATEGORY: "信息类别的两位代码（第二十条各项为 01–15，第二十一条各项为 16–27）",
        SEQUENCE: "本机关本年度的顺序号；可写 {序号:04d} 补零到 4 位",
    }
)
DEFAULT_PATTERN = "{机关代码}-{年}-{类别}-{序号:04d}"
MAX_INDEX_LENGTH = 100
_FIELD = re.compile(r"\{([^{}]*)\}")
_SPEC = re.compile(r"0([1-9]|10)d")


@dataclass(frozen=True, slots=True)
class PatternPart:
    """A literal text (``name == ""``) or a placeholder with its optional zero-padding width."""

    text: str = ""
    name: str = ""
    width: int = 0


@dataclass(frozen=True, slots=True)
class IndexPattern:
    source: str
    parts: tuple[PatternPart, ...]

    def format(self, *, body_code: str, year: int, month: int, category_short: str, sequence: int) -> str:
        return format_index(
            self, body_code=body_code, year=year, month=month, category_short=category_short, sequence=sequence
        )


def _check_literal(text: str, source: str) -> None:
    if "{" in text or "}" in text:
        raise ProactiveError(f"索引号格式 {source!r} 中的花括号不成对")
    if any(ch.isspace() or not ch.isprintable() for ch in text):
        raise ProactiveError(f"索引号格式 {source!r} 不能包含空白或控制字符")


def parse_pattern(source: str) -> IndexPattern:
    """Validate an index-number pattern; :class:`ProactiveError` names what is wrong."""
    if not isinstance(source, str) or not source.strip():
        raise ProactiveError("索引号格式不能为空")
    if len(source) > 200:
        raise ProactiveError("索引号格式过长（最多 200 个字符）")
    parts: list[PatternPart] = []
    pos = 0
    seen: set[str] = set()
    for match in _FIELD.finditer(source):
        literal = source[pos : match.start()]
        if literal:
            _check_literal(literal, source)
            parts.append(PatternPart(text=literal))
        name, _, spec = match.group(1).partition(":")
        if name not in PLACEHOLDERS:
            known = "、".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ProactiveError(f"索引号格式中有未知的占位符 {{{match.group(1)}}}，可用：{known}")
        width = 0
        if spec:
            if name != SEQUENCE or not _SPEC.fullmatch(spec):
                raise ProactiveError(
                    f"占位符 {{{match.group(1)}}} 的格式说明无效；只有序号可写为 {{序号:04d}}（1–10 位）"
                )
            width = int(spec[:-1])
        if name in seen:
            raise ProactiveError(f"占位符 {{{name}}} 在索引号格式中出现了两次")
        seen.add(name)
        parts.append(PatternPart(name=name, width=width))
        pos = match.end()
    rest = source[pos:]
    if rest:
        _check_literal(rest, source)
        parts.append(PatternPart(text=rest))
    for required in (YEAR, SEQUENCE):
        if required not in seen:
            raise ProactiveError(f"索引号格式必须包含 {{{required}}}（序号按年度重新编排，年份保证索引号不重复）")
    return IndexPattern(source=source, parts=tuple(parts))


def format_index(
    pattern: IndexPattern | str, *, body_code: str, year: int, month: int, category_short: str, sequence: int
) -> str:
    """The index number for ``sequence`` in ``year``; :class:`ProactiveError` for bad values."""
    pat = parse_pattern(pattern) if isinstance(pattern, str) else pattern
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise ProactiveError(f"序号必须是正整数，收到 {sequence!r}")
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999:
        raise ProactiveError(f"年份无效：{year!r}")
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        raise ProactiveError(f"月份无效：{month!r}")
    values = {BODY_CODE: (body_code or "").strip(), CATEGORY: (category_short or "").strip()}
    out: list[str] = []
    for part in pat.parts:
        if not part.name:
            out.append(part.text)
        elif part.name == YEAR:
            out.append(f"{year:04d}")
        elif part.name == MONTH:
            out.append(f"{month:02d}")
        elif part.name == SEQUENCE:
            out.append(f"{sequence:0{part.width}d}" if part.width else str(sequence))
        else:
            value = values[part.name]
            if not value:
                raise ProactiveError(f"索引号缺少{part.name}")
            if any(ch in "{}" or ch.isspace() or not ch.isprintable() for ch in value):
                raise ProactiveError(f"{part.name} {value!r} 不能包含花括号、空白或控制字符")
            out.append(value)
    result = "".join(out)
    if len(result) > MAX_INDEX_LENGTH:
        raise ProactiveError(f"索引号过长（{len(result)} 个字符，最多 {MAX_INDEX_LENGTH}）")
    return result


def pattern_example(pattern: IndexPattern | str, *, body_code: str = "11500104MB0000000X") -> str:
    """An example index number (2026, category 01, sequence 12) to show beside the settings form."""
    return format_index(pattern, body_code=body_code, year=2026, month=3, category_short="01", sequence=12)


# -- the publishing deadline (Art 26) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublishDeadline:
    """The last day to publish an item: ``days`` working days after ``formed_on`` (day 0).

    Like :class:`xxgk.core.deadlines.Deadline`: ``provisional``/``reason`` when a day counted lies in a year whose
    holiday schedule is not announced, ``steps`` saying how it was computed.
    """

    formed_on: date
    due: date
    days: int = PUBLISH_DAYS
    provisional: bool = False
    reason: str = ""
    unannounced_years: tuple[int, ...] = ()
    steps: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return "公开期限"

    @property
    def explanation(self) -> str:
        lines = [f"{self.label}：{self.due.isoformat()}", *(f"{i}. {s}" for i, s in enumerate(self.steps, 1))]
        if self.provisional:
            lines.append(f"暂定：{self.reason}")
        return "\n".join(lines)

    def is_overdue(self, on: date) -> bool:
        """Whether ``on`` is after the due date (the due day itself is still in time)."""
        return on > self.due

    def published_late(self, published_on: date) -> bool:
        return published_on > self.due

    def remaining_working_days(self, on: date, calendar: WorkCalendar) -> int:
        """Working days left after ``on`` up to the due date (0 on the due day, negative when overdue)."""
        return working_days_between(on, self.due, calendar)


def publish_deadline(
    formed_on: date, calendar: WorkCalendar, *, days: int = PUBLISH_DAYS, basis: str = BASIS_PUBLISH
) -> PublishDeadline:
    """The Art 26 deadline of an item formed or changed on ``formed_on`` (another law may set ``days``)."""
    if isinstance(formed_on, datetime) or not isinstance(formed_on, date):
        raise ProactiveError(f"形成或变更日期必须是日期，收到 {formed_on!r}")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_WORKING_DAYS:
        raise ProactiveError(f"公开期限的工作日数无效：{days!r}")
    result = add_working_days(formed_on, days, calendar)
    steps = (
        f"信息形成或变更之日：{formed_on.isoformat()}（当日不计入，次日起算）",
        f"+{days}个工作日（{basis}）→ {result.day.isoformat()}",
        f"日历：{calendar.describe()}",
    )
    return PublishDeadline(
        formed_on=formed_on,
        due=result.day,
        days=days,
        provisional=result.provisional,
        reason=result.reason,
        unannounced_years=result.unannounced_years,
        steps=steps,
    )
