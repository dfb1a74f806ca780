from __future__ import annotations

from django.apps import AppConfig


class WorkCalendarConfig(AppConfig):
    name = "xxgk.web.workcalendar"
    label = "workcalendar"
    verbose_name = "工作日日历"
