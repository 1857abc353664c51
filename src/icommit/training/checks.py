"""System check: the training content (courses and vignettes) must load, every text in every
language, every reference resolved; the platform does not start on broken content."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from icommit.training import content


@register()
def training_content(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(str(problem), hint="Fix the training content file.", id="icommit.E100")
        for problem in content.validate_all()
    ]
