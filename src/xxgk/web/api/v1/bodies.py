"""/api/v1/bodies: the bodies the caller sees, with the roles they hold in each."""

from __future__ import annotations

from collections import defaultdict

from django.http import HttpRequest
from ninja import Field, Router

from xxgk.web.api.auth import api_user
from xxgk.web.api.schemas import ErrorOut, Out
from xxgk.web.tenancy.models import BodyKind, MemberRole
from xxgk.web.tenancy.selectors import body_list_visible, membership_list

router = Router(tags=["机关"])


class RoleOut(Out):
    code: str = Field(description="角色：" + "、".join(f"{r.value}（{r.label}）" for r in MemberRole))
    label: str


class BodyOut(Out):
    """一个可见的机关。"""

    id: int
    code: str = Field(description="机关代码")
    name: str
    kind: str = Field(description="类型：" + "、".join(f"{k.value}（{k.label}）" for k in BodyKind))
    kind_label: str
    parent_id: int | None = Field(description="上级机关的 id")
    roles: list[RoleOut] = Field(description="调用者在本机关担任的角色；为空表示仅作为上级机关查看")
    working: bool = Field(description="调用者在本机关有角色，可以办理（否则只读）")


@router.get("", response={200: list[BodyOut], 401: ErrorOut}, summary="可见的机关", operation_id="body_list")
def body_list(request: HttpRequest) -> list[BodyOut]:
    """调用者可见的机关：担任角色的机关及其全部下级机关（下级机关只读），按机关代码排序。"""
    user = api_user(request)
    roles: dict[int, list[RoleOut]] = defaultdict(list)
    for m in membership_list(user=user):
        role = MemberRole(m.role)
        roles[m.body_id].append(RoleOut(code=role.value, label=role.label))
    return [
        BodyOut(
            id=b.pk,
            code=b.code,
            name=b.name,
            kind=b.kind,
            kind_label=BodyKind(b.kind).label,
            parent_id=b.parent_id,
            roles=roles.get(b.pk, []),
            working=b.pk in roles,
        )
        for b in body_list_visible(user=user)
    ]
