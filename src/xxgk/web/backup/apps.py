from __future__ import annotations

from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "xxgk.web.backup"
    label = "backup"
    verbose_name = "备份与恢复"
