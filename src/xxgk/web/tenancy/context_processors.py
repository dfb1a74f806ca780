"""Template context: the current user's memberships (for the header)."""

from __future__ import annotations

from django.http import HttpRequest

from xxgk.web.tenancy.selectors import membership_list, user_is_calendar_admin


def memberships(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"my_memberships": membership_list(user=user), "is_calendar_admin": user_is_calendar_admin(user=user)}
