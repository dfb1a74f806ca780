"""Every row of every table of the xxgk apps and of auth, as plain JSON, independent of the backup code.

Values are normalised only so that JSON can hold them (bytes → hex, dates → ISO, decimals → str); references to
permissions and content types are written as natural keys (their ids are per installation). Run in a subprocess
(``python -m tests.web.backup.dump OUT.json``) or call :func:`dump` in-process.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview | bytearray):
        return "hex:" + bytes(value).hex()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"dec:{value}"
    return value


def dump() -> dict[str, list[list[Any]]]:
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    perms = {p.pk: [p.codename, p.content_type.app_label, p.content_type.model] for p in Permission.objects.all()}
    types = {c.pk: [c.app_label, c.model] for c in ContentType.objects.all()}
    wanted = {c.label for c in apps.get_app_configs() if c.name.startswith("xxgk.")} | {"auth"}
    out: dict[str, list[list[Any]]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in wanted or meta.proxy or not meta.managed:
            continue
        fields = list(meta.concrete_fields)
        names = [f.attname for f in fields]
        rows = []
        for values in model._base_manager.order_by("pk").values_list(*names):
            row = []
            for f, raw in zip(fields, values, strict=True):
                target = f.related_model if f.is_relation else None
                if target is Permission and raw is not None:
                    row.append(perms[raw])
                elif target is ContentType and raw is not None:
                    row.append(types[raw])
                else:
                    row.append(_plain(raw))
            rows.append(row)
        out[meta.label_lower] = [names, *rows]
    return out


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.config.settings")
    import django

    django.setup()
    with Path(sys.argv[1]).open("w", encoding="utf-8") as f:
        json.dump(dump(), f, ensure_ascii=False)


if __name__ == "__main__":
    main()
