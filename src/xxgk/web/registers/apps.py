from __future__ import annotations

from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "xxgk.web.registers"
    label = "registers"
    verbose_name = "公开统计台账"
