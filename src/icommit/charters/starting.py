"""The starting draft of a team charter, shipped as content in English and German.

The whole file is checked before anything is offered: every section must carry both languages,
and one ContentError names the file, line and field of every problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from icommit.charters.models import SECTIONS
from icommit.core.content import CONTENT_DIR, Checker, load_yaml, relative, translated
from icommit.teams.models import Scope, Team

PATH = CONTENT_DIR / "charters" / "starting-draft.yaml"


@dataclass(frozen=True)
class StartingDraft:
    version: int
    sections: dict[str, dict[str, str]]
    #: How ``{scope}`` reads for each team scope.
    scopes: dict[str, dict[str, str]]


def load(path: Path = PATH) -> StartingDraft:
    """Parse and check the starting draft; raise ContentError listing every problem."""
    data = load_yaml(path)
    check = Checker(relative(path))
    version = check.require(data, "version", int, "")
    check.require(data, "changes", str, "")
    check.require(data, "sources", list, "")
    scopes: dict[str, dict[str, str]] = {}
    raw_scopes = check.require(data, "scopes", dict, "")
    if raw_scopes is not None:
        for scope in Scope.values:
            text = check.text(raw_scopes, scope, "scopes")
            if text is not None:
                scopes[scope] = text
    raw = check.require(data, "sections", dict, "")
    sections: dict[str, dict[str, str]] = {}
    if raw is not None:
        for name in SECTIONS:
            text = check.text(raw, name, "sections")
            if text is not None:
                sections[name] = text
        for name in raw:
            if name not in SECTIONS:
                check.add(raw, f"sections.{name}", "is not a charter section")
    check.raise_if_any()
    return StartingDraft(version=version or 0, sections=sections, scopes=scopes)


@cache
def starting_draft() -> StartingDraft:
    return load()


def starting_text(*, team: Team, language: str) -> dict[str, str]:
    """The starting draft's sections in the language, with the team's name, city and scope."""
    draft = starting_draft()
    scope = translated(draft.scopes.get(team.scope), language) or str(team.scope)
    values = {"{team}": team.name, "{city}": team.city, "{scope}": scope}
    result = {}
    for name, text in draft.sections.items():
        chosen = translated(text, language)
        for placeholder, value in values.items():
            chosen = chosen.replace(placeholder, value)
        result[name] = chosen
    return result
