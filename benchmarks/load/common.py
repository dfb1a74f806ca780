"""What the generator and the runner share: where the benchmark database is, and the facts the generator leaves
for the runner (table ``xxgk_load_meta``: one JSON document)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

#: The server the benchmark database lives on (its maintenance database, to create and drop ours).
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_DATABASE = "xxgk_load"
#: The password of every generated user (the database is a throw-away benchmark database).
PASSWORD = "xxgk-load-2026"
META_TABLE = "xxgk_load_meta"


def database_url(url: str | None, name: str) -> str:
    """The URL of the benchmark database: ``url`` as given (``--database-url``), else the default server's
    ``name`` database (``DATABASE_URL`` is deliberately not used as is: it names the development database)."""
    if url:
        return url
    parts = urlsplit(os.environ.get("XXGK_LOAD_SERVER", DEFAULT_SERVER))
    return urlunsplit(parts._replace(path=f"/{name}"))


def is_postgres(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def maintenance_url(url: str) -> str:
    """The same server's ``postgres`` database (to create or drop the benchmark database)."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres", scheme="postgresql"))


def libpq_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))


def database_exists(url: str) -> bool:
    import psycopg

    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db_name(url),)).fetchone()
    return row is not None


def database_create(url: str) -> None:
    """Drop and create the benchmark database (PostgreSQL)."""
    import psycopg

    name = db_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_drop(url: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name(url)}" WITH (FORCE)')


@dataclass
class Meta:
    """What the generator built, for the runner: the scale, counts, and the objects the pages are shown for."""

    scale: float
    seed: int
    bodies: int
    users: int
    cases: int
    events: int
    items: int
    seconds: float
    handler: str  # username of the clerk of the body with the most applications
    handler_body_id: int
    handler_body_code: str
    handler_body_cases: int
    case_id: int  # an answered application of that body (the case page)
    catalogue_code: str  # the body whose public catalogue is fetched (the one with the most published items)
    catalogue_items: int
    search_term: str
    report_year: int
    report_cell: str
    created: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Meta:
        return cls(**json.loads(text))


def meta_read(url: str) -> Meta | None:
    """The facts of an earlier generation in ``url`` (``None`` if the database or the table is missing)."""
    import psycopg

    if not database_exists(url):
        return None
    with psycopg.connect(libpq_url(url)) as conn:
        exists = conn.execute("SELECT to_regclass(%s)", (META_TABLE,)).fetchone()
        if exists is None or exists[0] is None:
            return None
        row = conn.execute(f"SELECT doc FROM {META_TABLE} LIMIT 1").fetchone()
    if row is None:
        return None
    doc = row[0]
    return Meta(**doc) if isinstance(doc, dict) else Meta.from_json(str(doc))
