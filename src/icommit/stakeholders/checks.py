"""System check: the transparency content (kinds, data categories, sector templates) must load.

Version 2 counts as shipped once its vocabulary files are all there; a half-present set is a
warning (version 1 goes on being used), not an error.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Warning, register

from icommit.core.content import ContentError
from icommit.stakeholders.content import load_content, v2_vocabulary_files


@register()
def transparency_content(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        load_content()
    except ContentError as exc:
        return [
            Error(str(problem), hint="Fix the content file.", id="icommit.E050")
            for problem in exc.problems
        ]
    present = [p.is_file() for p in v2_vocabulary_files()]
    if any(present) and not all(present):
        missing = ", ".join(str(p) for p in v2_vocabulary_files() if not p.is_file())
        return [
            Warning(
                f"Role-profile content version 2 is incomplete and not loaded: {missing}",
                hint="Add the missing files; version 1 is used until then.",
                id="icommit.W051",
            )
        ]
    return []
