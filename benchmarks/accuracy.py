"""Cell-level accuracy over every fixture with an expectation, and throughput per format on one core
(``python -m benchmarks.accuracy``).

Accuracy: for each fixture, the share of the template's cells whose parsed value equals the expectation (a number
equal to the number, or a non-number where the expectation has ``null``), plus template/year/body. Misses are listed
cell by cell. Throughput: documents per second for text, HTML and DOCX, pages per second for PDF, each the best of
three passes over the format's fixtures, with the lxml-tree baseline of the HTML fixtures measured in the same run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import lxml.html
import pypdfium2 as pdfium

from xxgk.core.errors import IngestError
from xxgk.ingest import parse_bytes

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"


def cases() -> list[tuple[Path, Path]]:
    """(document, expectation) pairs for every fixture that has an expectation."""
    out: list[tuple[Path, Path]] = []
    for folder in (FIX / "published", FIX / "synthetic", FIX / "pdf"):
        for doc in sorted(folder.iterdir()):
            if doc.suffix in {".json", ".md"} and not doc.name.startswith("synthetic-markdown"):
                continue
            exp = doc.with_name(doc.stem + ".expected.json")
            if doc.suffix != ".json" and exp.exists():
                out.append((doc, exp))
    manifest = json.loads((FIX / "office" / "manifest.json").read_text(encoding="utf-8"))["files"]
    for name, info in sorted(manifest.items()):
        if info.get("expected"):
            out.append((FIX / "office" / name, FIX / "published" / info["expected"]))
    return out


def compare(doc: Path, exp_path: Path) -> tuple[int, int, list[str]]:
    expected: dict[str, Any] = json.loads(exp_path.read_text(encoding="utf-8"))
    try:
        got = parse_bytes(doc.read_bytes(), source=doc.name).report.to_dict()
    except IngestError as exc:
        return 0, len(expected["cells"]) + 3, [f"unreadable: {exc.reason}"]
    misses = [
        f"{code}: {got['cells'].get(code)!r} ≠ {value!r}"
        for code, value in expected["cells"].items()
        if got["cells"].get(code) != value
    ]
    misses += [
        f"{k}: {got.get(k)!r} ≠ {expected.get(k)!r}"
        for k in ("template", "year", "body")
        if got.get(k) != expected.get(k)
    ]
    total = len(expected["cells"]) + 3
    return total - len(misses), total, misses


def throughput() -> list[tuple[str, int, str, float]]:
    groups: dict[str, list[Path]] = {"text": [], "html": [], "docx": [], "pdf": []}
    for folder in (FIX / "published", FIX / "office"):
        for doc in sorted(folder.iterdir()):
            kind = {".txt": "text", ".html": "html", ".docx": "docx", ".pdf": "pdf"}.get(doc.suffix)
            if kind and "scanned" not in doc.name and "no-unicode" not in doc.name:
                groups[kind].append(doc)
    rows = []
    for kind, docs in groups.items():
        blobs = [(d.name, d.read_bytes()) for d in docs]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for name, data in blobs:
                parse_bytes(data, source=name)
            best = min(best, time.perf_counter() - start)
        if kind == "pdf":
            pages = sum(len(pdfium.PdfDocument(data)) for _, data in blobs)
            rows.append((kind, len(blobs), "pages/s", pages / best))
        else:
            rows.append((kind, len(blobs), "documents/s", len(blobs) / best))
    html = [d.read_bytes() for d in groups["html"]]
    best = min(_time(lambda: [lxml.html.fromstring(d) for d in html]) for _ in range(3))
    rows.append(("html (lxml tree only, baseline)", len(html), "documents/s", len(html) / best))
    return rows


def _time(func: Any) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    right = total = 0
    print("| fixture | cells right | misses |")
    print("|---|---:|---|")
    for doc, exp in cases():
        ok, n, misses = compare(doc, exp)
        right += ok
        total += n
        shown = "; ".join(misses[:3]) + (f" (+{len(misses) - 3} more)" if len(misses) > 3 else "")
        print(f"| {doc.parent.name}/{doc.name} | {ok}/{n} | {shown} |")
    print(f"\nOverall cell-level accuracy: {right}/{total} = {100 * right / total:.2f}%\n")
    print("| format | fixtures | rate (one core) |")
    print("|---|---:|---:|")
    for kind, count, unit, rate in throughput():
        print(f"| {kind} | {count} | {rate:,.1f} {unit} |")


if __name__ == "__main__":
    main()
