"""The rows every signed-in page reads — its session, its user, the user's memberships — in SQL written once per
process instead of a queryset built and compiled by the ORM on every request.

Building and compiling ``Session.objects.get(...)``, ``User.objects.get(pk=...)`` and the memberships with their
bodies cost ~0.3–0.6 ms of Python each per page, several times the database's work for these one-row lookups
(docs/performance.md §5: a third of the fixed cost of a signed-in page). The statements here are the same
selects: the columns, table names and quoting come from the models' metadata and the connection, the values go
through the fields' database converters as the ORM's do (SQLite's dates and datetimes), and the instances are made
with ``Model.from_db`` as a queryset makes them. They are read-only lookups by key; every write still goes through
the ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from xxgk.web.tenancy.models import Body, Membership

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]

#: The converters of one column: (field index, the column expression, its converters).
Converters = tuple[tuple[int, Any, tuple[Converter, ...]], ...]
#: (alias, vendor, model, table alias) -> (quoted select list, the converters of the columns that have any)
_SHAPES: dict[tuple[str, str, type[models.Model], str], tuple[str, Converters]] = {}
#: (alias, vendor, name) -> SQL
_SQL: dict[tuple[str, str, str], str] = {}


def _shape(conn: BaseDatabaseWrapper, model: type[models.Model], alias: str) -> tuple[str, Converters]:
    """``alias.col1, alias.col2 …`` for every concrete field of ``model`` (in ``from_db`` order) and the database
    converters of those fields that have any (as the ORM's compiler collects them)."""
    key = (conn.alias, conn.vendor, model, alias)
    shape = _SHAPES.get(key)
    if shape is None:
        q = conn.ops.quote_name
        fields = model._meta.concrete_fields
        columns = ", ".join(f"{q(alias)}.{q(f.column)}" for f in fields)
        converters = []
        for i, f in enumerate(fields):
            col = f.get_col(alias)
            found = tuple(conn.ops.get_db_converters(col)) + tuple(col.get_db_converters(conn))
            if found:
                converters.append((i, col, found))
        shape = _SHAPES[key] = (columns, tuple(converters))
    return shape


def _instance(conn: BaseDatabaseWrapper, model: type[M], converters: Converters, values: Sequence[Any]) -> M:
    row = list(values)
    for i, expression, funcs in converters:
        for func in funcs:
            row[i] = func(row[i], expression, conn)
    attnames = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(conn.alias, attnames, row)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model._meta.label}.{name} is not a column")
    return field.column


def _sql(conn: BaseDatabaseWrapper, name: str, build: Callable[[], str]) -> str:
    key = (conn.alias, conn.vendor, name)
    sql = _SQL.get(key)
    if sql is None:
        sql = _SQL[key] = build()
    return sql


def session_row(model: type[M], session_key: str, now: datetime, *, using: str = "default") -> M | None:
    """The session ``session_key`` if it has not expired at ``now`` (what the database session engine's
    ``objects.get(session_key=…, expire_date__gt=now)`` finds), else None."""
    conn = connections[using]
    meta = model._meta
    columns, converters = _shape(conn, model, meta.db_table)

    def build() -> str:
        q = conn.ops.quote_name
        key, expires = _column(model, "session_key"), _column(model, "expire_date")
        return (
            f"SELECT {columns} FROM {q(meta.db_table)} "
            f"WHERE {q(meta.db_table)}.{q(key)} = %s AND {q(meta.db_table)}.{q(expires)} > %s"
        )

    sql = _sql(conn, f"session:{meta.label}", build)
    with conn.cursor() as cursor:
        cursor.execute(sql, [session_key, conn.ops.adapt_datetimefield_value(now)])
        values = cursor.fetchone()
    return None if values is None else _instance(conn, model, converters, values)


def user_by_id(pk: object, *, using: str = "default") -> AbstractBaseUser | None:
    """The user whose primary key is ``pk`` (as stored in a session: converted by the key field), or None when
    there is none or ``pk`` is not a valid key."""
    model = get_user_model()
    meta = model._meta
    assert meta.pk is not None  # a model always has a primary key
    try:
        key = meta.pk.get_prep_value(meta.pk.to_python(pk))
    except (ValueError, TypeError, ValidationError):
        return None
    conn = connections[using]
    columns, converters = _shape(conn, model, meta.db_table)
    pk_column = meta.pk.column

    def build() -> str:
        q = conn.ops.quote_name
        return f"SELECT {columns} FROM {q(meta.db_table)} WHERE {q(meta.db_table)}.{q(pk_column)} = %s"

    sql = _sql(conn, f"user:{meta.label}", build)
    with conn.cursor() as cursor:
        cursor.execute(sql, [key])
        values = cursor.fetchone()
    return None if values is None else _instance(conn, model, converters, values)


def memberships_with_bodies(user_id: int, *, using: str = "default") -> list[Membership]:
    """The memberships of ``user_id`` with their bodies loaded, ordered by the body's code and the role (what
    ``Membership.objects.filter(user_id=…).select_related("body").order_by("body__code", "role")`` reads)."""
    conn = connections[using]
    m_meta, b_meta = Membership._meta, Body._meta
    m_columns, m_converters = _shape(conn, Membership, "m")
    b_columns, b_converters = _shape(conn, Body, "b")
    width = len(m_meta.concrete_fields)

    def build() -> str:
        q = conn.ops.quote_name
        m_body, m_user = _column(Membership, "body"), _column(Membership, "user")
        m_role, b_code = _column(Membership, "role"), _column(Body, "code")
        assert b_meta.pk is not None  # a model always has a primary key
        return (
            f"SELECT {m_columns}, {b_columns} FROM {q(m_meta.db_table)} {q('m')} "
            f"INNER JOIN {q(b_meta.db_table)} {q('b')} ON {q('m')}.{q(m_body)} = {q('b')}.{q(b_meta.pk.column)} "
            f"WHERE {q('m')}.{q(m_user)} = %s ORDER BY {q('b')}.{q(b_code)} ASC, {q('m')}.{q(m_role)} ASC"
        )

    sql = _sql(conn, "memberships", build)
    with conn.cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    body_field = m_meta.get_field("body")
    out = []
    for values in rows:
        membership = _instance(conn, Membership, m_converters, values[:width])
        body_field.set_cached_value(membership, _instance(conn, Body, b_converters, values[width:]))
        out.append(membership)
    return out
