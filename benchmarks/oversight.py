"""Benchmark: the supervisor's overview and combined report (with the figures over five years) at province scale.

``python -m benchmarks.oversight`` (``--db postgres`` for PostgreSQL; ``--bodies``, ``--runs``) builds a dedicated
database — a SQLite file under /tmp, or the PostgreSQL database ``xxgk_bench_oversight``, created and dropped by
the script — with a province (one supervising body) and ``--bodies`` bodies below it (20 cities, the rest under
them), each of which published its annual report in xxgk for each of the five years 2021–2025 (one in ten also a
correction: version 2). The reports are in the form xxgk publishes them (every cell a number, narratives, no
provenance), made from a real published report with each body's and year's numbers scaled.

It then renders, through Django's test client as the province's reviewer, the overview of 2025
(``/oversight/<province>/2025/``) and the combined report of 2025 with the figures of 2021–2025
(``…/combined/``), twice in the same run:

* **baseline**: the code before the digests, kept below as ``legacy_*`` (each published version read back from its
  JSON and checked with the rules for the overview; every version of the five years read back and summed by the
  Aggregator for the figures over the years) and patched into the views;
* **now**: the code as it is (the digests of :mod:`xxgk.web.oversight.digest`, stored).

Each figure is the median of ``--runs`` renderings after one warm-up; the ratio is now ÷ baseline. Also shown: the
queries of each page (the same for 100 and for 500 bodies: see ``tests/web/oversight``), and the one-time cost of
computing the 2,500+ digests when none is stored (the migration's work, or the first view after a bulk import).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BENCH_DB = "xxgk_bench_oversight"
SQLITE_PATH = Path("/tmp/xxgk-bench-oversight.sqlite3")
YEARS = (2021, 2022, 2023, 2024, 2025)
YEAR = YEARS[-1]
BASE_REPORT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "published" / "pingtan-zrz-2021.html"


# -- database -----------------------------------------------------------------------------------------


def configure(db: str) -> str:
    """Point Django at a new, empty benchmark database; return its description."""
    os.environ.setdefault("XXGK_SECRET_KEY", "xxgk-benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "xxgk.web.config.settings"
    os.environ.pop("XXGK_DEBUG", None)
    os.environ["XXGK_STATIC_MANIFEST"] = "0"  # pages link the source static files (no collectstatic)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
        return f"SQLite {SQLITE_PATH}"
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB}")
        conn.execute(f"CREATE DATABASE {POSTGRES_BENCH_DB}")
        version = conn.execute("SHOW server_version").fetchone()
    os.environ["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{POSTGRES_BENCH_DB}"
    return f"PostgreSQL {version[0] if version else '?'} database {POSTGRES_BENCH_DB}"


def cleanup(db: str) -> None:
    from django.db import connections

    with contextlib.suppress(Exception):
        connections.close_all()
    if db == "postgres":
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {POSTGRES_BENCH_DB}")
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)


@dataclass
class World:
    province_id: int
    body_ids: list[int]
    viewer: Any
    versions: int


def build(bodies: int, seed: int) -> World:
    """The province, its bodies, the reviewer, and every body's published reports of :data:`YEARS` (bulk)."""
    from django.contrib.auth.models import User

    from xxgk.core.model import Cell, Report
    from xxgk.ingest import parse_bytes
    from xxgk.web.reports.models import AnnualReport, ReportState, ReportVersion
    from xxgk.web.tenancy.models import Body, BodyKind, MemberRole, Membership

    rng = random.Random(seed)
    province = Body.objects.create(name="某省人民政府", code="prov", kind=BodyKind.GOVERNMENT)
    cities = Body.objects.bulk_create(
        [
            Body(name=f"第{i + 1}市人民政府", code=f"c{i + 1:02d}", kind=BodyKind.GOVERNMENT, parent=province)
            for i in range(20)
        ]
    )
    rest = Body.objects.bulk_create(
        [
            Body(
                name=f"第{i + 1}号机关",
                code=f"c{i % 20 + 1:02d}-b{i + 1:03d}",
                kind=BodyKind.DEPARTMENT,
                parent=cities[i % 20],
            )
            for i in range(bodies - len(cities))
        ]
    )
    below = [b.pk for b in (*cities, *rest)]
    viewer = User.objects.create_user("prov-viewer", password="bench-pass-123")
    Membership.objects.create(user=viewer, body=province, role=MemberRole.REVIEWER)
    head = User.objects.create_user("prov-head", password="bench-pass-123")

    base = parse_bytes(BASE_REPORT.read_bytes(), source=BASE_REPORT.name).report
    base.cells = {code: replace(cell, source=None) for code, cell in base.cells.items()}
    annuals = AnnualReport.objects.bulk_create(
        [
            AnnualReport(body_id=pk, year=year, template="2021", state=ReportState.PUBLISHED, created_by=head)
            for pk in below
            for year in YEARS
        ]
    )
    versions: list[ReportVersion] = []
    names = dict(Body.objects.filter(pk__in=below).values_list("pk", "name"))
    for annual in annuals:
        for number in (1, 2) if rng.random() < 0.1 else (1,):
            factor = rng.uniform(0.2, 5.0)
            report: Report = base.copy()
            report.body, report.year = names[annual.body_id], annual.year
            for code, cell in report.cells.items():
                if cell.is_number and isinstance(cell.value, int):
                    report.cells[code] = replace(cell, value=int(cell.value * factor))
                elif cell.is_number and isinstance(cell.value, Decimal):
                    report.cells[code] = replace(cell, value=(cell.value * Decimal(str(round(factor, 2)))))
            if rng.random() < 0.05:  # a few reports leave a cell blank: the combined figure is then unknown
                report.cells["s3.received.research"] = Cell.blank()
            on = date(annual.year + 1, 1, 20 + number)
            versions.append(
                ReportVersion(
                    report=annual,
                    number=number,
                    report_json=report.to_json(),
                    change_note="" if number == 1 else "更正",
                    published_by=head,
                    published_at=datetime(on.year, on.month, on.day, 2, tzinfo=UTC),
                    published_on=on,
                )
            )
    ReportVersion.objects.bulk_create(versions, batch_size=500)
    return World(province_id=province.pk, body_ids=below, viewer=viewer, versions=len(versions))


