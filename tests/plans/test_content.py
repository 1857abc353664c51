"""The risk suggestions content: both languages, unique keys, and errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.core.content import ContentError
from icommit.plans.content import (
    indicator_label,
    load_risk_suggestions,
    phase_choices,
    risk_suggestion,
    risk_suggestions,
)

GOOD = """\
version: 1
changes: First.
sources: [DOMAIN.md]
suggestions:
  - key: information_leak
    title: {en: Leak, de: Leck}
    description: {en: Something leaks., de: Etwas sickert durch.}
"""


def test_the_shipped_suggestions_load_in_both_languages() -> None:
    keys = [s.key for s in risk_suggestions()]
    for key in (
        "information_leak",
        "loss_of_trust",
        "key_member_leaves",
        "securitisation",
        "loss_of_funding",
    ):
        assert key in keys
    leak = risk_suggestion("information_leak")
    assert leak is not None
    assert leak.title_in("en") != leak.title_in("de")
    assert risk_suggestion("made_up") is None


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "risks.yaml"
    path.write_text(GOOD)
    [suggestion] = load_risk_suggestions(path)
    assert suggestion.description_in("de") == "Etwas sickert durch."


def test_a_missing_translation_and_a_duplicate_key_are_reported_with_their_lines(
    tmp_path: Path,
) -> None:
    path = tmp_path / "risks.yaml"
    path.write_text(
        GOOD
        + """\
  - key: information_leak
    title: {en: Again, de: Nochmal}
    description: {en: Twice}
"""
    )
    with pytest.raises(ContentError) as caught:
        load_risk_suggestions(path)
    problems = {(p.field, p.line) for p in caught.value.problems}
    assert ("suggestions[1].key", 8) in problems
    assert ("suggestions[1].description.de", 10) in problems
    assert all(p.file.endswith("risks.yaml") for p in caught.value.problems)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "risks.yaml"
    path.write_text("version: 1\nsuggestions: [\n")
    with pytest.raises(ContentError) as caught:
        load_risk_suggestions(path)
    assert caught.value.problems[0].line >= 2


def test_phases_and_indicators_come_from_the_phase_model() -> None:
    assert [key for key, _ in phase_choices()] == [
        "exploration",
        "setup",
        "operation",
        "monitoring",
        "consolidation",
    ]
    assert indicator_label("process.non-security-share") != "process.non-security-share"
