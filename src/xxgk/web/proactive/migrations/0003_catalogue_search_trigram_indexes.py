"""Trigram indexes for the catalogue search (PostgreSQL only; nothing on SQLite).

The public catalogue and the staff list search five columns with ``icontains``, which Django writes on PostgreSQL as
``UPPER("col"::text) LIKE UPPER('%q%')``: a substring scan of every row. A GIN index over ``UPPER(col::text)`` with
``gin_trgm_ops`` (extension pg_trgm) answers exactly that expression for a search of three characters or more (a
shorter one has no trigram, and PostgreSQL scans the rows as before). One index per column, so that the search's
``OR`` of the five columns becomes a BitmapOr of the five indexes. ``fastupdate = off``: items are written a few
times a day and searched all the time, so each write updates the index at once instead of queueing its entries in
a pending list that every search would have to read until the next vacuum.

pg_trgm is a *trusted* extension from PostgreSQL 13 on: the owner of the database (the documented set-up,
``createdb -O xxgk xxgk``) may create it; on an older server, or when the application's user does not own the
database, a superuser runs ``CREATE EXTENSION pg_trgm;`` in the database once before ``migrate`` (see
docs/operations.md).
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, migrations

#: The searched columns (``xxgk.web.proactive.selectors.CATALOGUE_SEARCH_FIELDS``, frozen here).
COLUMNS = ("title", "doc_number", "index_number", "summary", "content")
TABLE = "proactive_proactiveitem"


def index_name(column: str) -> str:
    return f"proactive_item_{column}_trgm"


def create(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            try:
                cursor.execute("SAVEPOINT xxgk_pg_trgm")
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute("RELEASE SAVEPOINT xxgk_pg_trgm")
            except DatabaseError as exc:
                cursor.execute("ROLLBACK TO SAVEPOINT xxgk_pg_trgm")
                raise RuntimeError(
                    "无法创建 PostgreSQL 扩展 pg_trgm（主动公开目录搜索的索引需要它）：请由数据库超级用户在本库中执行 "
                    "CREATE EXTENSION pg_trgm; 后重新运行 migrate（见 docs/operations.md）。"
                    f"Could not create the extension pg_trgm: {exc}"
                ) from exc
        table = schema_editor.quote_name(TABLE)
        for column in COLUMNS:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(index_name(column))} ON {table} "
                f"USING gin ((UPPER({schema_editor.quote_name(column)}::text)) gin_trgm_ops) WITH (fastupdate = off)"
            )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index_name(column))}")


class Migration(migrations.Migration):
    dependencies = [("proactive", "0002_signoffchain_kind")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
