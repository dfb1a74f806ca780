"""The summary workbook and CSV files."""

from __future__ import annotations

import csv
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import PUBLISHED
from xxgk.batch.check import CheckOptions, Outcome, check_item
from xxgk.batch.inputs import Item, Kind
from xxgk.batch.summary import (
    FINDING_COLUMNS,
    REPORT_COLUMNS,
    CsvSummary,
    SummaryError,
    XlsxSummary,
    findings_csv_path,
    open_summaries,
)
from xxgk.core.findings import Finding, Severity
from xxgk.core.model import Source
from xxgk.render.zipfix import ZIP_TIME

BROKEN = PUBLISHED / "pingtan-zrz-2020.html"


def outcomes() -> list[Outcome]:
    good = check_item(Item(str(BROKEN), Kind.FILE, str(BROKEN)), CheckOptions())
    bad = Outcome(source='=HYPERLINK("http://x")', error="空文件（0字节）")
    tricky = Outcome(
        source="t.html",
        body="+机关",
        year=2023,
        template="2019",
        templates=(("s2", "2021"),),
        findings=(Finding("S301", Severity.WARNING, "-1 与 2 不符", cells=("s3.total.total",), source=Source(line=3)),),
    )
    return [good, bad, tricky]


def test_workbook_has_one_row_per_report_and_every_finding(tmp_path: Path) -> None:
    target = tmp_path / "out" / "summary.xlsx"
    writer = XlsxSummary(target)
    items = outcomes()
    for outcome in items:
        writer.add(outcome)
    writer.close()
    wb = load_workbook(target)
    assert wb.sheetnames == ["报告", "问题"]
    reports = list(wb["报告"].iter_rows(values_only=True))
    assert reports[0] == REPORT_COLUMNS
    assert [r[1] for r in reports[1:]] == [o.source for o in items]
    good = reports[1]
    counts = items[0].counts
    assert (good[3], good[4], good[5]) == (items[0].body, items[0].year, items[0].template)
    assert (good[7], good[8], good[9]) == (counts[Severity.ERROR], counts[Severity.WARNING], counts[Severity.INFO])
    assert reports[2][10] == "无法读取" and reports[2][11] == "空文件（0字节）"
    assert reports[3][6] == "2021"  # table 2 of another version
    findings = list(wb["问题"].iter_rows(values_only=True))
    assert findings[0] == FINDING_COLUMNS
    assert len(findings) - 1 == len(items[0].findings) + len(items[2].findings)
    assert [r[4] for r in findings[1:]] == [f.code for f in (*items[0].findings, *items[2].findings)]
    assert findings[-1][9] == "line 3"
    # Nothing a spreadsheet would run as a formula.
    for ws in wb:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    assert wb["报告"]["B3"].value == '=HYPERLINK("http://x")'
    assert not list(target.parent.glob(".*.tmp"))


def test_workbook_is_byte_identical_for_the_same_outcomes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    items = outcomes()

    def write(name: str, batch: list[Outcome]) -> bytes:
        writer = XlsxSummary(tmp_path / name)
        for outcome in batch:
            writer.add(outcome)
        writer.close()
        return (tmp_path / name).read_bytes()

    first = write("a.xlsx", items)
    real = time.time
    with monkeypatch.context() as m:  # the clock ZIP writers read, three days on
        m.setattr(time, "time", lambda: real() + 3 * 24 * 3600)
        assert write("b.xlsx", items) == first
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        assert "2000-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()
    assert [r[1] for r in load_workbook(tmp_path / "b.xlsx")["报告"].iter_rows(min_row=2, values_only=True)] == [
        o.source for o in items
    ]
    assert write("c.xlsx", items[:2]) != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx", "c.xlsx"]


def test_csv_is_utf8_with_bom_and_neutralises_formulas(tmp_path: Path) -> None:
    reports, findings = tmp_path / "r.csv", tmp_path / "f.csv"
    writer = CsvSummary(reports, findings)
    items = outcomes()
    for outcome in items:
        writer.add(outcome)
    writer.close()
    raw = reports.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == REPORT_COLUMNS
    assert rows[1][3] == items[0].body
    assert rows[2][1] == '\'=HYPERLINK("http://x")'
    assert rows[3][3] == "'+机关"
    frows = list(csv.reader(findings.read_text(encoding="utf-8-sig").splitlines()))
    assert len(frows) - 1 == len(items[0].findings) + 1
    assert frows[-1][7] == "'-1 与 2 不符"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_and_numbers_are_not(tmp_path: Path, start: str) -> None:
    outcome = Outcome(
        source=f"{start}a.html",
        body=f"{start}机关",
        year=2023,
        template="2019",
        findings=(Finding("S301", Severity.WARNING, f"{start}1 与 2 不符", cells=("s3.total.total",)),),
    )
    csv_writer = CsvSummary(tmp_path / "r.csv", tmp_path / "f.csv")
    csv_writer.add(outcome)
    csv_writer.close()
    [_, report] = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig", newline="")))
    assert (report[0], report[1], report[3], report[4]) == ("1", f"'{start}a.html", f"'{start}机关", "2023")
    [_, finding] = list(csv.reader((tmp_path / "f.csv").open(encoding="utf-8-sig", newline="")))
    assert finding[7] == f"'{start}1 与 2 不符"
    xlsx = XlsxSummary(tmp_path / "s.xlsx")
    xlsx.add(outcome)
    xlsx.close()
    wb = load_workbook(tmp_path / "s.xlsx")
    for cell, text in ((wb["报告"]["B2"], f"{start}a.html"), (wb["报告"]["D2"], f"{start}机关")):
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    finding_cell = wb["问题"]["H2"]
    assert (finding_cell.value, finding_cell.data_type, finding_cell.quotePrefix) == (f"{start}1 与 2 不符", "s", True)
    year = wb["报告"]["E2"]
    assert (year.value, year.data_type, year.quotePrefix) == (2023, "n", False)
    assert not wb["报告"]["A1"].quotePrefix and not wb["报告"]["C2"].quotePrefix


def test_abort_leaves_no_file_and_keeps_an_old_one(tmp_path: Path) -> None:
    target = tmp_path / "s.xlsx"
    target.write_bytes(b"old")
    writer = XlsxSummary(target)
    writer.add(outcomes()[0])
    writer.abort()
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_open_summaries_paths_and_errors(tmp_path: Path) -> None:
    s = open_summaries(xlsx=tmp_path / "a.xlsx", csv_path=tmp_path / "b.csv", output_dir=tmp_path / "d")
    assert [p.name for p in s.paths] == [
        "summary.xlsx",
        "reports.csv",
        "findings.csv",
        "a.xlsx",
        "b.csv",
        "b-findings.csv",
    ]
    s.abort()
    assert findings_csv_path(Path("x/out.csv")) == Path("x/out-findings.csv")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SummaryError):
        open_summaries(xlsx=blocker / "sub" / "a.xlsx")
