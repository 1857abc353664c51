"""``{% load icons %}``: the heroicons tags drawn once per process, with the package's markup."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils.safestring import mark_safe
from heroicons.templatetags import heroicons as package

from icommit.web.templatetags import icons


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    "tag", ["heroicon_outline", "heroicon_solid", "heroicon_mini", "heroicon_micro"]
)
def test_the_same_markup_as_the_package(tag: str) -> None:
    args = 'name aria_hidden="true" width=20 height=20 class=klass'
    context = {"name": "user-circle", "klass": 'a"b<c>'}  # escaped by the package
    ours = _render(f"{{% load icons %}}{{% {tag} {args} %}}", **context)
    theirs = _render(f"{{% load heroicons %}}{{% {tag} {args} %}}", **context)
    assert ours == theirs
    assert 'class="a&quot;b&lt;c&gt;"' in ours
    assert ours.startswith("<svg")


def test_drawn_once_per_name_and_attributes(monkeypatch: pytest.MonkeyPatch) -> None:
    icons._drawn.cache_clear()
    calls: list[str] = []
    real = package.heroicon_outline

    def counting(name: str, **kwargs: object) -> str:
        calls.append(name)
        return real(name, **kwargs)

    monkeypatch.setitem(icons._STYLES, "outline", counting)
    source = '{% load icons %}{% heroicon_outline name width=20 aria_hidden="true" %}'
    first = _render(source, name="users")
    assert _render(source, name="users") == first
    assert calls == ["users"]
    _render(source, name="building-office-2")
    assert calls == ["users", "building-office-2"]
    icons._drawn.cache_clear()


def test_a_value_marked_safe_is_escaped_as_the_package_escapes_it() -> None:
    icons._drawn.cache_clear()
    safe = mark_safe('"><script>')
    ours = icons.heroicon_outline("users", title=safe)
    assert ours == package.heroicon_outline("users", title=safe)
    assert "<script>" not in ours
