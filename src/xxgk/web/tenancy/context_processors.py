"""Template context: the current user's memberships (for the header)."""

from __future__ import annotations

from django.http import HttpRequest

from xxgk.web.tenancy.models import MemberRole
from xxgk.web.tenancy.selectors import membership_list


def memberships(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {}
    mine = membership_list(user=user)
    # the rule of xxgk.web.tenancy.selectors.user_is_calendar_admin, read off the memberships the header shows
    # anyway (one query less on every page)
    admin = getattr(user, "is_superuser", False) or any(
        m.role == MemberRole.ADMIN and m.body.parent_id is None for m in mine
    )
    return {"my_memberships": mine, "is_calendar_admin": admin}
