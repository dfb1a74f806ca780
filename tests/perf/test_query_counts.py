"""No page issues a number of queries that grows with the data (issue 7 item 3).

Every page people use most — the work lists, a case page, the public catalogue (and its search), the report
drill-down and the computed report — and the other list pages, drill-downs, the supervisor's overview and API list
endpoints is rendered once with ``N = 3`` of everything (applications, answered applications, registration edits
of the case shown, proactive items, register documents with amendments, review/litigation cases with hearings,
online submissions, subordinate bodies, annual reports waiting for the reviewer, one per past year)
and once after growing the data to ``N = 30``. The number of SQL queries must be the same; and each page
that lists the data must show more of it the second time (so that an equal count is not the count of an empty
page).

The data is built once per module through the services (a module-scoped fixture inside a transaction that is
rolled back at the end), then every page is measured at both sizes; each test compares one page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.perf.world import TERM, World
from xxgk.web.reports.models import AnnualReport, ReportState
from xxgk.web.reports.selectors import FIRST_YEAR

SMALL, BIG = 3, 30

#: Declares the database to pytest-django (which creates only the databases tests ask for).
pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Page:
    """A page: who asks (a username, ``"api"`` for the API token of 八桥镇's clerk, ``""`` anonymous), its path,
    and whether it lists the grown data (so must be longer at ``N = 30``)."""

    name: str
    user: str
    path: Callable[[World], str]
    grows: bool = True


@dataclass(frozen=True)
class Measured:
    status: int
    queries: list[str]
    size: int

    @property
    def count(self) -> int:
        return len(self.queries)


def _baqiao(w: World) -> int:
    return w.bodies["baqiao"].pk


def _district(w: World) -> int:
    return w.bodies["district"].pk


def _answered(w: World) -> int:
    return next(c.pk for c in w.cases if c.status == "closed")


def _published(w: World) -> int:
    return next(i.pk for i in w.items if i.status == "published")


def _edited(w: World) -> int:
    assert w.edited is not None
    return w.edited.pk


Q = quote(TERM)

PAGES: list[Page] = [
    Page("trivial view /healthz/", "", lambda w: "/healthz/", grows=False),
    # applications
    Page("work list", "bq_clerk", lambda w: "/cases/"),
    Page("work list: mine", "bq_clerk", lambda w: "/cases/?view=mine"),
    Page("work list: search", "bq_clerk", lambda w: f"/cases/?q={quote('相关文件')}"),
    Page("work list: supervisor", "qu_viewer", lambda w: "/cases/"),
    Page("case page (edits, events, audit)", "bq_clerk", lambda w: f"/cases/{_edited(w)}/"),
    Page("case page (answered)", "bq_clerk", lambda w: f"/cases/{_answered(w)}/", grows=False),
    Page("case page: supervisor", "qu_viewer", lambda w: f"/cases/{_edited(w)}/"),
    Page("fees", "bq_clerk", lambda w: "/cases/fees/", grows=False),
    # public site
    Page("public catalogue", "", lambda w: "/open/ddk-baqiao/catalogue/"),
    Page("public catalogue: search", "", lambda w: f"/open/ddk-baqiao/catalogue/?q={Q}"),
    Page("public body page", "", lambda w: "/open/ddk-baqiao/", grows=False),
    Page("public item page", "", lambda w: f"/open/ddk-baqiao/items/{_published(w)}/", grows=False),
    Page("public index of bodies", "", lambda w: "/open/"),
    Page("portal index of bodies", "", lambda w: "/portal/"),
    # reports
    Page(
        "report drill-down s3.received.total",
        "bq_clerk",
        lambda w: f"/reports/{_baqiao(w)}/{w.year}/cells/s3.received.total/",
    ),
    Page(
        "report drill-down s3.granted.natural",
        "bq_clerk",
        lambda w: f"/reports/{_baqiao(w)}/{w.year}/cells/s3.granted.natural/",
    ),
    Page(
        "report drill-down s2 (documents)",
        "bq_clerk",
        lambda w: f"/reports/{_baqiao(w)}/{w.year}/cells/s2.normative_docs.in_force/",
    ),
    Page(
        "report drill-down s4 (remedies)",
        "bq_clerk",
        lambda w: f"/reports/{_baqiao(w)}/{w.year}/cells/s4.review.pending/",
    ),
    Page(
        "report drill-down s3: supervisor's aggregate",
        "qu_viewer",
        lambda w: f"/reports/{_district(w)}/{w.year}/cells/s3.received.total/?scope=tree",
    ),
    Page(
        "report drill-down s2: supervisor's aggregate",
        "qu_viewer",
        lambda w: f"/reports/{_district(w)}/{w.year}/cells/s2.normative_docs.in_force/?scope=tree",
    ),
    Page(
        "report drill-down s4: supervisor's aggregate",
        "qu_viewer",
        lambda w: f"/reports/{_district(w)}/{w.year}/cells/s4.review.pending/?scope=tree",
    ),
    Page("computed report", "bq_clerk", lambda w: f"/reports/{_baqiao(w)}/{w.year}/computed/", grows=False),
    Page(
        "computed report: supervisor's aggregate",
        "qu_viewer",
        lambda w: f"/reports/{_district(w)}/{w.year}/computed/?scope=tree",
        grows=False,
    ),
    Page("report index (supervisor)", "qu_viewer", lambda w: "/reports/"),
    Page("report page (drafting)", "bq_clerk", lambda w: f"/reports/{_baqiao(w)}/{w.year}/", grows=False),
    Page("report page (under approval)", "bq_reviewer", lambda w: f"/reports/{_baqiao(w)}/{w.year - 1}/", grows=False),
    Page("report checks", "bq_clerk", lambda w: f"/reports/{_baqiao(w)}/{w.year}/checks/", grows=False),
    # proactive disclosure (staff)
    Page("proactive list", "bq_clerk", lambda w: "/proactive/"),
    Page("proactive list: search", "bq_clerk", lambda w: f"/proactive/?q={Q}"),
    Page("proactive list: supervisor", "qu_viewer", lambda w: "/proactive/"),
    Page("proactive tasks (reviewer)", "bq_reviewer", lambda w: "/proactive/tasks/"),
    Page("proactive item page", "bq_clerk", lambda w: f"/proactive/{_published(w)}/", grows=False),
    # registers and litigation
    Page("registers index (supervisor)", "qu_viewer", lambda w: "/registers/"),
    Page("register documents", "bq_clerk", lambda w: f"/registers/{_baqiao(w)}/documents/"),
    Page("register year (table 2)", "bq_clerk", lambda w: f"/registers/{_baqiao(w)}/{w.year}/", grows=False),
    Page(
        "register drill-down (table 2)",
        "bq_clerk",
        lambda w: f"/registers/{_baqiao(w)}/{w.year}/cells/s2.normative_docs.in_force/",
    ),
    Page("litigation list", "bq_clerk", lambda w: "/litigation/"),
    Page("litigation list: supervisor", "qu_viewer", lambda w: "/litigation/"),
    Page("litigation table 4", "bq_clerk", lambda w: f"/litigation/body/{_baqiao(w)}/{w.year}/", grows=False),
    Page(
        "litigation drill-down (table 4)",
        "bq_clerk",
        lambda w: f"/litigation/body/{_baqiao(w)}/{w.year}/cells/s4.review.pending/",
    ),
    # portal, letters, bodies, calendar
    Page("portal inbox", "bq_clerk", lambda w: "/portal/inbox/"),
    Page("portal inbox: supervisor", "qu_viewer", lambda w: "/portal/inbox/"),
    Page("portal settings (district admin)", "qu_admin", lambda w: "/portal/settings/"),
    Page("letters templates (district admin)", "qu_admin", lambda w: "/letters/templates/", grows=False),
    Page("bodies (district admin)", "qu_admin", lambda w: "/bodies/"),
    Page("calendar years", "qu_admin", lambda w: "/calendar/", grows=False),
    Page("oversight index (supervisor)", "qu_viewer", lambda w: "/oversight/"),
    Page("oversight overview (supervisor)", "qu_viewer", lambda w: f"/oversight/{_district(w)}/{w.year}/"),
    Page("oversight combined report", "qu_viewer", lambda w: f"/oversight/{_district(w)}/{w.year}/combined/"),
    Page("applications export (CSV)", "bq_clerk", lambda w: "/cases/export.csv"),
    Page("jobs list", "bq_clerk", lambda w: "/jobs/", grows=False),
    # API list endpoints
    Page("API applications", "api", lambda w: "/api/v1/applications?limit=100"),
    Page("API application detail", "api", lambda w: f"/api/v1/applications/{_edited(w)}", grows=False),
    Page("API bodies", "api", lambda w: "/api/v1/bodies", grows=False),
    Page("API proactive items", "api", lambda w: "/api/v1/proactive/items?limit=100"),
    Page("API proactive catalogue", "", lambda w: "/api/v1/proactive/catalogue/ddk-baqiao?limit=100"),
    Page("API proactive sign-off tasks", "api-reviewer", lambda w: "/api/v1/proactive/signoff/tasks"),
    Page("API register documents", "api", lambda w: f"/api/v1/registers/documents?body_id={_baqiao(w)}"),
    Page(
        "API table 2 sources",
        "api",
        lambda w: (
            f"/api/v1/registers/table2/sources?body_id={_baqiao(w)}&year={w.year}&code=s2.normative_docs.in_force"
        ),
    ),
    Page("API register figures", "api", lambda w: f"/api/v1/registers/figures?body_id={_baqiao(w)}", grows=False),
    Page("API litigation remedies", "api", lambda w: "/api/v1/litigation/remedies"),
    Page(
        "API table 4 sources",
        "api",
        lambda w: f"/api/v1/litigation/table4/sources?body_id={_baqiao(w)}&year={w.year}&code=s4.review.pending",
    ),
]


#: Pages whose query count still grows, with the fix to make (strict: the test fails as soon as the page is fixed,
#: so that the mark is removed with the fix). Empty: every page listed runs a fixed number of queries.
KNOWN_GROWING: dict[str, str] = {}


def _params() -> list[Any]:
    return [
        pytest.param(p, id=p.name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GROWING[p.name]))
        if p.name in KNOWN_GROWING
        else pytest.param(p, id=p.name)
        for p in PAGES
    ]


def _client(world: World, who: str, tokens: dict[str, str]) -> tuple[Client, dict[str, str]]:
    client = Client()
    if who.startswith("api"):
        return client, {"Authorization": f"Bearer {tokens[who]}"}
    if who:
        client.force_login(world.users[who])
    return client, {}


def _measure(world: World, tokens: dict[str, str]) -> dict[str, Measured]:
    out: dict[str, Measured] = {}
    for page in PAGES:
        client, headers = _client(world, page.user, tokens)
        path = page.path(world)
        client.get(path, headers=headers)  # warm-up: per-process caches (calendar, templates)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, headers=headers)
        out[page.name] = Measured(
            status=response.status_code,
            queries=[q["sql"] for q in ctx.captured_queries],
            size=len(response.content),
        )
    return out


@pytest.fixture(scope="module")
def measured(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, tuple[Measured, Measured, World]]]:
    from xxgk.web.api.services import api_token_create

    with django_db_blocker.unblock(), transaction.atomic():
        world = World.build()
        tokens = {"api": world.token}
        reviewer = world.users["bq_reviewer"]
        tokens["api-reviewer"] = api_token_create(user=reviewer, name="perf", days=30, actor=reviewer)[1]
        world.grow(SMALL)
        small = _measure(world, tokens)
        world.grow(BIG)
        big = _measure(world, tokens)
        yield {name: (small[name], big[name], world) for name in small}
        transaction.set_rollback(True)


def _shape(sql: str) -> str:
    """A query without its literal values (to show which queries were added)."""
    return re.sub(r"\b\d+\b", "N", re.sub(r"'[^']*'", "'…'", sql))[:300]


def _extra(small: Measured, big: Measured) -> str:
    added = Counter(_shape(q) for q in big.queries) - Counter(_shape(q) for q in small.queries)
    return "\n".join(f"  +{n} × {q}" for q, n in added.most_common(5))


@pytest.mark.parametrize("page", _params())
def test_query_count_does_not_grow_with_the_data(
    page: Page, measured: dict[str, tuple[Measured, Measured, World]]
) -> None:
    small, big, _world = measured[page.name]
    assert small.status == 200, f"{page.name}: status {small.status} at N={SMALL}"
    assert big.status == 200, f"{page.name}: status {big.status} at N={BIG}"
    assert big.count == small.count, (
        f"{page.name}: {small.count} queries at N={SMALL}, {big.count} at N={BIG}\n{_extra(small, big)}"
    )
    if page.grows:
        assert big.size > small.size, f"{page.name}: the page does not show the added data"


def test_the_pages_run_a_small_fixed_number_of_queries(measured: dict[str, tuple[Measured, Measured, World]]) -> None:
    """A guard against a page that runs a fixed but large number of queries (one per template slot, per
    category…): none runs more than 40, and the trivial view runs none."""
    counts = {name: big.count for name, (_small, big, _w) in measured.items()}
    assert counts["trivial view /healthz/"] == 0
    heavy = {name: n for name, n in counts.items() if n > 40 and name not in KNOWN_GROWING}
    assert not heavy, heavy


def test_the_world_grew(measured: dict[str, tuple[Measured, Measured, World]]) -> None:
    _small, _big, world = next(iter(measured.values()))
    assert len(world.cases) == BIG
    assert len(world.items) == BIG
    assert sum(1 for c in world.cases if c.status == "closed") == BIG // 3
    assert world.counts["edits"] == BIG
    assert AnnualReport.objects.filter(state=ReportState.UNDER_APPROVAL).count() == world.year - FIRST_YEAR
