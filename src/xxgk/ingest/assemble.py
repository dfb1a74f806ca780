"""The one assembler: a reader's :class:`~xxgk.ingest.layout.Layout` in, a :class:`ParseResult` out.

The chain, each step a small pure function::

    layout_to_stream      rows (label cells / value cells) and lines in document order
    stream_to_sections    each row and line gets its section: headings 一…六, or a table's header content
    rows_to_table2/3/4    rows recognised by meaning, values mapped to cell codes (column headers for
                          table 2; the template's columns for tables 3 and 4), digits split by identities
    choose_versions       table 2's version from its column headers, table 3's from （六）其他处理
    metadata              title, body, year; narrative sections
    build_report          the model ``Report`` with per-cell provenance

Rows that are not printed stay ABSENT; rows that cannot be placed become ``report.extra_rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

from xxgk.core.errors import IngestError
from xxgk.core.findings import Finding
from xxgk.core.model import NARRATIVE_SECTIONS, UNIT_UNSTATED, Cell, CellState, ExtraRow, Report, Source
from xxgk.core.templates import S3_COLUMNS, S4_COLUMNS, S4_GROUPS, CellKind, get_template, template_for_year
from xxgk.ingest import codes, labels, metadata
from xxgk.ingest.base import ParseResult
from xxgk.ingest.layout import Layout, Line, Row, TextCell
from xxgk.ingest.limits import check_layout
from xxgk.ingest.normalize import collapse, squash, words
from xxgk.ingest.split import AMBIGUOUS, Identity, group_identity, row_identity, split_tokens
from xxgk.ingest.values import Reading, Token, cell_tokens, is_value_text, read_token

NOT_A_REPORT = (
    "未找到政府信息公开工作年度报告的统一表格（主动公开政府信息情况、收到和处理政府信息公开申请情况、"
    "行政复议和行政诉讼情况三张表均未找到），不是可识别的年度报告"
)
NO_TABLE_CELLS = (
    "找到了年度报告表格的标题或行名，但三张表中没有读到任何数字："
    "这可能是谈论年报的文字而不是年报本身，或表格内容未能读取"
)
OLD_FORMAT = "2019年以前的旧格式年报（无统一表格），不在支持范围内"
ABSENT_ROW = "报告未印此行"
ABSENT_TABLE = "报告中未找到此表"
ABSENT_COLUMN = "表头中没有此列"


# -- step 1: rows split into label and value cells -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prepared:
    """A row with its label cells (context, left) and value cells (right, span copies dropped)."""

    row: Row
    labels: tuple[TextCell, ...]
    values: tuple[TextCell, ...]
    words: tuple[str, ...]  # squashed words of every cell, for table signals

    @property
    def label(self) -> str:
        return "".join(c.text for c in self.labels)

    @property
    def has_values(self) -> bool:
        return bool(self.values)

    @property
    def values_empty(self) -> bool:
        return all(not c.text.strip() for c in self.values)

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        for cell in self.values:
            out.extend(cell_tokens(cell))
        return out

    @property
    def source(self) -> Source:
        cells = self.labels or self.values or self.row.cells
        return cells[0].source if cells else Source()


def prepare(row: Row) -> Prepared:
    """Split a row: everything up to the last cell that is not a value is label, the rest values."""
    cells = row.cells
    last_label = -1
    for i, cell in enumerate(cells):
        if not is_value_text(cell.text):
            last_label = i
    label_cells: list[TextCell] = []
    seen = ""
    for cell in cells[: last_label + 1]:
        flat = squash(cell.text)
        if flat and flat != seen:
            label_cells.append(cell)
            seen = flat
    values = tuple(c for c in cells[last_label + 1 :] if not c.copy)
    out_words: list[str] = []
    for cell in cells:
        out_words.extend(words(cell.text))
    return Prepared(row, tuple(label_cells), values, tuple(out_words))


# -- step 2: sections ----------------------------------------------------------------------------------


@dataclass
class Sections:
    rows: dict[str, list[Prepared]] = field(default_factory=lambda: {k: [] for k in labels.TABLE_SECTIONS})
    narrative: dict[str, list[str]] = field(default_factory=dict)
    first_heading: int | None = None
    #: Lines before the first table (title, preamble, 一、总体情况): where the 统计期限 is stated.
    head_lines: list[Line] = field(default_factory=list)


def stream_to_sections(layout: Layout, prepared: Sequence[Prepared]) -> Sections:
    """Give every row and line its section, from headings and from tables' header content."""
    out = Sections()
    events: list[tuple[int, int, Line | Prepared]] = [(line.pos, 0, line) for line in layout.lines]
    events += [(p.row.pos, 1, p) for p in prepared]
    events.sort(key=lambda e: (e[0], e[1]))
    section = "preamble"
    seen_table = False
    for pos, _, item in events:
        if isinstance(item, Line):
            heading = labels.section_heading(item.text)
            if heading is not None:
                section = heading.key
                if out.first_heading is None:
                    out.first_heading = pos
                if section in labels.NARRATIVE_KEYS:
                    out.narrative.setdefault(section, [])
                    if heading.rest:
                        out.narrative[section].append(heading.rest)
                continue
            if section in labels.NARRATIVE_KEYS:
                out.narrative.setdefault(section, []).append(item.text)
            if not seen_table:
                out.head_lines.append(item)
            continue
        section = _row_section(item, section)
        if section in labels.NARRATIVE_KEYS:
            out.narrative.setdefault(section, [])
        if section in labels.TABLE_SECTIONS:
            out.rows[section].append(item)
            seen_table = True
    return out


