"""The ``xxgk`` command, driven as a user would (argv in, text and exit code out)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import PUBLISHED, expected_for, published_reports
from xxgk.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, main
from xxgk.core.model import Report

SEED = PUBLISHED / "cq-dadukou-baqiao-2020.txt"
CLEAN_HTML = PUBLISHED / "pingtan-hzs-2023.html"  # PROVENANCE: defects none
BROKEN_HTML = PUBLISHED / "pingtan-zrz-2020.html"  # PROVENANCE: B2 defects


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_parse_one_file_prints_one_report_object() -> None:
    code, out, err = run("parse", SEED)
    assert code == EXIT_OK, err
    doc = json.loads(out)
    expected = expected_for(SEED)
    assert doc["format"] == "xxgk.report/1"
    assert (doc["template"], doc["year"], doc["body"]) == (expected["template"], expected["year"], expected["body"])
    assert doc["cells"] == expected["cells"]


def test_parse_several_files_prints_an_array_in_order() -> None:
    files = published_reports()[:3]
    code, out, _ = run("parse", *files)
    assert code == EXIT_OK
    docs = json.loads(out)
    assert [d["body"] for d in docs] == [expected_for(f)["body"] for f in files]


def test_parse_table_format_is_readable() -> None:
    code, out, _ = run("parse", "--format", "table", SEED)
    assert code == EXIT_OK
    assert "重庆市大渡口区八桥镇" in out
    assert "（七）总计" in out
    assert "589.08" in out


def test_parse_explain_names_where_each_value_came_from() -> None:
    code, out, _ = run("parse", "--explain", SEED)
    assert code == EXIT_OK
    assert "s3.received.natural" in out
    assert "line" in out or "行" in out


def test_check_clean_report_exits_zero() -> None:
    code, out, _ = run("check", CLEAN_HTML)
    assert code == EXIT_OK, out
    assert "0 错误" in out


def test_check_broken_report_exits_one_and_names_the_cells() -> None:
    code, out, _ = run("check", BROKEN_HTML)
    assert code == EXIT_FINDINGS
    assert "s3.total.total" in out or "s3.total.legal" in out


def test_check_json_format_and_select_ignore() -> None:
    code, out, _ = run("check", "--format", "json", BROKEN_HTML)
    doc = json.loads(out)
    assert code == EXIT_FINDINGS
    codes = {f["code"] for f in doc["findings"]}
    assert doc["counts"]["error"] >= 1
    some = sorted(c for c in codes if any(f["severity"] == "error" and f["code"] == c for f in doc["findings"]))[0]
    _, out2, _ = run("check", "--format", "json", "--ignore", some, BROKEN_HTML)
    assert some not in {f["code"] for f in json.loads(out2)["findings"]}
    code3, out3, _ = run("check", "--format", "json", "--select", some, BROKEN_HTML)
    assert {f["code"] for f in json.loads(out3)["findings"]} == {some}
    assert code3 == EXIT_FINDINGS


def test_check_unknown_rule_code_is_a_usage_error() -> None:
    code, _, err = run("check", "--select", "Q999", SEED)
    assert code == EXIT_USAGE
    assert "Q999" in err


def test_check_with_previous_report(tmp_path: Path) -> None:
    # Last year's report for the same body: its 结转下年度 must equal this year's 上年结转.
    this = Report.from_dict(expected_for(SEED))
    last = this.copy()
    last.year = 2019
    last.set_value("s3.carried_out.natural", 4)
    last.set_value("s3.carried_out.total", 4)
    prev = tmp_path / "prev.json"
    prev.write_text(last.to_json(), encoding="utf-8")
    code, out, _ = run("check", "--format", "json", "--previous", prev, SEED)
    findings = json.loads(out)["findings"]
    assert any("s3.carried_in.total" in f["cells"] for f in findings)
    assert code == EXIT_FINDINGS


def test_unreadable_inputs_get_one_clear_line_and_do_not_stop_the_batch(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    notes = tmp_path / "notes.txt"
    notes.write_text("会议纪要\n今天讨论了食堂菜单。\n", encoding="utf-8")
    missing = tmp_path / "nope.html"
    code, out, err = run("check", empty, image, notes, missing, SEED)
    assert code == EXIT_UNREADABLE
    assert "Traceback" not in out + err
    for path in (empty, image, notes, missing):
        lines = [line for line in out.splitlines() if line.startswith(str(path))]
        assert len(lines) == 1, (path, out)
        assert "无法读取" in lines[0]
    assert "重庆市大渡口区八桥镇" in out  # the good report was still checked


def test_render_every_format(tmp_path: Path) -> None:
    for fmt in ("json", "md", "html", "xlsx"):
        target = tmp_path / f"out.{fmt}"
        code, _, err = run("render", SEED, "--to", fmt, "-o", target)
        assert code == EXIT_OK, err
        assert target.stat().st_size > 0
    assert Report.from_json(tmp_path.joinpath("out.json").read_bytes()).value("s2.procurement.projects") == 95
    assert "<table" in tmp_path.joinpath("out.html").read_text(encoding="utf-8")
    assert load_workbook(tmp_path / "out.xlsx").sheetnames


def test_render_to_stdout_and_binary_refusal() -> None:
    code, out, _ = run("render", SEED, "--to", "md", "-o", "-")
    assert code == EXIT_OK
    assert "三、收到和处理政府信息公开申请情况" in out
    code, _, err = run("render", SEED, "--to", "xlsx", "-o", "-")
    assert code == EXIT_USAGE
    assert "-o" in err


def test_rules_lists_every_rule() -> None:
    from xxgk.rules import all_rules

    code, out, _ = run("rules")
    assert code == EXIT_OK
    for rule in all_rules():
        assert rule.code in out
    code, out, _ = run("rules", "--format", "json")
    assert [r["code"] for r in json.loads(out)] == [r.code for r in all_rules()]


def test_usage_errors_exit_two() -> None:
    assert run()[0] == EXIT_USAGE
    assert run("parse")[0] == EXIT_USAGE
    assert run("render", SEED, "--to", "pdfx", "-o", "x")[0] == EXIT_USAGE


def test_installed_console_script_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "check", str(SEED)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == EXIT_OK, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", published_reports(), ids=lambda p: p.name)
def test_every_fixture_parses_from_the_command_line(path: Path) -> None:
    code, out, _ = run("parse", path)
    assert code == EXIT_OK
    assert json.loads(out)["cells"] == expected_for(path)["cells"]


def test_parser_codes_select_and_ignore_the_parsers_findings() -> None:
    from xxgk.ingest.codes import CODES

    some = sorted(CODES)[0]
    code, out, _ = run("check", "--format", "json", "--select", some, CLEAN_HTML)
    assert all(f["code"] == some for f in json.loads(out)["findings"])
    code, _, err = run("check", "--select", "P999", CLEAN_HTML)
    assert code == EXIT_USAGE
    assert "P999" in err


OFFICE = PUBLISHED.parent / "office"


@pytest.mark.parametrize("name", ["pingtan-hzs-2023.lo.pdf", "pingtan-hzs-2023.lo.docx"])
def test_explain_page_for_pdf_and_docx(tmp_path: Path, name: str) -> None:
    target = tmp_path / "explain.html"
    code, _, err = run("parse", "--explain", "--format", "html", "-o", target, OFFICE / name)
    assert code == EXIT_OK, err
    page = target.read_text(encoding="utf-8")
    assert "s3.received.total" in page
    if name.endswith(".pdf"):
        assert "data:image/png" in page


def test_pdf_and_docx_parse_to_the_html_expectation_from_the_command_line() -> None:
    for name in ("pingtan-jtj-2024.lo.pdf", "pingtan-jtj-2024.lo.docx"):
        code, out, err = run("parse", OFFICE / name)
        assert code == EXIT_OK, err
        assert json.loads(out)["cells"] == expected_for(PUBLISHED / "pingtan-jtj-2024.html")["cells"]


def test_explain_html_needs_explain_and_output() -> None:
    assert run("parse", "--format", "html", SEED)[0] == EXIT_USAGE
    assert run("parse", "--explain", "--format", "html", SEED)[0] == EXIT_USAGE
