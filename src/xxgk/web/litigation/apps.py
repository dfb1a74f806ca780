from __future__ import annotations

from django.apps import AppConfig


class LitigationConfig(AppConfig):
    name = "xxgk.web.litigation"
    label = "litigation"
    verbose_name = "行政复议和行政诉讼"
