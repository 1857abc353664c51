"""FastSelect draws the same select as Django's template-based one, escaped."""

from __future__ import annotations

import re

from django import forms

from icommit.core.widgets import FastSelect


class _Form(forms.Form):
    slow = forms.ChoiceField(choices=[("", "—"), ("a", "Alpha"), ('<"b">', "B & <i>b</i>")])
    fast = forms.ChoiceField(
        choices=[("", "—"), ("a", "Alpha"), ('<"b">', "B & <i>b</i>")], widget=FastSelect
    )


def _normalised(html: str) -> str:
    """The markup without its name and id, whitespace collapsed."""
    html = re.sub(r' (name|id)="[^"]*"', "", html)
    return " ".join(html.replace("\n", " ").split()).replace("> <", "><").replace(" >", ">")


def test_the_fast_select_renders_what_django_renders() -> None:
    form = _Form(initial={"slow": '<"b">', "fast": '<"b">'})
    slow, fast = _normalised(str(form["slow"])), _normalised(str(form["fast"]))
    assert slow == fast
    assert "<i>" not in fast
    assert '<option value="&lt;&quot;b&quot;&gt;" selected>' in fast


def test_the_fast_select_keeps_errors_and_aria_attributes() -> None:
    form = _Form(data={"slow": "zzz", "fast": "zzz"})
    assert not form.is_valid()
    html = str(form["fast"])
    assert 'aria-invalid="true"' in html
    assert 'id="id_fast"' in html
    assert "required" in html
