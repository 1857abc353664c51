"""Form widgets shared by every app.

``FastSelect`` renders a ``<select>`` in Python: Django's default renders one template per
option, which made the team page spend most of its time drawing the few hundred options of
"Add a member" (see docs/performance.md). Every value is escaped by ``format_html``/``flatatt``;
nothing is marked safe by hand.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class FastSelect(forms.Select):
    """A single-choice select with the same markup as Django's, without a template per option."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                "<option value={}{}>{}</option>",
                ((_quoted(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            if group:
                html = format_html("<optgroup label={}>{}</optgroup>", _quoted(group), html)
            groups.append((html,))
        return format_html(
            "<select name={}{}>{}</select>",
            _quoted(widget["name"]),
            flatatt(widget["attrs"]),
            format_html_join("", "{}", groups),
        )


def _quoted(value: Any) -> SafeString:
    return format_html('"{}"', "" if value is None else value)
