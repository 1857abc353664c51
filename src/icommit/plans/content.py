"""Content the plan pages read: the phases a goal can link to, and suggested collaboration risks.

Risk suggestions come from ``content/plans/risk_suggestions.yaml`` (English and German side by
side); the file is checked in full and a problem names the file, the line and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from icommit.core.content import CONTENT_DIR, Checker, load_yaml, relative, translated
from icommit.methodology.content import default_model
from icommit.methodology.content import indicator_choices as catalogue_choices

RISK_FILE = CONTENT_DIR / "plans" / "risk_suggestions.yaml"
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,49}$")


def _language() -> str:
    return get_language() or "en"


def phase_choices() -> list[tuple[str, str]]:
    """(key, title) of the phases a goal may link to, in the order of the default phase model."""
    return [(p.key, translated(dict(p.title), _language())) for p in default_model().phases]


def phase_label(key: str) -> str:
    """The title of a phase in the current language (the key itself if the model lacks it)."""
    return dict(phase_choices()).get(key, key)


def indicator_choices() -> list[tuple[str, str]]:
    """(id, title) of every indicator of the catalogue, for the goal form."""
    return catalogue_choices(_language())


def indicator_label(indicator_id: str) -> str:
    return dict(indicator_choices()).get(indicator_id, indicator_id)


@dataclass(frozen=True)
class RiskSuggestion:
    key: str
    title: dict[str, str]
    description: dict[str, str]

    def title_in(self, language: str | None = None) -> str:
        return translated(self.title, language or _language())

    def description_in(self, language: str | None = None) -> str:
        return translated(self.description, language or _language())


def load_risk_suggestions(file: Path = RISK_FILE) -> tuple[RiskSuggestion, ...]:
    """Read and check a risk-suggestion file; ContentError lists every problem found."""
    data = load_yaml(file)
    check = Checker(relative(file))
    found: list[RiskSuggestion] = []
    if not isinstance(data, dict):
        check.add(data, "file", "expected a mapping")
        check.raise_if_any()
    check.require(data, "version", int, "")
    check.require(data, "changes", str, "")
    check.require(data, "sources", list, "")
    items = check.require(data, "suggestions", list, "") or []
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"suggestions[{index}]"
        key = check.require(item, "key", str, where)
        if key is not None and not _KEY.match(key):
            check.add(item, f"{where}.key", "use lower-case letters, digits and _")
        elif key is not None and key in seen:
            check.add(item, f"{where}.key", f"duplicate key {key!r}")
        title = check.text(item, "title", where)
        description = check.text(item, "description", where)
        if key and title and description:
            seen.add(key)
            found.append(RiskSuggestion(key, title, description))
    check.raise_if_any()
    return tuple(found)


@cache
def risk_suggestions() -> tuple[RiskSuggestion, ...]:
    """The shipped risk suggestions (read once per process)."""
    return load_risk_suggestions()


def risk_suggestion(key: str) -> RiskSuggestion | None:
    return next((s for s in risk_suggestions() if s.key == key), None)
