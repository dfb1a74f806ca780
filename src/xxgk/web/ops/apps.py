from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "xxgk.web.ops"
    label = "ops"
    verbose_name = "运行状态"
