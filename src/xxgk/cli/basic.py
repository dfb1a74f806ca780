"""``xxgk parse``, ``xxgk render`` and ``xxgk rules``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from xxgk.cli.common import EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, SEVERITY_ZH, Loaded, load, progress
from xxgk.core.errors import XxgkError


def fetch_limits(args: argparse.Namespace) -> Any:
    from xxgk.batch.fetch import FetchLimits

    timeout = getattr(args, "timeout", None)
    return FetchLimits(timeout=timeout) if timeout else FetchLimits()


def _explain_html(good: list[Loaded], output: str | None, status: int, err: TextIO) -> int:
    """Write one HTML explain page per input: each cell beside where it came from."""
    from xxgk.ingest.explain_html import explain_html

    if not output:
        print("xxgk parse: --explain --format html 需要 -o 输出文件 (needs -o OUT)", file=err)
        return EXIT_USAGE
    if len(good) > 1:
        print("xxgk parse: --explain --format html 一次只接受一个输入 (one input at a time)", file=err)
        return EXIT_USAGE
    for item in good:
        if item.result is None or item.data is None:
            print(f"{item.source}: 报告 JSON 没有来源信息可解释 (JSON input has no source to explain)", file=err)
            return EXIT_USAGE
        page = explain_html(item.result, item.data).encode("utf-8")
        target = Path(output)
        tmp = target.with_name(f".{target.name}.tmp")
        try:
            tmp.write_bytes(page)
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            print(f"xxgk parse: 无法写入 {target}: {exc.strerror or exc}", file=err)
            return EXIT_UNREADABLE
        print(f"已写入 {target} ({len(page)} 字节)", file=err)
    return status


def cmd_parse(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xxgk.batch.inputs import expand
    from xxgk.batch.load import load_item

    expansion = expand(args.files)
    limits = fetch_limits(args)
    loaded: list[Loaded] = [
        load_item(item, fetch_limits=limits)
        for item in progress(
            expansion.items, len(expansion.items), "解析"
        )  # parse is sequential: it keeps whole reports
    ]
    status = EXIT_OK
    for item in loaded:
        if item.error:
            print(f"{item.source}: 无法读取 (unreadable): {item.error}", file=err)
            status = EXIT_UNREADABLE
        elif item.note:
            print(f"{item.source}: {item.note}", file=err)
    good = [item for item in loaded if item.report is not None]
    if args.format == "html" and not args.explain:
        print("xxgk parse: --format html 需与 --explain 一起使用 (html is the explain page)", file=err)
        return EXIT_USAGE
    if args.explain and args.format == "html":
        return _explain_html(good, args.output, status, err)
    if args.explain:
        from xxgk.ingest import explain

        for item in good:
            if item.result is not None:
                print(explain(item.result), file=out)
            else:
                print(f"{item.source}: 报告 JSON 没有来源信息可解释 (JSON input has no source to explain)", file=out)
        return status
    args.format = args.format or "json"
    single = len(args.files) == 1 and len(expansion.items) == 1 and expansion.items[0].name == args.files[0]
    if args.format == "json":
        docs = [item.report.to_dict() for item in good if item.report is not None]
        payload: Any = docs[0] if single and docs else docs
        if docs or not single:
            print(json.dumps(payload, ensure_ascii=False, indent=1), file=out)
    else:
        from xxgk.cli.tables import report_table

        for item in good:
            assert item.report is not None
            print(report_table(item.report, item.source), file=out)
    return status


#: Formats of ``xxgk render --to`` (the renderers' names; kept here so the CLI starts without importing them).
RENDER_FORMATS: tuple[str, ...] = ("json", "md", "html", "xlsx", "docx", "pdf")
#: Binary formats: written to a file only, never to standard output.
BINARY_FORMATS: frozenset[str] = frozenset({"xlsx", "docx", "pdf"})


def cmd_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xxgk.cli.common import write_atomic
    from xxgk.render import render

    if args.output == "-" and args.to in BINARY_FORMATS:
        name = args.to.upper()
        print(f"xxgk render: {name} 是二进制格式，请用 -o 指定输出文件 ({name} needs -o FILE)", file=err)
        return EXIT_USAGE
    item = load(args.file, fetch_limits=fetch_limits(args))
    if item.report is None:
        print(f"{item.source}: 无法读取 (unreadable): {item.error}", file=err)
        return EXIT_UNREADABLE
    try:
        data = render(item.report, args.to)
    except XxgkError as exc:
        print(f"xxgk render: {exc.message}", file=err)
        return EXIT_USAGE
    if args.output == "-":
        out.write(data.decode("utf-8"))
        return EXIT_OK
    target = Path(args.output)
    try:
        write_atomic(target, data)
    except OSError as exc:
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
