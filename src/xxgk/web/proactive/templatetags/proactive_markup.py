"""``{% load proactive_markup %}`` then ``{{ text|markup }}``: the guide's escaped Markdown-lite."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from xxgk.web.proactive.markup import render_text

register = template.Library()


@register.filter(name="markup")
def markup(value: str | None) -> SafeString:
    return render_text(value)
