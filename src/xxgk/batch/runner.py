"""Running a function over many items on all cores, yielding the results in input order.

The items are cut into chunks (one pickling round trip per chunk, not per item) and at most a few chunks per
worker are in flight, so neither the parent's queue nor the finished-but-not-yet-yielded results grow with the
size of the batch. One process does the work in-process (no pool) when ``jobs`` is 1 or there is one item.

A worker that dies (a crash in a native library, the kernel's out-of-memory killer) breaks the pool. The pool
is then restarted and the chunk that was at the head of the queue is re-run one item at a time with nothing
else in flight, so the item that kills its worker is identified, reported through ``on_crash`` and skipped;
every other item is still processed.
"""

from __future__ import annotations

import math
import os
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Chunks in flight per worker.
WINDOW_PER_JOB = 4
MAX_CHUNK = 32


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def chunk_size(n: int, jobs: int) -> int:
    """About eight chunks per worker, at most ``MAX_CHUNK`` items each."""
    return max(1, min(MAX_CHUNK, math.ceil(n / (jobs * 8))))


class _Failed:
    """An item whose function raised in the worker (the function broke its never-raise contract)."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _run_chunk(func: Callable[[T], R], chunk: Sequence[T]) -> list[R | _Failed]:
    out: list[R | _Failed] = []
    for item in chunk:
        try:
            out.append(func(item))
        except Exception as exc:
            out.append(_Failed(f"{type(exc).__name__}: {exc}"))
    return out


def _worker_init() -> None:
    # Ctrl-C goes to the whole process group: the parent handles it; workers must not print tracebacks.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_parallel(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    on_crash: Callable[[T, str], R],
    jobs: int | None = None,
    chunksize: int | None = None,
) -> Generator[R, None, None]:
    """``func(item)`` for every item, in input order, over ``jobs`` processes (default: every core).

    ``func`` must be picklable (a module-level function or a ``functools.partial`` of one) and should not
    raise; if it does, or if its worker dies, ``on_crash(item, reason)`` stands in for its result.

    The worker processes are started and the first chunks sent before this function returns, so that they
    are forked before the caller starts threads of its own (a progress bar); iterate the result to the end
    (or close it) to shut them down.
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(items) <= 1:
        return _serial(func, items, on_crash)
    jobs = min(jobs, len(items))
    run = _Parallel(func, items, on_crash, jobs, chunksize or chunk_size(len(items), jobs))
    run.fill()
    return run.results()


def _serial(func: Callable[[T], R], items: Sequence[T], on_crash: Callable[[T, str], R]) -> Generator[R, None, None]:
    for item in items:
        try:
            yield func(item)
        except Exception as exc:
            yield on_crash(item, f"{type(exc).__name__}: {exc}")


class _Parallel(Generic[T, R]):
    """The state of one parallel run (see the module docstring for the crash handling)."""

    def __init__(
        self, func: Callable[[T], R], items: Sequence[T], on_crash: Callable[[T, str], R], jobs: int, size: int
    ) -> None:
        self.task = partial(_run_chunk, func)
        self.on_crash = on_crash
        self.jobs = jobs
        self.queue: deque[list[T]] = deque(list(items[i : i + size]) for i in range(0, len(items), size))
        self.inflight: deque[tuple[list[T], Future[list[R | _Failed]]]] = deque()
        self.careful = 0  # items still to run one at a time, alone, after the pool broke
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_init)

    def _restart(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = self._new_pool()

    def fill(self) -> None:
        """Send chunks until the window is full (one chunk at a time in careful mode)."""
        window = 1 if self.careful else self.jobs * WINDOW_PER_JOB
        while self.queue and len(self.inflight) < window:
            chunk = self.queue.popleft()
            try:
                future = self.pool.submit(self.task, chunk)
            except BrokenProcessPool:  # a worker died: the head of ``inflight`` will say which chunk
                self.queue.appendleft(chunk)
                if self.inflight:
                    return
                self._restart()
                continue
            self.inflight.append((chunk, future))

    def results(self) -> Generator[R, None, None]:
        finished = False
        try:
            while True:
                self.fill()
                if not self.inflight:
                    finished = True
                    return
                yield from self._next_chunk()
        finally:
            # Done: wait for the idle workers to exit. Interrupted (Ctrl-C, the consumer stopped): do not wait.
            self.pool.shutdown(wait=finished, cancel_futures=True)

    def _next_chunk(self) -> Iterator[R]:
        chunk, future = self.inflight.popleft()
        try:
            results = future.result()
        except BrokenProcessPool:
            self._restart()
            lost = [c for c, _ in self.inflight]
            self.inflight.clear()
            self.queue.extendleft(reversed(lost))
            if self.careful:  # this item ran alone: it is the one that kills its worker
                self.careful -= 1
                yield self.on_crash(chunk[0], "进程被终止（可能是内存不足或解析库崩溃）")
            else:
                self.queue.extendleft(reversed([[item] for item in chunk]))
                self.careful = len(chunk)
            return
        except Exception as exc:  # the chunk could not be sent or its result not received
            for item in chunk:
                yield self.on_crash(item, f"{type(exc).__name__}: {exc}")
            self.careful = max(0, self.careful - 1)
            return
        for item, result in zip(chunk, results, strict=True):
            yield self.on_crash(item, result.reason) if isinstance(result, _Failed) else result
        if self.careful:
            self.careful -= 1
