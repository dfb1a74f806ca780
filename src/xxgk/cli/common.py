"""What every ``xxgk`` command shares: exit codes, reading inputs, progress, atomic output files."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO, TypeVar

from xxgk.batch.load import Loaded, load
from xxgk.core.findings import Finding, Severity

T = TypeVar("T")

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

SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}

#: Inputs accepted by the commands that read reports.
INPUTS_HELP = "文件、目录（递归查找）、ZIP 压缩包或 http(s) 网址 (files, directories, ZIP archives, URLs)"

__all__ = [
    "EPILOG",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_UNREADABLE",
    "EXIT_USAGE",
    "INPUTS_HELP",
    "SEVERITY_ZH",
    "Loaded",
    "counts",
    "describe",
    "load",
    "parse_codes",
    "progress",
    "write_atomic",
]


def progress(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    """Yield ``items``; on a terminal, with more than one item, show a progress bar on stderr."""
    if total < 2 or not sys.stderr.isatty():
        yield from items
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


def counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    out = dict.fromkeys(Severity, 0)
    for f in findings:
        out[f.severity] += 1
    return out


def describe(loaded: Loaded) -> str:
    """``机关 2023年 模板2021`` for a loaded report."""
    r = loaded.report
    if r is None:
        return ""
    tmpl = r.template if not r.is_mixed else "/".join(f"{k}:{v}" for k, v in sorted(r.templates.items()))
    year = f"{r.year}年" if r.year is not None else "年份未知"
    return f"{r.body or '机关未知'} {year} 模板{tmpl}"


def parse_codes(values: list[str] | None) -> list[str] | None:
    """``--select S3,X6 --select B`` -> ``["S3", "X6", "B"]``."""
    if not values:
        return None
    codes: list[str] = []
    for value in values:
        codes.extend(c.strip().upper() for c in value.split(",") if c.strip())
    return codes


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it over ``target`` (never half a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def print_findings(findings: Iterable[Finding], out: TextIO, *, hints: bool = True, indent: str = "  ") -> None:
    """One line per finding (code, severity, message, cells), and its hint on the next line."""
    for f in findings:
        cells = f" [{', '.join(f.cells[:6])}{' …' if len(f.cells) > 6 else ''}]" if f.cells else ""
        print(f"{indent}{f.code} {SEVERITY_ZH[f.severity]}: {f.message}{cells}", file=out)
        if f.hint and hints:
            print(f"{indent}    提示: {f.hint}", file=out)
