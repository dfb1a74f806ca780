"""The ``xxgk`` command.

Sub-commands: ``parse``, ``check`` (one report or a batch, in parallel, with summary files), ``render``,
``aggregate`` (汇总), ``diff`` and ``rules``; each lives in its own module of this package.

Exit codes (documented in the README and in ``xxgk --help``):

* 0 — every input was read and no finding of error severity was raised (``diff``: identical);
* 1 — at least one finding of error severity (``diff``: the reports differ);
* 2 — the command line was wrong (unknown option, unknown rule code, missing file argument; ``aggregate``:
  reports that cannot be summed together);
* 3 — at least one input could not be read as a report (the others are still processed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from xxgk import __version__
from xxgk.cli.aggregate import cmd_aggregate
from xxgk.cli.basic import RENDER_FORMATS, cmd_parse, cmd_render, cmd_rules
from xxgk.cli.check import cmd_check
from xxgk.cli.common import (
    EPILOG,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    INPUTS_HELP,
    SEVERITY_ZH,
    Loaded,
    load,
)
from xxgk.cli.diff import cmd_diff
from xxgk.core.errors import XxgkError

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "EXIT_USAGE",
    "SEVERITY_ZH",
    "Loaded",
    "build_parser",
    "entry",
    "load",
    "main",
]

DIFF_EPILOG = """\
退出码 / exit codes:
  0  两份报告相同 (identical)
  1  两份报告不同 (the reports differ)
  2  命令行用法错误 (usage error)
  3  至少一份报告无法读取 (unreadable input)
"""

AGGREGATE_EPILOG = (
    EPILOG
    + """\
  (aggregate) 年度或模板不同、同一机关出现两次的报告不能汇总：退出码 2，不写输出文件
汇总规则 / rules: 年度、表二和表三的模板版本必须都相同；空白不按 0 计算（除非 --treat-blank-as-zero），
  某格有机关空白或无法识别时汇总格记为“无法识别”并列出这些机关；金额单位不一致时不汇总该格。
"""
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits with EXIT_USAGE."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 错误 (error): {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是数字: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("必须大于 0")
    return value


def _add_timeout(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout", type=_positive_float, metavar="SECONDS", help="读取网址的超时秒数 (URL timeout, default 30)"
    )


def _add_jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="并行进程数，默认为本机 CPU 核数 (worker processes; default: all cores)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="xxgk",
        description="政府信息公开工作年度报告：解析、检查、汇总、比较、渲染 (parse, check, aggregate, diff, render)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"xxgk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    raw = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser(
        "parse", help="读取报告，输出结构化数据 (report JSON or a table)", epilog=EPILOG, formatter_class=raw
    )
    p.add_argument("files", nargs="+", metavar="INPUT", help=INPUTS_HELP)
    p.add_argument(
        "--format",
        choices=("json", "table", "html"),
        default=None,
        help="json（默认）或 table；html 仅用于 --explain：生成对照网页（PDF 显示页面图像与单元格位置）",
    )
    p.add_argument("--explain", action="store_true", help="逐个单元格显示取值来源 (where each value came from)")
    p.add_argument("-o", "--output", metavar="OUT", help="--explain --format html 的输出文件（一个输入一个文件）")
    _add_timeout(p)
    p.set_defaults(func=cmd_parse)

    c = sub.add_parser(
        "check",
        help="检查报告的勾稽关系等问题，可批量并行 (run the rules on one report or a batch)",
        epilog=EPILOG,
        formatter_class=raw,
    )
    c.add_argument("files", nargs="+", metavar="INPUT", help=INPUTS_HELP)
    c.add_argument("--previous", metavar="FILE", help="上一年度报告，用于跨年度检查 (previous year's report)")
    c.add_argument("--select", action="append", metavar="CODES", help="只运行这些规则（代码或前缀，逗号分隔）")
    c.add_argument("--ignore", action="append", metavar="CODES", help="不运行这些规则（代码或前缀，逗号分隔）")
    c.add_argument("--format", choices=("text", "json"), default="text")
    c.add_argument("--no-hints", dest="hints", action="store_false", help="不显示修改提示")
    c.add_argument("-q", "--quiet", action="store_true", help="只列出有错误或无法读取的文件 (only files with errors)")
    _add_jobs(c)
    c.add_argument("--summary", metavar="OUT.xlsx", help="汇总工作簿：报告、问题两个工作表 (summary workbook)")
    c.add_argument("--csv", metavar="OUT.csv", help="每份报告一行的 CSV，另写 OUT-findings.csv (per-report CSV)")
    c.add_argument(
        "--output-dir",
        metavar="DIR",
        help="在目录中写 summary.xlsx、reports.csv、findings.csv (all summary files into DIR)",
    )
    _add_timeout(c)
    c.set_defaults(func=cmd_check)

    r = sub.add_parser(
        "render", help="按官方版式输出报告 (json, md, html, xlsx, docx, pdf)", epilog=EPILOG, formatter_class=raw
    )
    r.add_argument("file", metavar="INPUT", help="文件或网址 (a file or a URL)")
    r.add_argument(
        "--to",
        required=True,
        choices=RENDER_FORMATS,
        help="输出格式；xlsx、docx、pdf 是二进制格式，须用 -o 指定输出文件 (binary formats need -o FILE)",
    )
    r.add_argument("-o", "--output", required=True, metavar="OUT", help="输出文件，- 表示标准输出（仅文本格式）")
    _add_timeout(r)
    r.set_defaults(func=cmd_render)

    a = sub.add_parser(
        "aggregate",
        help="把同一年度、同一模板的多份报告汇总为一份 (sum reports into a combined report)",
        epilog=AGGREGATE_EPILOG,
        formatter_class=raw,
    )
    a.add_argument("files", nargs="+", metavar="INPUT", help=INPUTS_HELP)
    a.add_argument(
        "-o", "--output", required=True, metavar="OUT", help="汇总报告文件（.json .xlsx .html .md），- 表示标准输出"
    )
    a.add_argument("--to", choices=("json", "md", "html", "xlsx"), help="输出格式（默认按 -o 的扩展名）")
    a.add_argument("--body", metavar="NAME", help="汇总报告的机关名称（默认“汇总（N个机关）”）")
    a.add_argument(
        "--treat-blank-as-zero",
        action="store_true",
        help="把空白和缺失的单元格按 0 汇总（默认不这样做：空白不等于 0）",
    )
    a.add_argument("--format", choices=("text", "json"), default="text", help="汇总情况的输出格式")
    a.add_argument("--no-hints", dest="hints", action="store_false", help="不显示修改提示")
    _add_jobs(a)
    _add_timeout(a)
    a.set_defaults(func=cmd_aggregate)

    d = sub.add_parser(
        "diff",
        help="逐个单元格比较两份报告，含跨年度核对 (compare two reports cell by cell)",
        epilog=DIFF_EPILOG,
        formatter_class=raw,
    )
    d.add_argument("a", metavar="A", help="第一份报告（文件或网址）")
    d.add_argument("b", metavar="B", help="第二份报告（文件或网址）")
    d.add_argument("--all", action="store_true", help="列出全部单元格，不只是不同的 (all cells, not only changes)")
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.add_argument("--no-hints", dest="hints", action="store_false", help="不显示修改提示")
    _add_timeout(d)
    d.set_defaults(func=cmd_diff)

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
