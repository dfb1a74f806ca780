"""The batch summary as files: an XLSX workbook (sheets 报告 and 问题) and CSV tables, written as results arrive.

Both writers stream: a row is written when an outcome arrives (openpyxl's write-only workbook keeps its rows
in a temporary file), so memory does not grow with the batch. Files are written atomically: to a temporary
file beside the target, renamed over it on :meth:`close`; :meth:`abort` (an error, Ctrl-C) removes it, so a
half-written summary never replaces a good one. The workbook is deterministic: the same outcomes always give the
same bytes.

Text that a spreadsheet would run as a formula (a file or body name starting with ``=``, ``+``, ``-``,
``@``, tab or CR) is neutralised (:mod:`xxgk.core.cellsafe`): XLSX cells are typed as strings with Excel's quote
prefix, CSV fields get a leading apostrophe.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

from xxgk.batch.check import SEVERITY_ZH, Outcome
from xxgk.core.cellsafe import csv_text, put_value
from xxgk.core.errors import XxgkError
from xxgk.core.findings import Severity

REPORT_COLUMNS: tuple[str, ...] = (
    "序号",
    "文件",
    "格式",
    "机关",
    "年度",
    "模板（表三）",
    "表二模板",
    "错误",
    "警告",
    "提示",
    "状态",
    "原因/说明",
)
FINDING_COLUMNS: tuple[str, ...] = (
    "序号",
    "文件",
    "机关",
    "年度",
    "规则",
    "级别",
    "单元格",
    "问题",
    "提示",
    "来源位置",
)
_REPORT_WIDTHS = (6, 48, 8, 30, 7, 10, 9, 6, 6, 6, 9, 60)
_FINDING_WIDTHS = (6, 48, 30, 7, 7, 6, 40, 60, 50, 40)
#: The workbook's created/modified time (determinism: the same batch gives the same bytes).
_FIXED_TIME = datetime(2000, 1, 1)  # noqa: DTZ001 - a constant stamp, not a point in time

Row = list[str | int | None]


class SummaryError(XxgkError):
    """A summary file cannot be written."""


def report_row(number: int, outcome: Outcome) -> Row:
    """One row of the 报告 table (``number`` is the 1-based position in the batch)."""
    counts = outcome.counts
    readable = outcome.error is None
    reason = outcome.error if not readable else (outcome.note or "")
    return [
        number,
        outcome.source,
        outcome.format if readable else "",
        outcome.body or "" if readable else "",
        outcome.year if readable else None,
        outcome.template or "" if readable else "",
        outcome.s2_template or "" if readable else "",
        counts[Severity.ERROR] if readable else None,
        counts[Severity.WARNING] if readable else None,
        counts[Severity.INFO] if readable else None,
        outcome.status,
        reason,
    ]


def finding_rows(number: int, outcome: Outcome) -> Iterator[Row]:
    """The rows of the 问题 table for one outcome's findings."""
    for f in outcome.findings:
        where = replace(f.source, file=None).describe() if f.source is not None else ""
        where = "" if where == "?" else where
        yield [
            number,
            outcome.source,
            outcome.body or "",
            outcome.year,
            f.code,
            SEVERITY_ZH[f.severity],
            ", ".join(f.cells),
            f.message,
            f.hint,
            where,
        ]


class _Atomic:
    """A temporary file beside ``target``, renamed over it on commit."""

    def __init__(self, target: Path) -> None:
        self.target = target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise SummaryError(f"无法写入 {target}: {exc.strerror or exc}") from None
        os.close(fd)
        self.tmp = Path(name)

    def commit(self) -> None:
        try:
            self.tmp.chmod(0o644)
            self.tmp.replace(self.target)
        except OSError as exc:
            self.abort()
            raise SummaryError(f"无法写入 {self.target}: {exc.strerror or exc}") from None

    def abort(self) -> None:
        self.tmp.unlink(missing_ok=True)


class SummaryWriter(Protocol):
    """Receives outcomes in batch order; ``close`` publishes the files, ``abort`` discards them."""

    @property
    def paths(self) -> tuple[Path, ...]: ...

    def add(self, outcome: Outcome) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


def _csv_text(value: str | int | None) -> str | int:
    if value is None:
        return ""
    return csv_text(value) if isinstance(value, str) else value


class CsvSummary:
    """``reports.csv`` (one row per report) and, optionally, ``findings.csv``: UTF-8 with BOM for Excel."""

    def __init__(self, reports: Path, findings: Path | None = None) -> None:
        self._files: list[tuple[_Atomic, TextIO, Any]] = []
        self._number = 0
        try:
            self._reports = self._open(reports, REPORT_COLUMNS)
            self._findings = self._open(findings, FINDING_COLUMNS) if findings is not None else None
        except BaseException:
            self.abort()
            raise

    def _open(self, path: Path, header: Sequence[str]) -> Any:
        atomic = _Atomic(path)
        handle = atomic.tmp.open("w", encoding="utf-8-sig", newline="")
        writer = csv.writer(handle)
        writer.writerow(header)
        self._files.append((atomic, handle, writer))
        return writer

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(a.target for a, _, _ in self._files)

    def add(self, outcome: Outcome) -> None:
        self._number += 1
        self._reports.writerow([_csv_text(v) for v in report_row(self._number, outcome)])
        if self._findings is not None:
            for row in finding_rows(self._number, outcome):
                self._findings.writerow([_csv_text(v) for v in row])

    def close(self) -> None:
        for _, handle, _ in self._files:
            handle.close()
        for atomic, _, _ in self._files:
            atomic.commit()

    def abort(self) -> None:
        for atomic, handle, _ in self._files:
            handle.close()
            atomic.abort()


