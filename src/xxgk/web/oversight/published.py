"""What the oversight pages read from the reports app (the report lifecycle): each body's report status for a
year, and the published reports (latest version) of many bodies and years at once.

The reports app owns the lifecycle; this module is the one place that knows its names, so that the overview and
the combined report do not depend on its internals.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from xxgk.core.model import Report


class LifecycleStatus(StrEnum):
    """A body's report in xxgk (the values of ``xxgk.web.reports.selectors.ReportStatus``)."""

    NOT_STARTED = "not_started"
    DRAFTING = "drafting"
    UNDER_APPROVAL = "under_approval"
    PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class StatusInfo:
    status: LifecycleStatus
    published_on: date | None = None
    version: int | None = None
    late: bool = False


@dataclass(frozen=True, slots=True)
class Published:
    """The latest published version of a body's report on a year, made in xxgk: ``published_on`` is the day the
    report was first published (the deadline is judged by it), ``latest_on`` the day of this version."""

    body_id: int
    year: int
    report: Report
    version: int | None
    published_on: date | None
    latest_on: date | None = None


def status_map(*, body_ids: Collection[int], year: int) -> dict[int, StatusInfo]:
    """Body id → the status of its report on ``year`` (bodies without a report may be absent)."""
    from xxgk.web.reports.selectors import report_status_map

    return {
        pk: StatusInfo(
            status=LifecycleStatus(str(info.status.value)),
            published_on=info.published_on,
            version=info.version,
            late=info.late,
        )
        for pk, info in report_status_map(body_ids=list(body_ids), year=year).items()
    }


def published_reports(*, body_ids: Collection[int], years: Collection[int]) -> dict[tuple[int, int], Published]:
    """``(body_id, year)`` → the latest published version, for every published report of ``body_ids`` on
    ``years`` (a fixed number of queries, whatever the number of bodies)."""
    from xxgk.web.reports.selectors import published_reports_bulk

    out: dict[tuple[int, int], Published] = {}
    for (body_id, year), item in published_reports_bulk(body_ids=body_ids, years=years).items():
        out[body_id, year] = Published(
            body_id=body_id,
            year=year,
            report=item.report,
            version=item.version,
            published_on=item.first_published_on,
            latest_on=item.published_on,
        )
    return out
