"""CSV and XLSX formats of the registers: downloadable templates, exports, and the validating readers.

Reading is in two steps, both before anything is written: :func:`read_table` turns an upload into rows of cell
values (refusing junk, oversized files, zip bombs, legacy ``.xls`` and spreadsheet formulas), then
:func:`parse_documents` / :func:`parse_figures` check every row and column and either return the parsed rows or
raise :class:`~xxgk.web.registers.data.ImportRejected` listing *every* problem as "第3行「采购总金额」：应为数字，
实际为 'abc'". Row numbers are the spreadsheet's (the header is row 1).

Writing keeps every text cell that a spreadsheet would run as a formula (``= + - @`` and tab/CR at the start) a text
(:mod:`xxgk.core.cellsafe`): in CSV with a leading apostrophe, which the reader strips again; in XLSX as a string
cell with Excel's quote prefix, which the reader takes as text. An export can be re-imported unchanged.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xxgk.core.cellsafe import csv_text, formula_like, put_text, put_value
from xxgk.core.table2 import (
    DocKind,
    FigureField,
    FigureItem,
    document_errors,
    figure_errors,
    format_number,
    parse_amount,
    parse_count,
)
from xxgk.web.registers.data import AmendmentData, DocumentData, FigureData, ImportRejected, RowError

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 40 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 40

Cell = str | date | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


DOCUMENT_COLUMNS: tuple[Column, ...] = (
    Column("kind", "类别", ("文件类别", "类型"), True, "规章 或 行政规范性文件"),
    Column("title", "标题", ("文件名称", "名称", "文件标题"), True),
    Column("doc_number", "文号", ("发文字号", "文件编号", "令号"), True, "在本机关内唯一；已登记的文号将更新该文件"),
    Column("issued_on", "制发日期", ("印发日期", "成文日期"), True, "如 2020-05-01"),
    Column("published_on", "公开日期", (), False, "未公开的留空"),
    Column("effective_on", "施行日期", ("生效日期",)),
    Column("expires_on", "有效期至", ("有效期截止日期",), False, "有效期的最后一天；长期有效的留空"),
    Column("repealed_on", "废止日期", (), False, "废止（含宣布失效）生效之日；有效期届满自然失效的不填"),
    Column("amendments", "修改日期", ("修订日期",), False, "多个日期用分号隔开；已登记的不会重复"),
    Column("note", "备注"),
)

FIGURE_COLUMNS: tuple[Column, ...] = (
    Column("year", "年度", ("统计年度",), True, "如 2020"),
    Column("item", "项目", ("事项", "统计项目"), True, "、".join(i.label for i in FigureItem)),
    Column("prev_items", "上一年项目数量", (), False, "2019、2020年度填写"),
    Column("change", "本年增/减", ("本年增减", "本年增/减数量"), False, "2019、2020年度填写；减少用负数"),
    Column("decisions", "处理决定数量", ("本年处理决定数量", "办件量"), False),
    Column("projects", "采购项目数量", (), False, "政府集中采购（2019、2020年度）"),
    Column("procurement_amount", "采购总金额（万元）", ("采购总金额", "采购金额"), False, "单位万元；写“元”的自动换算"),
    Column(
        "fee_amount",
        "本年收费金额（万元）",
        ("本年收费金额", "收费金额"),
        False,
        "行政事业性收费（2021年起），单位万元",
    ),
    Column("source", "数据来源", ("来源",), True, "数据来自的系统或文件，必填"),
)


def _key(text: str) -> str:
    """Header text reduced for matching: width-normalised, no spaces or required markers, no (unit) suffix."""
    value = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("*", "")
    return re.sub(r"\(.*\)$", "", value)


# -- reading ----------------------------------------------------------------------------------------------------


def _reject(message: str) -> ImportRejected:
    return ImportRejected([RowError(0, "", message)])


def _xlsx_value(value: Any) -> Cell:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_number(Decimal(repr(value)))
    return str(value)


def _read_xlsx(data: bytes) -> list[tuple[int, list[Cell]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise _reject("XLSX 文件解压后过大，请拆分后分批导入")
    except zipfile.BadZipFile:
        raise _reject("不是有效的 XLSX 文件") from None
    import openpyxl  # heavy; only needed here

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise _reject("不是有效的 XLSX 文件，或文件已损坏") from None
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list[Cell]]] = []
        formulas: list[RowError] = []
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            values: list[Cell] = []
            for cell in row:
                raw = cell.value
                quoted = getattr(getattr(cell, "style_array", None), "quotePrefix", False)  # text, as we write it
                is_formula = getattr(cell, "data_type", "") == "f" or (
                    isinstance(raw, str) and raw.startswith("=") and not quoted
                )
                if is_formula or type(raw).__name__ in ("ArrayFormula", "DataTableFormula"):
                    formulas.append(RowError(number, f"第{len(values) + 1}列", "不接受公式，请改为填写数值或文字"))
                    values.append(None)
                else:
                    values.append(_xlsx_value(raw))
            rows.append((number, values))
            if len(rows) > MAX_ROWS + 1:
                raise _reject(f"行数超过上限（{MAX_ROWS} 行），请拆分后分批导入")
    finally:
        workbook.close()
    if formulas:
        raise ImportRejected(formulas)
    return rows


def _read_csv(data: bytes) -> list[tuple[int, list[Cell]]]:
    if b"\x00" in data:
        raise _reject("不是有效的 CSV 文件（含有二进制内容）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise _reject("无法识别 CSV 文件的编码，请另存为 UTF-8")
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            rows.append((number, list(row[:MAX_COLUMNS])))
            if len(rows) > MAX_ROWS + 1:
                raise _reject(f"行数超过上限（{MAX_ROWS} 行），请拆分后分批导入")
    except csv.Error:
        raise _reject("CSV 文件格式有误") from None
    return rows


def read_table(*, name: str, data: bytes) -> list[tuple[int, list[Cell]]]:
    """The rows of an uploaded CSV or XLSX file as ``(row number, cells)``; ImportRejected for anything else."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _reject(f"文件过大（上限 {MAX_UPLOAD_BYTES // 1024 // 1024} MB），请拆分后分批导入")
    if not data.strip():
        raise _reject("文件是空的")
    lower = name.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _reject("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if lower.endswith((".csv", ".txt")):
        return _read_csv(data)
    raise _reject("只接受 CSV 或 XLSX 文件")


# -- parsing ----------------------------------------------------------------------------------------------------

_DATE_RES = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Cell) -> date:
    if isinstance(value, date):
        return value
    text = unicodedata.normalize("NFKC", value or "").strip().lstrip("'")
    for pattern in _DATE_RES:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    raise ValueError(f"应为日期（如 2020-05-01），实际为 '{(value or '').strip()}'")


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip()
    return text[1:] if text[:1] == "'" and formula_like(text[1:]) else text  # the apostrophe of :func:`csv_text`


def _is_blank(values: Sequence[Cell]) -> bool:
    return all(_text(v) == "" for v in values)


class _Sheet:
    """Header mapping and per-cell parsing with error collection."""

    def __init__(self, rows: list[tuple[int, list[Cell]]], columns: tuple[Column, ...]) -> None:
        self.errors: list[RowError] = []
        self.columns = {c.key: c for c in columns}
        self.body: list[tuple[int, list[Cell]]] = []
        self.index: dict[str, int] = {}
        header_seen = False
        for number, values in rows:
            if _is_blank(values):
                continue
            if not header_seen:
                header_seen = True
                self._map_header(number, values, columns)
                continue
            self.body.append((number, values))
        if not header_seen:
            self.errors.append(RowError(0, "", "文件中没有表头和数据"))
        elif not self.body and not self.errors:
            self.errors.append(RowError(0, "", "文件中没有数据行"))

    def _map_header(self, number: int, values: list[Cell], columns: tuple[Column, ...]) -> None:
        lookup: dict[str, str] = {}
        for column in columns:
            for name in (column.label, *column.aliases):
                lookup[_key(name)] = column.key
        for position, value in enumerate(values):
            key = lookup.get(_key(_text(value)))
            if key is None:
                continue
            if key in self.index:
                self.errors.append(RowError(number, _text(value), "表头重复"))
            self.index[key] = position
        for column in columns:
            if column.required and column.key not in self.index:
                self.errors.append(RowError(number, column.label, "缺少这一列（请使用下载的模板）"))

    def cell(self, values: list[Cell], key: str) -> Cell:
        position = self.index.get(key)
        if position is None or position >= len(values):
            return None
        value = values[position]
        return None if isinstance(value, str) and value.strip() == "" else value

    def parse(self, number: int, values: list[Cell], key: str, parser: Callable[[Cell], Any]) -> Any:
        value = self.cell(values, key)
        if value is None:
            if self.columns[key].required and key in self.index:  # a missing column is reported once, on row 1
                self.errors.append(RowError(number, self.columns[key].label, "不能为空"))
            return None
        try:
            return parser(value)
        except ValueError as exc:
            self.errors.append(RowError(number, self.columns[key].label, str(exc)))
            return None


def _doc_kind(value: Cell) -> DocKind:
    text = _text(value)
    if text in ("规章", DocKind.REGULATION.value):
        return DocKind.REGULATION
    if text in ("行政规范性文件", "规范性文件", DocKind.NORMATIVE.value):
        return DocKind.NORMATIVE
    raise ValueError(f"应为“规章”或“行政规范性文件”，实际为 '{text}'")


def _dates(value: Cell) -> tuple[date, ...]:
    if isinstance(value, date):
        return (value,)
    parts = [p for p in re.split(r"[;；,，、\s]+", _text(value)) if p]
    return tuple(sorted({parse_date(p) for p in parts}))


def _limited(limit: int) -> Callable[[Cell], str]:
    def parse(value: Cell) -> str:
        text = _text(value)
        if len(text) > limit:
            raise ValueError(f"不能超过 {limit} 个字")
        return text

    return parse


def parse_documents(rows: list[tuple[int, list[Cell]]]) -> list[tuple[int, DocumentData]]:
    """Every document row parsed and checked (dates, lifecycle, duplicate 文号), or ImportRejected."""
    sheet = _Sheet(rows, DOCUMENT_COLUMNS)
    if sheet.errors:  # no usable header: row-by-row messages would only repeat it
        raise ImportRejected(sheet.errors)
    out: list[tuple[int, DocumentData]] = []
    seen: dict[str, int] = {}
    for number, values in sheet.body:
        before = len(sheet.errors)
        kind = sheet.parse(number, values, "kind", _doc_kind)
        title = sheet.parse(number, values, "title", _limited(300))
        doc_number = sheet.parse(number, values, "doc_number", _limited(100))
        issued = sheet.parse(number, values, "issued_on", parse_date)
        dates = {k: sheet.parse(number, values, k, parse_date) for k in ("published_on", "effective_on", "expires_on")}
        repealed = sheet.parse(number, values, "repealed_on", parse_date)
        amended = sheet.parse(number, values, "amendments", _dates) or ()
        note = sheet.parse(number, values, "note", _limited(2000)) or ""
        if doc_number:
            if doc_number in seen:
                sheet.errors.append(RowError(number, "文号", f"与第{seen[doc_number]}行重复"))
            seen.setdefault(doc_number, number)
        if len(sheet.errors) > before:
            continue
        data = DocumentData(
            kind=kind,
            title=title,
            doc_number=doc_number,
            issued_on=issued,
            published_on=dates["published_on"],
            effective_on=dates["effective_on"],
            expires_on=dates["expires_on"],
            repealed_on=repealed,
            note=note,
            amendments=tuple(AmendmentData(amended_on=d) for d in amended),
        )
        labels = {c.key: c.label for c in DOCUMENT_COLUMNS}
        for field, message in document_errors(data.core()):
            sheet.errors.append(RowError(number, labels.get(field, "修改日期"), message))
        out.append((number, data))
    if sheet.errors:
        raise ImportRejected(sheet.errors)
    return out


_ITEMS_BY_NAME = {**{i.label: i for i in FigureItem}, **{i.value: i for i in FigureItem}, "规费": FigureItem.FEES}


def _figure_item(value: Cell) -> FigureItem:
    text = _text(value)
    item = _ITEMS_BY_NAME.get(text)
    if item is None:
        raise ValueError(f"应为{'、'.join(i.label for i in FigureItem)}之一，实际为 '{text}'")
    return item


def _year(latest: int) -> Callable[[Cell], int]:
    def parse(value: Cell) -> int:
        year = parse_count(_text(value).removesuffix("年"))
        if not 2019 <= year <= latest:
            raise ValueError(f"应为 2019—{latest} 之间的年份，实际为 '{_text(value)}'")
        return year

    return parse


def _count(value: Cell) -> int:
    return parse_count(_text(value))


def _signed(value: Cell) -> int:
    return parse_count(_text(value), signed=True)


def _amount(value: Cell) -> Decimal:
    return parse_amount(_text(value))


def figure_column_label(field: str, item: FigureItem) -> str:
    """The import/export column that holds ``field`` of ``item``."""
    if field == FigureField.AMOUNT.value:
        key = "procurement_amount" if item is FigureItem.PROCUREMENT else "fee_amount"
        return next(c.label for c in FIGURE_COLUMNS if c.key == key)
    return next((c.label for c in FIGURE_COLUMNS if c.key == field), "")


def parse_figures(rows: list[tuple[int, list[Cell]]], *, latest_year: int) -> list[tuple[int, FigureData]]:
    """Every figure row parsed and checked against its year's template, or ImportRejected."""
    sheet = _Sheet(rows, FIGURE_COLUMNS)
    if sheet.errors:  # no usable header: row-by-row messages would only repeat it
        raise ImportRejected(sheet.errors)
    out: list[tuple[int, FigureData]] = []
    seen: dict[tuple[int, FigureItem], int] = {}
    for number, values in sheet.body:
        before = len(sheet.errors)
        year = sheet.parse(number, values, "year", _year(latest_year))
        item = sheet.parse(number, values, "item", _figure_item)
        numbers = {
            "prev_items": sheet.parse(number, values, "prev_items", _count),
            "change": sheet.parse(number, values, "change", _signed),
            "decisions": sheet.parse(number, values, "decisions", _count),
            "projects": sheet.parse(number, values, "projects", _count),
        }
        procurement_amount = sheet.parse(number, values, "procurement_amount", _amount)
        fee_amount = sheet.parse(number, values, "fee_amount", _amount)
        source = sheet.parse(number, values, "source", _limited(2000))
        if len(sheet.errors) > before or year is None or item is None:
            continue
        amount = procurement_amount if item is FigureItem.PROCUREMENT else fee_amount
        wrong = fee_amount if item is FigureItem.PROCUREMENT else procurement_amount
        if wrong is not None:
            label = "本年收费金额（万元）" if item is FigureItem.PROCUREMENT else "采购总金额（万元）"
            sheet.errors.append(RowError(number, label, f"「{item.label}」不填这一栏，请留空"))
        if (year, item) in seen:
            sheet.errors.append(RowError(number, "项目", f"{year}年「{item.label}」与第{seen[(year, item)]}行重复"))
        seen.setdefault((year, item), number)
        data = FigureData(year=year, item=item, source=source or "", amount=amount, **numbers)
        for field, message in figure_errors(data.core()):
            label = {"year": "年度", "item": "项目", "source": "数据来源"}.get(field) or figure_column_label(
                field, item
            )
            sheet.errors.append(RowError(number, label, message))
        out.append((number, data))
    if sheet.errors:
        raise ImportRejected(sheet.errors)
    return out


# -- writing ----------------------------------------------------------------------------------------------------

#: The created/modified time written into every XLSX (determinism: the same rows give the same bytes).
_FIXED_TIME = datetime(2000, 1, 1)  # noqa: DTZ001 - a constant stamp, not a point in time
Out = str | int | Decimal | date | None


def _csv_value(value: Out) -> str:
    """A CSV field: numbers as numbers (a negative one is not a formula), text never run as a formula."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, int):
        return str(value)
    return csv_text(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Out]]) -> bytes:
    """UTF-8 with BOM (spreadsheet programs then read the Chinese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_text(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Out]], *, notes: Sequence[str] = ()) -> bytes:
    """The XLSX bytes (sheet 数据, and 填写说明 when there are ``notes``); the same rows always give the same bytes
    (fixed document times, ZIP entries repacked by :func:`xxgk.render.zipfix.workbook_bytes`)."""
    import openpyxl

    from xxgk.render.zipfix import workbook_bytes  # imports openpyxl's writer: only needed here

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    for number, values in enumerate((header, *rows), start=1):
        for col, value in enumerate(values, start=1):
            put_value(sheet.cell(row=number, column=col), value)
    for cell in sheet[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 16
    if notes:
        help_sheet = workbook.create_sheet("填写说明")
        for number, line in enumerate(notes, start=1):
            put_text(help_sheet.cell(row=number, column=1), line)
        help_sheet.column_dimensions["A"].width = 100
    props = workbook.properties
    props.created = props.modified = _FIXED_TIME
    props.creator = props.lastModifiedBy = "xxgk"
    return workbook_bytes(workbook)


def column_notes(columns: tuple[Column, ...]) -> list[str]:
    lines = ["第一行为表头，请勿修改；从第二行起每行一条记录。标 * 的列必填。", "整个文件任何一行有错都不会导入。"]
    for c in columns:
        mark = "*" if c.required else ""
        lines.append(f"{c.label}{mark}：{c.help}" if c.help else f"{c.label}{mark}")
    return lines


DOCUMENT_EXAMPLES: list[list[Out]] = [
    [
        "行政规范性文件",
        "关于印发某某管理办法的通知",
        "某府发〔2020〕1号",
        date(2020, 3, 2),
        date(2020, 3, 5),
        date(2020, 4, 1),
        date(2025, 3, 31),
        None,
        "",
        "",
    ],
]
FIGURE_EXAMPLES: list[list[Out]] = [
    [2020, "行政许可", 12, -3, 140, None, None, None, "区政务服务平台 2020 年统计"],
    [2020, "政府集中采购", None, None, None, 95, Decimal("589.08"), None, "政府采购云平台 2020 年采购台账"],
    [2021, "行政事业性收费", None, None, None, None, None, Decimal("12.5"), "非税收入系统 2021 年报表"],
]


def document_row(doc: Any) -> list[Out]:
    """The export row of a :class:`~xxgk.web.registers.models.NormativeDocument` (amendments prefetched)."""
    amendments = "；".join(a.amended_on.isoformat() for a in doc.amendments.all())
    return [
        doc.get_kind_display(),
        doc.title,
        doc.doc_number,
        doc.issued_on,
        doc.published_on,
        doc.effective_on,
        doc.expires_on,
        doc.repealed_on,
        amendments,
        doc.note,
    ]


def figure_row(fig: Any) -> list[Out]:
    """The export row of a :class:`~xxgk.web.registers.models.YearlyFigure`."""
    item = FigureItem(fig.item)
    amount = None if fig.amount is None else Decimal(fig.amount).normalize()
    return [
        fig.year,
        item.label,
        fig.prev_items,
        fig.change,
        fig.decisions,
        fig.projects,
        amount if item is FigureItem.PROCUREMENT else None,
        amount if item is not FigureItem.PROCUREMENT else None,
        fig.source,
    ]
