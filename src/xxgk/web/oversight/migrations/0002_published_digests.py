"""The digests of published reports (:class:`~xxgk.web.oversight.models.PublishedDigest`), and one for every version
published and every report uploaded before this migration (read from their JSON with the current rules; a report
that cannot be read is left without one and is read when a page needs it, as before)."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from xxgk.core.errors import XxgkError
from xxgk.core.model import Report
from xxgk.web.oversight.digest import Digest, digest_basis, digest_of, encode_cells

BATCH = 200


def _row(model: Any, digest: Digest, **source: int) -> Any:
    return model(
        basis=digest_basis(),
        template=digest.template,
        s2_template=digest.s2_template,
        cells=encode_cells(digest.cells),
        errors=digest.errors,
        warnings=digest.warnings,
        **source,
    )


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    digest_model = apps.get_model("oversight", "PublishedDigest")
    alias = schema_editor.connection.alias
    pending: list[Any] = []

    def flush() -> None:
        digest_model.objects.using(alias).bulk_create(pending, ignore_conflicts=True)
        pending.clear()

    versions = apps.get_model("reports", "ReportVersion").objects.using(alias).order_by("pk")
    for pk, text in versions.values_list("pk", "report_json").iterator(chunk_size=BATCH):
        try:
            pending.append(_row(digest_model, digest_of(Report.from_json(text)), version_id=pk))
        except XxgkError:
            continue
        if len(pending) >= BATCH:
            flush()
    uploads = apps.get_model("oversight", "ExternalReport").objects.using(alias).order_by("pk")
    for pk, data in uploads.values_list("pk", "report_json").iterator(chunk_size=BATCH):
        try:
            pending.append(_row(digest_model, digest_of(Report.from_dict(data)), external_id=pk))
        except XxgkError:
            continue
        if len(pending) >= BATCH:
            flush()
    flush()


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedDigest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("basis", models.CharField(max_length=64, verbose_name="计算依据")),
                ("template", models.CharField(max_length=4, verbose_name="表三模板版本")),
                ("s2_template", models.CharField(max_length=4, verbose_name="表二模板版本")),
                ("cells", models.JSONField(verbose_name="表三、表四数据")),
                ("errors", models.PositiveIntegerField(verbose_name="错误数")),
                ("warnings", models.PositiveIntegerField(verbose_name="警告数")),
                ("computed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="计算时间")),
                (
                    "external",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="oversight.externalreport",
                        verbose_name="外部导入的报告",
                    ),
                ),
                (
                    "version",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reports.reportversion",
                        verbose_name="本系统发布的版本",
                    ),
                ),
            ],
            options={
                "verbose_name": "已发布年报摘要",
                "verbose_name_plural": "已发布年报摘要",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("external__isnull", True), ("version__isnull", False)),
                            models.Q(("external__isnull", False), ("version__isnull", True)),
                            _connector="OR",
                        ),
                        name="publisheddigest_one_source",
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
