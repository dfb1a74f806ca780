"""The ``xxgk`` command.

Exit codes (documented in the README and in ``xxgk --help``):

* 0 — every input was read and no finding of error severity was raised;
* 1 — at least one finding of error severity;
* 2 — the command line was wrong (unknown option, unknown rule code, missing file argument);
* 3 — at least one input could not be read as a report (the others are still processed).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from xxgk import __version__
from xxgk.core.errors import XxgkError
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Report

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3

EPILOG = """\
退出码 / exit codes:
  0  全部读取成功，且没有"错误"级别的问题 (clean)
  1  至少一处"错误"级别的问题 (findings of error severity)
  2  命令行用法错误 (usage error, e.g. unknown rule code)
  3  至少一个文件无法作为年度报告读取 (unreadable input)
"""


@dataclass
class Loaded:
    """One input: either a report (with the parser's findings) or the reason it could not be read."""

    source: str
    report: Report | None = None
    format: str = ""
    parse_findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    result: Any = None  # the ingest ParseResult, for --explain


def load(path: str) -> Loaded:
    """Read one file as a report: the spec's report JSON, or any format the ingest parsers know."""
    from xxgk.ingest import parse_bytes

    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        return Loaded(source=path, error="文件不存在 (file not found)")
    except IsADirectoryError:
        return Loaded(source=path, error="这是一个目录，不是文件 (is a directory)")
    except OSError as exc:
        return Loaded(source=path, error=f"无法读取文件 (cannot read): {exc.strerror or exc}")
    if _looks_like_report_json(data):
        try:
            return Loaded(source=path, report=Report.from_json(data), format="json")
        except XxgkError as exc:
            return Loaded(source=path, error=f"报告 JSON 格式错误 (bad report JSON): {exc.message}")
    try:
        result = parse_bytes(data, source=path)
    except XxgkError as exc:
        reason = getattr(exc, "reason", None) or exc.message
        return Loaded(source=path, error=reason)
    return Loaded(
        source=path,
        report=result.report,
        format=result.format,
        parse_findings=list(result.findings),
        result=result,
    )


def _looks_like_report_json(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"xxgk.report/' in head


# -- output helpers ---------------------------------------------------------------------------------


def _progress(items: Sequence[str], label: str) -> Iterator[str]:
    """Yield ``items``; on a terminal, with more than one item, show a progress bar on stderr."""
    if len(items) < 2 or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=len(items))
        for item in items:
            yield item
            progress.advance(task)


def _counts(findings: Sequence[Finding]) -> dict[Severity, int]:
    out = dict.fromkeys(Severity, 0)
    for f in findings:
        out[f.severity] += 1
    return out


SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


def _describe(loaded: Loaded) -> str:
    r = loaded.report
    if r is None:
        return ""
    tmpl = r.template if not r.is_mixed else "/".join(f"{k}:{v}" for k, v in sorted(r.templates.items()))
    year = f"{r.year}年" if r.year is not None else "年份未知"
    return f"{r.body or '机关未知'} {year} 模板{tmpl}"


def _summary_table(rows: list[tuple[str, str, str, str, str, str]], out: TextIO) -> None:
    """Print the end-of-batch summary (file, report, errors, warnings, info, status)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="汇总 / summary", show_lines=False)
    for name in ("文件 file", "报告 report", "错误", "警告", "提示", "状态 status"):
        table.add_column(name)
    for row in rows:
        table.add_row(*row)
    Console(file=out, width=max(100, Console(file=out).width)).print(table)


# -- commands ---------------------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    loaded = [load(p) for p in _progress(args.files, "解析")]
    status = EXIT_OK
    for item in loaded:
        if item.error:
            print(f"{item.source}: 无法读取 (unreadable): {item.error}", file=err)
            status = EXIT_UNREADABLE
    good = [item for item in loaded if item.report is not None]
    if args.explain:
        from xxgk.ingest import explain

        for item in good:
            if item.result is not None:
                print(explain(item.result), file=out)
            else:
                print(f"{item.source}: 报告 JSON 没有来源信息可解释 (JSON input has no source to explain)", file=out)
        return status
    if args.format == "json":
        docs = [item.report.to_dict() for item in good if item.report is not None]
        payload: Any = docs[0] if len(args.files) == 1 and docs else docs
        if docs or len(args.files) > 1:
            print(json.dumps(payload, ensure_ascii=False, indent=1), file=out)
    else:
        from xxgk.cli.tables import report_table

        for item in good:
            assert item.report is not None
            print(report_table(item.report, item.source), file=out)
    return status


def _parse_codes(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    codes: list[str] = []
    for value in values:
        codes.extend(c.strip().upper() for c in value.split(",") if c.strip())
    return codes


def cmd_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xxgk.rules import check

    select = _parse_codes(args.select)
    ignore = _parse_codes(args.ignore)
    # Parser codes (P0xx) filter the parser's own findings; every other code goes to the rules.
    parser_codes = [c for c in (select or []) + (ignore or []) if c.startswith("P")]
    unknown = [c for c in parser_codes if not _known_parser_code(c)]
    if unknown:
        print(f"xxgk check: 未知的解析提示代码 (unknown parser code): {', '.join(unknown)}", file=err)
        return EXIT_USAGE
    rule_select = [c for c in select if not c.startswith("P")] if select else None
    rule_ignore = [c for c in ignore if not c.startswith("P")] if ignore else None
    run_rules = not select or bool(rule_select)  # selecting only parser codes runs no rule
    previous: Report | None = None
    if args.previous:
        prev = load(args.previous)
        if prev.report is None:
            print(f"{prev.source}: 上一年度报告无法读取 (previous report unreadable): {prev.error}", file=err)
            return EXIT_UNREADABLE
        previous = prev.report
    # Validate --select/--ignore once, before any work, so a typo is a usage error.
    try:
        if run_rules:
            check(Report.empty("2021"), select=rule_select, ignore=rule_ignore)
    except XxgkError as exc:
        print(f"xxgk check: {exc.message}", file=err)
        return EXIT_USAGE

    results: list[tuple[Loaded, list[Finding]]] = []
    for path in _progress(args.files, "检查"):
        item = load(path)
        findings: list[Finding] = []
        if item.report is not None:
            findings = _select(item.parse_findings, select, ignore)
            if run_rules:
                findings += check(item.report, previous=previous, select=rule_select, ignore=rule_ignore)
        results.append((item, findings))

    status = EXIT_OK
    if any(item.report is not None and any(f.severity is Severity.ERROR for f in fs) for item, fs in results):
        status = EXIT_FINDINGS
    if any(item.error for item, _ in results):
        status = EXIT_UNREADABLE

    if args.format == "json":
        docs = [_check_doc(item, fs) for item, fs in results]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=1), file=out)
        return status

    for item, findings in results:
        if item.error:
            print(f"{item.source}: 无法读取 (unreadable): {item.error}", file=out)
            continue
        c = _counts(findings)
        print(
            f"{item.source}: {_describe(item)}: "
            f"{c[Severity.ERROR]} 错误, {c[Severity.WARNING]} 警告, {c[Severity.INFO]} 提示",
            file=out,
        )
        for f in findings:
            cells = f" [{', '.join(f.cells[:6])}{' …' if len(f.cells) > 6 else ''}]" if f.cells else ""
            print(f"  {f.code} {SEVERITY_ZH[f.severity]}: {f.message}{cells}", file=out)
            if f.hint and args.hints:
                print(f"      提示: {f.hint}", file=out)
    if len(results) > 1:
        rows = []
        for item, findings in results:
            c = _counts(findings)
            if item.error:
                rows.append((item.source, "", "", "", "", "无法读取"))
            else:
                ok = "通过" if not c[Severity.ERROR] else "有错误"
                rows.append(
                    (
                        item.source,
                        _describe(item),
                        str(c[Severity.ERROR]),
                        str(c[Severity.WARNING]),
                        str(c[Severity.INFO]),
                        ok,
                    )
                )
        _summary_table(rows, out)
    return status


def _known_parser_code(code: str) -> bool:
    from xxgk.ingest.codes import CODES

    return any(known.startswith(code) for known in CODES)


def _select(findings: list[Finding], select: list[str] | None, ignore: list[str] | None) -> list[Finding]:
    def wanted(code: str) -> bool:
        if select and not any(code.startswith(s) for s in select):
            return False
        return not (ignore and any(code.startswith(i) for i in ignore))

    return [f for f in findings if wanted(f.code)]


def _check_doc(item: Loaded, findings: list[Finding]) -> dict[str, Any]:
    doc: dict[str, Any] = {"source": item.source}
    if item.report is None:
        doc["error"] = item.error
        return doc
    r = item.report
    doc.update(
        {
            "format": item.format,
            "body": r.body,
            "year": r.year,
            "template": r.template,
            "counts": {s.value: n for s, n in _counts(findings).items()},
            "findings": [f.to_dict() for f in findings],
        }
    )
    if r.templates:
        doc["templates"] = dict(r.templates)
    return doc


def cmd_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xxgk.render import render

    item = load(args.file)
    if item.report is None:
        print(f"{item.source}: 无法读取 (unreadable): {item.error}", file=err)
        return EXIT_UNREADABLE
    try:
        data = render(item.report, args.to)
    except XxgkError as exc:
        print(f"xxgk render: {exc.message}", file=err)
        return EXIT_USAGE
    if args.output == "-":
        if args.to == "xlsx":
            print("xxgk render: XLSX 是二进制格式，请用 -o 指定输出文件 (XLSX needs -o FILE)", file=err)
            return EXIT_USAGE
        out.write(data.decode("utf-8"))
        return EXIT_OK
    target = Path(args.output)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)  # never leave a half-written output behind
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        print(f"xxgk render: 无法写入 {target}: {exc.strerror or exc}", file=err)
        return EXIT_UNREADABLE
    print(f"已写入 {target} ({len(data)} 字节)", file=err)
    return EXIT_OK


def cmd_rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xxgk.rules import all_rules

    rules = all_rules()
    if args.format == "json":
        docs = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.value,
                "templates": list(r.templates),
                "message": r.message,
                "hint": r.hint,
                "needs_previous": r.needs_previous,
            }
            for r in rules
        ]
        print(json.dumps(docs, ensure_ascii=False, indent=1), file=out)
        return EXIT_OK
    for r in rules:
        prev = " (需上一年度报告)" if r.needs_previous else ""
        print(f"{r.code}  {SEVERITY_ZH[r.severity]:<2}  {r.name}: {r.message}{prev}", file=out)
    return EXIT_OK


# -- argument parsing -------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits with EXIT_USAGE."""

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 错误 (error): {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xxgk",
        description="政府信息公开工作年度报告：解析、检查、渲染 (parse, check and render annual reports)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"xxgk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("parse", help="读取报告，输出结构化数据 (report JSON or a table)", epilog=EPILOG)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--format", choices=("json", "table"), default="json")
    p.add_argument("--explain", action="store_true", help="逐个单元格显示取值来源 (where each value came from)")
    p.set_defaults(func=cmd_parse)

    c = sub.add_parser("check", help="检查报告的勾稽关系等问题 (run the rules)", epilog=EPILOG)
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--previous", metavar="FILE", help="上一年度报告，用于跨年度检查 (previous year's report)")
    c.add_argument("--select", action="append", metavar="CODES", help="只运行这些规则（代码或前缀，逗号分隔）")
    c.add_argument("--ignore", action="append", metavar="CODES", help="不运行这些规则（代码或前缀，逗号分隔）")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--no-hints", dest="hints", action="store_false", help="不显示修改提示")
    c.set_defaults(func=cmd_check)

    r = sub.add_parser("render", help="按官方版式输出报告 (json, md, html, xlsx)", epilog=EPILOG)
    r.add_argument("file", metavar="FILE")
    r.add_argument("--to", required=True, choices=("json", "md", "html", "xlsx"))
    r.add_argument("-o", "--output", required=True, metavar="OUT", help="输出文件，- 表示标准输出")
    r.set_defaults(func=cmd_render)

    ru = sub.add_parser("rules", help="列出全部检查规则 (list the rules)")
    ru.add_argument("--format", choices=("text", "json"), default="text")
    ru.set_defaults(func=cmd_rules)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    func: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.func
    try:
        return func(args, out, err)
    except XxgkError as exc:
        print(f"xxgk: {exc.message}", file=err)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("xxgk: 已中断 (interrupted)", file=err)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def entry() -> None:
    raise SystemExit(main())


if __name__ == "__main__":
    entry()
