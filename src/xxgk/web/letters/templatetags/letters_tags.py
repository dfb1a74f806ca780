"""``{% load letters_tags %}{% case_letters case user %}``: the letters section of the case page."""

from __future__ import annotations

from typing import Any

from django import template

from xxgk.web.cases.models import Case
from xxgk.web.letters.selectors import letter_steps, letters_can_generate
from xxgk.web.tenancy.selectors import AnyUser

register = template.Library()


@register.inclusion_tag("letters/_case_letters.html", takes_context=True)
def case_letters(context: template.Context, case: Case, user: AnyUser) -> dict[str, Any]:
    """The steps of ``case`` that produce letters, the letters kept for each (download links) and, for staff of
    the case's body, a button to generate (again). Needs ``csrf_token`` in the page context (any view rendered
    with ``render(request, ...)`` has it)."""
    return {
        "case": case,
        "steps": letter_steps(case=case),
        "can_generate": letters_can_generate(user=user, case=case),
        "csrf_token": context.get("csrf_token"),
    }
