"""System check: the assessments content must load, every text in every language."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from icommit.assessments import content
from icommit.core.content import ContentError


@register()
def assessments_content(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        content.load(content.PATH)
    except ContentError as exc:
        return [
            Error(str(problem), hint="Fix the content file.", id="icommit.E090")
            for problem in exc.problems
        ]
    return []
