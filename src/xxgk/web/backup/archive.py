"""The archive file: a ZIP holding ``manifest.json``, one JSON Lines file per table under ``data/`` and the files of
file fields under ``media/``.

Data members are written with a fixed timestamp and permissions and in a fixed order, so two backups of the same
data have identical data members (only the manifest's ``created_at`` differs). The manifest lists every member
with its size and SHA-256; :class:`ArchiveReader` verifies all of them before anything is restored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any

from xxgk.web.backup.codec import BackupError

FORMAT = "xxgk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CHUNK = 1 << 20

CORRUPT = "备份文件已损坏或不完整"
NOTHING_WRITTEN = "未写入任何数据。"


def dumps(value: Any) -> str:
    """One JSON line (UTF-8 text, no ASCII escapes, compact)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class MemberInfo:
    name: str
    size: int
    sha256: str


def media_member(name: str) -> str:
    """The archive member of a stored file ``name`` (refused if it would leave ``media/``)."""
    path = PurePosixPath(name.replace("\\", "/"))
    if not name or path.is_absolute() or ".." in path.parts or any(":" in part for part in path.parts):
        raise BackupError(f"文件名不安全，无法备份或恢复：{name!r}")
    return f"media/{path.as_posix()}"


class _HashingWriter:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.hash.update(data)
        self.size += len(data)


