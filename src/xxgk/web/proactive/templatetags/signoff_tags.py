"""``{% load signoff_tags %}``: the 保密审查 sign-off of any subject on any page.

``{% signoff_review "case_reply" case.pk as review %}`` gives the :class:`~xxgk.web.proactive.signoff_selectors.
SignoffView` of the subject for the requesting user (None when never submitted); render it with
``{% include "proactive/_signoff_review.html" with review=review heading="…" decide_hint="…" %}``.
``{{ step.role|signoff_role }}`` is a step role's Chinese label.
"""

from __future__ import annotations

from typing import Any

from django import template

from xxgk.core.signoff import role_label
from xxgk.web.proactive.signoff_selectors import SignoffView, signoff_view

register = template.Library()


@register.simple_tag(takes_context=True)
def signoff_review(context: template.Context, subject_type: str, subject_id: Any) -> SignoffView | None:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return None
    return signoff_view(subject_type=str(subject_type), subject_id=str(subject_id), user=user)


@register.filter(name="signoff_role")
def signoff_role(value: str) -> str:
    return role_label(str(value))
