"""A human-readable account of a parse: every cell code, its value or state, and where it came from."""

from __future__ import annotations

from xxgk.core.model import Cell, CellState
from xxgk.ingest.base import ParseResult

#: Each cell state in words.
STATE_ZH = {
    CellState.NUMBER: "数值",
    CellState.BLANK: "空白",
    CellState.UNREADABLE: "无法读取",
    CellState.ABSENT: "未印",
}


def explain(result: ParseResult) -> str:
    """Every cell of the report with its value/state and provenance, then extra rows and findings."""
    report = result.report
    out: list[str] = [f"# {result.source} （格式 {result.format}）"]
    out.append(f"标题: {report.title or '（未识别）'}")
    out.append(
        f"机关: {report.body or '（未识别）'}    年度: {report.year if report.year is not None else '（未识别）'}"
    )
    templates = f"{report.template}"
    if report.templates:
        templates += "（" + "，".join(f"{k}: {v}" for k, v in sorted(report.templates.items())) + "）"
    out.append(f"模板: {templates}")
    width = max((len(spec.code) for spec in report.specs), default=0)
    out.append("")
    out.append("单元格 cells:")
    for spec, cell in report.iter_cells():
        unit = report.units.get(spec.code)
        value = value_text(cell) + (f" [单位: {unit}]" if unit else "")
        where = cell.source.describe() if cell.source is not None else "—"
        note = f"  ({cell.note})" if cell.note else ""
        out.append(f"  {spec.code:<{width}}  {value:<12}  {where}{note}    «{spec.label}»")
    if report.extra_rows:
        out.append("")
        out.append("未能归入模板的行 extra rows:")
        for row in report.extra_rows:
            where = row.source.describe() if row.source is not None else "—"
            out.append(f"  [{row.section}] {row.label or '（无标签）'}: {' | '.join(row.values)}    {where}")
    if report.narrative:
        out.append("")
        out.append("叙述部分 narrative:")
        for key, text in report.narrative.items():
            preview = text.replace("\n", " ")
            preview = preview if len(preview) <= 60 else preview[:60] + "…"
            out.append(f"  {key}: {len(text)}字  {preview}")
    if result.findings:
        out.append("")
        out.append("解析提示 parser findings:")
        for f in result.findings:
            cells = f"  [{', '.join(f.cells)}]" if f.cells else ""
            out.append(f"  {f.code} {f.severity.value}: {f.message}{cells}")
            if f.hint:
                out.append(f"        {f.hint}")
    return "\n".join(out) + "\n"


def value_text(cell: Cell) -> str:
    """A cell's value as read, or its state in words when it holds no number."""
    if cell.state is CellState.NUMBER:
        return str(cell.value)
    return STATE_ZH[cell.state]
