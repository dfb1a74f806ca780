"""``manage.py xxgk_backup (--all | --body CODE … [--with-descendants]) [-o FILE|DIR]``: write a backup archive
(see docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from xxgk.web.backup.codec import BackupError
from xxgk.web.backup.services import backup_create

PRIVACY = "提示：备份含申请人姓名、身份证件号码、联系方式等个人信息，请加密保存并限制访问（见 docs/backup.md）。"


def default_name(body_codes: list[str] | None) -> str:
    scope = "all" if body_codes is None else "+".join(body_codes)
    return f"xxgk-backup-{scope}-{timezone.localtime():%Y%m%d-%H%M%S}.zip"


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


class Command(BaseCommand):
    help = "备份整个安装（--all）或指定机关（--body）的全部数据到一个归档文件"

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--all", action="store_true", help="备份整个安装的数据")
        scope.add_argument(
            "--body", action="append", metavar="CODE", help="只备份该机关（可重复），上级机关只作为占位记录"
        )
        parser.add_argument("--with-descendants", action="store_true", help="同时备份所选机关的全部下级机关")
        parser.add_argument(
            "-o", "--output", default=".", help="备份文件名，或存放备份的目录（自动命名；默认当前目录）"
        )
        parser.add_argument("--note", default="", help="记入备份清单和审计记录的说明")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        body_codes: list[str] | None = None if options["all"] else list(dict.fromkeys(options["body"]))
        if options["with_descendants"] and body_codes is None:
            raise CommandError("--with-descendants 只能与 --body 一起使用")
        output = Path(options["output"])
        if output.is_dir():
            output = output / default_name(body_codes)
        try:
            result = backup_create(
                output=output,
                body_codes=body_codes,
                with_descendants=options["with_descendants"],
                alias=options["database"],
                note=options["note"],
            )
        except BackupError as exc:
            raise CommandError(exc.message) from None
        scope = result.scope
        if scope["kind"] == "all":
            described = "整个安装"
        else:
            described = "机关 " + "、".join(scope["owned_bodies"])
            if scope["stub_bodies"]:
                described += "（上级机关仅作占位：" + "、".join(scope["stub_bodies"]) + "）"
        self.stdout.write(self.style.SUCCESS(f"已写入备份：{result.path}"))
        self.stdout.write(f"范围：{described}")
        self.stdout.write(f"大小：{_size(result.size)}；SHA-256：{result.sha256}")
        self.stdout.write(f"共 {len(result.tables)} 个表、{result.total_rows} 行、{result.media} 个文件：")
        for table in result.tables:
            if table.rows:
                self.stdout.write(f"  {table.label:<36} {table.rows:>8}")
        if scope["kind"] != "all":
            if scope["foreign_rows"]:
                listed = "、".join(f"{k} {v} 行" for k, v in scope["foreign_rows"].items())
                self.stderr.write(f"注意：因被引用而一并备份了其他机关的数据：{listed}")
            if scope["omitted_tables"]:
                self.stderr.write("注意：以下表无法按机关划分，未备份：" + "、".join(scope["omitted_tables"]))
        self.stderr.write(PRIVACY)
