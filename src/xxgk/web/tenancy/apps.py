from __future__ import annotations

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "xxgk.web.tenancy"
    label = "tenancy"
    verbose_name = "机关与人员"
