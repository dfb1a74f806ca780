"""Benchmark: table 3 of the annual report counted in the database over 1,000,000 applications.

``python -m benchmarks.counting --db sqlite --n 1000000`` (or ``--db postgres``) builds a dedicated database — a
SQLite file under /tmp, or the PostgreSQL database ``xxgk_bench`` (created, and dropped at the end unless
``--keep``) — with ~500 bodies and ``--n`` applications received over three years (2023–2025) with realistic
distributions of applicant types, outcomes and handling times, then times, in the same run:

* the baseline: one ``SELECT COUNT(*)`` over the applications table;
* ``table3_counts`` (the production counting query of ``xxgk.web.reports.selectors``) for the 2024 report of a
  median body, of the largest body, for the supervisor's aggregate (the root body and every body below it: all of
  them, as ``report_compute(scope=TREE)`` does) and for the whole installation without a body filter;
* for contrast, what the code does NOT do: loading the four columns of the whole installation into Python and
  counting there.

Each figure is the median of ``--runs`` runs after one warm-up run; each run is paired with the best of three
baseline runs just before it, and the ratio is the query's median over the baseline's median of the same rounds
(robust to a machine shared with other work). Everything is measured twice: without the covering index (dropped if
the migrations made it), then with ``case_report_idx (body_id, received_on, closed_on, applicant_type, outcome)``
(the index proposed for ``cases.Case``); the query plans of the one-body query go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH_DB = "xxgk_bench"
SQLITE_PATH = Path("/tmp/xxgk-bench-counting.sqlite3")
REPORT_YEAR = 2024
INDEX_NAME = "case_report_idx"
INDEX_COLUMNS = "body_id, received_on, closed_on, applicant_type, outcome"
#: The day the generated data is "as of": applications not finished by then are open.
AS_OF = date(2026, 1, 20)

APPLICANT_TYPES = ["natural", "business", "research", "nonprofit", "legal", "other_org"]
APPLICANT_WEIGHTS = [78, 10, 1, 1, 5, 5]
#: Outcome shares (per mille) in the spirit of published reports: 予以公开 and 无法提供 dominate.
OUTCOME_WEIGHTS: dict[str, int] = {
    "granted": 350,
    "granted_published": 100,
    "partial": 80,
    "denied_state_secret": 2,
    "denied_prohibited": 5,
    "denied_security": 3,
    "denied_third_party": 20,
    "denied_internal": 10,
    "denied_process": 15,
    "denied_enforcement_file": 8,
    "denied_inquiry": 7,
    "unable_not_found": 180,
    "unable_not_responsible": 60,
    "unable_needs_creation": 30,
    "unable_unclear": 10,
    "not_processed_complaint": 30,
    "not_processed_duplicate": 20,
    "not_processed_publication": 5,
    "not_processed_excessive": 5,
    "not_processed_confirmation": 5,
    "no_correction": 20,
    "no_fee": 2,
    "withdrawn": 20,
    "other": 13,
}


# -- database set-up ----------------------------------------------------------------------------------


def configure(db: str, *, reuse: bool) -> str:
    """Point Django at the benchmark database before it is set up (created empty unless ``reuse``); return its
    description."""
    os.environ.setdefault("XXGK_SECRET_KEY", "xxgk-benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "xxgk.web.config.settings"
    os.environ.pop("XXGK_DEBUG", None)
    if db == "sqlite":
        if not (reuse and SQLITE_PATH.exists()):
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
        return f"SQLite {SQLITE_PATH}"
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (POSTGRES_BENCH_DB,)).fetchone()
        if not (reuse and exists):
            conn.execute(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB}")
            conn.execute(f"CREATE DATABASE {POSTGRES_BENCH_DB}")
        version = conn.execute("SHOW server_version").fetchone()
    os.environ["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{POSTGRES_BENCH_DB}"
    return f"PostgreSQL {version[0] if version else '?'} database {POSTGRES_BENCH_DB}"


def drop_postgres() -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB}")


def make_bodies(count: int) -> tuple[int, list[int]]:
    """A root (a city) with 20 districts, each supervising its share of the other bodies; ``count`` in all."""
    from xxgk.web.tenancy.models import Body, BodyKind

    root = Body.objects.create(name="某市人民政府", code="city", kind=BodyKind.GOVERNMENT)
    districts = Body.objects.bulk_create(
        [Body(name=f"第{i + 1}区人民政府", code=f"d{i + 1}", kind=BodyKind.GOVERNMENT, parent=root) for i in range(20)]
    )
    rest = Body.objects.bulk_create(
        [
            Body(name=f"机关{i + 1}", code=f"b{i + 1}", kind=BodyKind.DEPARTMENT, parent=districts[i % 20])
            for i in range(count - 21)
        ]
    )
    return root.pk, [root.pk, *(b.pk for b in districts), *(b.pk for b in rest)]


def make_cases(n: int, body_ids: list[int], seed: int, batch: int = 5000) -> dict[int, int]:
    """``n`` applications received 2023-01-01 … 2025-12-31; returns cases per body."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from xxgk.web.cases.models import Case

    rng = random.Random(seed)
    handler = User.objects.create_user(username="bench", password=None)
    # Skewed sizes: a few bodies (公安, 自然资源, 住建 …) receive many applications, most receive few.
    weights = [rng.lognormvariate(0.0, 1.0) for _ in body_ids]
    outcomes, outcome_weights = list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values())
    first, days = date(2023, 1, 1), (date(2025, 12, 31) - date(2023, 1, 1)).days + 1
    per_body: dict[int, int] = dict.fromkeys(body_ids, 0)
    bodies = rng.choices(body_ids, weights, k=n)
    kinds = rng.choices(APPLICANT_TYPES, APPLICANT_WEIGHTS, k=n)
    results = rng.choices(outcomes, outcome_weights, k=n)
    rows: list[Case] = []
    for i in range(n):
        body_id = bodies[i]
        per_body[body_id] += 1
        received = first + timedelta(days=int(days * rng.random() ** 0.9))  # slowly growing volume
        registered = received + timedelta(days=rng.choice((0, 0, 0, 0, 1, 2, 3)))
        pending = rng.random() < 0.003  # receipt still to be confirmed
        handling = rng.choice((0, rng.randint(3, 30), rng.randint(10, 45), rng.randint(30, 90)))
        closed: date | None = registered + timedelta(days=handling)
        if pending or (closed is not None and closed > AS_OF):
            closed = None
        status = "awaiting_receipt" if pending else "processing" if closed is None else "closed"
        if closed is not None and rng.random() < 0.3:
            status = "archived"
        rows.append(
            Case(
                body_id=body_id,
                number=f"{registered.year}-{i + 1:07d}",
                handler_id=handler.pk,
                status=status,
                channel="online",
                applicant_type=kinds[i],
                applicant_name="申请人",
                content="某政府信息",
                registered_on=registered,
                received_on=None if pending else received,
                outcome="" if closed is None else results[i],
                closed_on=closed,
            )
        )
        if len(rows) >= batch:
            with transaction.atomic():
                Case.objects.bulk_create(rows)
            rows = []
    if rows:
        with transaction.atomic():
            Case.objects.bulk_create(rows)
    return per_body


