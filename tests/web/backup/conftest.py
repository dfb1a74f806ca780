"""Fixtures of the backup tests: installations OUTSIDE pytest-django's test database, driven by subprocesses.

A backup is taken from, and restored into, real separate databases the way an administrator would do it
(``manage.py migrate``, ``xxgk_backup``, ``xxgk_restore`` in their own processes): on SQLite temporary database
files, on PostgreSQL (when ``DATABASE_URL`` points at one) temporary databases on the same server, dropped at the
end. One empty migrated installation is made per session and copied for each use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[3]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
TIMEOUT = 300


def _pg_admin() -> Any:
    import psycopg

    return psycopg.connect(DATABASE_URL, autocommit=True)


def _pg_url(name: str) -> str:
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Installation:
    """A database reached through ``DATABASE_URL`` by subprocesses of ``manage.py``."""

    url: str
    name: str

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
        env.update(
            DATABASE_URL=self.url, XXGK_SECRET_KEY="xxgk-test-only", DJANGO_SETTINGS_MODULE="xxgk.web.config.settings"
        )
        env.pop("XXGK_DEBUG", None)
        return env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``python <args>`` in the repository with this installation's database."""
        done = subprocess.run(
            [sys.executable, *args],
            cwd=REPO,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        # --skip-checks: the system checks of apps other helpers are changing must not fail these runs
        return self.run("manage.py", *args, "--skip-checks", check=check)

    def dump(self, out: Path) -> dict[str, list[list[Any]]]:
        self.run("-m", "tests.web.backup.dump", str(out))
        data: dict[str, list[list[Any]]] = json.loads(out.read_text(encoding="utf-8"))
        return data


@dataclass
class Factory:
    """Makes empty migrated installations (copies of one migrated template)."""

    workdir: Path
    template: Installation
    made: list[Installation] = field(default_factory=list)

    def new(self, label: str) -> Installation:
        if ON_POSTGRES:
            name = f"xxgk_bk_{label}_{uuid.uuid4().hex[:8]}"
            with _pg_admin() as admin:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template.name}"')
            made = Installation(url=_pg_url(name), name=name)
        else:
            path = self.workdir / f"{label}-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copyfile(self.template.name, path)
            made = Installation(url=f"sqlite:///{path}", name=str(path))
        self.made.append(made)
        return made


@pytest.fixture(scope="session")
def installations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Factory]:
    workdir = tmp_path_factory.mktemp("backup-dbs")
    if ON_POSTGRES:
        name = f"xxgk_bk_template_{uuid.uuid4().hex[:8]}"
        with _pg_admin() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        template = Installation(url=_pg_url(name), name=name)
    else:
        path = workdir / "template.sqlite3"
        template = Installation(url=f"sqlite:///{path}", name=str(path))
    factory = Factory(workdir=workdir, template=template)
    try:
        template.manage("migrate", "-v", "0")
        yield factory
    finally:
        if ON_POSTGRES:
            with _pg_admin() as admin:
                for db in [*factory.made, template]:
                    admin.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')


@dataclass
class Source:
    """The seeded source installation, its dump (taken before any backup) and its archives."""

    installation: Installation
    before: dict[str, list[list[Any]]]
    archive_all: Path
    archive_baqiao: Path
    workdir: Path


@pytest.fixture(scope="session")
def source(installations: Factory, tmp_path_factory: pytest.TempPathFactory) -> Source:
    workdir = tmp_path_factory.mktemp("backup-source")
    src = installations.new("src")
    src.run("-m", "tests.web.backup.seed")
    before = src.dump(workdir / "before.json")
    archive_all = workdir / "all.zip"
    archive_baqiao = workdir / "baqiao.zip"
    src.manage("xxgk_backup", "--all", "-o", str(archive_all))
    src.manage("xxgk_backup", "--body", "ddk-baqiao", "-o", str(archive_baqiao))
    return Source(
        installation=src, before=before, archive_all=archive_all, archive_baqiao=archive_baqiao, workdir=workdir
    )


def members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as z:
        return {name: z.read(name) for name in z.namelist()}


def rows(archive: Path, label: str) -> list[dict[str, Any]]:
    data = members(archive)[f"data/{label}.jsonl"].decode("utf-8")
    return [json.loads(line) for line in data.splitlines()]


def rewrite(
    archive: Path, out: Path, change: Callable[[str, bytes], bytes | None], *, fix_manifest: bool = True
) -> Path:
    """A copy of ``archive`` with members changed by ``change`` (None: dropped); with ``fix_manifest`` the manifest
    lists the new sizes and SHA-256 of the changed members (a consistent but altered archive)."""
    import hashlib

    original = members(archive)
    manifest = json.loads(original["manifest.json"])
    changed: dict[str, bytes | None] = {}
    for name, data in original.items():
        if name != "manifest.json":
            new = change(name, data)
            if new != data:
                changed[name] = new
    if fix_manifest:
        for entry in [*manifest["tables"], *manifest["media"]]:
            new = changed.get(entry["member"], b"")
            if new:
                entry["bytes"], entry["sha256"] = len(new), hashlib.sha256(new).hexdigest()
    manifest_bytes = change("manifest.json", json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in original.items():
            if name == "manifest.json":
                if manifest_bytes is not None:
                    z.writestr(name, manifest_bytes)
                continue
            new = changed.get(name, data)
            if new is not None:
                z.writestr(name, new)
    return out
