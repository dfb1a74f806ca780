"""``manage.py xxgk_digest [--date YYYY-MM-DD] [--days N] [--dry-run] [--force] [--queue]``: e-mail every handler
their overdue and due-soon cases (see :func:`xxgk.web.cases.digest.digest_send`). With ``--queue`` the digest is
queued as a background job (kind ``digest``, once per day: queueing the same day again returns the same job)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xxgk.web.cases.digest import digest_send


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD，收到 {value!r}") from None


class Command(BaseCommand):
    help = "向每位经办人发送到期提醒邮件：已逾期和即将到期的申请（同一天重复运行不会重复发送）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="on", help="提醒日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--days", type=int, help="即将到期的工作日数（默认 settings.XXGK_DUE_SOON_DAYS）")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的邮件，不发送、不记录")
        parser.add_argument("--force", action="store_true", help="当天已发送的也重新发送")
        parser.add_argument("--queue", action="store_true", help="作为后台任务排队（由 Celery 工作进程发送）")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _date(options["on"]) if options.get("on") else None
        days = options.get("days")
        if days is not None and not 0 <= days <= 60:
            raise CommandError("--days 应在 0 到 60 之间")
        if options["queue"]:
            self._queue(on=on, days=days, dry_run=options["dry_run"], force=options["force"])
            return
        result = digest_send(on=on, days=days, dry_run=options["dry_run"], force=options["force"])
        verb = "将发送" if result.dry_run else "已发送"
        self.stdout.write(f"到期提醒 {result.on.isoformat()}（{result.days} 个工作日内到期或已逾期）")
        for m in result.sent:
            self.stdout.write(
                f"  {verb}：{m.username} <{m.email}> 已逾期 {m.overdue} 件，即将到期 {m.due_soon} 件："
                + "、".join(m.numbers)
            )
        for username in result.already_sent:
            self.stdout.write(f"  今天已发送过，跳过：{username}（使用 --force 重新发送）")
        for username in result.no_email:
            self.stdout.write(self.style.WARNING(f"  没有电子邮件地址，未发送：{username}"))
        for username, error in result.failed:
            self.stderr.write(self.style.ERROR(f"  发送失败：{username}：{error}"))
        self.stdout.write(
            f"合计：{verb} {len(result.sent)} 封，跳过 {len(result.already_sent)} 人，"
            f"无邮箱 {len(result.no_email)} 人，失败 {len(result.failed)} 人"
        )
        if result.failed:
            raise CommandError(f"{len(result.failed)} 封邮件发送失败")

    def _queue(self, *, on: date | None, days: int | None, dry_run: bool, force: bool) -> None:
        from xxgk.web.jobs.kinds import digest_key
        from xxgk.web.jobs.services import job_enqueue

        day = on or timezone.localdate()
        params: dict[str, Any] = {"on": day.isoformat(), "days": days, "dry_run": dry_run, "force": force}
        plain = days is None and not dry_run and not force
        # The plain daily digest is queued once per day; a variant (other horizon, dry run, resend) each time.
        key = digest_key(day) if plain else f"{digest_key(day)}:{uuid.uuid4().hex}"
        job = job_enqueue(kind="digest", params=params, actor=None, body=None, key=key)
        self.stdout.write(f"到期提醒 {day.isoformat()} 已排队：后台任务 #{job.pk}（{job.get_status_display()}）")
