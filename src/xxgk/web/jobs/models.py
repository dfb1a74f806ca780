"""Background jobs: one :class:`Job` row per job (its state is the row: the queue only carries its id),
:class:`JobItem` rows for the per-item results of a job (unique per job and key, so a retried job skips what it
already did), and :class:`JobFile` rows for its input and result files (stored in the database, like letters and
attachments: every application server and worker reads them, one backup holds them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")


#: States a job never leaves (except by an explicit retry of a failed job).
FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(models.Model):
    """One background job: what (``kind`` + ``params``), for whom (``started_by``, ``body``), its state and
    progress, and its outcome (``result`` or the ``error`` shown to the user, ``error_detail`` for staff)."""

    kind = models.CharField("类型", max_length=64)
    params = models.JSONField("参数", default=dict, blank=True)
    #: Idempotency key: enqueueing again with the same key returns this job instead of a new one.
    key = models.CharField("幂等键", max_length=200, unique=True, null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", null=True, blank=True)
    message = models.CharField("进度说明", max_length=500, blank=True)
    attempts = models.PositiveIntegerField("运行次数", default=0)
    max_attempts = models.PositiveSmallIntegerField("最多运行次数", default=3)
    cancel_requested = models.BooleanField("已请求取消", default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    body = models.ForeignKey(
        "tenancy.Body", verbose_name="机关", null=True, blank=True, on_delete=models.PROTECT, related_name="jobs"
    )
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    dispatched_at = models.DateTimeField("发送到队列", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    #: The worker (``celery@host``, ``host:pid:thread``) that ran the job last.
    worker = models.CharField("执行者", max_length=200, blank=True)
    #: Set by the runner that claimed the job; its writes are conditional on it (a runner taken for dead that
    #: comes back cannot overwrite its successor's work).
    claim_token = models.CharField(max_length=32, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    error = models.TextField("错误说明", blank=True)
    error_detail = models.TextField("错误详情", blank=True)
    result = models.JSONField("结果", null=True, blank=True)
    #: The starter has been shown the failure (message on their next page).
    failure_seen = models.BooleanField("已提示失败", default=False)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ("-created_at", "-id")
        indexes = (
            models.Index(fields=("status", "heartbeat_at"), name="job_status_heartbeat"),
            models.Index(fields=("started_by", "status"), name="job_starter_status"),
            models.Index(fields=("body", "created_at"), name="job_body_created"),
        )

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, round(100 * self.done / self.total))


class JobItem(models.Model):
    """The result of one item of a job (a file checked, a format rendered); recorded once per job and key."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="items")
    key = models.CharField("键", max_length=255)
    position = models.PositiveIntegerField("序号", default=0)
    label = models.CharField("名称", max_length=500, blank=True)
    ok = models.BooleanField("成功", default=True)
    result = models.JSONField("结果", null=True, blank=True)
    worker = models.CharField("执行者", max_length=200, blank=True)
    attempt = models.PositiveIntegerField("第几次运行", default=1)
    created_at = models.DateTimeField("完成时间", default=timezone.now)

    class Meta:
        verbose_name = "任务明细"
        verbose_name_plural = "任务明细"
        ordering = ("position", "id")
        constraints = (models.UniqueConstraint(fields=("job", "key"), name="job_item_unique_key"),)

    def __str__(self) -> str:
        return f"{self.job_id}:{self.key}"


class FileRole(models.TextChoices):
    INPUT = "input", "上传文件"
    OUTPUT = "output", "结果文件"


class JobFile(models.Model):
    """A file of a job: an uploaded input or a result to download."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    role = models.CharField("用途", max_length=10, choices=FileRole.choices)
    name = models.CharField("文件名", max_length=255)
    content_type = models.CharField("类型", max_length=200, default="application/octet-stream")
    size = models.PositiveBigIntegerField("大小", default=0)
    data = models.BinaryField("内容")
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "任务文件"
        verbose_name_plural = "任务文件"
        ordering = ("role", "id")
        constraints = (models.UniqueConstraint(fields=("job", "role", "name"), name="job_file_unique_name"),)

    def __str__(self) -> str:
        return self.name
