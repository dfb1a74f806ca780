"""The append-only tables emptied after a transactional test (shared by the job and browser tests).

A transactional test ends with a flush that deletes every row. On SQLite the append-only tables (the audit trail,
registration edits, …) have triggers that abort DELETE, so the flush would fail; PostgreSQL truncates, which the
triggers do not block, so nothing needs doing there.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection


def empty_append_only_tables() -> None:
    """On SQLite, empty every table that has a trigger: the triggers are dropped only for that moment and
    recreated from their own SQL. Does nothing on other databases."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
        for name, _, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in sorted({table for _, table, _ in triggers}):
            cursor.execute(f'DELETE FROM "{table}"')
        for _, _, sql in triggers:
            cursor.execute(sql)


@pytest.fixture
def clear_append_only_tables(transactional_db: None) -> Iterator[None]:
    """A transactional test after which the append-only tables are emptied, so that its flush can run."""
    yield
    empty_append_only_tables()
