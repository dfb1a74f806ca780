"""Reads of bodies and memberships, and the access checks every other app goes through.

A user *works in* the bodies where they hold a membership, and *sees* those bodies and all their descendants
(a supervising body sees its subordinate bodies read-only). Anything addressed by id is fetched through an
``access_<thing>_by_id`` selector that raises :class:`~django.http.Http404` alike for "missing" and "not yours".
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest

from xxgk.core.workflow import Role
from xxgk.web.tenancy.models import Body, MemberRole, Membership
from xxgk.web.tenancy.rows import memberships_with_bodies

AnyUser = AbstractBaseUser | AnonymousUser

NOT_FOUND = "未找到，或您无权查看"


def request_user(request: HttpRequest) -> User:
    """The signed-in user of ``request`` (views are behind ``login_required``; anything else is refused)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def _user_id(user: AnyUser) -> int | None:
    if not user.is_authenticated:
        return None
    pk = user.pk
    return int(pk) if pk is not None else None


def membership_list(*, user: AnyUser) -> list[Membership]:
    uid = _user_id(user)
    if uid is None:
        return []
    return memberships_with_bodies(uid)  # the header's on every page: SQL written once (rows.py)


def body_descendant_ids(*, roots: Iterable[int]) -> set[int]:
    """``roots`` and every body below them (one query for the whole tree)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Body.objects.values_list("id", "parent_id"):
        children[parent_id].append(pk)
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        stack.extend(children.get(pk, ()))
    return seen


def body_ids_working(*, user: AnyUser) -> set[int]:
    """The bodies where ``user`` holds a role (and may act)."""
    uid = _user_id(user)
    if uid is None:
        return set()
    return set(Membership.objects.filter(user_id=uid).values_list("body_id", flat=True))


def body_ids_visible(*, user: AnyUser) -> set[int]:
    """The bodies ``user`` may see: their own and every body below them (read-only there). One query that walks
    the tree in the database (every page's access check: cheaper than reading the whole tree into Python)."""
    uid = _user_id(user)
    if uid is None:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(_visible_sql(), [uid])
        return {int(row[0]) for row in cursor.fetchall()}


@functools.cache
def _visible_sql() -> str:
    q = connection.ops.quote_name
    m, b = Membership._meta, Body._meta
    m_body, m_user = m.get_field("body").column, m.get_field("user").column
    b_id, b_parent = b.pk.column, b.get_field("parent").column
    return (
        f"WITH RECURSIVE visible(id) AS ("
        f"SELECT {q(m_body)} FROM {q(m.db_table)} WHERE {q(m_user)} = %s"
        f" UNION SELECT b.{q(b_id)} FROM {q(b.db_table)} b JOIN visible v ON b.{q(b_parent)} = v.id"
        f") SELECT id FROM visible"
    )


def body_list_visible(*, user: AnyUser) -> list[Body]:
    return list(Body.objects.filter(id__in=body_ids_visible(user=user)).select_related("parent").order_by("code"))


def access_body_by_id(user: AnyUser, body_id: int) -> Body:
    """The body ``body_id`` if ``user`` may see it; Http404 otherwise (missing and not-visible alike)."""
    if body_id not in body_ids_visible(user=user):
        raise Http404(NOT_FOUND)
    try:
        return Body.objects.get(pk=body_id)
    except Body.DoesNotExist:  # pragma: no cover - visible ids come from the table
        raise Http404(NOT_FOUND) from None


def roles_in_body(*, user: AnyUser, body_id: int) -> set[MemberRole]:
    """The roles ``user`` holds in ``body_id`` itself (none in a body they only supervise)."""
    uid = _user_id(user)
    if uid is None:
        return set()
    return {
        MemberRole(r) for r in Membership.objects.filter(user_id=uid, body_id=body_id).values_list("role", flat=True)
    }


def workflow_roles_in_body(*, user: AnyUser, body_id: int) -> list[Role]:
    """The core workflow roles ``user`` may act in for ``body_id``, clerk first."""
    roles = roles_in_body(user=user, body_id=body_id)
    order = (MemberRole.CLERK, MemberRole.REVIEWER, MemberRole.HEAD)
    out: list[Role] = []
    for member_role in order:
        role = member_role.workflow_role
        if member_role in roles and role is not None:
            out.append(role)
    return out


def user_is_calendar_admin(*, user: AnyUser) -> bool:
    """Administrators of a top-level body (or superusers) edit the national working-day calendar."""
    uid = _user_id(user)
    if uid is None:
        return False
    if getattr(user, "is_superuser", False):
        return True
    return Membership.objects.filter(user_id=uid, role=MemberRole.ADMIN, body__parent__isnull=True).exists()