def existing_data(n: int) -> tuple[int, list[int], dict[int, int]] | None:
    """The bodies and per-body counts of a database loaded by an earlier run with ``--keep`` (``None`` if absent)."""
    from django.db.models import Count

    from xxgk.web.cases.models import Case
    from xxgk.web.tenancy.models import Body

    root = Body.objects.filter(code="city").first()
    if root is None or Case.objects.count() != n:
        return None
    all_ids = list(Body.objects.order_by("pk").values_list("pk", flat=True))
    per_body = dict.fromkeys(all_ids, 0)
    for body_id, count in Case.objects.values("body_id").annotate(n=Count("pk")).values_list("body_id", "n"):
        per_body[body_id] = count
    return root.pk, all_ids, per_body


def analyze(vendor: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case" if vendor == "postgresql" else "ANALYZE")


# -- timing -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """One measured query: its median time and the median of the baseline runs interleaved with it."""

    name: str
    seconds: float
    baseline: float
    counted: int

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline


def paired(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median seconds of ``func`` and of the baseline ``COUNT(*)``, measured in alternation (each round: the
    best of three baseline runs, then one run of ``func``) so that both see the same machine load."""
    func()  # warm-up: caches, statement preparation
    count_all()
    times: list[float] = []
    bases: list[float] = []
    for _ in range(runs):
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            count_all()
            best = min(best, time.perf_counter() - start)
        bases.append(best)
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), statistics.median(bases)


def count_all() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cases_case")
        row = cursor.fetchone()
    return int(row[0])


def count_counted() -> int:
    """A plain count of the rows the 2024 report reads (same WHERE clause), for context."""
    from xxgk.web.cases.models import Case
    from xxgk.web.reports.counting import Period, counted_q

    return Case.objects.filter(counted_q(Period(REPORT_YEAR))).count()


def python_loop(year: int) -> int:
    """What the report does NOT do: fetch the rows' columns and count in Python."""
    from xxgk.web.cases.models import Case

    start, end = date(year, 1, 1), date(year, 12, 31)
    counted = 0
    for received, closed, _kind, _outcome in Case.objects.values_list(
        "received_on", "closed_on", "applicant_type", "outcome"
    ).iterator(chunk_size=20000):
        if received is not None and received <= end and (closed is None or closed >= start):
            counted += 1
    return counted


def check_identity(cells: dict[str, int]) -> None:
    for col in (*APPLICANT_TYPES, "total"):
        left = cells[f"s3.received.{col}"] + cells[f"s3.carried_in.{col}"]
        right = cells[f"s3.total.{col}"] + cells[f"s3.carried_out.{col}"]
        if left != right:
            raise SystemExit(f"identity broken in column {col}: {left} != {right}")


def plan(body_id: int, vendor: str) -> str:
    from django.db import connection
    from django.db.models import Count

    from xxgk.web.cases.models import Case
    from xxgk.web.reports.counting import Measure, Period, counted_q, measure_q

    period = Period(REPORT_YEAR)
    counts = {m.value: Count("pk", filter=measure_q(m, period)) for m in Measure}
    qs = (
        Case.objects.filter(body_id=body_id)
        .filter(counted_q(period))
        .values("applicant_type", "outcome")
        .annotate(**counts)
        .order_by()
    )
    sql, params = qs.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


def measure(
    label: str, *, runs: int, root_id: int, all_ids: list[int], per_body: dict[int, int], vendor: str
) -> list[Timing]:
    from xxgk.web.reports.selectors import Scope, scope_body_ids, table3_counts

    ranked = sorted((count, body_id) for body_id, count in per_body.items())
    median_body = ranked[len(ranked) // 2][1]
    largest_body = ranked[-1][1]
    tree = scope_body_ids(body_id=root_id, scope=Scope.TREE)
    assert tree == set(all_ids)
    total = count_all()
    base, base_again = paired(count_all, runs)
    rows = [Timing(f"{label}: baseline SELECT COUNT(*) over {total:,} rows", base, base_again, total)]
    counted, baseline = paired(count_counted, runs)
    rows.append(
        Timing(f"{label}: (context) COUNT(*) with the report's WHERE clause", counted, baseline, count_counted())
    )
    cases: list[tuple[str, list[int] | None]] = [
        (f"one body, median size ({per_body[median_body]:,} applications)", [median_body]),
        (f"one body, the largest ({per_body[largest_body]:,} applications)", [largest_body]),
        (f"supervisor's aggregate: root + {len(tree) - 1} bodies below", sorted(tree)),
        ("whole installation, no body filter", None),
    ]
    for name, ids in cases:
        cells = table3_counts(body_ids=ids, year=REPORT_YEAR)
        check_identity(cells)
        seconds, baseline = paired(partial(table3_counts, body_ids=ids, year=REPORT_YEAR), runs)
        rows.append(
            Timing(
                f"{label}: table 3, {name}",
                seconds,
                baseline,
                cells["s3.received.total"] + cells["s3.carried_in.total"],
            )
        )
    print(f"\nplan of the one-body query ({label}):\n{plan(median_body, vendor)}\n", file=sys.stderr)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.counting", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--n", type=int, default=1_000_000, help="number of applications (default 1,000,000)")
    parser.add_argument("--bodies", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (median reported)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--python-loop", action="store_true", help="also time counting in Python (slow)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--reuse", action="store_true", help="reuse the database an earlier --keep run loaded")
    args = parser.parse_args(argv)

    where = configure(args.db, reuse=args.reuse)
    try:
        run(args, where)
    finally:
        if not (args.keep or args.reuse):
            cleanup(args.db)


def cleanup(db: str) -> None:
    """Remove the benchmark database (the SQLite file, or the PostgreSQL database)."""
    from django.db import connections

    with contextlib.suppress(Exception):  # Django may not have got as far as setting up
        connections.close_all()
    if db == "postgres":
        drop_postgres()
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


def run(args: argparse.Namespace, where: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    vendor = connection.vendor
    for app in ("auth", "cases"):  # only what the applications table needs
        call_command("migrate", app, verbosity=0, interactive=False)
    start = time.perf_counter()
    loaded = existing_data(args.n) if args.reuse else None
    if loaded is None:
        root_id, all_ids = make_bodies(args.bodies)
        per_body = make_cases(args.n, all_ids, args.seed)
    else:
        root_id, all_ids, per_body = loaded
    analyze(vendor)
    load = time.perf_counter() - start
    print(f"Python {platform.python_version()}, Django {django.get_version()}, {where}")
    how = "reused" if loaded is not None else "loaded"
    print(f"{args.n:,} applications, {len(all_ids)} bodies, {how} in {load:.0f} s; report year {REPORT_YEAR}\n")
    results: list[Timing] = []
    common: dict[str, Any] = {
        "runs": args.runs,
        "root_id": root_id,
        "all_ids": all_ids,
        "per_body": per_body,
        "vendor": vendor,
    }
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
    analyze(vendor)
    results += measure(f"without {INDEX_NAME}", **common)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE INDEX {INDEX_NAME} ON cases_case ({INDEX_COLUMNS})")
    analyze(vendor)
    results += measure(f"with {INDEX_NAME}", **common)
    if args.python_loop:
        counted = python_loop(REPORT_YEAR)
        seconds, baseline = paired(partial(python_loop, REPORT_YEAR), max(1, args.runs // 3))
        name = f"with {INDEX_NAME}: contrast, whole installation counted in Python"
        results.append(Timing(name, seconds, baseline, counted))
    report(results)


def report(results: list[Timing]) -> None:
    print("| query | applications counted | median (ms) | COUNT(*) in the same rounds (ms) | ratio |")
    print("|---|---:|---:|---:|---:|")
    for t in results:
        print(f"| {t.name} | {t.counted:,} | {t.seconds * 1e3:,.1f} | {t.baseline * 1e3:,.1f} | {t.ratio:,.2f}× |")


if __name__ == "__main__":
    main()
