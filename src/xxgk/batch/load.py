"""Reading one input as a report: a file, a member of a ZIP archive, or a URL; report JSON or any parsed format.

Every failure becomes a :class:`Loaded` with an ``error`` (one line) instead of an exception, so one bad
input never stops a batch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from xxgk.batch.archive import ArchiveError, ZipLimits, read_member
from xxgk.batch.fetch import (
    TEXT_TYPES,
    FetchError,
    FetchLimits,
    attachment_links,
    fetch,
    page_bytes,
    rank_attachments,
)
from xxgk.batch.inputs import Item, Kind, url_scheme
from xxgk.core.errors import XxgkError
from xxgk.core.findings import Finding
from xxgk.core.model import CellState, Report

#: Files larger than this are not read (no annual report comes near it).
MAX_FILE_SIZE = 200 * 2**20
#: Attachments tried for one page before giving up.
MAX_ATTACHMENTS_TRIED = 3


@dataclass
class Loaded:
    """One input: either a report (with the parser's findings) or the reason it could not be read."""

    source: str
    report: Report | None = None
    format: str = ""
    parse_findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    result: Any = None  # the ingest ParseResult, for --explain
    data: bytes | None = None  # the bytes parsed, for the HTML explain page (page images of a PDF)
    #: Something the user should know about where the report came from (the attachment a page linked to).
    note: str | None = None


def looks_like_report_json(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"xxgk.report/' in head


def load_bytes(data: bytes, source: str) -> Loaded:
    """Read bytes as a report: the spec's report JSON, or any format the ingest parsers know."""
    from xxgk.ingest import parse_bytes

    if looks_like_report_json(data):
        try:
            return Loaded(source=source, report=Report.from_json(data), format="json")
        except XxgkError as exc:
            return Loaded(source=source, error=f"报告 JSON 格式错误 (bad report JSON): {exc.message}")
    try:
        result = parse_bytes(data, source=source)
    except XxgkError as exc:
        reason = getattr(exc, "reason", None) or exc.message
        return Loaded(source=source, error=reason)
    except RecursionError:
        return Loaded(source=source, error="文档结构嵌套过深，无法解析 (document nested too deeply)")
    except Exception as exc:  # a parser bug must not stop a batch: report it as this file's problem
        return Loaded(source=source, error=f"解析时发生内部错误 (internal error): {type(exc).__name__}: {exc}")
    return Loaded(
        source=source,
        report=result.report,
        format=result.format,
        parse_findings=list(result.findings),
        result=result,
        data=data,
    )


def load_path(path: str) -> Loaded:
    """Read one file."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            return Loaded(source=path, error="这是一个目录，不是文件 (is a directory)")
        if size > MAX_FILE_SIZE:
            return Loaded(
                source=path, error=f"文件过大（{size / 2**20:,.0f} MB，上限 {MAX_FILE_SIZE // 2**20} MB）(too large)"
            )
        data = p.read_bytes()
    except FileNotFoundError:
        return Loaded(source=path, error="文件不存在 (file not found)")
    except IsADirectoryError:
        return Loaded(source=path, error="这是一个目录，不是文件 (is a directory)")
    except PermissionError:
        return Loaded(source=path, error="没有读取此文件的权限 (permission denied)")
    except OSError as exc:
        return Loaded(source=path, error=f"无法读取文件 (cannot read): {exc.strerror or exc}")
    return load_bytes(data, path)


def has_tables(report: Report) -> bool:
    """Does the report have any cell of table 3 (the table every annual report prints)?"""
    return any(cell.state is not CellState.ABSENT for code, cell in report.cells.items() if code.startswith("s3."))


def load_url(url: str, limits: FetchLimits | None = None) -> Loaded:
    """Fetch a URL; when it is a page without report tables, follow its link to the attached report."""
    try:
        fetched = fetch(url, limits)
    except FetchError as exc:
        return Loaded(source=url, error=exc.reason)
    if not fetched.is_html:
        data = page_bytes(fetched) if fetched.media_type in TEXT_TYPES else fetched.data
        loaded = load_bytes(data, url)
        return _moved(loaded, fetched.final_url, url)
    page = page_bytes(fetched)
    loaded = load_bytes(page, url)
    if loaded.report is not None and has_tables(loaded.report):
        return _moved(loaded, fetched.final_url, url)
    links = attachment_links(page, fetched.final_url)
    try:
        ranked = rank_attachments(links, url)
    except FetchError as exc:
        return Loaded(source=url, error=exc.reason)
    if not ranked:
        why = loaded.error or "页面中没有年度报告表格"
        return Loaded(source=url, error=f"{why}；页面中也没有 .docx/.pdf/.doc/.wps 附件链接")
    failures: list[str] = []
    for link in ranked[:MAX_ATTACHMENTS_TRIED]:
        try:
            attached = fetch(link.url, limits)
        except FetchError as exc:
            failures.append(f"附件 {link.url}: {exc.reason}")
            continue
        result = load_bytes(attached.data, link.url)
        if result.report is not None:
            result.source = url
            result.note = f"已读取页面附件 {link.url}"
            return result
        failures.append(f"附件 {link.url}: {result.error}")
    return Loaded(source=url, error="页面中没有年度报告表格，附件也无法读取：" + "；".join(failures))


def _moved(loaded: Loaded, final_url: str, url: str) -> Loaded:
    if final_url != url and loaded.note is None:
        loaded.note = f"已重定向到 {final_url}"
    return loaded


def load(target: str, *, fetch_limits: FetchLimits | None = None) -> Loaded:
    """Read a file path or an ``http(s)://`` URL."""
    scheme = url_scheme(target)
    if scheme is not None:
        if scheme not in ("http", "https"):
            return Loaded(source=target, error=f"只支持 http:// 和 https:// 网址（{scheme}:// 不支持）")
        return load_url(target, fetch_limits)
    return load_path(os.fspath(target))


def load_item(item: Item, *, fetch_limits: FetchLimits | None = None, zip_limits: ZipLimits | None = None) -> Loaded:
    """Read one work item of a batch."""
    if item.kind is Kind.ERROR:
        return Loaded(source=item.name, error=item.error or "无法读取")
    if item.kind is Kind.URL:
        loaded = load_url(item.location, fetch_limits)
    elif item.kind is Kind.MEMBER:
        try:
            data = read_member(item.location, item.member, zip_limits)
        except ArchiveError as exc:
            return Loaded(source=item.name, error=exc.reason)
        loaded = load_bytes(data, item.name)
    else:
        loaded = load_path(item.location)
    loaded.source = item.name
    return loaded


@dataclass(frozen=True)
class ReportResult:
    """A report read for aggregation: the report without provenance (small to send between processes)."""

    source: str
    report: Report | None = None
    error: str | None = None
    note: str | None = None


def slim(report: Report) -> Report:
    """A copy of ``report`` without cell provenance and narrative (what aggregation and diffs do not need)."""
    out = report.copy()
    out.cells = {
        code: replace(cell, source=None) if cell.source is not None else cell for code, cell in out.cells.items()
    }
    out.extra_rows = [replace(row, source=None) for row in out.extra_rows]
    out.narrative = {}
    return out


def load_report(
    item: Item, *, fetch_limits: FetchLimits | None = None, zip_limits: ZipLimits | None = None
) -> ReportResult:
    """Read one work item as a slim report (see :func:`slim`); never raises."""
    try:
        loaded = load_item(item, fetch_limits=fetch_limits, zip_limits=zip_limits)
    except Exception as exc:  # a bug in one file's processing must not stop the batch
        return ReportResult(item.name, error=f"读取时发生内部错误 (internal error): {type(exc).__name__}: {exc}")
    if loaded.report is None:
        return ReportResult(item.name, error=loaded.error or "无法读取", note=loaded.note)
    return ReportResult(item.name, report=slim(loaded.report), note=loaded.note)


def report_crashed(item: Item, reason: str) -> ReportResult:
    return ReportResult(item.name, error=f"处理此文件的进程异常退出 (worker crashed): {reason}")
