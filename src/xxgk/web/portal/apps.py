from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xxgk.web.portal"
    label = "portal"
    verbose_name = "申请人门户"
