"""Form widgets shared by every app.

``FastSelect`` renders a ``<select>`` in Python: Django's default renders one template per
option, which made the team page spend most of its time drawing the few hundred options of
"Add a member" (see docs/performance.md). Every value is escaped by ``format_html``/``flatatt``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A single-choice select with the same markup as Django's, without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            format_html("<select name={}{}>", _quoted(widget["name"]), flatatt(widget["attrs"]))
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html("<optgroup label={}>", _quoted(group)))
            for option in options:
                parts.append(
                    format_html(
                        "<option value={}{}>{}</option>",
                        _quoted(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group:
                parts.append(SafeString("</optgroup>"))
        parts.append(SafeString("</select>"))
        # every part above is escaped by format_html/flatatt or is a fixed tag
        return mark_safe("".join(parts))


def _quoted(value: Any) -> SafeString:
    return format_html('"{}"', "" if value is None else value)
