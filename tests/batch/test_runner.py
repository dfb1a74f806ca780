"""The parallel runner: results in input order, a crashing worker costs only its own item."""

from __future__ import annotations

import os

import pytest

from xxgk.batch.runner import chunk_size, run_parallel


def square(n: int) -> int:
    return n * n


def fragile(n: int) -> int:
    if n == 7:
        os._exit(3)  # a worker killed outright, as by a crash in a native library
    if n == 11:
        raise ValueError("eleven")
    return n * n


def crashed(n: int, reason: str) -> int:
    return -n


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_come_in_input_order(jobs: int) -> None:
    items = list(range(200))
    assert list(run_parallel(square, items, on_crash=crashed, jobs=jobs, chunksize=3)) == [n * n for n in items]


def test_a_dying_worker_costs_only_its_item() -> None:
    items = list(range(40))
    results = list(run_parallel(fragile, items, on_crash=crashed, jobs=2, chunksize=4))
    assert results == [-n if n in (7, 11) else n * n for n in items]


def test_in_process_mode_reports_exceptions_too() -> None:
    assert list(run_parallel(fragile, [2, 11], on_crash=crashed, jobs=1)) == [4, -11]


def test_chunk_size() -> None:
    assert chunk_size(1, 2) == 1
    assert chunk_size(1000, 2) == 32
    assert 1 <= chunk_size(50, 2) <= 4


def test_stopping_early_shuts_the_workers_down() -> None:
    results = run_parallel(square, list(range(500)), on_crash=crashed, jobs=2, chunksize=2)
    assert next(results) == 0
    results.close()
    assert list(run_parallel(square, [3], on_crash=crashed, jobs=2)) == [9]  # one item: no pool at all
