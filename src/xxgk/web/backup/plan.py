"""Which tables a backup holds, how they depend on each other, and how a body's share of them is found.

The plan is computed from the models themselves (the *historical* models of the database's migration state, or
the installed models), never from a hand-kept list, so that a model added later is backed up without a change
here. Every model of an xxgk app (and the users and groups of ``django.contrib.auth``) is either

* **exported**, and then of one of these kinds, which decide what a body-scoped backup takes of it:

  - ``body``: a body's own data — :class:`~xxgk.web.tenancy.models.Body` and every model that reaches it through
    foreign keys (cases → events → letters …, audit events by their ``body``);
  - ``principal``: users and groups, taken when a row of the backup refers to them;
  - ``user``: rows that belong to a user (API tokens, digest log, group memberships), taken with their user;
  - ``installation``: installation-wide reference data (the working-day calendar), always taken whole;

* or **excluded** with a reason (:data:`EXCLUDED`, plus proxy and unmanaged models),
* or, for rows referred to by natural key instead of by id, **reference** data that ``migrate`` recreates
  (:data:`REFERENCE`: permissions and content types).

A model that fits none of these is *unclassified* (kind ``unscoped``): a whole-installation backup still takes
it, a body-scoped backup leaves it out (and says so in its manifest); :func:`plan_problems` reports it, and the
test suite fails until it is given a kind (or excluded with a reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import models

Kind = Literal["body", "principal", "user", "installation", "unscoped"]

BODY = "tenancy.body"
USER = "auth.user"
GROUP = "auth.group"

#: Users first: rows of kind ``user`` hang on a user when they can (a group's members are not taken with it).
PRINCIPALS: tuple[str, ...] = (USER, GROUP)

#: Installation-wide reference data: taken whole by every backup; a fresh installation already holds rows of
#: these (seeded by migrations), which a restore replaces with the archive's.
INSTALLATION: Mapping[str, str] = {
    "workcalendar.calendarday": "全国工作日日历及本地调整，计算所有机关的期限都要用到",
    "workcalendar.calendaryear": "日历年度及其节假日安排是否已公布，计算所有机关的期限都要用到",
}

#: Models referred to by natural key (the listed lookups) rather than by id: ``migrate`` creates them in every
#: installation, with ids that may differ from the source's.
REFERENCE: Mapping[str, tuple[str, ...]] = {
    "auth.permission": ("codename", "content_type__app_label", "content_type__model"),
    "contenttypes.contenttype": ("app_label", "model"),
}

#: Models deliberately left out, with the reason (documented in docs/backup.md).
EXCLUDED: Mapping[str, str] = {
    "auth.permission": "权限由 migrate 在每个安装中重新生成；备份中以自然键（代码、应用、模型）引用",
    "portal.throttleevent": (
        "网上申请防滥用计数，只保留数小时；客户端标识是用原安装 SECRET_KEY 计算的 HMAC，在别的安装中无意义"
    ),
    "security.loginthrottle": (
        "登录失败计数和临时锁定，只在短时间内有效；地址是用原安装 SECRET_KEY 计算的 HMAC，在别的安装中无意义"
    ),
}

#: The apps whose models are exported besides the xxgk apps (users, groups and their links).
EXTRA_APPS: tuple[str, ...] = ("auth",)


def xxgk_app_labels() -> list[str]:
    """The labels of the installed xxgk apps (``xxgk.web.*``), in INSTALLED_APPS order."""
    return [c.label for c in installed_apps.get_app_configs() if c.name.startswith("xxgk.")]


@dataclass(frozen=True)
class ForeignKey:
    """A concrete many-to-one or one-to-one field of an exported model."""

    attname: str
    target: str  # the label of the referenced model
    nullable: bool

    @property
    def is_reference(self) -> bool:
        return self.target in REFERENCE


@dataclass(frozen=True)
class ModelPlan:
    """One exported table: its model (historical or installed), columns and foreign keys, and kind."""

    label: str
    model: type[models.Model]
    kind: Kind
    fields: tuple[str, ...]  # concrete columns by attname, in model order (the primary key included)
    foreign_keys: tuple[ForeignKey, ...]
    #: the foreign keys through which a row joins a body-scoped backup (see :func:`_ownership`)
    ownership: tuple[ForeignKey, ...]

    @property
    def member(self) -> str:
        return f"data/{self.label}.jsonl"


@dataclass
class Plan:
    """Every exported table in dependency order (referenced tables first) and what is left out, with reasons."""

    models: list[ModelPlan]
    excluded: dict[str, str]
    unclassified: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def by_label(self) -> dict[str, ModelPlan]:
        return {m.label: m for m in self.models}


def _foreign_keys(model: type[models.Model]) -> tuple[list[ForeignKey], list[str]]:
    fks: list[ForeignKey] = []
    problems: list[str] = []
    for f in model._meta.concrete_fields:
        if f.is_relation and (f.many_to_one or f.one_to_one):
            related = f.related_model
            assert related is not None and not isinstance(related, str)
            target = related._meta.label_lower
            remote_field = f.target_field  # type: ignore[attr-defined]
            if not remote_field.primary_key:
                problems.append(f"{model._meta.label_lower}.{f.name} 引用的不是主键（不支持）")
            fks.append(ForeignKey(attname=f.attname, target=target, nullable=f.null))
    return fks, problems


def _ownership(label: str, fks: Iterable[ForeignKey], body_anchored: set[str]) -> tuple[ForeignKey, ...]:
    """The foreign keys through which a row of ``label`` joins a body-scoped backup.

    Self-references never do (a body's parent does not bring in its children). A body's data joins through its
    references to other body data — never through a user (a case handled by a user of two bodies belongs to its
    own body only). Rows of a user join through the user's foreign key (a group's other members stay out).
    """
    candidates = [fk for fk in fks if fk.target != label and not fk.is_reference]
    if label in body_anchored:
        return tuple(fk for fk in candidates if fk.target in body_anchored)
    to_user = [fk for fk in candidates if fk.target == USER]
    return tuple(to_user or candidates)


def build_plan(
    registry: Apps | None = None,
    *,
    app_labels: Iterable[str] | None = None,
    excluded: Mapping[str, str] = EXCLUDED,
    installation: Mapping[str, str] = INSTALLATION,
    unmigrated: Iterable[str] = (),
) -> Plan:
    """The plan over ``registry`` (default: the installed models) for the xxgk apps and :data:`EXTRA_APPS`."""
    registry = registry or installed_apps
    wanted = set(app_labels if app_labels is not None else [*xxgk_app_labels(), *EXTRA_APPS])
    left_out: dict[str, str] = {}
    no_migrations = set(unmigrated)
    candidates: dict[str, type[models.Model]] = {}
    for model in registry.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in wanted:
            continue
        label = meta.label_lower
        if label in excluded:
            left_out[label] = excluded[label]
        elif meta.app_label in no_migrations:
            left_out[label] = "所在应用没有数据库迁移，其表不由 migrate 建立"
        elif meta.proxy:
            left_out[label] = "代理模型，与其所代理的模型共用同一个表"
        elif not meta.managed:
            left_out[label] = "非托管模型（managed = False），其表不由本系统维护"
        else:
            candidates[label] = model

    problems: list[str] = []
    fks: dict[str, list[ForeignKey]] = {}
    for label, model in candidates.items():
        fks[label], found = _foreign_keys(model)
        problems.extend(found)
        for fk in fks[label]:
            if fk.target not in candidates and not fk.is_reference:
                problems.append(f"{label}.{fk.attname} 引用了不备份的表 {fk.target}")

    # kinds: body data reaches a body through foreign keys other than self-references, users and groups
    body_anchored = {BODY} if BODY in candidates else set()
    grown = True
    while grown:
        grown = False
        for label in candidates:
            if label in body_anchored or label in installation or label in PRINCIPALS:
                continue
            if any(fk.target in body_anchored and fk.target != label for fk in fks[label]):
                body_anchored.add(label)
                grown = True
    user_anchored: set[str] = set()
    grown = True
    while grown:
        grown = False
        for label in candidates:
            if label in body_anchored or label in user_anchored or label in installation or label in PRINCIPALS:
                continue
            if any(fk.target in PRINCIPALS or fk.target in user_anchored for fk in fks[label] if fk.target != label):
                user_anchored.add(label)
                grown = True

    kinds: dict[str, Kind] = {}
    unclassified: list[str] = []
    for label in candidates:
        if label in installation:
            kinds[label] = "installation"
        elif label in PRINCIPALS:
            kinds[label] = "principal"
        elif label in body_anchored:
            kinds[label] = "body"
        elif label in user_anchored:
            kinds[label] = "user"
        else:
            kinds[label] = "unscoped"
            unclassified.append(label)

    plans = {
        label: ModelPlan(
            label=label,
            model=model,
            kind=kinds[label],
            fields=tuple(f.attname for f in model._meta.concrete_fields),
            foreign_keys=tuple(fks[label]),
            ownership=_ownership(label, fks[label], body_anchored),
        )
        for label, model in candidates.items()
    }
    ordered = dependency_order({label: {fk.target for fk in p.foreign_keys} for label, p in plans.items()})
    return Plan(
        models=[plans[label] for label in ordered],
        excluded=dict(sorted(left_out.items())),
        unclassified=sorted(unclassified),
        problems=problems,
    )


def dependency_order(depends_on: Mapping[str, set[str]]) -> list[str]:
    """The labels topologically sorted (what a table refers to comes first; self-references ignored; ties and
    cycles by label, so the order is the same everywhere; inserts rely on deferred constraints within a cycle)."""
    remaining = {label: {d for d in deps if d != label and d in depends_on} for label, deps in depends_on.items()}
    order: list[str] = []
    while remaining:
        ready = sorted(label for label, deps in remaining.items() if not deps)
        if not ready:  # a cycle: take the smallest label and carry on
            ready = [min(remaining)]
        for label in ready:
            del remaining[label]
            order.append(label)
        for deps in remaining.values():
            deps.difference_update(ready)
    return order


def plan_problems(plan: Plan) -> list[str]:
    """Everything that keeps ``plan`` from being complete: unclassified models and unsupported references."""
    out = list(plan.problems)
    out.extend(
        f"{label}：既不属于某个机关或用户，也未列为全安装共用数据或排除（请在 xxgk.web.backup.plan 中说明）"
        for label in plan.unclassified
    )
    return out
