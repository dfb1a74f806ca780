"""Which rows a body-scoped backup takes, found by following foreign keys (no per-model rules).

1. The chosen bodies (with ``--with-descendants``, every body below them too) are *owned*.
2. A row of body data is owned when one of its ownership foreign keys (:attr:`ModelPlan.ownership`) points at an
   owned row: the cases of an owned body, their events, letters, edits, the audit events of the body …
3. Everything an owned row refers to is taken as a *dependency*: the users who hold roles or acted, the parent
   bodies (up to the top, as stubs: their own row only, none of their data) and — should one exist — a row of
   another body referred to across bodies.
4. Users and groups taken are owned: their own rows (API tokens, digest log, group links) follow them.

Steps 2–4 repeat until nothing changes. Installation-wide tables are taken whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from xxgk.web.backup.codec import BackupError
from xxgk.web.backup.plan import BODY, PRINCIPALS, ModelPlan, Plan


@dataclass
class Selection:
    """The rows (by primary key) of each table that a scoped backup takes; ``None``: the whole table."""

    rows: dict[str, set[Any] | None]
    owned_bodies: list[str]
    stub_bodies: list[str]
    #: rows of body data taken only because an owned row refers to them (other bodies' rows), by table
    foreign: dict[str, int] = field(default_factory=dict)
    #: unclassified tables, which a body-scoped backup cannot divide and leaves out
    omitted: list[str] = field(default_factory=list)


def _load(plan: ModelPlan, alias: str) -> dict[Any, tuple[Any, ...]]:
    """Primary key → foreign key values (in ``plan.foreign_keys`` order) of every row of ``plan``'s table."""
    pk = plan.model._meta.pk
    assert pk is not None
    columns = [pk.attname, *(fk.attname for fk in plan.foreign_keys)]
    manager = plan.model._base_manager.using(alias)
    return {values[0]: tuple(values[1:]) for values in manager.values_list(*columns).iterator(chunk_size=5000)}


def _body_tree(rows: dict[Any, tuple[Any, ...]], parent_index: int, roots: Iterable[Any]) -> set[Any]:
    children: defaultdict[Any, list[Any]] = defaultdict(list)
    for pk, fks in rows.items():
        children[fks[parent_index]].append(pk)
    seen: set[Any] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk not in seen:
            seen.add(pk)
            stack.extend(children.get(pk, ()))
    return seen


def select_rows(plan: Plan, alias: str, *, body_codes: list[str], with_descendants: bool) -> Selection:
    """The rows of a backup of the bodies ``body_codes`` (:class:`BackupError` if a code is unknown)."""
    by_label = plan.by_label()
    body_plan = by_label[BODY]
    codes = dict(body_plan.model._base_manager.using(alias).values_list("code", "pk"))
    if unknown := [c for c in body_codes if c not in codes]:
        raise BackupError(f"没有代码为 {'、'.join(unknown)} 的机关")
    scoped = [m for m in plan.models if m.kind not in ("installation", "unscoped")]
    data = {m.label: _load(m, alias) for m in scoped}
    fk_index = {m.label: {fk.attname: i for i, fk in enumerate(m.foreign_keys)} for m in scoped}

    roots = {codes[c] for c in body_codes}
    if with_descendants:
        parent = next(i for i, fk in enumerate(body_plan.foreign_keys) if fk.target == BODY)
        roots = _body_tree(data[BODY], parent, roots)
    owned: defaultdict[str, set[Any]] = defaultdict(set)
    deps: defaultdict[str, set[Any]] = defaultdict(set)
    owned[BODY] |= roots

    changed = True
    while changed:
        changed = False
        for m in scoped:
            if not m.ownership:
                continue
            targets = [(fk_index[m.label][fk.attname], owned[fk.target]) for fk in m.ownership]
            mine = owned[m.label]
            for pk, fks in data[m.label].items():
                if pk not in mine and any(fks[i] is not None and fks[i] in keys for i, keys in targets):
                    mine.add(pk)
                    changed = True
        for m in scoped:
            taken = owned[m.label] | deps[m.label]
            for i, fk in enumerate(m.foreign_keys):
                if fk.is_reference or fk.target not in data:
                    continue
                have = owned[fk.target] | deps[fk.target]
                for pk in taken:
                    value = data[m.label][pk][i]
                    if value is not None and value not in have:
                        if value not in data[fk.target]:
                            raise BackupError(f"数据不一致：{m.label} {pk} 引用的 {fk.target} {value} 不存在")
                        deps[fk.target].add(value)
                        have.add(value)
                        changed = True
        for label in PRINCIPALS:  # users and groups taken are owned: their rows follow them
            if deps[label] - owned[label]:
                owned[label] |= deps[label]
                changed = True

    rows: dict[str, set[Any] | None] = {}
    foreign: dict[str, int] = {}
    for m in plan.models:
        if m.kind == "installation":
            rows[m.label] = None
            continue
        if m.kind == "unscoped":
            rows[m.label] = set()
            continue
        rows[m.label] = owned[m.label] | deps[m.label]
        outside = deps[m.label] - owned[m.label]
        if m.kind == "body" and m.label != BODY and outside:
            foreign[m.label] = len(outside)
    code_of = {pk: code for code, pk in codes.items()}
    return Selection(
        rows=rows,
        owned_bodies=sorted(code_of[pk] for pk in owned[BODY]),
        stub_bodies=sorted(code_of[pk] for pk in deps[BODY] - owned[BODY]),
        foreign=foreign,
        omitted=[m.label for m in plan.models if m.kind == "unscoped"],
    )
