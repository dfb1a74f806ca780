"""``manage.py xxgk_restore ARCHIVE [--check]``: restore a backup archive into an empty installation, or only
verify it (see docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from xxgk.web.backup.codec import BackupError
from xxgk.web.backup.services import RestoreResult, backup_check, backup_restore


class Command(BaseCommand):
    help = "把备份归档恢复到空的安装（先新建数据库并运行 migrate）；--check 只校验备份，不写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="备份文件（xxgk_backup 生成的 .zip）")
        parser.add_argument(
            "--check", action="store_true", help="只校验备份文件的完整性及与本安装迁移状态是否一致，不写入任何数据"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        try:
            if options["check"]:
                result = backup_check(archive=archive, alias=options["database"])
            else:
                result = backup_restore(archive=archive, alias=options["database"])
        except BackupError as exc:
            raise CommandError(exc.message) from None
        self._describe(result)
        if result.written:
            for table in result.tables:
                if table.rows:
                    self.stdout.write(f"  {table.label:<36} {table.rows:>8}")
            self.stdout.write(
                self.style.SUCCESS(f"已恢复 {len(result.tables)} 个表、{result.total_rows} 行、{result.media} 个文件。")
            )
        else:
            self.stdout.write(self.style.SUCCESS("备份文件完整，可以恢复到本安装（未写入任何数据）。"))

    def _describe(self, result: RestoreResult) -> None:
        manifest = result.manifest
        scope = manifest.get("scope") or {}
        described = "整个安装" if scope.get("kind") == "all" else "机关 " + "、".join(scope.get("owned_bodies", []))
        self.stdout.write(f"备份：{result.path}")
        self.stdout.write(
            f"创建于 {manifest.get('created_at')}，xxgk {manifest.get('xxgk_version')}，范围：{described}"
        )
