"""Fuzzing every report reader with hypothesis: random bytes and mutated real fixtures.

Whatever the input, a reader returns a :class:`~xxgk.ingest.base.ParseResult` or raises one of the project's own
errors (:class:`~xxgk.core.errors.XxgkError`: an ``IngestError`` with a reason naming the input) — never any other
exception (no ``RecursionError``, ``KeyError``, ``zipfile.BadZipFile``, pdfminer's errors ...) — and it does so
within a time bound per input.

The inputs are random bytes behind each format's magic, and real fixtures mutated the ways files get damaged:
bit flips, truncation, spliced junk; DOCX packages with ZIP members removed, garbled or truncated; PDFs with an
object's body replaced, removed or its ``/Length`` and cross-reference table corrupted; HTML with hostile markup
inserted; text with lines duplicated, dropped and re-cut.

The default run is small and deterministic (derandomised, a bounded number of examples). A long run::

    XXGK_FUZZ_EXAMPLES=2000 .venv/bin/pytest -q tests/ingest/test_fuzz.py

runs that many examples per test with fresh randomness (set ``XXGK_FUZZ_SEED`` to repeat a long run).
"""

from __future__ import annotations

import io
import os
import re
import time
import warnings
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.ingest.docx_helpers import OFFICE
from tests.ingest.helpers import FIXTURES, PUBLISHED, SEED
from xxgk.core.errors import IngestError, XxgkError
from xxgk.ingest import PARSERS, ParseResult, docx, html, parse_bytes, pdf, text

#: Examples per test in a long run (``0``: the small default run).
LONG_EXAMPLES = int(os.environ.get("XXGK_FUZZ_EXAMPLES", "0") or 0)
LONG_SEED = os.environ.get("XXGK_FUZZ_SEED")
#: Seconds one input may take, per reader (generous: the machine running the suite may be busy).
TIME_BOUND = {"text": 10.0, "html": 10.0, "docx": 15.0, "pdf": 30.0, "parse_bytes": 30.0}

Parse = Callable[[bytes, str], ParseResult]


def fuzz_settings(default_examples: int, reader: str) -> Callable[[Any], Any]:
    """Hypothesis settings for one fuzz test: bounded, with a per-example deadline of the reader's time bound."""
    examples = LONG_EXAMPLES or default_examples
    configured = settings(
        max_examples=examples,
        deadline=timedelta(seconds=TIME_BOUND[reader]),
        derandomize=not LONG_EXAMPLES,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    if LONG_EXAMPLES and LONG_SEED:
        return lambda f: seed(int(LONG_SEED))(configured(f))
    return configured


def feed(parse: Parse, data: bytes, source: str, reader: str) -> ParseResult | None:
    """Run one reader on one input: a result or a project error, in time; anything else fails the test."""
    started = time.perf_counter()
    try:
        result = parse(data, source)
    except XxgkError as exc:
        assert str(exc).strip(), "a project error must carry a message for the user"
        if isinstance(exc, IngestError):
            assert exc.reason.strip()
            assert exc.source == source, f"the error must name the input: {exc!r}"
        result = None
    else:
        assert isinstance(result, ParseResult)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_BOUND[reader], f"{reader} took {elapsed:.1f} s on a {len(data)}-byte input"
    return result


def _dispatch(data: bytes, source: str) -> ParseResult:
    return parse_bytes(data, source=source)


READERS: dict[str, Parse] = {name: parser.parse for name, parser in PARSERS.items()}
READERS["parse_bytes"] = _dispatch

# -- the real fixtures mutated ----------------------------------------------------------------------------

TEXT_FIXTURE = SEED.read_bytes()
HTML_FIXTURE = (PUBLISHED / "pingtan-zrz-2021.html").read_bytes()
DOCX_FIXTURE = (OFFICE / "pingtan-zrz-2021.lo.docx").read_bytes()
PDF_FIXTURE = (FIXTURES / "pdf" / "split-footer-2021.pdf").read_bytes()
FIXTURE_BYTES = {"text": TEXT_FIXTURE, "html": HTML_FIXTURE, "docx": DOCX_FIXTURE, "pdf": PDF_FIXTURE}
SOURCES = {"text": "fuzz.txt", "html": "fuzz.html", "docx": "fuzz.docx", "pdf": "fuzz.pdf"}


@st.composite
def byte_mutations(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few damages: bit flips, byte overwrites, a cut, spliced junk, a deleted span."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "overwrite", "truncate", "splice", "delete", "duplicate"]))
        n = len(data)
        if n == 0:
            data += draw(st.binary(min_size=1, max_size=64))
            continue
        at = draw(st.integers(0, n - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "overwrite":
            junk = draw(st.binary(min_size=1, max_size=32))
            data[at : at + len(junk)] = junk
        elif kind == "truncate":
            del data[at:]
        elif kind == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=256))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 4096))]
        else:
            end = min(n, at + draw(st.integers(1, 4096)))
            data[at:at] = data[at:end]
    return bytes(data)


