"""System check: the charter's starting drafts (every version, every country text) must load,
their promises checked against the duties of the sector templates of the same country."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from icommit.charters.starting import FOLDER, V1_PATH, load
from icommit.core.content import ContentError


@register()
def charter_starting_drafts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for path in [V1_PATH, *sorted(FOLDER.glob("v*.yaml"))]:
        try:
            load(path)
        except ContentError as exc:
            errors += [
                Error(str(problem), hint="Fix the content file.", id="icommit.E060")
                for problem in exc.problems
            ]
    return errors
