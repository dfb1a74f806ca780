"""Many reports at once: batch checking in parallel, aggregation (汇总), comparison, and reading from URLs.

This layer sits between the command line and the engine (``xxgk.ingest``, ``xxgk.rules``, ``xxgk.render``);
it knows nothing of argument parsing or terminals, so the web layer can use it as well.

* :mod:`xxgk.batch.inputs` — arguments (files, directories, ZIP archives, URLs) expanded into work items;
  :mod:`xxgk.batch.archive` — ZIP members listed and read in memory within limits (zip bombs, GBK names).
* :mod:`xxgk.batch.load` — one item read as a report; :mod:`xxgk.batch.fetch` — bounded HTTP fetching and
  following a page's link to the attached report.
* :mod:`xxgk.batch.check` — one item checked into a compact :class:`~xxgk.batch.check.Outcome`;
  :mod:`xxgk.batch.runner` — a function run over many items on every core, results in input order.
* :mod:`xxgk.batch.summary` — the summary workbook (报告, 问题) and CSV files, streamed and written atomically.
* :mod:`xxgk.batch.aggregate` — reports of one year and template summed into a combined report.
* :mod:`xxgk.batch.diff` — two reports compared cell by cell, with the cross-year rules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xxgk.batch.aggregate import Aggregation, AggregationError, Aggregator, aggregate
    from xxgk.batch.archive import ArchiveError, ZipLimits
    from xxgk.batch.check import CheckOptions, Outcome, check_item
    from xxgk.batch.diff import CrossYear, ReportDiff, cross_year, diff
    from xxgk.batch.fetch import FetchError, FetchLimits, fetch
    from xxgk.batch.inputs import Expansion, Item, Kind, expand
    from xxgk.batch.load import Loaded, load, load_bytes, load_item
    from xxgk.batch.runner import default_jobs, run_parallel

#: The public names, imported on first use (the command line stays quick to start).
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("Aggregation", "AggregationError", "Aggregator", "aggregate"), "aggregate"),
    **dict.fromkeys(("ArchiveError", "ZipLimits"), "archive"),
    **dict.fromkeys(("CheckOptions", "Outcome", "check_item"), "check"),
    **dict.fromkeys(("CrossYear", "ReportDiff", "cross_year", "diff"), "diff"),
    **dict.fromkeys(("FetchError", "FetchLimits", "fetch"), "fetch"),
    **dict.fromkeys(("Expansion", "Item", "Kind", "expand"), "inputs"),
    **dict.fromkeys(("Loaded", "load", "load_bytes", "load_item"), "load"),
    **dict.fromkeys(("default_jobs", "run_parallel"), "runner"),
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xxgk.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"xxgk.batch.{module}"), name)


__all__ = [
    "Aggregation",
    "AggregationError",
    "Aggregator",
    "ArchiveError",
    "CheckOptions",
    "CrossYear",
    "Expansion",
    "FetchError",
    "FetchLimits",
    "Item",
    "Kind",
    "Loaded",
    "Outcome",
    "ReportDiff",
    "ZipLimits",
    "aggregate",
    "check_item",
    "cross_year",
    "default_jobs",
    "diff",
    "expand",
    "fetch",
    "load",
    "load_bytes",
    "load_item",
    "run_parallel",
]