# -- the code before the digests (baseline) -------------------------------------------------------------


def legacy_overview_rows(*, supervisor: Any, year: int, tree: Any = None) -> list[Any]:
    """``xxgk.web.oversight.selectors.overview_rows`` before the digests (published versions read back and
    checked with the rules; uploads read with their JSON)."""
    from django.utils import timezone

    from xxgk.rules import check
    from xxgk.web.oversight import published as lifecycle
    from xxgk.web.oversight import selectors as s
    from xxgk.web.oversight.digest import count_findings
    from xxgk.web.oversight.models import ExternalReport

    tree = tree or s.Tree.load()
    today = timezone.localdate()
    below = tree.descendants(supervisor.pk)
    ids = [pk for pk, _ in below]
    statuses = lifecycle.status_map(body_ids=ids, year=year)
    externals = {
        (r.body_id, r.year): r
        for r in ExternalReport.objects.filter(body_id__in=ids, year=year, current=True).defer("content")
    }
    published = lifecycle.published_reports(body_ids=ids, years=[year])
    rows: list[Any] = []
    for pk, depth in below:
        body = tree.bodies[pk]
        parent = tree.bodies.get(body.parent_id) if body.parent_id is not None else None
        info = statuses.get(pk)
        external = externals.get((pk, year))
        mine = published.get((pk, year))
        if mine is not None:
            errors, warnings = count_findings(check(mine.report))
            rows.append(
                s.OverviewRow(
                    body=body,
                    depth=depth,
                    parent=parent,
                    status=s.OverviewStatus.PUBLISHED,
                    published_on=mine.published_on,
                    version=mine.version,
                    late=info.late if info is not None else False,
                    errors=errors,
                    warnings=warnings,
                    external=external,
                    published=mine,  # type: ignore[arg-type]  # the rows carried the whole report then
                )
            )
        else:
            status = s._FROM_LIFECYCLE[info.status] if info is not None else s.OverviewStatus.NOT_STARTED
            rows.append(
                s.OverviewRow(
                    body=body,
                    depth=depth,
                    parent=parent,
                    status=status,
                    late=info.late if info is not None else today > s.deadline_of(year),
                )
            )
    return rows


def legacy_combined_report(*, supervisor: Any, year: int, rows: list[Any] | None = None) -> Any:
    """``combined_report`` before the digests (the reports came with the overview's rows)."""
    from xxgk.rules import check
    from xxgk.web.oversight import selectors as s
    from xxgk.web.oversight.figures import key_figures

    rows = rows if rows is not None else legacy_overview_rows(supervisor=supervisor, year=year)
    out = s.Combined(supervisor=supervisor, year=year)
    contributions = []
    for row in rows:
        if row.published is not None:
            contributions.append(s.Contribution(row.body, row.published.report, None, row.version, row.published_on))
        else:
            out.missing.append(row)
    aggregation, included, excluded, error = s._aggregate(supervisor, year, contributions)
    out.aggregation, out.included, out.error = aggregation, included, error
    out.excluded.extend(excluded)
    if aggregation is not None:
        tables_only = aggregation.report.copy()
        tables_only.narrative = {}
        out.findings = check(tables_only)
        out.figures = key_figures(aggregation.report)
        out.body_figures = [key_figures(item.report) for item in included]
    return out


