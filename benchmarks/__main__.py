"""Benchmarks of the report engine (``python -m benchmarks`` / ``make bench``).

1. Parse+check time per report for every published fixture, as a ratio to the time lxml takes merely to build the
   tree of the same document (``lxml.html.fromstring`` on the same bytes). Target: within 3×.
2. A batch of 1,000 reports (the fixtures, cycled) parsed and checked on one core: reports per second, and the
   same batch's ratio to building the lxml trees alone; peak traced memory of the batch.

Timings take the minimum over repetitions (the least disturbed run). Results print as a Markdown table, ready to
paste into docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import platform
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import lxml.html

from xxgk.ingest import parse_bytes
from xxgk.rules import check

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "published"


def best_of(func: Callable[[], object], repeat: int, number: int) -> float:
    """Minimum seconds per call over ``repeat`` rounds of ``number`` calls."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            func()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def parse_and_check(data: bytes, name: str) -> int:
    result = parse_bytes(data, source=name)
    return len(check(result.report)) + len(result.findings)


def per_report(repeat: int, number: int) -> list[tuple[str, int, float, float]]:
    rows = []
    for path in sorted(FIXTURES.glob("*")):
        if path.suffix not in {".txt", ".html"}:
            continue
        data = path.read_bytes()
        baseline = best_of(lambda d=data: lxml.html.fromstring(d), repeat, number)
        ours = best_of(lambda d=data, n=path.name: parse_and_check(d, n), repeat, number)
        rows.append((path.name, len(data), baseline, ours))
    return rows


def batch(size: int) -> tuple[float, float, float]:
    docs = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("*")) if p.suffix in {".txt", ".html"}]
    items = [docs[i % len(docs)] for i in range(size)]
    gc.collect()
    start = time.perf_counter()
    for _name, data in items:
        lxml.html.fromstring(data)
    baseline = time.perf_counter() - start
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    for name, data in items:
        parse_and_check(data, name)
    ours = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # tracemalloc slows Python code down; time the batch again without it for the throughput figure.
    gc.collect()
    start = time.perf_counter()
    for name, data in items:
        parse_and_check(data, name)
    ours = min(ours, time.perf_counter() - start)
    return baseline, ours, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--number", type=int, default=5)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {platform.machine()}, lxml {lxml.__version__}\n")
    print("| report | bytes | lxml tree (ms) | parse+check (ms) | ratio |")
    print("|---|---:|---:|---:|---:|")
    worst = 0.0
    for name, size, base, ours in per_report(args.repeat, args.number):
        ratio = ours / base
        worst = max(worst, ratio) if name.endswith(".html") else worst
        print(f"| {name} | {size:,} | {base * 1e3:.2f} | {ours * 1e3:.2f} | {ratio:.2f}× |")
    print(f"\nWorst HTML ratio: {worst:.2f}× (target ≤ 3×)\n")
    base, ours, peak = batch(args.batch)
    print(f"| batch of {args.batch} reports, one core | seconds | reports/s |")
    print("|---|---:|---:|")
    print(f"| lxml tree only (baseline) | {base:.2f} | {args.batch / base:,.0f} |")
    print(f"| parse + check | {ours:.2f} | {args.batch / ours:,.0f} |")
    print(f"\nBatch ratio to baseline: {ours / base:.2f}×; peak traced memory {peak:.1f} MiB")


if __name__ == "__main__":
    main()
