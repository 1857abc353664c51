"""System check: the shipped phase models and the content catalogue must load without problems."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from icommit.core.content import ContentError
from icommit.methodology.content import load


@register()
def phase_content(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        load()
    except ContentError as exc:
        return [
            Error(str(problem), hint="Fix the content file.", id="icommit.E040")
            for problem in exc.problems
        ]
    return []
