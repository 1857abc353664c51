"""Template filters of the privacy pages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from icommit.dataprotection.content import retention

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    """The label of a retention category (a data category or the case record)."""
    found = retention().categories.get(code)
    return found.label_in(get_language() or "en") if found else code
