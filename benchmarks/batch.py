"""Batch checking benchmark (``python -m benchmarks.batch``).

1. Throughput: ``xxgk check -q --output-dir`` over a directory of the published HTML/text fixtures cycled to
   1,000 documents, on one core (``--jobs 1``) and on two (``--jobs 2``): documents per second and the speed-up
   from the second core (target ≥ 1.7×). Each run is a fresh process, end to end: expanding the directory,
   reading, parsing, checking, and streaming the summary workbook and CSV files.
2. Memory: peak resident memory (RSS) of the parent process and of the largest worker for 250 and for 1,000
   documents (it must not grow with the batch), and peak traced Python memory (tracemalloc) of a one-process
   batch of 250 and 1,000 documents.

Timings are the minimum over ``--repeat`` runs. Results print as Markdown tables for docs/performance.md.
Linux only (peak RSS from ``getrusage``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "published"


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def machine_parallelism(n: int = 2_000_000, tasks: int = 8) -> float:
    """Speed-up of a pure CPU loop on two processes over one: ~2.0 on an idle two-core machine. A lower figure
    means other processes hold the cores, and the batch speed-up below is bounded by it."""
    from concurrent.futures import ProcessPoolExecutor

    start = time.perf_counter()
    for _ in range(tasks):
        _spin(n)
    one = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [n]))  # start the workers outside the timing
        start = time.perf_counter()
        list(pool.map(_spin, [n] * tasks))
        two = time.perf_counter() - start
    return one / two


def make_corpus(target: Path, size: int) -> Path:
    """``size`` documents (symbolic links to the fixtures, cycled) in ``target``."""
    docs = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".txt", ".html"})
    target.mkdir(parents=True, exist_ok=True)
    for i in range(size):
        source = docs[i % len(docs)]
        (target / f"{i:05d}-{source.name}").symlink_to(source)
    return target


def measure(corpus: Path, jobs: int, out_dir: Path) -> dict[str, Any]:
    """One end-to-end run of ``xxgk check`` (called in a fresh process by :func:`run_child`)."""
    from xxgk.cli.main import main

    sink = io.StringIO()
    start = time.perf_counter()
    code = main(["check", "-q", "--jobs", str(jobs), "--output-dir", str(out_dir), str(corpus)], out=sink, err=sink)
    seconds = time.perf_counter() - start
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "code": code,
        "seconds": seconds,
        "cpu": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
        "parent_mib": me.ru_maxrss / 1024,
        "worker_mib": children.ru_maxrss / 1024,
    }


def run_child(corpus: Path, jobs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as out_dir:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.batch", "--child", str(corpus), str(jobs), out_dir],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def best_runs(configs: list[tuple[Path, int]], repeat: int) -> list[dict[str, Any]]:
    """The fastest of ``repeat`` runs of each (corpus, jobs) configuration, the configurations interleaved so
    that a passing load on the machine does not favour one of them; peak memory is the maximum over runs."""
    runs: list[list[dict[str, Any]]] = [[] for _ in configs]
    for _ in range(repeat):
        for i, (corpus, jobs) in enumerate(configs):
            runs[i].append(run_child(corpus, jobs))
    out = []
    for rs in runs:
        best = dict(min(rs, key=lambda r: float(r["seconds"])))
        best["parent_mib"] = max(r["parent_mib"] for r in rs)
        best["worker_mib"] = max(r["worker_mib"] for r in rs)
        out.append(best)
    return out


def traced_peak(corpus: Path) -> float:
    """Peak traced memory (MiB) of a one-process batch over ``corpus`` (results consumed as they come)."""
    from xxgk.batch.check import CheckOptions, check_item, crashed
    from xxgk.batch.inputs import expand
    from xxgk.batch.runner import run_parallel
    from xxgk.batch.summary import open_summaries

    items = expand([str(corpus)]).items
    options = CheckOptions()
    for item in items[:20]:  # warm up: lazy imports and caches are not the batch's memory
        check_item(item, options)
    with tempfile.TemporaryDirectory() as warm:
        open_summaries(output_dir=Path(warm)).abort()
    with tempfile.TemporaryDirectory() as out_dir:
        tracemalloc.start()
        summaries = open_summaries(output_dir=Path(out_dir))
        for outcome in run_parallel(lambda item: check_item(item, options), items, on_crash=crashed, jobs=1):
            summaries.add(outcome)
        summaries.close()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batch")
    parser.add_argument("--size", type=int, default=1000, help="documents in the throughput batch")
    parser.add_argument("--small", type=int, default=250, help="documents in the smaller memory batch")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("CORPUS", "JOBS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        corpus, jobs, out_dir = args.child
        print(json.dumps(measure(Path(corpus), int(jobs), Path(out_dir))))
        return

    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    print(f"Python {platform.python_version()} on {platform.machine()}, {cores} cores available")
    print(f"Load average before the run: {load:.2f}; a pure CPU loop runs {machine_parallelism():.2f}× faster on two")
    print("processes than on one (2.00× on an idle machine: the batch speed-up cannot exceed it)\n")
    with tempfile.TemporaryDirectory() as tmp:
        large = make_corpus(Path(tmp) / "large", args.size)
        small = make_corpus(Path(tmp) / "small", args.small)
        small_one, small_two, one, two = best_runs([(small, 1), (small, 2), (large, 1), (large, 2)], args.repeat)
        print(
            "| batch (`xxgk check -q --output-dir`) | documents | jobs | seconds | documents/s | speed-up "
            "| CPU seconds (all processes) | parent peak RSS (MiB) | largest worker peak RSS (MiB) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows = [
            ("one core", args.small, 1, small_one, small_one),
            ("two cores", args.small, 2, small_two, small_one),
            ("one core", args.size, 1, one, one),
            ("two cores", args.size, 2, two, one),
        ]
        for label, n, jobs, r, base in rows:
            worker = f"{r['worker_mib']:.1f}" if jobs > 1 else "—"
            print(
                f"| {label} | {n:,} | {jobs} | {r['seconds']:.2f} | {n / r['seconds']:,.0f} | "
                f"{base['seconds'] / r['seconds']:.2f}× | {r['cpu']:.2f} | {r['parent_mib']:.1f} | {worker} |"
            )
        speedup = one["seconds"] / two["seconds"]
        print(f"\nSpeed-up from the second core on {args.size:,} documents: {speedup:.2f}× (target ≥ 1.7×)")
        print(f"CPU overhead of the two-process run: {two['cpu'] / one['cpu'] - 1:+.0%} of the one-process CPU time")
        print(f"Pure CPU loop on two processes after the runs: {machine_parallelism():.2f}× (2.00× when idle)")
        growth_parent = two["parent_mib"] - small_two["parent_mib"]
        growth_worker = two["worker_mib"] - small_two["worker_mib"]
        print(
            f"RSS growth from {args.small:,} to {args.size:,} documents on two cores: parent {growth_parent:+.1f} MiB, "
            f"largest worker {growth_worker:+.1f} MiB\n"
        )
        peaks = [(n, traced_peak(corpus)) for n, corpus in ((args.small, small), (args.size, large))]
        print("| one-process batch | documents | peak traced memory (MiB) |")
        print("|---|---:|---:|")
        for n, peak in peaks:
            print(f"| parse + check + summaries | {n:,} | {peak:.1f} |")


if __name__ == "__main__":
    main()
