"""Templates are compiled once per process (Django's cached loader), outside debug mode: the
layout and the form templates are not read and parsed again on every request (issue 11)."""

from __future__ import annotations

from django.forms.renderers import get_default_renderer
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader


def _cached(loaders: list[object]) -> bool:
    for loader in loaders:
        if isinstance(loader, CachedLoader):
            return True
        if _cached(list(getattr(loader, "loaders", []))):
            return True
    return False


def test_page_and_form_templates_are_compiled_once() -> None:
    engine = engines["django"].engine
    assert not engine.debug
    assert _cached(engine.template_loaders)
    assert _cached(get_default_renderer().engine.engine.template_loaders)
    # a second look finds the compiled template, not a new one
    assert engine.get_template("web/_layout.html") is engine.get_template("web/_layout.html")
