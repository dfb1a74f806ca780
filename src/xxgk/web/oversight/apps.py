from __future__ import annotations

from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "xxgk.web.oversight"
    label = "oversight"
    verbose_name = "监督汇总"
