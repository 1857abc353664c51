"""Template filters of the privacy pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.dataprotection.content import retention

register = template.Library()


@register.filter
def category_label(code: str) -> str:
    """The label of a retention category (a data category or the case record)."""
    found = retention().categories.get(code)
    return found.label_in(get_language() or "en") if found else code


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value) or "—"
    return str(value)


@register.filter
def field_label(key: str) -> str:
    """A data key as words: "lead_organisation" -> "Lead organisation"."""
    words = str(key).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


@register.filter
def export_value(value: Any) -> SafeString:
    """A value of an export part as readable text: a list of records one per line."""
    if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
        # a constant tag as the joiner; every value is escaped by format_html_join
        line_break = mark_safe("<br>")
        return format_html_join(line_break, "{}", ((_plain(v),) for v in value))
    return format_html("{}", _plain(value))
