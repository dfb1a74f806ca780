"""The batch commands through ``main(argv)``: check DIR/ZIP/URL with summaries, aggregate, diff."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.batch.httpserver import Route, Server, serve
from tests.batch.zips import corrupt_member, make_zip
from tests.conftest import PUBLISHED, expected_for
from xxgk.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, main
from xxgk.core.model import Report

CLEAN = PUBLISHED / "pingtan-hzs-2023.html"  # PROVENANCE: defects none
BROKEN = PUBLISHED / "pingtan-zrz-2020.html"  # PROVENANCE: B2 defects
SEED = PUBLISHED / "cq-dadukou-baqiao-2020.txt"


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    """Good reports beside junk: an empty file, an image named .html, a ZIP with a corrupt member and a bomb."""
    root = tmp_path / "reports"
    (root / "区属部门").mkdir(parents=True)
    shutil.copy(CLEAN, root / "区属部门" / "行政审批局.html")
    shutil.copy(BROKEN, root / "自然资源局.html")
    (root / "空文件.txt").write_bytes(b"")
    (root / "扫描件.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (root / "说明.xlsx").write_bytes(b"not a report")
    archive = make_zip(
        root / "乡镇.zip",
        {"八桥镇.txt": SEED.read_bytes(), "坏文件.txt": SEED.read_bytes() * 3, "炸弹.txt": b"\0" * (4 * 2**20)},
        gbk_names=True,
    )
    corrupt_member(archive, "坏文件.txt".encode("gbk").decode("cp437"))
    return root


def test_batch_checks_everything_lists_junk_and_writes_summaries(batch_dir: Path, tmp_path: Path) -> None:
    outdir = tmp_path / "summary"
    code, out, err = run("check", "--jobs", "2", "--output-dir", outdir, "--format", "json", batch_dir)
    assert code == EXIT_UNREADABLE
    docs = json.loads(out)
    names = [Path(d["source"]).as_posix().split("reports/", 1)[1] for d in docs]
    assert names == [
        "乡镇.zip!/八桥镇.txt",
        "乡镇.zip!/坏文件.txt",
        "乡镇.zip!/炸弹.txt",
        "区属部门/行政审批局.html",
        "扫描件.html",
        "空文件.txt",
        "自然资源局.html",
    ]
    unreadable = {n for n, d in zip(names, docs, strict=True) if "error" in d}
    assert unreadable == {"乡镇.zip!/坏文件.txt", "乡镇.zip!/炸弹.txt", "扫描件.html", "空文件.txt"}
    assert "压缩炸弹" in docs[2]["error"]
    assert docs[0]["body"] == expected_for(SEED)["body"]
    assert "1 个非报告文件" in err  # 说明.xlsx

    wb = load_workbook(outdir / "summary.xlsx")
    rows = list(wb["报告"].iter_rows(values_only=True))[1:]
    assert [r[1] for r in rows] == [d["source"] for d in docs]
    assert [r[10] for r in rows] == [
        "无法读取" if "error" in d else ("有错误" if d["counts"]["error"] else "通过") for d in docs
    ]
    findings = list(wb["问题"].iter_rows(values_only=True))[1:]
    assert len(findings) == sum(len(d.get("findings", [])) for d in docs)
    with (outdir / "reports.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [r["文件"] for r in csv.DictReader(handle)] == [d["source"] for d in docs]
    assert (outdir / "findings.csv").exists()


def test_output_is_the_same_on_one_or_two_cores(batch_dir: Path) -> None:
    one = run("check", "--jobs", "1", batch_dir)
    two = run("check", "--jobs", "2", batch_dir)
    assert one == two
    code, out, _ = one
    assert code == EXIT_UNREADABLE
    assert "共 7 个文件" in out
    assert "Traceback" not in out


def test_summary_and_csv_options(tmp_path: Path) -> None:
    xlsx, table = tmp_path / "s.xlsx", tmp_path / "r.csv"
    code, _, err = run("check", "--summary", xlsx, "--csv", table, CLEAN, BROKEN)
    assert code == EXIT_FINDINGS
    assert load_workbook(xlsx).sheetnames == ["报告", "问题"]
    assert table.read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "r-findings.csv").exists()
    assert str(xlsx) in err


def test_unwritable_summary_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("check", "--summary", blocker / "s.xlsx", CLEAN)
    assert code == EXIT_USAGE
    assert "s.xlsx" in err


def test_quiet_lists_only_problems(batch_dir: Path) -> None:
    code, out, _ = run("check", "--quiet", batch_dir)
    assert code == EXIT_UNREADABLE
    assert "行政审批局.html" not in out.split("汇总 / summary")[0]  # clean: not listed before the table
    assert "自然资源局.html" in out


def test_bad_jobs_value() -> None:
    assert run("check", "--jobs", "0", CLEAN)[0] == EXIT_USAGE


# -- URLs --------------------------------------------------------------------------------------------


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    page = (
        b'<html><body><p>\xe8\xa7\x81\xe9\x99\x84\xe4\xbb\xb6</p><a href="/f/2023.doc">2023\xe5\xb9\xb4\xe6\x8a\xa5</a>'
    )
    routes = {
        "/report.html": Route(CLEAN.read_bytes(), headers={"Content-Type": "text/html; charset=utf-8"}),
        "/notice.html": Route(page + b"</body></html>", headers={"Content-Type": "text/html"}),
        "/f/2023.doc": Route(CLEAN.read_bytes(), headers={"Content-Type": "application/msword"}),
        "/slow.html": Route(CLEAN.read_bytes(), delay=2.0),
    }
    with serve(routes) as s:
        yield s


def test_check_and_parse_urls(server: Server) -> None:
    body = expected_for(CLEAN)["body"]
    code, out, _ = run("check", server.url("/report.html"))
    assert code == EXIT_OK, out
    assert body in out
    code, out, err = run("parse", server.url("/notice.html"))
    assert code == EXIT_OK, err
    assert json.loads(out)["cells"] == expected_for(CLEAN)["cells"]
    assert "/f/2023.doc" in err  # says which attachment was read


def test_url_errors_are_one_line_each_and_do_not_stop_the_batch(server: Server) -> None:
    code, out, err = run(
        "check", "--timeout", "0.3", server.url("/missing.html"), server.url("/slow.html"), server.url("/report.html")
    )
    assert code == EXIT_UNREADABLE
    lines = out.splitlines()
    assert any(line.startswith(server.url("/missing.html")) and "404" in line for line in lines)
    assert any(line.startswith(server.url("/slow.html")) and "超时" in line for line in lines)
    assert expected_for(CLEAN)["body"] in out
    assert "Traceback" not in out + err


# -- aggregate ---------------------------------------------------------------------------------------


def test_aggregate_two_reports_of_one_year(tmp_path: Path) -> None:
    a, b = PUBLISHED / "pingtan-jjp-2022.html", PUBLISHED / "pingtan-lyy-2022.html"
    target = tmp_path / "combined.json"
    code, out, _ = run("aggregate", a, b, "-o", target, "--body", "平潭综合实验区")
    assert code in (EXIT_OK, EXIT_FINDINGS)
    combined = Report.from_json(target.read_bytes())
    ea, eb = expected_for(a), expected_for(b)
    assert combined.body == "平潭综合实验区" and combined.year == 2022
    value = combined.value("s3.received.total")
    assert value == ea["cells"]["s3.received.total"] + eb["cells"]["s3.received.total"]
    assert ea["body"] in out and eb["body"] in out
    for fmt in ("xlsx", "html", "md"):
        path = tmp_path / f"combined.{fmt}"
        assert run("aggregate", a, b, "-o", path)[0] == code
        assert path.stat().st_size > 0
    code2, md, _ = run("aggregate", a, b, "-o", "-", "--to", "md")
    assert code2 == code and "三、收到和处理政府信息公开申请情况" in md


def test_aggregate_refuses_mixed_years_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "combined.json"
    a, b = PUBLISHED / "pingtan-jjp-2022.html", PUBLISHED / "pingtan-hzs-2023.html"
    code, _, err = run("aggregate", a, b, "-o", target)
    assert code == EXIT_USAGE
    assert str(a) in err and str(b) in err
    assert not target.exists()


def test_aggregate_lists_skipped_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    target = tmp_path / "c.json"
    code, out, _ = run("aggregate", "--format", "json", CLEAN, empty, "-o", target)
    assert code == EXIT_UNREADABLE
    doc = json.loads(out)
    assert [s["source"] for s in doc["skipped"]] == [str(empty)]
    assert [i["source"] for i in doc["included"]] == [str(CLEAN)]
    assert target.exists()


def test_aggregate_blank_cells(tmp_path: Path) -> None:
    first = Report.from_dict(expected_for(CLEAN))
    second = first.copy()
    second.body = "乙机关"
    second.set_value("s3.received.natural", None)  # blank
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    pa.write_text(first.to_json(), encoding="utf-8")
    pb.write_text(second.to_json(), encoding="utf-8")
    code, out, _ = run("aggregate", "--format", "json", pa, pb, "-o", tmp_path / "c.json")
    assert code in (EXIT_OK, EXIT_FINDINGS)
    assert "s3.received.natural" in json.loads(out)["incomplete"]
    assert Report.from_json((tmp_path / "c.json").read_bytes()).value("s3.received.natural") is None
    run("aggregate", "--treat-blank-as-zero", pa, pb, "-o", tmp_path / "z.json")
    zero = Report.from_json((tmp_path / "z.json").read_bytes())
    assert zero.value("s3.received.natural") == first.value("s3.received.natural")


def test_aggregate_needs_a_format() -> None:
    assert run("aggregate", CLEAN, "-o", "-")[0] == EXIT_USAGE
    assert run("aggregate", CLEAN, "-o", "out.pdfx")[0] == EXIT_USAGE


# -- diff --------------------------------------------------------------------------------------------


def test_diff_identical_and_different(tmp_path: Path) -> None:
    code, out, _ = run("diff", CLEAN, CLEAN)
    assert code == EXIT_OK
    assert "相同" in out
    changed = Report.from_dict(expected_for(CLEAN))
    old = changed.value("s3.granted.natural")
    assert isinstance(old, int)
    changed.set_value("s3.granted.natural", old + 2)
    path = tmp_path / "b.json"
    path.write_text(changed.to_json(), encoding="utf-8")
    code, out, _ = run("diff", CLEAN, path)
    assert code == EXIT_FINDINGS
    line = next(line for line in out.splitlines() if "s3.granted.natural" in line)
    assert str(old) in line and str(old + 2) in line and "+2" in line
    assert "s3.received.natural" not in out  # unchanged cells are not shown by default
    code, out, _ = run("diff", "--all", CLEAN, path)
    assert "s3.received.natural" in out
    code, out, _ = run("diff", "--format", "json", CLEAN, path)
    doc = json.loads(out)
    assert doc["changed"] == 1 and not doc["identical"]
    (cell,) = doc["tables"]["s3"]
    assert (cell["code"], cell["difference"]) == ("s3.granted.natural", 2)


def test_diff_of_two_years_runs_the_cross_year_rules(tmp_path: Path) -> None:
    last = Report.from_dict(expected_for(PUBLISHED / "pingtan-zrz-2020.html"))
    this = Report.from_dict(expected_for(PUBLISHED / "pingtan-zrz-2021.html"))
    carried = last.value("s3.carried_out.total")
    assert isinstance(carried, int)
    this.set_value("s3.carried_in.total", carried + 1)  # breaks the carry chain
    pa, pb = tmp_path / "2020.json", tmp_path / "2021.json"
    pa.write_text(last.to_json(), encoding="utf-8")
    pb.write_text(this.to_json(), encoding="utf-8")
    code, out, _ = run("diff", pa, pb)
    assert code == EXIT_FINDINGS
    assert "跨年度" in out and "X602" in out
    doc = json.loads(run("diff", "--format", "json", pb, pa)[1])
    assert doc["cross_year"]["previous"] == "b"
    assert "X602" in {f["code"] for f in doc["cross_year"]["findings"]}


def test_diff_unreadable_input(tmp_path: Path) -> None:
    code, _, err = run("diff", CLEAN, tmp_path / "missing.html")
    assert code == EXIT_UNREADABLE
    assert "missing.html" in err
