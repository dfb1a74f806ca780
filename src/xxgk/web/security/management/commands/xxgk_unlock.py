"""``manage.py xxgk_unlock USERNAME`` lifts the login lockouts of a user name (every address), for operators."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xxgk.web.audit.codes import AuditCode
from xxgk.web.audit.services import audit_record
from xxgk.web.security.models import LoginThrottle, ThrottleScope
from xxgk.web.security.services import OBJECT_TYPE
from xxgk.web.security.throttle import normalise_username


class Command(BaseCommand):
    help = "解除某个用户名的登录锁定（所有网络地址）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        name = normalise_username(str(options["username"]))
        rows = LoginThrottle.objects.filter(scope=ThrottleScope.USER_ADDRESS, username=name)
        count = rows.count()
        if count:
            rows.delete()
            audit_record(
                code=AuditCode.LOGIN_UNLOCKED,
                actor=None,
                object_type=OBJECT_TYPE,
                old={"username": name, "rows": count},
                note=f"命令行解除对“{name}”的登录锁定",
            )
        self.stdout.write(f"已清除“{name}”的 {count} 条登录失败记录")
