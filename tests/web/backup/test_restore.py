"""Restoring in this process (pytest's own empty test database): users can sign in afterwards, new rows get
new ids; and every refusal — corrupted, truncated, altered, foreign or newer archives, a non-empty installation —
leaves the database exactly as it was."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.web.backup.conftest import Source, rewrite, rows
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.management.commands.xxgk_demo import DEMO_PASSWORD
from xxgk.web.cases.models import Case
from xxgk.web.tenancy.models import Body
from xxgk.web.workcalendar.models import CalendarDay

pytestmark = pytest.mark.django_db


def _restore(archive: Path, *args: str) -> str:
    out = StringIO()
    call_command("xxgk_restore", str(archive), *args, stdout=out)
    return out.getvalue()


def _snapshot() -> tuple[int, int, int, int, int]:
    return (
        User.objects.count(),
        Body.objects.count(),
        Case.objects.count(),
        AuditEvent.objects.count(),
        CalendarDay.objects.count(),
    )


def _refused(archive: Path, match: str) -> None:
    before = _snapshot()
    assert before[:4] == (0, 0, 0, 0)  # an empty installation (the calendar may be seeded or flushed)
    with pytest.raises(CommandError, match=match) as info:
        _restore(archive)
    assert "未写入任何数据" in str(info.value) or "迁移" in str(info.value)
    assert _snapshot() == before


def test_restore_into_an_empty_installation_then_sign_in(source: Source, client: Client) -> None:
    assert _snapshot()[:4] == (0, 0, 0, 0)
    out = _restore(source.archive_all)
    assert "已恢复" in out
    expected_cases = rows(source.archive_all, "cases.case")
    assert sorted(Case.objects.values_list("number", flat=True)) == sorted(r["number"] for r in expected_cases)
    restored = AuditEvent.objects.filter(code=AuditCode.BACKUP_RESTORED).get()
    assert restored.actor is None and restored.object_type == "backup" and len(restored.object_id) == 64

    assert client.login(username="baqiao_jbr", password=DEMO_PASSWORD)
    assert not client.login(username="baqiao_jbr", password="wrong")
    page = client.get(reverse("cases:list"))
    assert page.status_code == 200
    bq = Body.objects.get(code="ddk-baqiao")
    number = Case.objects.filter(body=bq).order_by("pk").values_list("number", flat=True).first()
    assert number is not None and number in page.content.decode()

    # new rows get fresh ids after a restore with the original ids (sequences reset on PostgreSQL)
    body = Body.objects.create(name="新机关", code="new-body")
    assert body.pk > max(r["id"] for r in rows(source.archive_all, "tenancy.body"))


def test_check_only_verifies_and_writes_nothing(source: Source) -> None:
    before = _snapshot()
    out = _restore(source.archive_all, "--check")
    assert "备份文件完整" in out and "未写入任何数据" in out
    assert _snapshot() == before


def test_a_non_empty_installation_is_refused(source: Source, users: dict[str, User]) -> None:
    before = _snapshot()
    with pytest.raises(CommandError, match="目标数据库不是空的安装") as info:
        _restore(source.archive_all)
    assert "user" in str(info.value) or "用户" in str(info.value)
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(code=AuditCode.BACKUP_RESTORED).exists()


def test_a_changed_member_is_refused(source: Source, tmp_path: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        return data.replace("何建国".encode(), "何建民".encode()) if name == "data/cases.case.jsonl" else data

    bad = rewrite(source.archive_all, tmp_path / "bad.zip", change, fix_manifest=False)
    _refused(bad, r"cases\.case\.jsonl 的大小或 SHA-256 校验值与清单不符")


def test_a_truncated_archive_is_refused(source: Source, tmp_path: Path) -> None:
    data = source.archive_all.read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) * 2 // 3])
    _refused(cut, "备份文件已损坏或不完整")


def test_a_flipped_byte_is_refused(source: Source, tmp_path: Path) -> None:
    data = bytearray(source.archive_all.read_bytes())
    data[len(data) // 3] ^= 0xFF
    flipped = tmp_path / "flipped.zip"
    flipped.write_bytes(bytes(data))
    _refused(flipped, "备份文件已损坏或不完整")


def test_missing_and_extra_members_are_refused(source: Source, tmp_path: Path) -> None:
    def drop(name: str, data: bytes) -> bytes | None:
        return None if name == "data/letters.letter.jsonl" else data

    _refused(rewrite(source.archive_all, tmp_path / "missing.zip", drop, fix_manifest=False), "缺少")

    def manifest_without_letters(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["tables"] = [t for t in manifest["tables"] if t["label"] != "letters.letter"]
        return json.dumps(manifest).encode()

    _refused(rewrite(source.archive_all, tmp_path / "extra.zip", manifest_without_letters), "清单之外")


def test_an_archive_inconsistent_inside_is_rolled_back(source: Source, tmp_path: Path) -> None:
    """A consistent archive (hashes fit) whose rows refer to a body it lacks: the foreign key check fails at the
    end, and the one transaction undoes everything — including the replaced calendar."""

    def drop_baqiao(name: str, data: bytes) -> bytes:
        if name != "data/tenancy.body.jsonl":
            return data
        lines = [line for line in data.decode().splitlines() if '"code":"ddk-baqiao"' not in line]
        return ("\n".join(lines) + "\n").encode()

    def fix_count(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return drop_baqiao(name, data)
        manifest = json.loads(data)
        for table in manifest["tables"]:
            if table["label"] == "tenancy.body":
                table["rows"] -= 1
        return json.dumps(manifest).encode()

    bad = rewrite(source.archive_all, tmp_path / "dangling.zip", fix_count)
    days = sorted(CalendarDay.objects.values_list("day", "kind"))
    _refused(bad, "互相引用不一致")
    assert sorted(CalendarDay.objects.values_list("day", "kind")) == days


def test_a_malformed_row_is_refused(source: Source, tmp_path: Path) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name != "data/tenancy.body.jsonl":
            return data
        first, *rest = data.decode().splitlines()
        row = json.loads(first)
        row["unexpected"] = 1
        return ("\n".join([json.dumps(row, ensure_ascii=False), *rest]) + "\n").encode()

    _refused(rewrite(source.archive_all, tmp_path / "malformed.zip", change), "格式不正确")


def _with_manifest(source: Source, out: Path, edit: Any) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest, ensure_ascii=False).encode()

    return rewrite(source.archive_all, out, change)


def test_an_archive_from_newer_code_is_refused(source: Source, tmp_path: Path) -> None:
    def ahead(manifest: dict[str, Any]) -> None:
        manifest["migrations"]["cases"].append("0099_from_the_future")

    _refused(_with_manifest(source, tmp_path / "ahead.zip", ahead), "备份来自较新版本的程序.*0099_from_the_future")


def test_an_archive_from_older_code_says_how_to_restore_it(source: Source, tmp_path: Path) -> None:
    older = sorted(rows_of_migrations(source)["cases"])

    def behind(manifest: dict[str, Any]) -> None:
        manifest["migrations"]["cases"] = older[:-1]

    archive = _with_manifest(source, tmp_path / "behind.zip", behind)
    _refused(archive, f"manage.py migrate cases {older[-2]}")


def rows_of_migrations(source: Source) -> dict[str, list[str]]:
    from tests.web.backup.conftest import members

    manifest = json.loads(members(source.archive_all)["manifest.json"])
    migrations: dict[str, list[str]] = manifest["migrations"]
    return migrations


def test_other_files_are_refused(source: Source, tmp_path: Path) -> None:
    import zipfile

    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("hello.txt", "hi")
    _refused(plain, "缺少清单")
    text = tmp_path / "text.zip"
    text.write_text("not a zip", encoding="utf-8")
    _refused(text, "不是完整的 ZIP 文件")
    _refused(tmp_path / "nowhere.zip", "找不到备份文件")

    def future(manifest: dict[str, Any]) -> None:
        manifest["format_version"] = 99

    _refused(_with_manifest(source, tmp_path / "v99.zip", future), "备份格式版本 99 不受本程序支持")

    def no_fields(manifest: dict[str, Any]) -> None:
        del manifest["tables"][0]["fields"]

    _refused(_with_manifest(source, tmp_path / "nofields.zip", no_fields), "清单格式不正确")
