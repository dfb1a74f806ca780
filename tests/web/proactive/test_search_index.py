"""The catalogue search reads trigram indexes on PostgreSQL (migration 0003): one GIN index over
``UPPER(column::text)`` per searched column, the expression Django's ``icontains`` is written as. With enough rows
(20,000 published items of one body) the planner answers a search of three characters or more from the indexes
(EXPLAIN shows them), and still finds the same items as a scan. On SQLite the migration does nothing."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection

from xxgk.web.proactive.models import ItemStatus, ProactiveItem
from xxgk.web.proactive.selectors import (
    CATALOGUE_SEARCH_FIELDS,
    CatalogueFilters,
    ItemFilters,
    item_list,
    public_item_list,
)
from xxgk.web.tenancy.models import Body
from xxgk.web.workcalendar.selectors import calendar_get

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("xxgk.web.proactive.migrations.0003_catalogue_search_trigram_indexes")
ROWS = 20_000
TOPICS = ("财政预算", "规划许可", "征收补偿", "人事任免", "招标采购", "安全生产", "义务教育", "医疗保障")


def test_the_migration_indexes_exactly_the_searched_columns() -> None:
    assert tuple(MIGRATION.COLUMNS) == CATALOGUE_SEARCH_FIELDS
    assert ProactiveItem._meta.db_table == MIGRATION.TABLE


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, ProactiveItem._meta.db_table))


def test_sqlite_has_no_trigram_index() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert not {MIGRATION.index_name(c) for c in MIGRATION.COLUMNS} & _indexes()


def _texts(i: int) -> dict[str, str]:
    """The searched texts of generated item ``i``."""
    return {
        "title": f"关于{TOPICS[i % len(TOPICS)]}工作的通知（第{i}号）",
        "doc_number": f"八桥府发〔2025〕{i}号",
        "index_number": f"ddk-baqiao/2025-{i:06d}",
        "summary": f"公开{TOPICS[(i * 3) % len(TOPICS)]}有关情况（{i}）",
        "content": f"一、{TOPICS[(i * 5) % len(TOPICS)]}……二、其他事项……编号{i:06d}",
    }


def _fill(users: dict[str, User], body: Body) -> None:
    today = date(2026, 1, 1)
    rows = [
        ProactiveItem(
            body=body,
            category="a20.07",
            issuer=body.name,
            formed_on=today - timedelta(days=i % 300),
            published_on=today - timedelta(days=i % 300),
            status=ItemStatus.PUBLISHED,
            index_sequence=i,
            drafter=users["bq_clerk"],
            **_texts(i),
        )
        for i in range(ROWS)
    ]
    ProactiveItem.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(ProactiveItem._meta.db_table)}")


def test_postgresql_search_uses_the_trigram_indexes(users: dict[str, User], org: dict[str, Body]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    names = {MIGRATION.index_name(c) for c in MIGRATION.COLUMNS}
    assert names <= _indexes()
    body = org["baqiao"]
    _fill(users, body)
    term = "12345"  # a number: in the doc number, index number and content of a few items
    expected = sum(1 for i in range(ROWS) if any(term.upper() in text.upper() for text in _texts(i).values()))
    assert 0 < expected < 20
    found = public_item_list(body=body, filters=CatalogueFilters(q=term))
    plan = found.explain()
    used = {name for name in names if name in plan}
    assert used == names, plan  # a BitmapOr of the five indexes, not a scan of 20,000 rows
    assert "Seq Scan" not in plan, plan
    assert found.count() == expected  # the same items as a substring test
    # the staff list's search is the same condition
    staff = item_list(user=users["bq_clerk"], filters=ItemFilters(q=term), calendar=calendar_get())
    assert all(name in staff.explain() for name in names)
    assert staff.count() == expected
    # a Chinese term of three characters or more too (a shorter one has no trigram: PostgreSQL scans)
    chinese = public_item_list(body=body, filters=CatalogueFilters(q="第12345号"))
    assert names <= {name for name in names if name in chinese.explain()}
    assert chinese.count() == sum(1 for i in range(ROWS) if any("第12345号" in t for t in _texts(i).values()))
