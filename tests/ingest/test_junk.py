"""Junk fed to every parser gives a clean IngestError (or a result) — never any other exception."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.helpers import PUBLISHED, SEED
from xxgk.core.errors import IngestError
from xxgk.ingest import PARSERS, Parser, ParseResult, parse_bytes

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _entry(parser: Parser) -> Callable[[bytes], object]:
    def run(data: bytes) -> object:
        return parser.parse(data, "junk")

    return run


def _parse_bytes(data: bytes) -> object:
    return parse_bytes(data, source="junk")


ENTRY_POINTS: dict[str, Callable[[bytes], object]] = {
    **{f"{name}.parse": _entry(parser) for name, parser in PARSERS.items()},
    "parse_bytes": _parse_bytes,
}


def feed(entry: Callable[[bytes], object], data: bytes) -> None:
    try:
        result = entry(data)
    except IngestError as exc:
        assert exc.reason
        assert exc.source == "junk"
        return
    assert isinstance(result, ParseResult)


def test_sniffers_never_raise() -> None:
    rng = random.Random(7)
    for size in (0, 1, 10, 1000, 100_000):
        data = rng.randbytes(size)
        for parser in PARSERS.values():
            assert parser.sniff(data, "junk") in (True, False)


RANDOM = random.Random(20240131)
HTML_PAGE = (PUBLISHED / "pingtan-hzs-2023.html").read_bytes()
SEED_BYTES = SEED.read_bytes()


def _flipped(data: bytes, count: int, seed: int) -> bytes:
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(count):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


JUNK: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b" \r\n\t\n",
    "nul": b"\x00" * 64,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(32),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    "docx": b"PK\x03\x04\x14\x00\x06\x00" + bytes(40),
    "random-small": RANDOM.randbytes(100),
    "random-large": RANDOM.randbytes(200_000),
    "random-no-nul": bytes(b or 1 for b in RANDOM.randbytes(5000)),
    "truncated-html-10": HTML_PAGE[: len(HTML_PAGE) // 10],
    "truncated-html-60": HTML_PAGE[: len(HTML_PAGE) * 6 // 10],
    "truncated-html-mid-tag": HTML_PAGE[: HTML_PAGE.index(b"<td", 40_000) + 2],
    "truncated-text": SEED_BYTES[: len(SEED_BYTES) // 2],
    "flipped-html": _flipped(HTML_PAGE, 400, 1),
    "flipped-text": _flipped(SEED_BYTES, 100, 2),
    "huge-line": b"a" * 2_000_000,
    "huge-number-line": b"1 " * 100_000,
    "huge-digit-run": b"\t" + b"1" * 100_000,
    "not-a-report": "今天天气很好。我们去公园散步，看到很多人在跳舞。\n第二天继续下雨。".encode(),
    "report-words-no-tables": (
        "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量".encode()
    ),
    "deep-html": b"<div>" * 50_000 + b"x" + b"</div>" * 50_000,
    "span-bomb": b"<table>" + b'<tr><td rowspan="65534" colspan="1000">0</td></tr>' * 200 + b"</table>",
    "xml-declaration": b'<?xml version="1.0" encoding="gbk"?><html><body><p>\xd6\xd0</p></body></html>',
    "utf16-no-bom": "一、总体情况".encode("utf-16-le"),
    "bad-charset": b'<meta charset="no-such-charset"><p>\xe4\xb8\xad</p>',
    "control-chars": bytes(range(1, 32)) * 100,
}


@pytest.mark.parametrize("name", sorted(JUNK))
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_named_junk(entry: str, name: str) -> None:
    feed(ENTRY_POINTS[entry], JUNK[name])


@pytest.mark.parametrize("name", ["empty", "png", "pdf", "not-a-report", "random-small"])
def test_named_junk_is_refused(name: str) -> None:
    with pytest.raises(IngestError):
        parse_bytes(JUNK[name], source="junk")


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@SETTINGS
@given(data=st.binary(max_size=3000))
def test_random_bytes(entry: str, data: bytes) -> None:
    feed(ENTRY_POINTS[entry], data)


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@SETTINGS
@given(text=st.text(max_size=2000))
def test_random_text(entry: str, text: str) -> None:
    feed(ENTRY_POINTS[entry], text.encode("utf-8", "surrogatepass"))


_PIECES = [
    "\t",
    "\n",
    "\n\n",
    " ",
    "|",
    "---",
    "0",
    "1",
    "05",
    "-",
    "/",
    "—",
    "12元",
    "1,234",
    "１２",
    "<br>",
    "<td>",
    "<tr>",
    "<table>",
    "</table>",
    '<td colspan="3">',
    "一、总体情况",
    "二、主动公开政府信息情况",
    "第二十条第（一）项",
    "信息内容",
    "本年新制作数量",
    "本年制发件数",
    "规章",
    "行政许可",
    "三、收到和处理政府信息公开申请情况",
    "申请人情况",
    "自然人",
    "一、本年新收政府信息公开申请数量",
    "（三）不予公开",
    "1.属于国家秘密",
    "3.其他",
    "（六）其他处理",
    "（七）总计",
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议",
    "行政诉讼",
    "25380363300630003",
    "101000011",
    "某局2021年政府信息公开工作年度报告",
    "统计期限自2021年1月1日起",
    "小计",
]


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@SETTINGS
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=120))
def test_report_shaped_junk(entry: str, pieces: list[str]) -> None:
    feed(ENTRY_POINTS[entry], "".join(pieces).encode("utf-8"))