def _members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


DOCX_MEMBERS = _members(DOCX_FIXTURE)


def _zip(members: list[tuple[str, bytes]], compression: int) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        warnings.simplefilter("ignore", UserWarning)  # a duplicated member name is one of the damages
        for name, blob in members:
            archive.writestr(zipfile.ZipInfo(name), blob, compress_type=compression)
    return buffer.getvalue()


@st.composite
def docx_mutations(draw: st.DrawFn) -> bytes:
    """The DOCX fixture with members removed, garbled, truncated, renamed or duplicated; rezipped; sometimes
    the ZIP bytes damaged afterwards too."""
    members = list(DOCX_MEMBERS.items())
    names = [name for name, _ in members]
    for _ in range(draw(st.integers(1, 3))):
        if not members:
            break
        i = draw(st.integers(0, len(members) - 1))
        name, blob = members[i]
        kind = draw(st.sampled_from(["remove", "garble", "truncate", "rename", "duplicate", "xml-noise"]))
        if kind == "remove":
            del members[i]
        elif kind == "garble":
            members[i] = (name, draw(st.binary(max_size=512)))
        elif kind == "truncate":
            members[i] = (name, blob[: draw(st.integers(0, len(blob)))])
        elif kind == "rename":
            members[i] = (draw(st.sampled_from([*names, "word/x.xml", "[Content_Types].xml"])), blob)
        elif kind == "duplicate":
            members.append((name, blob))
        else:
            members[i] = (name, draw(byte_mutations(blob)))
    compression = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    data = _zip(members, compression)
    if draw(st.booleans()):
        data = draw(byte_mutations(data))
    return data


_OBJ_RE = re.compile(rb"\d+\s+\d+\s+obj\b(.*?)\bendobj", re.DOTALL)
PDF_OBJECTS = [(m.start(1), m.end(1)) for m in _OBJ_RE.finditer(PDF_FIXTURE)]


@st.composite
def pdf_mutations(draw: st.DrawFn) -> bytes:
    """The PDF fixture with objects corrupted: a body replaced by junk or removed, a ``/Length`` or a reference
    changed, the cross-reference table or ``startxref`` damaged; sometimes plain byte damage on top."""
    data = PDF_FIXTURE
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["body", "remove", "length", "reference", "xref", "startxref", "dictionary"]))
        if kind in ("body", "remove", "dictionary"):
            objects = [(m.start(1), m.end(1)) for m in _OBJ_RE.finditer(data)] or PDF_OBJECTS
            start, end = draw(st.sampled_from(objects))
            if kind == "body":
                replacement = draw(st.binary(max_size=256))
            elif kind == "remove":
                replacement = b""
            else:
                replacement = draw(
                    st.sampled_from([b"<< /Type /Page /Parent 999 0 R >>", b"<< /Kids [1 0 R 1 0 R] /Count 9 >>",
                                     b"<< /Length -5 >>stream\nendstream", b"[" * 2000, b"<<" * 2000])
                )  # fmt: skip
            data = data[:start] + replacement + data[end:]
        elif kind == "length":
            lengths = [m.span(1) for m in re.finditer(rb"/Length\s+(\d+)", data)]
            if lengths:
                start, end = draw(st.sampled_from(lengths))
                number = str(draw(st.sampled_from([0, 1, 7, 10**6, 2**31, 10**12]))).encode()
                data = data[:start] + number + data[end:]
        elif kind == "reference":
            refs = [m.span(1) for m in re.finditer(rb"(\d+)\s+0\s+R\b", data)]
            if refs:
                start, end = draw(st.sampled_from(refs))
                data = data[:start] + str(draw(st.integers(0, 10**6))).encode() + data[end:]
        elif kind == "xref":
            at = data.rfind(b"xref")
            if at >= 0:
                data = data[:at] + draw(st.binary(max_size=64)) + data[at + 4 + draw(st.integers(0, 200)) :]
        elif kind == "startxref":
            at = data.rfind(b"startxref")
            if at >= 0:
                data = data[:at] + b"startxref\n" + str(draw(st.integers(0, 10**9))).encode() + b"\n%%EOF\n"
    if draw(st.booleans()):
        data = draw(byte_mutations(data))
    return data