def legacy_combined_history(*, supervisor: Any, year: int, span: int = 5) -> list[Any]:
    """``combined_history`` before the digests: every version of the five years read back and summed."""
    from xxgk.web.oversight import published as lifecycle
    from xxgk.web.oversight import selectors as s
    from xxgk.web.oversight.figures import key_figures
    from xxgk.web.reports.selectors import FIRST_YEAR

    tree = s.Tree.load()
    ids = [pk for pk, _ in tree.descendants(supervisor.pk)]
    years = list(range(max(FIRST_YEAR, year - span + 1), year + 1))
    published = lifecycle.published_reports(body_ids=ids, years=years)
    out = []
    for y in years:
        contributions = [
            s.Contribution(tree.bodies[pk], published[pk, y].report, None, published[pk, y].version)
            for pk in ids
            if (pk, y) in published
        ]
        if not contributions:
            continue
        aggregation, included, _excluded, _error = s._aggregate(supervisor, y, contributions)
        figures = key_figures(aggregation.report) if aggregation is not None else None
        out.append(s.YearFigures(year=y, included=len(included), figures=figures))
    return out


@contextlib.contextmanager
def legacy() -> Iterator[None]:
    """The views run the code before the digests."""
    from xxgk.web.oversight import selectors, views

    patches = [
        (selectors, "overview_rows", legacy_overview_rows),  # overview() calls it
        (views, "combined_report", legacy_combined_report),
        (views, "combined_history", legacy_combined_history),
    ]
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    for module, name, function in patches:
        setattr(module, name, function)
    try:
        yield
    finally:
        for module, name, function in saved:
            setattr(module, name, function)


# -- measuring --------------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str


def timed(func: Callable[[], object], runs: int) -> float:
    func()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def render(client: Any, path: str, marker: str) -> Callable[[], object]:
    def get() -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert marker in response.content.decode(), (path, marker)
        return response

    return get


def queries(client: Any, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return len(ctx.captured_queries)


def run(args: argparse.Namespace, where: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from xxgk.web.oversight.models import PublishedDigest

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0, interactive=False)
    start = time.perf_counter()
    world = build(args.bodies, args.seed)
    built = time.perf_counter() - start
    print(f"Python {platform.python_version()}, Django {django.get_version()}, {where}")
    print(
        f"{len(world.body_ids)} bodies below the province, {world.versions:,} published versions "
        f"({len(YEARS)} years), built in {built:.0f} s\n"
    )
    client = Client()
    client.force_login(world.viewer)
    overview = f"/oversight/{world.province_id}/{YEAR}/"
    combined = f"{overview}combined/"
    pages = [
        ("overview of the year", overview, "data-body="),
        ("combined report with the figures of 5 years", combined, "chart-history-counts"),
    ]
    # the one-time fill: no digest is stored yet (bulk-loaded versions); the first view of the combined report
    # computes those of all the versions it reads
    assert not PublishedDigest.objects.exists()
    start = time.perf_counter()
    render(client, combined, "chart-history-counts")()
    fill = time.perf_counter() - start
    stored = PublishedDigest.objects.count()

    print("| page | baseline: before the digests (ms) | now (ms) | now ÷ baseline | queries before | queries now |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, path, marker in pages:
        with legacy():
            before = timed(render(client, path, marker), args.runs)
            before_queries = queries(client, path)
        now = timed(render(client, path, marker), args.runs)
        now_queries = queries(client, path)
        print(
            f"| {name} | {before * 1000:,.0f} | {now * 1000:,.0f} | {now / before:.2f}× "
            f"| {before_queries} | {now_queries} |"
        )
    print(
        f"\nOne-time: the first view with no digest stored computed and stored {stored:,} digests "
        f"in {fill:.1f} s (the migration does this for the versions published before it)."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.oversight", description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--bodies", type=int, default=500, help="bodies below the province (default 500)")
    parser.add_argument("--runs", type=int, default=5, help="timed renderings per figure (median reported)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.bodies < 21:
        parser.error("--bodies must be at least 21 (20 cities and one body below them)")
    where = configure(args.db)
    try:
        run(args, where)
    finally:
        cleanup(args.db)


if __name__ == "__main__":
    main()
