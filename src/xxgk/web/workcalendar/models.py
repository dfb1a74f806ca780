"""The working-day calendar as data: one row per date that departs from the weekday rule, one row per year."""

from __future__ import annotations

from django.db import models

from xxgk.core.calendar import DayKind
from xxgk.web.cases.vocabulary import tr

DAY_KIND_CHOICES = [(k.value, tr(k.label)) for k in DayKind]


class CalendarYear(models.Model):
    """A year of the calendar; ``announced`` once its schedule (国务院办公厅通知) has been entered."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    announced = models.BooleanField("节假日安排已公布并录入", default=False)
    source = models.CharField("依据", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"
        ordering = ("year",)

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    """A date that departs from the weekday rule (holiday, 调休放假, 调休上班日, local holiday)."""

    day = models.DateField("日期", unique=True)
    working = models.BooleanField("工作日")
    kind = models.CharField("类型", max_length=20, choices=DAY_KIND_CHOICES)
    name = models.CharField("名称", max_length=50, blank=True)
    source = models.CharField("来源通知", max_length=300, blank=True)

    class Meta:
        verbose_name = "日历日期"
        verbose_name_plural = "日历日期"
        ordering = ("day",)
        constraints = (
            models.CheckConstraint(
                condition=(
                    models.Q(kind=DayKind.MAKEUP_WORKDAY.value, working=True)
                    | (~models.Q(kind=DayKind.MAKEUP_WORKDAY.value) & models.Q(working=False))
                ),
                name="calendarday_working_matches_kind",
            ),
        )

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}"
