"""A body's backup holds that body's data and what it refers to — and nothing of its sibling bodies."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from tests.web.backup.conftest import Source, members, rows
from tests.web.backup.seed import TIAODENG_ONLY_CONTENT, TIAODENG_ONLY_ID, TIAODENG_ONLY_NAME
from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.models import AuditEvent
from xxgk.web.cases.management.commands.xxgk_demo import DEMO_PASSWORD
from xxgk.web.cases.models import Case
from xxgk.web.tenancy.models import Body, Membership


def _manifest(archive: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(members(archive)["manifest.json"])
    return data


def _ids(archive: Path, label: str, column: str = "id") -> set[Any]:
    return {r[column] for r in rows(archive, label)}


def test_a_body_backup_holds_only_that_body(source: Source) -> None:
    archive = source.archive_baqiao
    scope = _manifest(archive)["scope"]
    assert scope["kind"] == "bodies" and scope["owned_bodies"] == ["ddk-baqiao"] and scope["stub_bodies"] == ["ddk"]
    assert scope["foreign_rows"] == {} and scope["omitted_tables"] == []
    bodies = {r["code"]: r["id"] for r in rows(source.archive_all, "tenancy.body")}
    bq = bodies["ddk-baqiao"]
    assert {r["code"] for r in rows(archive, "tenancy.body")} == {"ddk", "ddk-baqiao"}  # the district as a stub

    # every case of 八桥镇 and nothing else; the same for events, letters, audit events, memberships …
    all_cases = rows(source.archive_all, "cases.case")
    assert _ids(archive, "cases.case") == {r["id"] for r in all_cases if r["body_id"] == bq}
    cases = _ids(archive, "cases.case")
    assert {r["case_id"] for r in rows(archive, "cases.caseevent")} <= cases
    assert _ids(archive, "cases.caseevent") == {
        r["id"] for r in rows(source.archive_all, "cases.caseevent") if r["case_id"] in cases
    }
    assert _ids(archive, "letters.letter") and {r["case_id"] for r in rows(archive, "letters.letter")} <= cases
    assert {r["body_id"] for r in rows(archive, "audit.auditevent")} == {bq}
    assert _ids(archive, "audit.auditevent") == {
        r["id"] for r in rows(source.archive_all, "audit.auditevent") if r["body_id"] == bq
    }
    assert {r["body_id"] for r in rows(archive, "tenancy.membership")} == {bq}
    assert {r["item_id"] for r in rows(archive, "proactive.itemattachment")} <= _ids(archive, "proactive.proactiveitem")
    # the calendar is installation-wide: taken whole
    assert len(rows(archive, "workcalendar.calendarday")) == len(rows(source.archive_all, "workcalendar.calendarday"))


def test_no_other_bodys_applicants_or_staff(source: Source) -> None:
    everything = b"".join(members(source.archive_all).values()).decode("utf-8", "replace")
    mine = b"".join(members(source.archive_baqiao).values()).decode("utf-8", "replace")
    for secret in (TIAODENG_ONLY_NAME, TIAODENG_ONLY_ID, TIAODENG_ONLY_CONTENT):
        assert secret in everything  # (the whole backup has it: the check below can fail)
        assert secret not in mine
    users = {r["username"] for r in rows(source.archive_baqiao, "auth.user")}
    assert {"baqiao_jbr", "baqiao_shr", "baqiao_fzr"} <= users
    assert not users & {"tiaodeng_jbr", "tiaodeng_shr", "ghzy_jbr"}
    # a user's own rows come along with the user: 八桥镇's clerk's API token, group and permission links
    clerk = next(r["id"] for r in rows(source.archive_baqiao, "auth.user") if r["username"] == "baqiao_jbr")
    assert {r["user_id"] for r in rows(source.archive_baqiao, "api.apitoken")} == {clerk}
    assert {r["user_id"] for r in rows(source.archive_baqiao, "auth.user_groups")} == {clerk}
    assert len(rows(source.archive_baqiao, "auth.group")) == 1
    assert rows(source.archive_baqiao, "auth.user_user_permissions")[0]["permission_id"] == [
        "change_group",
        "auth",
        "group",
    ]


@pytest.mark.django_db
def test_a_body_backup_restores_on_its_own(source: Source, client: Client) -> None:
    call_command("xxgk_restore", str(source.archive_baqiao), stdout=StringIO())
    assert sorted(Body.objects.values_list("code", flat=True)) == ["ddk", "ddk-baqiao"]
    assert Case.objects.count() == len(rows(source.archive_baqiao, "cases.case"))
    assert not Membership.objects.exclude(body__code="ddk-baqiao").exists()
    restored = AuditEvent.objects.get(code=AuditCode.BACKUP_RESTORED)
    assert restored.body is not None and restored.body.code == "ddk-baqiao"
    assert client.login(username="baqiao_fzr", password=DEMO_PASSWORD)


@pytest.mark.django_db
def test_backup_in_process_with_and_without_descendants(users: dict[str, User], tmp_path: Path) -> None:
    district_only = tmp_path / "ddk.zip"
    call_command("xxgk_backup", "--body", "ddk", "-o", str(district_only), stdout=StringIO(), stderr=StringIO())
    assert {r["code"] for r in rows(district_only, "tenancy.body")} == {"ddk"}
    assert {r["username"] for r in rows(district_only, "auth.user")} == {"qu_viewer", "qu_admin"}
    event = AuditEvent.objects.get(code=AuditCode.BACKUP_CREATED)
    assert event.body is not None and event.body.code == "ddk"
    assert event.new is not None and event.new["scope"]["owned_bodies"] == ["ddk"]

    out = StringIO()
    call_command(
        "xxgk_backup", "--body", "ddk", "--with-descendants", "-o", str(tmp_path), stdout=out, stderr=StringIO()
    )
    (tree,) = [p for p in tmp_path.iterdir() if p.name.startswith("xxgk-backup-ddk-")]
    assert (tree.stat().st_mode & 0o777) == 0o600  # personal data: readable by its owner only
    assert {r["code"] for r in rows(tree, "tenancy.body")} == {"ddk", "ddk-baqiao", "ddk-tiaodeng"}
    assert {r["username"] for r in rows(tree, "auth.user")} == set(users) - {"nobody"}
    assert "已写入备份" in out.getvalue()


@pytest.mark.django_db
def test_backup_usage_errors(org: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="没有代码为 nowhere 的机关"):
        call_command("xxgk_backup", "--body", "nowhere", "-o", str(tmp_path / "x.zip"), stdout=StringIO())
    with pytest.raises(CommandError, match="--with-descendants 只能与 --body 一起使用"):
        call_command("xxgk_backup", "--all", "--with-descendants", "-o", str(tmp_path), stdout=StringIO())
    with pytest.raises(CommandError, match="目录不存在"):
        call_command("xxgk_backup", "--all", "-o", str(tmp_path / "no" / "x.zip"), stdout=StringIO())
    assert list(tmp_path.iterdir()) == []  # no partial files left behind
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"an earlier backup")
    with pytest.raises(CommandError, match="文件已存在，不会覆盖"):
        call_command("xxgk_backup", "--all", "-o", str(existing), stdout=StringIO())
    assert existing.read_bytes() == b"an earlier backup"
