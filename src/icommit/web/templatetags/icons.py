"""Heroicons drawn once per process: ``{% load icons %}`` instead of ``{% load heroicons %}``.

The tags have the names and arguments of the ``heroicons`` package's (``heroicon_outline``,
``heroicon_solid``, ``heroicon_mini``, ``heroicon_micro``). The package parses and serialises an
icon's SVG on every call, several times on every page (the navigation, the profile link); an
icon depends on nothing but its name and attributes, never on the user or the request, so the
markup is kept per process, keyed by them (an attribute that cannot be a key is drawn anew).
The markup comes from the package, which escapes every attribute and marks it safe.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import template
from django.utils.safestring import SafeString
from heroicons.templatetags import heroicons as package

register = template.Library()

_STYLES: dict[str, Callable[..., str]] = {
    "outline": package.heroicon_outline,
    "solid": package.heroicon_solid,
    "mini": package.heroicon_mini,
    "micro": package.heroicon_micro,
}


@functools.lru_cache(maxsize=512)
def _drawn(style: str, name: str, size: Any, attrs: tuple[tuple[str, Any], ...]) -> SafeString:
    return SafeString(_STYLES[style](name, size=size, **dict(attrs)))


def icon(style: str, name: str, size: Any, attrs: dict[str, Any]) -> SafeString:
    """The icon's markup, drawn once per process for each name, size and attributes."""
    # a SafeString argument is made a plain string first, as the package does, so that the
    # package escapes it and a cached entry never depends on how a value was marked
    key = tuple(sorted((k, v + "" if isinstance(v, SafeString) else v) for k, v in attrs.items()))
    try:
        return _drawn(style, name, size, key)
    except TypeError:  # an attribute that cannot be a key
        return SafeString(_STYLES[style](name, size=size, **attrs))


@register.simple_tag
def heroicon_outline(name: str, *, size: int | None = 24, **attrs: Any) -> SafeString:
    return icon("outline", name, size, attrs)


@register.simple_tag
def heroicon_solid(name: str, *, size: int | None = 24, **attrs: Any) -> SafeString:
    return icon("solid", name, size, attrs)


@register.simple_tag
def heroicon_mini(name: str, *, size: int | None = 20, **attrs: Any) -> SafeString:
    return icon("mini", name, size, attrs)


@register.simple_tag
def heroicon_micro(name: str, *, size: int | None = 16, **attrs: Any) -> SafeString:
    return icon("micro", name, size, attrs)
