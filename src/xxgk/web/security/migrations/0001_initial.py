from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="LoginThrottle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "scope",
                    models.CharField(
                        choices=[("user_ip", "用户名 + 地址"), ("ip", "地址")], max_length=10, verbose_name="范围"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True, verbose_name="键（哈希）")),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="用户名")),
                ("address_hash", models.CharField(max_length=64, verbose_name="地址（哈希）")),
                ("failures", models.PositiveIntegerField(default=0, verbose_name="失败次数")),
                ("window_started_at", models.DateTimeField(verbose_name="计数开始时间")),
                ("last_failure_at", models.DateTimeField(verbose_name="最近失败时间")),
                ("locked_until", models.DateTimeField(blank=True, null=True, verbose_name="锁定至")),
            ],
            options={
                "verbose_name": "登录失败计数",
                "verbose_name_plural": "登录失败计数",
                "ordering": ("-last_failure_at",),
                "indexes": [
                    models.Index(fields=["locked_until"], name="loginthrottle_locked_idx"),
                    models.Index(fields=["last_failure_at"], name="loginthrottle_last_idx"),
                ],
            },
        ),
    ]
