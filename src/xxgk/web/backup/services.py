"""Backing up the installation or some bodies into one archive file, and restoring an archive into an empty
installation (see docs/backup.md).

* :func:`backup_create` reads everything in one transaction (a consistent snapshot; REPEATABLE READ on
  PostgreSQL), writes the archive through a temporary file, then records an audit event.
* :func:`backup_restore` verifies the archive completely (every member's size and SHA-256), checks that the target
  database is at the archive's migration state and holds no data, then inserts every row with its original
  primary key in dependency order — in ONE transaction, so a failure leaves nothing behind — checks the foreign
  keys, resets the id sequences (PostgreSQL) and records an audit event. Inserting is all it does: the
  append-only triggers of the audit trail and of the registration edits stay in force.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps as installed_apps
from django.core.files.base import File
from django.core.files.storage import Storage
from django.core.management.color import no_style
from django.db import IntegrityError, connections, models, transaction
from django.utils import timezone

import xxgk
from xxgk.web.audit.codes import AuditCode
from xxgk.web.backup.archive import (
    FORMAT,
    FORMAT_VERSION,
    NOTHING_WRITTEN,
    ArchiveReader,
    ArchiveWriter,
    MemberInfo,
    dumps,
    file_sha256,
    media_member,
)
from xxgk.web.backup.codec import BackupError, decode, encode
from xxgk.web.backup.plan import REFERENCE, ModelPlan, Plan, build_plan
from xxgk.web.backup.scope import Selection, select_rows
from xxgk.web.backup.state import DatabaseState, compare_states, database_state

OBJECT_TYPE = "backup"
BATCH = 500


@dataclass
class TableCount:
    label: str
    rows: int


@dataclass
class BackupResult:
    path: Path
    sha256: str
    size: int
    scope: dict[str, Any]
    tables: list[TableCount]
    media: int = 0

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


@dataclass
class RestoreResult:
    path: Path
    manifest: dict[str, Any]
    tables: list[TableCount] = field(default_factory=list)
    media: int = 0
    written: bool = False

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


# -- helpers ---------------------------------------------------------------------------------------------


def _fields(plan: ModelPlan) -> list[models.Field[Any, Any]]:
    by_attname = {f.attname: f for f in plan.model._meta.concrete_fields}
    return [by_attname[name] for name in plan.fields]


def _file_fields(plan: ModelPlan) -> list[models.FileField]:
    return [f for f in _fields(plan) if isinstance(f, models.FileField)]


def _references(state: DatabaseState, alias: str, pk_to_key: bool) -> dict[str, dict[Any, Any]]:
    """For each :data:`REFERENCE` model: primary key → natural key (or the reverse), in database ``alias``."""
    out: dict[str, dict[Any, Any]] = {}
    for label, lookups in REFERENCE.items():
        app, name = label.split(".")
        try:
            model = state.apps.get_model(app, name)
        except LookupError:
            continue
        rows = model._base_manager.using(alias).values_list("pk", *lookups)
        out[label] = {r[0]: list(r[1:]) for r in rows} if pk_to_key else {tuple(r[1:]): r[0] for r in rows}
    return out


def _pk_name(plan: ModelPlan) -> str:
    pk = plan.model._meta.pk
    assert pk is not None
    return pk.attname


def _record(
    *, state: DatabaseState, alias: str, code: AuditCode, body_code: str | None, object_id: str, new: Any, note: str
) -> None:
    """Append an audit event to database ``alias`` (through the audit service when the database is current)."""
    if alias == "default" and not state.pending:
        from xxgk.web.audit.services import audit_record
        from xxgk.web.tenancy.models import Body

        body = Body.objects.filter(code=body_code).first() if body_code else None
        audit_record(code=code, actor=None, body=body, object_type=OBJECT_TYPE, object_id=object_id, new=new, note=note)
        return
    # another database, or an older schema: the historical model of that state
    event = state.apps.get_model("audit", "AuditEvent")
    body_model = state.apps.get_model("tenancy", "Body")
    body_id = body_model._base_manager.using(alias).filter(code=body_code).values_list("pk", flat=True).first()
    event._base_manager.using(alias).create(
        code=int(code),
        body_id=body_id,
        object_type=OBJECT_TYPE,
        object_id=object_id,
        created_at=timezone.now(),
        new=new,
        note=note,
    )


# -- backup ----------------------------------------------------------------------------------------------


def _rows(plan: ModelPlan, alias: str, keys: set[Any] | None) -> Iterator[tuple[Any, ...]]:
    manager = plan.model._base_manager.using(alias)
    pk = _pk_name(plan)
    if keys is None:
        yield from manager.order_by(pk).values_list(*plan.fields).iterator(chunk_size=2000)
        return
    ordered = sorted(keys)
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        yield from manager.filter(**{f"{pk}__in": chunk}).order_by(pk).values_list(*plan.fields)


class _Counted:
    """Counts the items of an iterator as they pass."""

    def __init__(self, items: Iterator[str]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for item in self.items:
            self.count += 1
            yield item


def _encode_rows(
    plan: ModelPlan,
    rows: Iterator[tuple[Any, ...]],
    references: dict[str, dict[Any, Any]],
    files: dict[str, str],
) -> Iterator[str]:
    """The JSON lines of ``rows``; the names of stored files go into ``files`` (name → ``label.field``)."""
    fields = _fields(plan)
    reference_of = {fk.attname: fk.target for fk in plan.foreign_keys if fk.is_reference}
    file_columns = [(i, f) for i, f in enumerate(fields) if isinstance(f, models.FileField)]
    for values in rows:
        out: dict[str, Any] = {}
        for f, value in zip(fields, values, strict=True):
            target = reference_of.get(f.attname)
            if target is not None and value is not None:
                out[f.attname] = references[target][value]
            else:
                out[f.attname] = encode(f, value)
        for i, f in file_columns:
            if values[i]:
                files.setdefault(str(values[i]), f"{plan.label}.{f.name}")
        yield dumps(out)


def _file_field(plan: Plan, where: str) -> models.FileField:
    label, _, name = where.rpartition(".")
    table = plan.by_label().get(label)
    found = [f for f in _file_fields(table) if f.name == name] if table is not None else []
    if not found:
        raise BackupError(f"本安装没有文件字段 {where}。{NOTHING_WRITTEN}")
    return found[0]


def backup_create(
    *,
    output: Path,
    body_codes: list[str] | None = None,
    with_descendants: bool = False,
    alias: str = "default",
    note: str = "",
) -> BackupResult:
    """Write a backup of the whole installation (``body_codes`` None) or of the bodies ``body_codes`` (with every
    body below them when ``with_descendants``) to ``output``; :class:`BackupError` when it cannot."""
    if body_codes is not None and not body_codes:
        raise BackupError("请指定要备份的机关代码")
    if output.is_dir():
        raise BackupError(f"{output} 是目录，请指定备份文件名")
    if output.exists():
        raise BackupError(f"文件已存在，不会覆盖：{output}")
    if not output.parent.is_dir():
        raise BackupError(f"目录不存在：{output.parent}")
    state = database_state(alias)
    plan = build_plan(state.apps, unmigrated=state.unmigrated)
    if plan.problems:
        raise BackupError("无法备份：" + "；".join(plan.problems))
    tables: list[TableCount] = []
    with ArchiveWriter(output) as writer, transaction.atomic(using=alias):
        selection = _snapshot(alias, plan, body_codes, with_descendants)
        references = _references(state, alias, pk_to_key=True)
        entries: list[dict[str, Any]] = []
        files: dict[str, str] = {}
        for table in plan.models:
            keys = selection.rows[table.label] if selection is not None else None
            lines = _Counted(_encode_rows(table, _rows(table, alias, keys), references, files))
            member = writer.write_lines(table.member, iter(lines))
            tables.append(TableCount(table.label, lines.count))
            entries.append(
                {
                    "label": table.label,
                    "kind": table.kind,
                    "db_table": table.model._meta.db_table,
                    "fields": list(table.fields),
                    "rows": lines.count,
                    "member": member.name,
                    "bytes": member.size,
                    "sha256": member.sha256,
                }
            )
        media_entries = []
        for name, where in sorted(files.items()):
            with _file_field(plan, where).storage.open(name, "rb") as stream:
                member = writer.write_stream(media_member(name), stream)
            media_entries.append(
                {"name": name, "field": where, "member": member.name, "bytes": member.size, "sha256": member.sha256}
            )
        scope = _scope(body_codes, with_descendants, selection)
        writer.write_manifest(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "xxgk_version": xxgk.__version__,
                "created_at": timezone.now().isoformat(timespec="seconds"),
                "database": connections[alias].vendor,
                "scope": scope,
                "migrations": state.applied,
                "tables": entries,
                "media": media_entries,
                "excluded": plan.excluded,
                "note": note,
            }
        )
    digest = file_sha256(output)
    result = BackupResult(
        path=output, sha256=digest, size=output.stat().st_size, scope=scope, tables=tables, media=len(media_entries)
    )
    _record(
        state=state,
        alias=alias,
        code=AuditCode.BACKUP_CREATED,
        body_code=scope["bodies"][0] if scope["kind"] == "bodies" else None,
        object_id=digest,
        new={"file": output.name, "sha256": digest, "size": result.size, "scope": scope, "rows": result.total_rows},
        note=note,
    )
    return result


def _snapshot(alias: str, plan: Plan, body_codes: list[str] | None, with_descendants: bool) -> Selection | None:
    """Start the read snapshot (PostgreSQL: REPEATABLE READ, read only) and select a scoped backup's rows."""
    connection = connections[alias]
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1 and not connection.savepoint_ids:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    if body_codes is None:
        return None
    return select_rows(plan, alias, body_codes=body_codes, with_descendants=with_descendants)


