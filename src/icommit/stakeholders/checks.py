"""System check: the transparency content (kinds, data categories, sector templates) must load."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from icommit.core.content import ContentError
from icommit.stakeholders.content import load_content


@register()
def transparency_content(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        load_content()
    except ContentError as exc:
        return [
            Error(str(problem), hint="Fix the content file.", id="icommit.E050")
            for problem in exc.problems
        ]
    return []
