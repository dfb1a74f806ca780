"""``xxgk render --to docx|pdf -o FILE``: the binary formats from the command line, read back by the parsers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.conftest import PUBLISHED, expected_for
from xxgk.cli.main import EXIT_OK, EXIT_USAGE, build_parser, main
from xxgk.core.model import Report
from xxgk.ingest import parse_path

SEED = PUBLISHED / "cq-dadukou-baqiao-2020.txt"


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize(("fmt", "magic"), [("docx", b"PK\x03\x04"), ("pdf", b"%PDF-")])
def test_render_binary_format_to_a_file_reads_back(tmp_path: Path, fmt: str, magic: bytes) -> None:
    target = tmp_path / f"八桥镇.{fmt}"
    code, out, err = run("render", SEED, "--to", fmt, "-o", target)
    assert code == EXIT_OK, err
    assert out == ""
    data = target.read_bytes()
    assert data.startswith(magic)
    assert f"{len(data)} 字节" in err
    expected = Report.from_dict(expected_for(SEED))
    parsed = parse_path(target).report
    assert (parsed.body, parsed.year, parsed.template) == (expected.body, expected.year, expected.template)
    assert parsed.numbers() == expected.numbers()


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_binary_formats_are_refused_on_standard_output(fmt: str) -> None:
    code, out, err = run("render", SEED, "--to", fmt, "-o", "-")
    assert code == EXIT_USAGE
    assert out == ""
    assert "-o" in err and fmt.upper() in err


def test_render_help_lists_the_binary_formats() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    render = sub.choices["render"]  # type: ignore[index]
    to = next(a for a in render._actions if a.dest == "to")
    assert to.choices is not None and {"docx", "pdf"} <= set(to.choices)
    assert run("render", SEED, "--to", "doc", "-o", "x.doc")[0] == EXIT_USAGE