def _scope(body_codes: list[str] | None, with_descendants: bool, selection: Selection | None) -> dict[str, Any]:
    if body_codes is None or selection is None:
        return {"kind": "all"}
    return {
        "kind": "bodies",
        "bodies": list(body_codes),
        "with_descendants": with_descendants,
        "owned_bodies": selection.owned_bodies,
        "stub_bodies": selection.stub_bodies,
        "foreign_rows": selection.foreign,
        "omitted_tables": selection.omitted,
    }


# -- restore ---------------------------------------------------------------------------------------------


def _name(table: ModelPlan) -> str:
    """The table's name for people (the installed model's, translated; historical models have plain strings)."""
    try:
        return str(installed_apps.get_model(table.label)._meta.verbose_name)
    except LookupError:
        return str(table.model._meta.verbose_name)


def _nonempty(plan: Plan, alias: str) -> list[str]:
    found = []
    for table in plan.models:
        if table.kind == "installation":
            continue
        count = table.model._base_manager.using(alias).count()
        if count:
            found.append(f"{_name(table)}（{table.label}）{count} 行")
    return found


def _check_tables(reader: ArchiveReader, plan: Plan) -> list[tuple[ModelPlan, MemberInfo, int]]:
    by_label = plan.by_label()
    out: list[tuple[ModelPlan, MemberInfo, int]] = []
    entries = {str(e["label"]): e for e in reader.manifest["tables"]}
    if unknown := sorted(set(entries) - set(by_label)):
        raise BackupError(f"备份中的表 {'、'.join(unknown)} 在本安装中不备份或不存在，无法恢复。{NOTHING_WRITTEN}")
    for table in plan.models:  # dependency order of THIS installation's models
        entry = entries.get(table.label)
        if entry is None:
            continue
        if list(entry["fields"]) != list(table.fields):
            listed = ", ".join(entry["fields"])
            raise BackupError(f"备份中表 {table.label} 的字段与本安装不一致（{listed}），无法恢复。{NOTHING_WRITTEN}")
        member = MemberInfo(name=str(entry["member"]), size=int(entry["bytes"]), sha256=str(entry["sha256"]))
        out.append((table, member, int(entry["rows"])))
    return out


