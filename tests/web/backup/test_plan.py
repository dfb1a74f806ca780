"""The plan covers every model (exported with a kind, or excluded with a reason); values encode and decode
exactly; dependency order; archive member names."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from xxgk.web.backup.archive import media_member
from xxgk.web.backup.codec import BackupError, decode, encode
from xxgk.web.backup.plan import EXCLUDED, EXTRA_APPS, build_plan, dependency_order, plan_problems, xxgk_app_labels


def _all_models() -> set[str]:
    wanted = {*xxgk_app_labels(), *EXTRA_APPS}
    return {m._meta.label_lower for m in apps.get_models(include_auto_created=True) if m._meta.app_label in wanted}


def test_every_model_is_exported_or_excluded_with_a_reason() -> None:
    plan = build_plan()
    exported = {m.label for m in plan.models}
    assert plan_problems(plan) == []
    assert not exported & set(plan.excluded)
    assert exported | set(plan.excluded) == _all_models()
    assert all(reason.strip() for reason in plan.excluded.values())
    assert {"cases.case", "letters.letter", "audit.auditevent", "auth.user", "litigation.remedycase_cases"} <= exported


def test_a_model_without_a_kind_or_a_reason_is_reported() -> None:
    left = {k: v for k, v in EXCLUDED.items() if k != "portal.throttleevent"}
    plan = build_plan(excluded=left)
    assert plan.unclassified == ["portal.throttleevent"]
    problems = plan_problems(plan)
    assert len(problems) == 1 and "portal.throttleevent" in problems[0]


def test_kinds_and_ownership() -> None:
    plan = build_plan().by_label()
    kinds = {label: p.kind for label, p in plan.items()}
    assert (
        kinds["tenancy.body"] == kinds["cases.case"] == kinds["cases.caseevent"] == kinds["audit.auditevent"] == "body"
    )
    assert kinds["litigation.remedycase_cases"] == kinds["portal.accesscode"] == "body"
    assert kinds["auth.user"] == kinds["auth.group"] == "principal"
    assert kinds["api.apitoken"] == kinds["cases.digestlog"] == kinds["auth.user_groups"] == "user"
    assert kinds["workcalendar.calendarday"] == "installation"
    # a case belongs to its body, never to its handler; a body is not brought in by its parent
    assert [fk.attname for fk in plan["cases.case"].ownership] == ["body_id"]
    assert plan["tenancy.body"].ownership == ()
    # a user's group link follows the user, not the group (a group's other members stay out)
    assert [fk.attname for fk in plan["auth.user_groups"].ownership] == ["user_id"]
    assert [fk.target for fk in plan["auth.user_user_permissions"].foreign_keys if fk.is_reference] == [
        "auth.permission"
    ]


def test_tables_come_after_the_tables_they_refer_to() -> None:
    plan = build_plan()
    position = {m.label: i for i, m in enumerate(plan.models)}
    for m in plan.models:
        for fk in m.foreign_keys:
            if fk.target != m.label and not fk.is_reference:
                assert position[fk.target] < position[m.label], (m.label, fk.target)


def test_dependency_order_is_stable_and_survives_cycles() -> None:
    assert dependency_order({"b": {"a"}, "a": set(), "c": {"b", "c"}}) == ["a", "b", "c"]
    order = dependency_order({"x": {"y"}, "y": {"x"}, "z": {"x"}})
    assert order == ["x", "y", "z"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (models.CharField(), '张三 😀 "quoted"\n'),
        (models.IntegerField(), -7),
        (models.FloatField(), 0.1 + 0.2),
        (models.BooleanField(), False),
        (models.DecimalField(max_digits=20, decimal_places=6), Decimal("12345678901234.123456")),
        (models.DateField(), datetime.date(2020, 2, 29)),
        (models.DateTimeField(), datetime.datetime(2026, 3, 2, 8, 30, 1, 123456, tzinfo=datetime.UTC)),
        (models.TimeField(), datetime.time(23, 59, 59, 5)),
        (models.DurationField(), datetime.timedelta(days=3, seconds=7, microseconds=9)),
        (models.UUIDField(), uuid.UUID("12345678-1234-5678-1234-567812345678")),
        (models.JSONField(), {"a": [1, "二", None, {"b": 1.5}]}),
        (models.BinaryField(), b"\x00\xffPK\x03\x04"),
    ],
)
def test_values_encode_to_json_and_back_exactly(field: models.Field[Any, Any], value: Any) -> None:
    import json

    text = json.dumps(encode(field, value), ensure_ascii=False)
    back = decode(field, json.loads(text))
    assert (bytes(back) if isinstance(value, bytes) else back) == value


def test_a_bad_value_is_refused_clearly() -> None:
    field: models.Field[Any, Any] = models.DateField()
    field.set_attributes_from_name("on")
    field.model = type("M", (), {"_meta": type("Meta", (), {"label_lower": "x.m"})})
    with pytest.raises(BackupError, match=r"x\.m\.on 的值无效"):
        decode(field, "2026-02-30")


def test_media_members_stay_under_media() -> None:
    assert media_member("uploads/2026/a.pdf") == "media/uploads/2026/a.pdf"
    for bad in ("../secret", "/etc/passwd", "a/../../b", "C:/x", ""):
        with pytest.raises(BackupError, match="文件名不安全"):
            media_member(bad)