_HOSTILE_HTML = [
    b"<table>",
    b"</table>",
    b"<tr>",
    b"<td>",
    b'<td rowspan="999999999">',
    b'<td colspan="-3">',
    b'<td rowspan="1e9" colspan="0x10">',
    b"<script>alert(1)</script>",
    b"<div>" * 3000,
    b"<table><tr><td>" * 300,
    b"<!--",
    b"<![CDATA[",
    b'<meta charset="x-no-such-charset">',
    b"&#0;&#xD800;&#99999999999;",
    b"\x00",
    b"<svg><foreignObject><table>",
]


@st.composite
def html_mutations(draw: st.DrawFn) -> bytes:
    """The HTML fixture with hostile markup inserted at random places (and maybe byte damage)."""
    data = HTML_FIXTURE
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from(_HOSTILE_HTML)) + data[at:]
    if draw(st.booleans()):
        data = draw(byte_mutations(data))
    return data


@st.composite
def text_mutations(draw: st.DrawFn) -> bytes:
    """The text fixture with lines dropped, duplicated, swapped, cut at tabs or joined (and maybe byte damage)."""
    lines = TEXT_FIXTURE.decode("utf-8").split("\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["drop", "duplicate", "swap", "tab", "join", "junk"]))
        if kind == "drop":
            del lines[i]
        elif kind == "duplicate":
            lines[i:i] = [lines[i]] * draw(st.integers(1, 50))
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "tab":
            lines[i] = "\t" + lines[i].replace(" ", "\t")
        elif kind == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [lines[i] + lines[i + 1]]
        else:
            lines[i] = draw(st.text(max_size=80))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = draw(byte_mutations(data))
    return data


# -- the tests ----------------------------------------------------------------------------------------


MAGICS = {
    "pdf": b"%PDF-1.7\n",
    "docx": b"PK\x03\x04",
    "html": b"<html><body><table><tr><td>",
    "text": "一、总体情况\n\t".encode(),
    "parse_bytes": b"",
}


@pytest.mark.parametrize("reader", sorted(READERS))
@fuzz_settings(40, "parse_bytes")
@given(data=st.binary(max_size=4096))
def test_random_bytes_behind_each_magic(reader: str, data: bytes) -> None:
    """Random bytes, each reader (and the sniffing dispatch), behind every format's magic."""
    for magic in MAGICS.values():
        feed(READERS[reader], magic + data, "fuzz", "parse_bytes")


@fuzz_settings(80, "text")
@given(data=text_mutations())
def test_mutated_text(data: bytes) -> None:
    feed(text.parse, data, SOURCES["text"], "text")
    feed(_dispatch, data, SOURCES["text"], "parse_bytes")


@fuzz_settings(60, "html")
@given(data=html_mutations())
def test_mutated_html(data: bytes) -> None:
    feed(html.parse, data, SOURCES["html"], "html")
    feed(_dispatch, data, SOURCES["html"], "parse_bytes")


@fuzz_settings(60, "docx")
@given(data=docx_mutations())
def test_mutated_docx_package(data: bytes) -> None:
    feed(docx.parse, data, SOURCES["docx"], "docx")
    feed(_dispatch, data, SOURCES["docx"], "parse_bytes")


@fuzz_settings(12, "pdf")
@given(data=pdf_mutations())
def test_mutated_pdf_objects(data: bytes) -> None:
    feed(pdf.parse, data, SOURCES["pdf"], "pdf")


@pytest.mark.parametrize("reader", sorted(FIXTURE_BYTES))
@fuzz_settings(10, "pdf")
@given(data=st.data())
def test_fixture_byte_damage(reader: str, data: st.DataObject) -> None:
    """Bit flips, truncation and spliced junk in every format's fixture, read by its reader and by dispatch."""
    damaged = data.draw(byte_mutations(FIXTURE_BYTES[reader]))
    feed(READERS[reader], damaged, SOURCES[reader], reader)
    feed(_dispatch, damaged, SOURCES[reader], "parse_bytes")


def test_the_unmutated_fixtures_are_read() -> None:
    """The fuzzers start from readable reports: each fixture parses to a report with table-3 cells."""
    for reader, data in FIXTURE_BYTES.items():
        result = feed(READERS[reader], data, SOURCES[reader], reader)
        assert result is not None, reader
        assert result.report.cells["s3.received.total"].value is not None, reader
