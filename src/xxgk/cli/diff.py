"""``xxgk diff A B``: what changed between two reports, cell by cell, with the cross-year rules.

Exit codes: 0 — the two reports are identical (every cell, and body, year, template versions and units);
1 — they differ; 2 — usage error; 3 — one of them cannot be read. The cross-year findings are printed but
do not change the exit code (use ``xxgk check B --previous A`` for that).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO

from xxgk.cli.basic import fetch_limits
from xxgk.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, describe, load, print_findings
from xxgk.cli.tables import pad, width

if TYPE_CHECKING:
    from xxgk.batch.diff import CellDiff, CrossYear, ReportDiff
    from xxgk.core.model import Report


def cmd_diff(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xxgk.batch.diff import cross_year, diff

    limits = fetch_limits(args)
    a, b = load(args.a, fetch_limits=limits), load(args.b, fetch_limits=limits)
    unreadable = False
    for item in (a, b):
        if item.report is None:
            print(f"{item.source}: 无法读取 (unreadable): {item.error}", file=err)
            unreadable = True
    if unreadable or a.report is None or b.report is None:
        return EXIT_UNREADABLE
    result = diff(a.report, b.report)
    cross = cross_year(a.report, b.report)
    if args.format == "json":
        print(json.dumps(_doc(args, a.report, b.report, result, cross), ensure_ascii=False, indent=1), file=out)
    else:
        print(f"A: {a.source} — {describe(a)}", file=out)
        print(f"B: {b.source} — {describe(b)}", file=out)
        _print_text(result, cross, args.all, args.hints, out)
    return EXIT_OK if result.identical else EXIT_FINDINGS


def _row(cells: list[str], sizes: list[int]) -> str:
    return "  ".join(pad(text, sizes[i], right=i >= 2) for i, text in enumerate(cells)).rstrip()


def _print_text(result: ReportDiff, cross: CrossYear, all_cells: bool, hints: bool, out: TextIO) -> None:
    from xxgk.batch.diff import TABLES

    if result.meta:
        print("\n基本信息 (metadata):", file=out)
        for m in result.meta:
            print(f"  {m.label}: {m.a} → {m.b}", file=out)
    for table, cells in result.by_table(all_cells=all_cells).items():
        changed = sum(c.changed for c in cells) if all_cells else len(cells)
        print(f"\n{TABLES[table]}（{changed} 处不同）", file=out)
        if not cells:
            continue
        rows = [["代码 code", "项目 label", "A", "B", "差值 B−A"]]
        rows += [_cells(c) for c in cells]
        sizes = [max(width(r[i]) for r in rows) for i in range(5)]
        for i, row in enumerate(rows):
            mark = "  " if i == 0 or not all_cells else ("* " if cells[i - 1].changed else "  ")
            print(mark + _row(row, sizes), file=out)
    n = len(result.changed_cells)
    print(file=out)
    if cross.skipped:
        print(f"跨年度核对 (cross-year): {cross.skipped}", file=out)
    elif cross.findings is not None:
        later, earlier = ("B", "A") if cross.previous == "a" else ("A", "B")
        print(f"跨年度核对 (cross-year, {later} 为本年、{earlier} 为上一年)：{len(cross.findings)} 个问题", file=out)
        print_findings(cross.findings, out, hints=hints)
    if result.identical:
        print("两份报告相同 (identical)", file=out)
    else:
        print(f"共 {n} 个单元格不同{'，基本信息有变化' if result.meta else ''} (reports differ)", file=out)


def _cells(c: CellDiff) -> list[str]:
    from xxgk.batch.diff import describe_cell, describe_difference

    return [c.code, c.label, describe_cell(c.a), describe_cell(c.b), describe_difference(c.difference)]


def _doc(args: argparse.Namespace, a: Report, b: Report, result: ReportDiff, cross: CrossYear) -> dict[str, Any]:
    from xxgk.batch.diff import cell_diff_json

    def meta(source: str, r: Report) -> dict[str, Any]:
        return {"source": source, "body": r.body, "year": r.year, "template": r.template, "templates": r.templates}

    tables = {f"s{t}": [cell_diff_json(c) for c in cells] for t, cells in result.by_table(all_cells=args.all).items()}
    doc: dict[str, Any] = {
        "a": meta(args.a, a),
        "b": meta(args.b, b),
        "identical": result.identical,
        "changed": len(result.changed_cells),
        "meta": [{"field": m.field, "label": m.label, "a": m.a, "b": m.b} for m in result.meta],
        "tables": tables,
    }
    if cross.skipped:
        doc["cross_year"] = {"skipped": cross.skipped}
    else:
        doc["cross_year"] = {
            "previous": cross.previous,
            "findings": [f.to_dict() for f in cross.findings or []],
        }
    return doc