def _objects(
    table: ModelPlan, reader: ArchiveReader, member: MemberInfo, references: dict[str, dict[Any, Any]]
) -> Iterator[models.Model]:
    fields = _fields(table)
    reference_of = {fk.attname: fk.target for fk in table.foreign_keys if fk.is_reference}
    for line in reader.lines(member):
        if not isinstance(line, dict) or set(line) != set(table.fields):
            raise BackupError(f"备份中表 {table.label} 的一行格式不正确。{NOTHING_WRITTEN}")
        values: dict[str, Any] = {}
        for f in fields:
            raw = line[f.attname]
            target = reference_of.get(f.attname)
            if target is not None and raw is not None:
                key = tuple(raw) if isinstance(raw, list) else None
                if key is None or key not in references.get(target, {}):
                    raise BackupError(f"备份引用的 {target} {raw!r} 在本安装中不存在。{NOTHING_WRITTEN}")
                values[f.attname] = references[target][key]
            else:
                values[f.attname] = decode(f, raw)
        yield table.model(**values)


def _keep_timestamps(model: type[models.Model]) -> None:
    """Insert the archive's creation/modification times as they are (the historical model is this restore's own
    copy, so switching ``auto_now``/``auto_now_add`` off affects nothing else)."""
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DateField | models.TimeField):
            f.auto_now = False
            f.auto_now_add = False


def backup_check(*, archive: Path, alias: str = "default") -> RestoreResult:
    """Verify ``archive`` completely and that it could be restored into database ``alias``'s migration state;
    writes nothing."""
    with ArchiveReader(archive) as reader:
        reader.verify()
        state = database_state(alias)
        compare_states(_archive_migrations(reader), state, alias)
        _check_tables(reader, build_plan(state.apps, unmigrated=state.unmigrated))
        return RestoreResult(path=archive, manifest=reader.manifest)


