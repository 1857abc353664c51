"""System check: the case process, the consent templates and the legal bases must load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.checks import CheckMessage, Error, register

from icommit.cases import content, process
from icommit.core.content import ContentError

#: Each content file of cases and the loader that checks it.
SOURCES: list[tuple[Callable[[Path], Any], Path]] = [
    (process.load, process.PATH),
    (content.load_consent, content.CONSENT_PATH),
    (content.load_legal_bases, content.LEGAL_BASES_PATH),
]


@register()
def cases_content(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for load, path in SOURCES:
        try:
            load(path)
        except ContentError as exc:
            errors += [
                Error(str(problem), hint="Fix the content file.", id="icommit.E070")
                for problem in exc.problems
            ]
    return errors
