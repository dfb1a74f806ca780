"""``xxgk aggregate``: sum the reports of one year and template into a combined report (汇总) and check it.

Exit codes are those of ``xxgk check`` (for the combined report); in addition, inputs that cannot be summed
together (different years or template versions, one body twice) are refused with exit code 2, and nothing
is written.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from xxgk.cli.basic import fetch_limits
from xxgk.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    counts,
    print_findings,
    progress,
    write_atomic,
)
from xxgk.core.errors import XxgkError
from xxgk.core.findings import Finding, Severity

if TYPE_CHECKING:
    from xxgk.batch.aggregate import Aggregation


def cmd_aggregate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xxgk.batch.aggregate import AggregationError, Aggregator
    from xxgk.batch.inputs import expand
    from xxgk.batch.load import load_report, report_crashed
    from xxgk.batch.runner import default_jobs, run_parallel
    from xxgk.render import get_renderer
    from xxgk.rules import check

    to_stdout = args.output == "-"
    fmt = args.to or ("" if to_stdout else Path(args.output).suffix)
    if not fmt:
        print("xxgk aggregate: 请用 --to 指定输出格式（json、md、html、xlsx）(give --to)", file=err)
        return EXIT_USAGE
    try:
        renderer = get_renderer(fmt)
    except XxgkError as exc:
        print(f"xxgk aggregate: {exc.message}", file=err)
        return EXIT_USAGE
    if to_stdout and renderer.name == "xlsx":
        print("xxgk aggregate: XLSX 是二进制格式，请用 -o 指定输出文件 (XLSX needs -o FILE)", file=err)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("xxgk aggregate: --jobs 必须是正整数 (--jobs must be at least 1)", file=err)
        return EXIT_USAGE
    info = err if to_stdout else out  # the combined report owns stdout when written there

    expansion = expand(args.files)
    if expansion.ignored:
        print(f"已跳过 {expansion.ignored} 个非报告文件（按扩展名）(skipped non-report files)", file=err)
    aggregator = Aggregator(treat_blank_as_zero=args.treat_blank_as_zero, body=args.body)
    worker = partial(load_report, fetch_limits=fetch_limits(args))
    results = run_parallel(worker, expansion.items, on_crash=report_crashed, jobs=args.jobs or default_jobs())
    try:
        for result in progress(results, len(expansion.items), "读取"):
            if result.report is None:
                aggregator.skip(result.source, result.error or "无法读取")
            else:
                aggregator.add(result.source, result.report)
    finally:
        results.close()
    try:
        aggregation = aggregator.result()
    except AggregationError as exc:
        for skipped in aggregator.skipped:
            print(f"{skipped.source}: 无法读取，未计入 (skipped): {skipped.reason}", file=err)
        print(f"xxgk aggregate: {exc.message}", file=err)
        return EXIT_USAGE
    combined = aggregation.report
    # The narrative of a combined report is generated (the list of bodies), so the narrative rules, which
    # judge what a body wrote, do not apply: the tables are checked.
    findings = check(replace(combined, narrative={}))
    data = renderer.render(combined)
    if to_stdout:
        out.write(data.decode("utf-8"))
    else:
        try:
            write_atomic(Path(args.output), data)
        except OSError as exc:
            print(f"xxgk aggregate: 无法写入 {args.output}: {exc.strerror or exc}", file=err)
            return EXIT_UNREADABLE

    if args.format == "json":
        print(json.dumps(_doc(aggregation, findings, args.output), ensure_ascii=False, indent=1), file=info)
    else:
        _print_text(aggregation, findings, args, info)
    if aggregation.skipped:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


def _print_text(aggregation: Aggregation, findings: list[Finding], args: argparse.Namespace, out: TextIO) -> None:
    report = aggregation.report
    year = f"{report.year}年度" if report.year is not None else "年度未知"
    print(f"汇总 {len(aggregation.included)} 个机关的报告（{year}，模板{report.template}）：", file=out)
    for item in aggregation.included:
        print(f"  + {item.label}  ({item.source})", file=out)
    for skipped in aggregation.skipped:
        print(f"  - {skipped.source}: 无法读取，未计入 (skipped): {skipped.reason}", file=out)
    for note in aggregation.notes:
        print(f"说明: {note}", file=out)
    for code, why in list(aggregation.incomplete.items())[:20]:
        print(f"  ? {code}: {why}", file=out)
    if len(aggregation.incomplete) > 20:
        print(f"  …… 另有 {len(aggregation.incomplete) - 20} 个单元格未能汇总", file=out)
    c = counts(findings)
    print(
        f"汇总结果检查：{c[Severity.ERROR]} 错误, {c[Severity.WARNING]} 警告, {c[Severity.INFO]} 提示",
        file=out,
    )
    print_findings(findings, out, hints=args.hints)
    if args.output != "-":
        print(f"已写入 {args.output}", file=out)


def _doc(aggregation: Aggregation, findings: list[Finding], output: str) -> dict[str, Any]:
    report = aggregation.report
    return {
        "output": output,
        "body": report.body,
        "year": report.year,
        "template": report.template,
        "templates": dict(report.templates),
        "included": [{"source": i.source, "body": i.body} for i in aggregation.included],
        "skipped": [{"source": s.source, "reason": s.reason} for s in aggregation.skipped],
        "incomplete": dict(aggregation.incomplete),
        "notes": list(aggregation.notes),
        "counts": {s.value: n for s, n in counts(findings).items()},
        "findings": [f.to_dict() for f in findings],
    }