def _archive_migrations(reader: ArchiveReader) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = reader.manifest["migrations"]  # (types checked when the manifest was read)
    return {str(app): list(names) for app, names in raw.items()}


def backup_restore(*, archive: Path, alias: str = "default") -> RestoreResult:
    """Restore ``archive`` into the EMPTY installation of database ``alias`` (see the module docstring)."""
    with ArchiveReader(archive) as reader:
        reader.verify()
        state = database_state(alias)
        compare_states(_archive_migrations(reader), state, alias)
        plan = build_plan(state.apps, unmigrated=state.unmigrated)
        tables = _check_tables(reader, plan)
        if found := _nonempty(plan, alias):
            raise BackupError(
                "目标数据库不是空的安装，已有数据："
                + "；".join(found[:6])
                + ("……" if len(found) > 6 else "")
                + "。恢复只能写入新建的空数据库：请新建数据库并运行 manage.py migrate 后再恢复。"
                + NOTHING_WRITTEN
            )
        media = _media_targets(reader, plan)
        result = RestoreResult(path=archive, manifest=reader.manifest)
        written: list[tuple[Storage, str]] = []
        try:
            with transaction.atomic(using=alias):
                _insert_all(reader, state, alias, tables, result)
                for storage, name, member in media:
                    with reader.open(member) as stream:
                        saved = storage.save(name, File(stream, name=name))
                    written.append((storage, saved))
                    if saved != name:
                        raise BackupError(f"文件 {name} 已存在，无法恢复。{NOTHING_WRITTEN}")
                result.media = len(written)
                scope = reader.manifest.get("scope") or {}
                owned = scope.get("owned_bodies") or []
                _record(
                    state=state,
                    alias=alias,
                    code=AuditCode.BACKUP_RESTORED,
                    body_code=owned[0] if owned else None,
                    object_id=file_sha256(archive),
                    new={
                        "file": archive.name,
                        "created_at": reader.manifest.get("created_at"),
                        "xxgk_version": reader.manifest.get("xxgk_version"),
                        "scope": scope,
                        "rows": result.total_rows,
                    },
                    note="从备份恢复",
                )
        except BaseException:
            for storage, name in written:
                storage.delete(name)
            raise
        result.written = True
        return result


def _media_targets(reader: ArchiveReader, plan: Plan) -> list[tuple[Storage, str, str]]:
    """Where each file of the archive goes (the storage of the file field it belongs to); refused when a file of
    that name already exists there."""
    out: list[tuple[Storage, str, str]] = []
    for entry in reader.manifest.get("media", []):
        name = str(entry["name"])
        member = media_member(name)
        if member != entry["member"]:
            raise BackupError(f"备份清单中文件 {name!r} 的位置不正确。{NOTHING_WRITTEN}")
        storage = _file_field(plan, str(entry.get("field", ""))).storage
        if storage.exists(name):
            raise BackupError(f"文件 {name} 已存在，恢复只能写入空的安装。{NOTHING_WRITTEN}")
        out.append((storage, name, member))
    return out


def _insert_all(
    reader: ArchiveReader,
    state: DatabaseState,
    alias: str,
    tables: list[tuple[ModelPlan, MemberInfo, int]],
    result: RestoreResult,
) -> None:
    connection = connections[alias]
    references = _references(state, alias, pk_to_key=False)
    for table, _member, _rows in tables:
        if table.kind == "installation":  # filled by migrations in a fresh installation: the archive's replace them
            table.model._base_manager.using(alias).all().delete()
    for table, member, expected in tables:
        _keep_timestamps(table.model)
        manager = table.model._base_manager.using(alias)
        count = 0
        objects = _objects(table, reader, member, references)
        while batch := list(itertools.islice(objects, BATCH)):
            manager.bulk_create(batch)
            count += len(batch)
        if count != expected:
            raise BackupError(f"备份中表 {table.label} 应有 {expected} 行，实有 {count} 行。{NOTHING_WRITTEN}")
        result.tables.append(TableCount(table.label, count))
    restored = [table.model for table, _m, _n in tables]
    try:
        connection.check_constraints(table_names=[m._meta.db_table for m in restored])
    except IntegrityError as exc:
        raise BackupError(f"备份中的数据互相引用不一致（{exc}）。{NOTHING_WRITTEN}") from exc
    statements = connection.ops.sequence_reset_sql(no_style(), restored)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


__all__ = ["BackupResult", "RestoreResult", "backup_check", "backup_create", "backup_restore"]
