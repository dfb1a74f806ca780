"""``manage.py xxgk_api_token <username> --name <名称> [--days N]``: create an API token and print it (once)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xxgk.core.errors import XxgkError
from xxgk.web.api.services import MAX_DAYS, api_token_create


class Command(BaseCommand):
    help = "为用户创建接口令牌并输出（令牌只显示这一次，数据库只保存其摘要）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="令牌所属用户的用户名")
        parser.add_argument("--name", required=True, help="令牌名称（用途或调用系统的名称）")
        parser.add_argument("--days", type=int, default=None, help=f"有效期天数（1–{MAX_DAYS}），省略为长期有效")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户不存在：{username}") from None
        try:
            token, secret = api_token_create(user=user, name=options["name"], days=options["days"], actor=None)
        except XxgkError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(secret)
        expiry = (
            f"有效期至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"
            if token.expires_at is not None
            else "长期有效，直到撤销"
        )
        self.stderr.write(
            f"已为 {username} 创建令牌“{token.name}”（{token.prefix}…），{expiry}。令牌只显示这一次，请妥善保存。"
        )