class XlsxSummary:
    """A workbook with the sheets 报告 (one row per report) and 问题 (every finding)."""

    def __init__(self, path: Path) -> None:
        from openpyxl import Workbook

        self._atomic = _Atomic(path)
        self._wb = Workbook(write_only=True)
        self._reports = self._sheet("报告", REPORT_COLUMNS, _REPORT_WIDTHS)
        self._findings = self._sheet("问题", FINDING_COLUMNS, _FINDING_WIDTHS)
        self._rows = {"报告": 1, "问题": 1}
        self._number = 0

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self._atomic.target,)

    def _sheet(self, title: str, header: Sequence[str], widths: Sequence[int]) -> Any:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter

        ws = self._wb.create_sheet(title)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        cells = []
        for text in header:
            cell = WriteOnlyCell(ws, value=text)
            cell.font, cell.fill = bold, fill
            cells.append(cell)
        ws.append(cells)
        return ws

    def _append(self, ws: Any, title: str, row: Iterable[str | int | None]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for value in row:
            cell = WriteOnlyCell(ws)
            put_value(cell, value)  # text never a formula, whatever it starts with
            cells.append(cell)
        ws.append(cells)
        self._rows[title] += 1

    def add(self, outcome: Outcome) -> None:
        self._number += 1
        self._append(self._reports, "报告", report_row(self._number, outcome))
        for row in finding_rows(self._number, outcome):
            self._append(self._findings, "问题", row)

    def close(self) -> None:
        from openpyxl.utils import get_column_letter

        for ws, title, n in (
            (self._reports, "报告", len(REPORT_COLUMNS)),
            (self._findings, "问题", len(FINDING_COLUMNS)),
        ):
            ws.auto_filter.ref = f"A1:{get_column_letter(n)}{self._rows[title]}"
        try:
            self._save()
        except Exception as exc:
            self._atomic.abort()
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise SummaryError(f"无法写入 {self._atomic.target}: {why}") from None
        self._atomic.commit()

    def _save(self) -> None:
        """Write the workbook to the temporary file, deterministic: the same outcomes give the same bytes (fixed
        document times and ZIP entries); the package is repacked member by member, never held unpacked."""
        import zipfile

        from openpyxl.writer.excel import ExcelWriter

        from xxgk.render.zipfix import deterministic_zip_stream

        props = self._wb.properties
        props.created = props.modified = _FIXED_TIME
        props.creator = props.lastModifiedBy = "xxgk"
        with tempfile.TemporaryFile(dir=self._atomic.target.parent) as raw:
            # ExcelWriter directly: openpyxl's save() would stamp the current time as the modified date.
            ExcelWriter(self._wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
            raw.seek(0)
            with self._atomic.tmp.open("wb") as out:
                deterministic_zip_stream(raw, out)

    def abort(self) -> None:
        for ws in (self._reports, self._findings):
            try:  # finish openpyxl's row streams and remove its temporary files
                ws.close()
                ws._writer.cleanup()
            except Exception:
                pass
        self._atomic.abort()


class Summaries:
    """Several writers as one."""

    def __init__(self, writers: Sequence[SummaryWriter]) -> None:
        self.writers = list(writers)

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(p for w in self.writers for p in w.paths)

    def add(self, outcome: Outcome) -> None:
        for w in self.writers:
            w.add(outcome)

    def close(self) -> None:
        for w in self.writers:
            w.close()

    def abort(self) -> None:
        for w in self.writers:
            w.abort()


def findings_csv_path(reports_csv: Path) -> Path:
    """Where the findings CSV goes beside ``--csv OUT.csv``: ``OUT-findings.csv``."""
    return reports_csv.with_name(f"{reports_csv.stem}-findings{reports_csv.suffix or '.csv'}")


def open_summaries(
    *, xlsx: Path | None = None, csv_path: Path | None = None, output_dir: Path | None = None
) -> Summaries:
    """The writers the command line asked for (``--summary``, ``--csv``, ``--output-dir``)."""
    writers: list[SummaryWriter] = []
    try:
        if output_dir is not None:
            writers.append(XlsxSummary(output_dir / "summary.xlsx"))
            writers.append(CsvSummary(output_dir / "reports.csv", output_dir / "findings.csv"))
        if xlsx is not None:
            writers.append(XlsxSummary(xlsx))
        if csv_path is not None:
            writers.append(CsvSummary(csv_path, findings_csv_path(csv_path)))
    except BaseException:
        for w in writers:
            w.abort()
        raise
    return Summaries(writers)
