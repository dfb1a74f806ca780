"""``manage.py xxgk_jobs …``: background jobs from the command line.

* ``list [--status S] [--limit N]`` — recent jobs;
* ``show ID`` — one job with its progress and error;
* ``sweep`` — re-queue jobs whose worker died and re-send lost messages (cron, without Celery beat);
* ``work [--once] [--interval S]`` — run queued jobs in this process (a worker without Celery);
* ``selftest [--items N] [--seconds S] [--wait T]`` — queue a self-test job, wait for it, exit 1 if it failed;
* ``purge --days N`` — delete finished jobs (and their files) older than N days.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xxgk.web.jobs.models import FINISHED_STATUSES, Job, JobStatus
from xxgk.web.jobs.registry import kind_label
from xxgk.web.jobs.runner import RunOutcome, default_worker_name, jobs_mode, jobs_sweep, run_job
from xxgk.web.jobs.services import job_enqueue


class Command(BaseCommand):
    help = "后台任务：列出、查看、清理、自检，以及不用 Celery 时在本进程中运行排队的任务"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出最近的任务")
        listing.add_argument("--status", choices=JobStatus.values)
        listing.add_argument("--limit", type=int, default=20)
        show = sub.add_parser("show", help="查看一个任务")
        show.add_argument("job_id", type=int)
        sub.add_parser("sweep", help="重新排队执行进程已中断的任务，重发可能丢失的队列消息")
        work = sub.add_parser("work", help="在本进程中运行排队的任务（不使用 Celery 时）")
        work.add_argument("--once", action="store_true", help="运行完当前排队的任务后退出")
        work.add_argument("--interval", type=float, default=2.0, help="没有任务时等待的秒数")
        selftest = sub.add_parser("selftest", help="提交一个自检任务并等待结果")
        selftest.add_argument("--items", type=int, default=5)
        selftest.add_argument("--seconds", type=float, default=0.0, help="每项耗时（秒）")
        selftest.add_argument("--wait", type=float, default=60.0, help="最多等待的秒数（0：不等待）")
        purge = sub.add_parser("purge", help="删除已结束且早于指定天数的任务及其文件")
        purge.add_argument("--days", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list(options["status"], options["limit"])
        elif action == "show":
            self._show(options["job_id"])
        elif action == "sweep":
            result = jobs_sweep()
            self.stdout.write(f"重新排队 {len(result.requeued)} 个，重新发送 {len(result.redispatched)} 个")
        elif action == "work":
            self._work(once=options["once"], interval=options["interval"])
        elif action == "selftest":
            self._selftest(items=options["items"], seconds=options["seconds"], wait=options["wait"])
        elif action == "purge":
            self._purge(options["days"])

    def _line(self, job: Job) -> str:
        progress = f"{job.done}/{job.total}" if job.total else str(job.done)
        who = job.started_by.get_username() if job.started_by else "系统"
        return (
            f"#{job.pk:<6} {job.created_at:%Y-%m-%d %H:%M} {kind_label(job.kind)} "
            f"[{job.get_status_display()}] {progress} {who} {job.worker}"
        )

    def _list(self, status: str | None, limit: int) -> None:
        jobs = Job.objects.select_related("started_by").order_by("-created_at", "-id")
        if status:
            jobs = jobs.filter(status=status)
        for job in jobs[: max(1, limit)]:
            self.stdout.write(self._line(job))

    def _show(self, job_id: int) -> None:
        job = Job.objects.select_related("started_by", "body").filter(pk=job_id).first()
        if job is None:
            raise CommandError(f"任务 #{job_id} 不存在")
        self.stdout.write(self._line(job))
        if job.message:
            self.stdout.write(f"  说明：{job.message}")
        if job.error:
            self.stdout.write(f"  错误：{job.error}")
        if job.error_detail:
            self.stdout.write(job.error_detail)
        if job.result is not None:
            self.stdout.write(f"  结果：{job.result}")

    def _work(self, *, once: bool, interval: float) -> None:
        worker = f"{default_worker_name()}:command"
        self.stdout.write(f"在本进程中运行排队的任务（{worker}），Ctrl-C 退出")
        try:
            while True:
                jobs_sweep()
                queued = list(
                    Job.objects.filter(status=JobStatus.QUEUED)
                    .order_by("created_at", "pk")
                    .values_list("pk", flat=True)
                )
                ran = 0
                for pk in queued:
                    if run_job(pk, worker=worker) is RunOutcome.DONE:
                        ran += 1
                        self.stdout.write(self._line(Job.objects.get(pk=pk)))
                if once:
                    return
                if not ran:
                    time.sleep(max(0.1, interval))
        except KeyboardInterrupt:
            self.stdout.write("已停止")

    def _selftest(self, *, items: int, seconds: float, wait: float) -> None:
        job = job_enqueue(kind="selftest", params={"items": items, "seconds": seconds}, actor=None, body=None)
        self.stdout.write(f"已提交自检任务 #{job.pk}（运行方式：{jobs_mode()}）")
        deadline = time.monotonic() + wait
        while wait > 0 and job.status not in FINISHED_STATUSES and time.monotonic() < deadline:
            time.sleep(0.5)
            job.refresh_from_db()
        self.stdout.write(self._line(job))
        if job.status == JobStatus.SUCCEEDED:
            workers = sorted(set(job.items.values_list("worker", flat=True)))
            self.stdout.write(self.style.SUCCESS(f"自检通过：{job.done} 项，执行者 {', '.join(workers)}"))
        elif wait > 0:
            raise CommandError(f"自检未通过：{job.get_status_display()} {job.error}")

    def _purge(self, days: int) -> None:
        if days < 1:
            raise CommandError("--days 至少为 1")
        cutoff = timezone.now() - timedelta(days=days)
        old = Job.objects.filter(status__in=FINISHED_STATUSES, finished_at__lt=cutoff)
        count = old.count()
        old.delete()
        self.stdout.write(f"已删除 {count} 个任务")
