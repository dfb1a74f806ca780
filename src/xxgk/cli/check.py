"""``xxgk check``: check one report or a whole batch (files, directories, ZIP archives, URLs) in parallel.

Results are printed as they arrive, in input order, and streamed into the summary files (``--summary`` XLSX,
``--csv``, ``--output-dir``); nothing but a small row per report is kept, so memory stays flat for batches
of thousands.
"""

from __future__ import annotations

import argparse
import json
from functools import partial
from pathlib import Path
from typing import TextIO

from xxgk.cli.basic import fetch_limits
from xxgk.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    load,
    parse_codes,
    print_findings,
    progress,
)
from xxgk.core.errors import XxgkError
from xxgk.core.findings import Severity
from xxgk.core.model import Report

#: Batches up to this size end with a table of every report; larger ones with the totals only.
TABLE_LIMIT = 100


def _known_parser_code(code: str) -> bool:
    from xxgk.ingest.codes import CODES

    return any(known.startswith(code) for known in CODES)


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xxgk.batch.check import CheckOptions, check_item, crashed
    from xxgk.batch.inputs import expand
    from xxgk.batch.runner import default_jobs, run_parallel
    from xxgk.batch.summary import SummaryError, open_summaries
    from xxgk.rules import check

    select = parse_codes(args.select)
    ignore = parse_codes(args.ignore)
    # Parser codes (P0xx) filter the parser's own findings; every other code goes to the rules.
    parser_codes = [c for c in (select or []) + (ignore or []) if c.startswith("P")]
    unknown = [c for c in parser_codes if not _known_parser_code(c)]
    if unknown:
        print(f"xxgk check: 未知的解析提示代码 (unknown parser code): {', '.join(unknown)}", file=err)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("xxgk check: --jobs 必须是正整数 (--jobs must be at least 1)", file=err)
        return EXIT_USAGE
    options = CheckOptions(
        select=tuple(select) if select else None,
        ignore=tuple(ignore) if ignore else None,
        fetch=fetch_limits(args),
    )
    # Validate --select/--ignore once, before any work, so a typo is a usage error.
    try:
        if options.run_rules:
            check(Report.empty("2021"), select=options.rule_select, ignore=options.rule_ignore)
    except XxgkError as exc:
        print(f"xxgk check: {exc.message}", file=err)
        return EXIT_USAGE
    if args.previous:
        prev = load(args.previous, fetch_limits=options.fetch)
        if prev.report is None:
            print(f"{prev.source}: 上一年度报告无法读取 (previous report unreadable): {prev.error}", file=err)
            return EXIT_UNREADABLE
        options = CheckOptions(previous=prev.report, select=options.select, ignore=options.ignore, fetch=options.fetch)

    expansion = expand(args.files)
    items = expansion.items
    if expansion.ignored:
        print(f"已跳过 {expansion.ignored} 个非报告文件（按扩展名）(skipped non-report files)", file=err)
    try:
        summaries = open_summaries(
            xlsx=Path(args.summary) if args.summary else None,
            csv_path=Path(args.csv) if args.csv else None,
            output_dir=Path(args.output_dir) if args.output_dir else None,
        )
    except SummaryError as exc:
        print(f"xxgk check: {exc.message}", file=err)
        return EXIT_USAGE

    single = len(args.files) == 1 and len(items) == 1 and items[0].name == args.files[0]
    jobs = args.jobs or default_jobs()
    results = run_parallel(partial(check_item, options=options), items, on_crash=crashed, jobs=jobs)
    rows: list[tuple[str, str, str, str, str, str]] = []
    totals = dict.fromkeys(Severity, 0)
    status_counts = {"通过": 0, "有错误": 0, "无法读取": 0}
    any_errors = any_unreadable = False
    json_started = False
    try:
        for outcome in progress(results, len(items), "检查"):
            summaries.add(outcome)
            c = outcome.counts
            status_counts[outcome.status] += 1
            for severity, n in c.items():
                totals[severity] += n
            any_unreadable |= outcome.error is not None
            any_errors |= outcome.error is None and outcome.has_errors
            if len(items) <= TABLE_LIMIT:
                e, w, i = (str(c[s]) if outcome.error is None else "" for s in Severity)
                rows.append((outcome.source, outcome.describe(), e, w, i, outcome.status))
            if args.format == "json":
                doc = json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1)
                if single:
                    print(doc, file=out)
                else:
                    print(("[\n" if not json_started else ",\n") + doc, end="", file=out)
                    json_started = True
                continue
            if outcome.error is not None:
                print(f"{outcome.source}: 无法读取 (unreadable): {outcome.error}", file=out)
                continue
            if args.quiet and not outcome.has_errors:
                continue
            print(
                f"{outcome.source}: {outcome.describe()}: "
                f"{c[Severity.ERROR]} 错误, {c[Severity.WARNING]} 警告, {c[Severity.INFO]} 提示",
                file=out,
            )
            if outcome.note:
                print(f"  （{outcome.note}）", file=out)
            if not args.quiet:
                print_findings(outcome.findings, out, hints=args.hints)
    except BaseException:
        results.close()  # stop the workers now, not when the generator is collected
        summaries.abort()
        raise
    try:
        summaries.close()
    except SummaryError as exc:
        print(f"xxgk check: {exc.message}", file=err)
        return EXIT_UNREADABLE
    for path in summaries.paths:
        print(f"已写入 {path}", file=err)

    if args.format == "json":
        if not single:
            print("\n]" if json_started else "[]", file=out)
    elif len(items) > 1:
        if rows:
            _summary_table(rows, out)
        print(
            f"共 {len(items)} 个文件：通过 {status_counts['通过']}，有错误 {status_counts['有错误']}，"
            f"无法读取 {status_counts['无法读取']}；问题：{totals[Severity.ERROR]} 错误，"
            f"{totals[Severity.WARNING]} 警告，{totals[Severity.INFO]} 提示",
            file=out,
        )
    if any_unreadable:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if any_errors else EXIT_OK


def _summary_table(rows: list[tuple[str, str, str, str, str, str]], out: TextIO) -> None:
    """Print the end-of-batch table (file, report, errors, warnings, info, status)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="汇总 / summary", show_lines=False)
    table.add_column("文件 file", overflow="fold")
    table.add_column("报告 report", overflow="fold")
    for name in ("错误", "警告", "提示", "状态 status"):
        table.add_column(name, no_wrap=True)
    for row in rows:
        table.add_row(*row)
    Console(file=out, width=max(100, Console(file=out).width)).print(table)
