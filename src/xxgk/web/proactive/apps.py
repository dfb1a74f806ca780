from __future__ import annotations

from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "xxgk.web.proactive"
    label = "proactive"
    verbose_name = "主动公开"
