"""Title, body, year and the old-format check, from a :class:`~xxgk.ingest.layout.Layout`'s text.

The year reported on comes from the title ("…2020年政府信息公开工作年度报告") or from the 统计期限 sentence
("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止"), never from a publication date or a preamble
that happens to name another year.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from xxgk.ingest.layout import Line
from xxgk.ingest.normalize import collapse, fold, squash

_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR_RE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")
_TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜| - | — |——)\s*")
_BODY_STRIP = " \t\u3000\xa0《》<>“”\"'（）()【】[]:：,，、.。-—_"
_SUBJECT_RE = re.compile(r"^度?+的?+(?!政府信息公开|政务公开|信息公开)(.{2,40}?)(?:政府信息公开|政务公开|信息公开)")
_PERIOD_RE = re.compile(
    r"统计(?:期限|时限|期间|时间|区间|周期|范围|时段)[^。]{0,30}?((?:19|20)\d{2})年0?1月0?1日"
    r"|统计(?:期限|期间|时限)[^。]{0,12}?((?:19|20)\d{2})年"
)
_OLD_FORMAT_RE = re.compile(r"收费及减免|依申请公开政府信息(?:的)?情况|政府信息公开的收费")
#: A first line longer than this is a sentence, not a title.
_TITLE_MAX = 90


@dataclass(frozen=True, slots=True)
class Title:
    text: str
    body: str | None
    year: int | None


def title_year(text: str) -> tuple[int, int, int] | None:
    """``(year, start, end)`` of the first year printed in a title (Arabic or Chinese numerals)."""
    folded = fold(text)
    m = _YEAR_RE.search(folded)
    if m is not None:
        return int(m.group(1)), m.start(), m.end()
    c = _CN_YEAR_RE.search(folded)
    if c is not None:
        return int(c.group(1).translate(_CN_DIGITS)), c.start(), c.end()
    return None


def parse_title(text: str) -> Title:
    """Split a title into the body name and the year reported on."""
    text = collapse(text)
    found = title_year(text)
    if found is None:
        return Title(text, None, None)
    year, start, end = found
    folded = fold(text)
    prefix = folded[:start].strip(_BODY_STRIP)
    prefix = re.sub(r"(?:关于|的)+$", "", prefix).strip(_BODY_STRIP)
    prefix = re.sub(r"\s+", "", prefix)
    body = prefix or None
    if body is None:
        m = _SUBJECT_RE.match(folded[end:].strip())
        if m is not None:
            candidate = re.sub(r"\s+", "", m.group(1)).strip(_BODY_STRIP)
            body = candidate if len(candidate) >= 2 and not candidate.startswith("工作") else None
    if body is not None and not _looks_like_body(body):
        body = None
    return Title(text, body, year)


def _looks_like_body(text: str) -> bool:
    return 2 <= len(text) <= 60 and not re.search(r"[。；;！!？?]", text)


def clean_title(text: str) -> str:
    """Drop a site suffix from an HTML ``<title>`` ("…年度报告_政府信息公开年报_某某网")."""
    parts = [p for p in _TITLE_SPLIT_RE.split(collapse(text)) if p]
    for part in parts:
        if "报告" in part:
            return part
    return parts[0] if parts else ""


def choose_title(hints: Sequence[str], lines: Sequence[Line]) -> Title | None:
    """The report's title: metadata hints first, then the top lines of the document."""
    candidates = [clean_title(h) for h in hints if h.strip()]
    from_lines = title_from_lines(lines)
    if from_lines is not None:
        candidates.append(from_lines)
    with_year = [c for c in candidates if "报告" in c and title_year(c) is not None]
    if with_year:
        return parse_title(with_year[0])
    reports = [c for c in candidates if "报告" in c]
    if reports:
        return parse_title(reports[0])
    return None


def title_from_lines(lines: Sequence[Line]) -> str | None:
    """A title printed at the top: the first short line naming a year and 报告, prefixed by the line above
    it when that line is the body's name ("重庆市大渡口区八桥镇" / "2020年政府信息公开工作年度报告")."""
    previous: list[str] = []
    for line in lines[:40]:
        if len(line.text) > 2 * _TITLE_MAX:
            previous.append(line.text[:_TITLE_MAX])
            if len(previous) > 6:
                break
            continue
        text = collapse(line.text).strip("#* ")
        if not text:
            continue
        flat = squash(text)
        if len(flat) <= _TITLE_MAX and "报告" in flat and title_year(flat) is not None and "。" not in flat:
            found = title_year(text)
            if found is not None and not fold(text)[: found[1]].strip(_BODY_STRIP) and previous:
                above = previous[-1]
                if _looks_like_body(squash(above)) and title_year(above) is None:
                    return above + text
            return text
        previous.append(text)
        if len(previous) > 6:
            break
    return None


def period_year(lines: Sequence[Line]) -> int | None:
    """The year of the 统计期限 sentence, if the report states one."""
    for line in lines:
        if "统计" not in line.text:
            continue
        m = _PERIOD_RE.search(squash(line.text))
        if m is not None:
            return int(m.group(1) or m.group(2))
    return None


def is_old_format(lines: Sequence[Line], year: int | None) -> bool:
    """A pre-2019 free-form report (no standard tables): by its year or its old section headings."""
    if year is not None and year < 2019:
        return True
    return any(_OLD_FORMAT_RE.search(squash(line.text)) for line in lines[:400] if len(line.text) < 200)