class ArchiveWriter:
    """Writes an archive to ``path`` through a temporary file (renamed into place by :meth:`close`, removed on
    error), readable by the owner only: it holds personal data."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._zip = zipfile.ZipFile(self._file, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.members: list[MemberInfo] = []

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def write_lines(self, name: str, lines: Iterator[str]) -> MemberInfo:
        """Stream ``lines`` (each without its newline) into member ``name``."""
        with self._zip.open(self._info(name), "w", force_zip64=True) as stream:
            writer = _HashingWriter(stream)
            buffer: list[bytes] = []
            pending = 0
            for line in lines:
                data = (line + "\n").encode("utf-8")
                buffer.append(data)
                pending += len(data)
                if pending >= CHUNK:
                    writer.write(b"".join(buffer))
                    buffer, pending = [], 0
            if buffer:
                writer.write(b"".join(buffer))
        member = MemberInfo(name=name, size=writer.size, sha256=writer.hash.hexdigest())
        self.members.append(member)
        return member

    def write_stream(self, name: str, source: IO[bytes]) -> MemberInfo:
        with self._zip.open(self._info(name), "w", force_zip64=True) as stream:
            writer = _HashingWriter(stream)
            while chunk := source.read(CHUNK):
                writer.write(chunk)
        member = MemberInfo(name=name, size=writer.size, sha256=writer.hash.hexdigest())
        self.members.append(member)
        return member

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
        self._zip.writestr(self._info(MANIFEST), text.encode("utf-8"))

    def close(self) -> None:
        self._zip.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.partial.replace(self.path)

    def abort(self) -> None:
        with contextlib.suppress(Exception):  # the archive is being thrown away; its own errors do not matter
            self._zip.close()
        self._file.close()
        self.partial.unlink(missing_ok=True)

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _well_formed(manifest: dict[str, Any]) -> bool:
    """Whether the manifest has the entries a restore reads, of the right types."""
    tables, media, migrations = manifest.get("tables"), manifest.get("media"), manifest.get("migrations")
    if not (isinstance(tables, list) and isinstance(media, list) and isinstance(migrations, dict)):
        return False
    entries = [*tables, *media]
    if not all(isinstance(e, dict) and isinstance(e.get("member"), str) for e in entries):
        return False
    if not all(isinstance(e.get("bytes"), int) and isinstance(e.get("sha256"), str) for e in entries):
        return False
    if not all(isinstance(e.get("label"), str) and isinstance(e.get("rows"), int) for e in tables):
        return False
    if not all(_strings(e.get("fields")) for e in tables):
        return False
    if not all(isinstance(e.get("name"), str) and isinstance(e.get("field"), str) for e in media):
        return False
    return all(_strings(names) for names in migrations.values())


class ArchiveReader:
    """An archive opened for restoring: :meth:`verify` checks the manifest and every member's size and SHA-256
    (:class:`BackupError` with a clear message on any difference, a truncated file or a broken ZIP)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise BackupError(f"找不到备份文件：{path}。{NOTHING_WRITTEN}")
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise BackupError(f"{CORRUPT}（不是完整的 ZIP 文件：{exc}）。{NOTHING_WRITTEN}") from exc
        try:
            self.manifest: dict[str, Any] = self._read_manifest()
        except BaseException:
            self._zip.close()
            raise

    def _read_manifest(self) -> dict[str, Any]:
        try:
            raw = self._zip.read(MANIFEST)
        except KeyError:
            raise BackupError(f"{CORRUPT}：缺少清单 {MANIFEST}。{NOTHING_WRITTEN}") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise BackupError(f"{CORRUPT}（不是完整的 ZIP 文件：{exc}）。{NOTHING_WRITTEN}") from exc
        try:
            manifest = json.loads(raw.decode("utf-8"))
        except ValueError as exc:  # (undecodable bytes or JSON)
            raise BackupError(f"{CORRUPT}：清单无法读取（{exc}）。{NOTHING_WRITTEN}") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"这不是 xxgk 备份文件（清单中没有 format = {FORMAT}）。{NOTHING_WRITTEN}")
        version = manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise BackupError(
                f"备份格式版本 {version} 不受本程序支持（支持版本 {FORMAT_VERSION}），请使用相应版本的程序恢复。"
                f"{NOTHING_WRITTEN}"
            )
        if not _well_formed(manifest):
            raise BackupError(f"{CORRUPT}：清单格式不正确。{NOTHING_WRITTEN}")
        return manifest

    def listed(self) -> list[MemberInfo]:
        entries = [*self.manifest["tables"], *self.manifest["media"]]
        return [MemberInfo(name=e["member"], size=e["bytes"], sha256=e["sha256"]) for e in entries]

    def verify(self) -> None:
        members = self.listed()
        names = {m.name for m in members}
        present = set(self._zip.namelist()) - {MANIFEST}
        if missing := sorted(names - present):
            raise BackupError(f"{CORRUPT}：缺少 {'、'.join(missing[:5])}。{NOTHING_WRITTEN}")
        if extra := sorted(present - names):
            raise BackupError(f"{CORRUPT}：含有清单之外的内容 {'、'.join(extra[:5])}。{NOTHING_WRITTEN}")
        for member in members:
            digest, size = self._digest(member.name)
            if size != member.size or digest != member.sha256:
                raise BackupError(f"{CORRUPT}：{member.name} 的大小或 SHA-256 校验值与清单不符。{NOTHING_WRITTEN}")

    def _digest(self, name: str) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        try:
            with self._zip.open(name) as stream:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise BackupError(f"{CORRUPT}：{name} 无法读取（{exc}）。{NOTHING_WRITTEN}") from exc
        return digest.hexdigest(), size

    def lines(self, member: MemberInfo) -> Iterator[Any]:
        """The JSON values of member ``member``'s lines; its SHA-256 is checked again at the end (the file must not
        change between verification and restore)."""
        digest = hashlib.sha256()
        try:
            with self._zip.open(member.name) as stream:
                for raw in stream:
                    digest.update(raw)
                    yield json.loads(raw)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise BackupError(f"{CORRUPT}：{member.name} 无法读取（{exc}）。{NOTHING_WRITTEN}") from exc
        if digest.hexdigest() != member.sha256:
            raise BackupError(f"{CORRUPT}：{member.name} 在校验后被改动。{NOTHING_WRITTEN}")

    def open(self, name: str) -> IO[bytes]:
        return self._zip.open(name)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