def _row_section(item: Prepared, section: str) -> str:
    if not item.has_values or item.values_empty:
        if len(item.labels) == 1 and len(item.words) <= 2:
            heading = labels.section_heading(item.labels[0].text)
            if heading is not None:
                return heading.key
        signal = labels.table_signal(list(item.words))
        if signal is not None:
            return signal
        return section
    if section == "preamble":
        # No heading and no header row yet: a data row may still say which table it is in.
        if labels.s2_item(item.label) is not None:
            return "s2"
        if labels.s3_label(item.label, None).row is not None:
            return "s3"
    return section


# -- step 3: tables ------------------------------------------------------------------------------------


@dataclass
class TableOut:
    """What one table contributed: readings by cell code, extra rows, findings, version evidence."""

    cells: dict[str, Cell] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    extra: list[ExtraRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    found: bool = False  # at least one template row was read
    version: str | None = None


def _extra(section: str, item: Prepared, tokens: Sequence[Token] | None = None) -> ExtraRow:
    toks = tokens if tokens is not None else item.tokens()
    return ExtraRow(
        section=section,
        label=collapse(" ".join(c.text for c in item.labels)),
        values=tuple(t.text for t in toks),
        source=item.source,
    )


_Entry = TypeVar("_Entry", "_S2Entry", "_S3Entry")


def _template_entries(
    entries: Sequence[_Entry], key: Callable[[_Entry], str], known: Container[str], section: str, out: TableOut
) -> Iterator[_Entry]:
    """The entries of rows the template ``known`` has, the first of each row only, marking ``out`` found; the
    others (a row of the other template version, a row printed twice) become extra rows of ``section`` as the
    iteration reaches them."""
    done: set[str] = set()
    for entry in entries:
        row = key(entry)
        if row not in known or row in done:
            out.extra.append(_extra(section, entry.prepared))
            continue
        done.add(row)
        out.found = True
        yield entry


def _fit(tokens: list[Token], n: int) -> list[Token]:
    """Drop empty cells beyond ``n``: first right after the label (label columns spanned in Markdown or
    text), then at the end (value columns spanned). Printed placeholders such as "/" are never dropped."""
    while len(tokens) > n and tokens[0].empty:
        del tokens[0]
    while len(tokens) > n and tokens[-1].empty:
        tokens.pop()
    return tokens


@dataclass(frozen=True, slots=True)
class _Values:
    tokens: list[Token] | None  # one per column, or None when unreadable
    note: str
    split_from: str | None = None  # the run the tokens were split from
    by_identity: bool = False  # the split was chosen by the table's identity
    source: Source | None = None  # where the values (or the run) are printed


def _row_values(tokens: list[Token], n: int, identity: Identity | None) -> _Values:
    tokens = _fit(tokens, n)
    runs = [t for t in tokens if t.splittable]
    where = (runs or tokens)[0].source if tokens else None
    if len(tokens) == n:
        return _Values(tokens, "")
    if len(tokens) > n:
        return _Values(None, f"本行印有{len(tokens)}个数值，多于{n}列，无法对应", source=where)
    result = split_tokens(tokens, n, identity)
    if result.tokens is None:
        if runs:
            return _Values(None, result.reason, source=where)
        note = f"本行只印有{len(tokens)}个数值，少于{n}列（可能有空白单元格未印出），无法对应"
        return _Values(None, note, source=where)
    run = " ".join(t.text for t in runs)
    return _Values(list(result.tokens), "", run, identity is not None, where)


def _unreadable(codes_: Sequence[str], note: str, source: Source) -> dict[str, Cell]:
    return {code: Cell.unreadable(note, source=source) for code in codes_}


@cache
def _s2_columns(version: str) -> dict[str, tuple[str, ...]]:
    """Table-2 items of a template version and their columns, in template order."""
    template = get_template(version)
    return {item: template.s2_columns(item) for item in template.s2_items}


@cache
def _s3_codes(row: str) -> tuple[str, ...]:
    return tuple(f"s3.{row}.{c}" for c in S3_COLUMNS)


@cache
def _s3_rows(version: str) -> frozenset[str]:
    return frozenset(get_template(version).s3_rows)


# table 2 ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _S2Entry:
    item: str
    prepared: Prepared
    header: tuple[labels.HeaderColumn, ...]
    unit_hint: str | None


def rows_to_table2(rows: Sequence[Prepared], version_hint: str | None) -> TableOut:
    """Table 2: blocks of a header row (信息内容 | columns) and item rows, mapped by the column headers."""
    out = TableOut()
    header: tuple[labels.HeaderColumn, ...] = ()
    block_unit: str | None = None
    entries: list[_S2Entry] = []
    votes = {"2019": 0, "2021": 0}
    for item in rows:
        is_data = item.has_values and not (item.values_empty and labels.s2_item(item.label) is None)
        if not is_data:
            texts = [c.text for c in item.labels]
            columns = labels.s2_header_columns(texts)
            if columns:
                header = tuple(columns)
                _vote_header(header, texts, votes)
            elif any(w.startswith("第二十条") for w in item.words):
                header = ()
                block_unit = labels.unit_hint(item.label)
            continue
        key = labels.s2_item(item.labels[-1].text) if item.labels else None
        if key is None and item.labels:
            key = labels.s2_item(item.label)
        if key is None:
            out.extra.append(_extra("s2", item))
            continue
        if key in ("other_services", "procurement"):
            votes["2019"] += 2
        if key in ("licensing", "penalties", "coercion") and not header:
            n = len(_fit(item.tokens(), 3))
            votes["2019" if n == 3 else "2021"] += 1 if n in (1, 3) else 0
        entries.append(_S2Entry(key, item, header, labels.unit_hint(item.label) or block_unit))
    if votes["2019"] != votes["2021"]:
        out.version = "2019" if votes["2019"] > votes["2021"] else "2021"
    version = out.version or version_hint or "2021"
    for entry in _template_entries(entries, lambda e: e.item, _s2_columns(version), "s2", out):
        _table2_row(entry, version, out)
    return out


def _vote_header(header: Sequence[labels.HeaderColumn], texts: Sequence[str], votes: dict[str, int]) -> None:
    keys = {h.key for h in header}
    for version, only in labels.S2_VERSION_COLUMNS.items():
        votes[version] += len(keys & only)
    flat = squash("".join(texts))
    if keys == {"decisions"} or "收费金额" in flat:
        votes["2021"] += 1
    if "采购总金额" in flat:
        votes["2019"] += 1


def _table2_row(entry: _S2Entry, version: str, out: TableOut) -> None:
    template = get_template(version)
    expected = _s2_columns(version)[entry.item]
    header_keys = [h.key for h in entry.header]
    if header_keys and len(set(header_keys)) == len(header_keys) and set(header_keys) <= set(expected):
        columns = header_keys
    else:
        columns = list(expected)
    units = {h.key: h.unit for h in entry.header if h.unit}
    codes_ = [f"s2.{entry.item}.{c}" for c in columns]
    result = _row_values(entry.prepared.tokens(), len(columns), None)
    for column in expected:
        if column not in columns:
            out.cells[f"s2.{entry.item}.{column}"] = Cell.absent(ABSENT_COLUMN)
    if result.tokens is None:
        out.cells.update(_unreadable(codes_, result.note, result.source or entry.prepared.source))
        return
    if result.split_from is not None:
        out.findings.append(_split_finding(result, codes_, result.source or entry.prepared.source))
    for code, column, token in zip(codes_, columns, result.tokens, strict=True):
        spec = template.by_code[code]
        default_unit = units.get(column) or entry.unit_hint
        if spec.kind is CellKind.AMOUNT and default_unit is None and version == "2021":
            default_unit = "万元"  # the 2021 template prints 本年收费金额（单位：万元）
        reading = read_token(token, spec.kind, default_unit=default_unit)
        out.cells[code] = _with_split_note(reading, result)
        if spec.kind is CellKind.AMOUNT and reading.cell.is_number and reading.unit is None:
            out.units[code] = UNIT_UNSTATED


def _with_split_note(reading: Reading, result: _Values) -> Cell:
    cell = reading.cell
    if result.split_from is None or not cell.is_number:
        return cell
    how = "按勾稽关系唯一拆分得出" if result.by_identity else "唯一可能的拆分得出"
    return Cell(cell.state, cell.value, note=f"由粘连数字“{result.split_from}”{how}", source=cell.source)


def _split_finding(result: _Values, codes_: Sequence[str], source: Source) -> Finding:
    values = " | ".join(t.text for t in result.tokens or ())
    basis = "只有这一种拆分满足本表的勾稽关系" if result.by_identity else "只有这一种拆分由有效数字组成"
    return codes.finding(
        codes.DIGITS_SPLIT, cells=tuple(codes_), source=source, run=result.split_from, values=values, basis=basis
    )


# table 3 ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _S3Entry:
    row: str
    prepared: Prepared
    values: _Values


def rows_to_table3(rows: Sequence[Prepared]) -> tuple[TableOut, list[_S3Entry]]:
    """Table 3: rows recognised by their labels (with the outcome group of the rows above as context)."""
    out = TableOut()
    entries: list[_S3Entry] = []
    context: str | None = None
    pending = ""
    subtotal = False
    for item in rows:
        label = item.label
        if not item.has_values or (item.values_empty and not labels.s3_label(label, context).row):
            words = list(item.words)
            if labels.is_s3_header(words):
                subtotal = subtotal or "小计" in words
                pending = ""
                continue
            parsed = labels.s3_label(label, context) if label else None
            if parsed is not None and parsed.known:
                context = parsed.group
                pending = ""
            elif label:
                pending += label
            continue
        parsed = labels.s3_label(label, context)
        if (not parsed.known or not label) and pending:
            label = pending + label
            parsed = labels.s3_label(label, context)
        pending = ""
        context = parsed.group
        if parsed.row is None:
            out.extra.append(_extra("s3", item))
            continue
        tokens = item.tokens()
        width = len(S3_COLUMNS)
        if subtotal and len(_fit(list(tokens), width + 1)) == width + 1:
            tokens = _fit(tokens, width + 1)
            del tokens[width - 1]
            if not any(f.code == codes.S3_SUBTOTAL_DROPPED.code for f in out.findings):
                out.findings.append(codes.finding(codes.S3_SUBTOTAL_DROPPED, source=item.source))
        entries.append(_S3Entry(parsed.row, item, _row_values(tokens, width, row_identity)))
    rows_found = {e.row for e in entries}
    if rows_found & labels.S3_OTHER_2021:
        out.version = "2021"
    elif "other" in rows_found:
        out.version = "2019"
    return out, entries


def table3_cells(entries: Sequence[_S3Entry], version: str, out: TableOut) -> None:
    """Map table-3 entries to the codes of ``version``; rows of the other version become extra rows."""
    for entry in _template_entries(entries, lambda e: e.row, _s3_rows(version), "s3", out):
        codes_ = _s3_codes(entry.row)
        result = entry.values
        if result.tokens is None:
            out.cells.update(_unreadable(codes_, result.note, result.source or entry.prepared.source))
            continue
        if result.split_from is not None:
            out.findings.append(_split_finding(result, codes_, result.source or entry.prepared.source))
            for code, token in zip(codes_, result.tokens, strict=True):
                out.cells[code] = _with_split_note(read_token(token, CellKind.COUNT), result)
            continue
        for code, token in zip(codes_, result.tokens, strict=True):
            out.cells[code] = read_token(token, CellKind.COUNT).cell


# table 4 ----------------------------------------------------------------------------------------------


def rows_to_table4(rows: Sequence[Prepared]) -> TableOut:
    """Table 4: fifteen numbers, 行政复议 then the two 行政诉讼 groups, in the template's column order."""
    out = TableOut()
    tokens: list[Token] = []
    first: Prepared | None = None
    for item in rows:
        if not item.has_values or item.values_empty:
            continue
        if item.labels and not labels.is_s4_header([squash(c.text) for c in item.labels]) and tokens:
            # A labelled row after the numbers: not part of the table's single data row.
            out.extra.append(_extra("s4", item))
            continue
        first = first or item
        tokens.extend(item.tokens())
    if first is None:
        return out
    out.found = True
    codes_ = [f"s4.{g}.{c}" for g in S4_GROUPS for c in S4_COLUMNS]
    result = _row_values(tokens, len(codes_), group_identity(len(S4_COLUMNS)))
    if result.tokens is None:
        out.cells.update(_unreadable(codes_, result.note, result.source or first.source))
        return out
    if result.split_from is not None:
        out.findings.append(_split_finding(result, codes_, result.source or first.source))
    for code, token in zip(codes_, result.tokens, strict=True):
        out.cells[code] = _with_split_note(read_token(token, CellKind.COUNT), result)
    return out


# -- step 4: the report --------------------------------------------------------------------------------


def assemble(layout: Layout) -> ParseResult:
    """Turn a reader's layout into a report, or raise :class:`IngestError` if it is not a report."""
    check_layout(layout)
    prepared = [prepare(row) for row in layout.rows]
    sections = stream_to_sections(layout, prepared)
    title = metadata.choose_title(layout.title_hints, _top_lines(layout, sections))
    period = metadata.period_year(sections.head_lines or layout.lines)
    year = title.year if title is not None and title.year is not None else period
    findings: list[Finding] = []

    s3_out, s3_entries = rows_to_table3(sections.rows["s3"])
    s2_hint = s3_out.version or (template_for_year(year) if year is not None else None)
    s2_out = rows_to_table2(sections.rows["s2"], s2_hint)
    s4_out = rows_to_table4(sections.rows["s4"])

    if s3_out.version is not None:
        s3_version = s3_out.version
    else:
        s3_version, basis = _guess_s3_version(s2_out, year)
        if s3_entries:
            findings.append(codes.finding(codes.S3_VERSION_GUESSED, basis=basis, version=s3_version))
    table3_cells(s3_entries, s3_version, s3_out)

    if not (s2_out.found or s3_out.found or s4_out.found):
        lines = layout.lines
        if metadata.is_old_format(lines, year):
            raise IngestError(OLD_FORMAT, source=layout.source)
        raise IngestError(NOT_A_REPORT, source=layout.source)

    template = s3_version if s3_out.found else (s2_out.version or s3_version)
    s2_version = s2_out.version or template
    templates = {"s2": s2_version, "s3": template} if s2_version != template else {}
    if templates:
        findings.append(codes.finding(codes.MIXED_TEMPLATES, s2=s2_version, s3=template))
    if title is not None and title.year is not None and period is not None and period != title.year:
        findings.append(codes.finding(codes.YEAR_CONFLICT, title=title.year, period=period))

    report = Report(
        template=template,
        year=year,
        body=(title.body if title is not None else None) or _body_hint(layout),
        title=title.text if title is not None else None,
        templates=templates,
    )
    outs = {"s2": s2_out, "s3": s3_out, "s4": s4_out}
    absent = {k: Cell.absent(ABSENT_ROW if t.found else ABSENT_TABLE) for k, t in outs.items()}
    cells = report.cells
    for code in cells:
        section = code[:2]
        cells[code] = outs[section].cells.get(code) or absent[section]
    if not any(cell.state is CellState.NUMBER for cell in cells.values()):
        raise IngestError(NO_TABLE_CELLS, source=layout.source)
    for table in outs.values():
        report.units.update(table.units)
        report.extra_rows.extend(table.extra)
        findings.extend(table.findings)
    report.narrative = {
        key: "\n".join(t for t in (collapse(x) for x in sections.narrative[key]) if t)
        for key in NARRATIVE_SECTIONS
        if key in sections.narrative
    }
    return ParseResult(report=report, findings=findings, source=layout.source, format=layout.format)


def _guess_s3_version(s2_out: TableOut, year: int | None) -> tuple[str, str]:
    if s2_out.version is not None:
        return s2_out.version, "第二张表的版本"
    if year is not None and template_for_year(year) is not None:
        return str(template_for_year(year)), f"报告年度{year}年"
    return "2021", "现行格式"


def _top_lines(layout: Layout, sections: Sections) -> Sequence[Line]:
    if sections.first_heading is None:
        return layout.lines[:40]
    return [line for line in layout.lines if line.pos < sections.first_heading][:40]


def _body_hint(layout: Layout) -> str | None:
    for hint in layout.body_hints:
        text = squash(hint).strip(":：")
        if 2 <= len(text) <= 60:
            return text
    return None


__all__ = ["AMBIGUOUS", "assemble"]
