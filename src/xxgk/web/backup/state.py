"""The migration state of a database: which migrations are applied, and the models as of that state.

A backup is written with, and restored through, the *historical* models of the database's applied migrations
(what ``migrate`` itself uses), not the installed model classes: a database whose code was upgraded but not yet
migrated is still backed up correctly, and an archive from an older version can be restored into a database
migrated to exactly that older state (then ``migrate`` brings the data forward).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.apps.registry import Apps
from django.db import connections
from django.db.migrations.loader import MigrationLoader

from xxgk.web.backup.codec import BackupError

Migrations = dict[str, list[str]]  # app label → applied migration names, sorted


@dataclass(frozen=True)
class DatabaseState:
    applied: Migrations
    #: the code's migrations (app label → names), applied or not
    known: Migrations
    #: the migrations the code has that the database has not applied
    pending: Migrations
    apps: Apps
    #: installed apps without migrations (their tables are not made by ``migrate``; nothing of them is backed up)
    unmigrated: frozenset[str] = frozenset()


def database_state(alias: str) -> DatabaseState:
    """The applied migrations of database ``alias`` and the historical models as of them."""
    connection = connections[alias]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    graph = loader.graph
    applied_nodes = {key for key in loader.applied_migrations if key in graph.nodes}
    applied: defaultdict[str, list[str]] = defaultdict(list)
    for app, name in applied_nodes:
        applied[app].append(name)
    known: defaultdict[str, list[str]] = defaultdict(list)
    for app, name in graph.nodes:
        known[app].append(name)
    pending = {
        app: sorted(set(names) - set(applied.get(app, ())))
        for app, names in known.items()
        if set(names) - set(applied.get(app, ()))
    }
    leaves = [
        node for node in applied_nodes if not any(child.key in applied_nodes for child in graph.node_map[node].children)
    ]
    state = loader.project_state(nodes=leaves, at_end=True) if leaves else loader.project_state(nodes=[])
    return DatabaseState(
        applied={app: sorted(names) for app, names in sorted(applied.items())},
        known={app: sorted(names) for app, names in sorted(known.items())},
        pending=dict(sorted(pending.items())),
        apps=state.apps,
        unmigrated=frozenset(loader.unmigrated_apps),
    )


def _leaf(loader: MigrationLoader, app: str, names: list[str]) -> str:
    """The last of ``names`` (applied migrations of ``app``) in dependency order."""
    nodes = {(app, n) for n in names}
    for node in sorted(nodes):
        if not any(child.key in nodes for child in loader.graph.node_map[node].children):
            return node[1]
    return sorted(names)[-1]


def compare_states(archive: Migrations, target: DatabaseState, alias: str) -> None:
    """Refuse (:class:`BackupError`) unless the target database is at exactly the archive's migration state."""
    newer = {
        app: [n for n in names if n not in set(target.known.get(app, ()))]
        for app, names in archive.items()
        if any(n not in set(target.known.get(app, ())) for n in names)
    }
    if newer:
        listed = "；".join(f"{app}：{', '.join(names)}" for app, names in sorted(newer.items()))
        raise BackupError(
            f"备份来自较新版本的程序，其中的数据库迁移本程序中没有（{listed}）。请先把程序升级到不低于备份时的版本，"
            "运行 manage.py migrate，再恢复。"
        )
    apps = sorted(set(archive) | set(target.applied))
    differing = [app for app in apps if sorted(archive.get(app, [])) != sorted(target.applied.get(app, []))]
    if not differing:
        return
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    commands = []
    for app in differing:
        names = archive.get(app, [])
        commands.append(f"manage.py migrate {app} {_leaf(loader, app, names) if names else 'zero'}")
    raise BackupError(
        "目标数据库的迁移状态与备份不一致（应用："
        + "、".join(differing)
        + "）。恢复要求目标数据库正好处于备份时的迁移状态：请在空数据库上依次运行 "
        + "；".join(commands)
        + "，恢复后再运行 manage.py migrate 升级数据。"
    )
