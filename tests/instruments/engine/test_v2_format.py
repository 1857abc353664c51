"""Format additions of instrument v2 (issue 12): counts scales, item-level recommendations,
phases on recommendations; the v1 file's content hash does not move."""

from __future__ import annotations

from pathlib import Path

import pytest

from icommit.instruments.engine import (
    DefinitionError,
    content_hash,
    definition_from_dict,
    definition_to_dict,
    export_xlsform,
    load_yaml,
    score,
)

ROOT = Path(__file__).resolve().parents[3]
V2_FIXTURE = ROOT / "tests" / "diagnostics" / "fixtures" / "v2.yaml"
V1 = ROOT / "src" / "icommit" / "content" / "instruments" / "msc-diagnostics" / "v1.yaml"
#: The shipped v1's content hash as published (a change here would orphan every v1 round).
V1_HASH = "c3baf021d5887e4594c98805e8bda6b792993e2282faa22fcb9f5c9dc0463240"


def fixture_text() -> str:
    return V2_FIXTURE.read_text(encoding="utf-8")


def test_the_v1_content_hash_is_unchanged() -> None:
    definition = load_yaml(V1.read_text(encoding="utf-8"), source="v1.yaml")
    assert content_hash(definition) == V1_HASH
    assert all(not s.counts for s in definition.scales.values())
    assert all(r.item is None and not r.phases for r in definition.recommendations)


def test_a_counts_scale_is_read_kept_in_the_dict_and_never_scored() -> None:
    definition = load_yaml(fixture_text(), source="v2.yaml")
    assert definition.scales["freq12"].counts and not definition.scales["agree5"].counts
    incidents = definition.item("incidents_1")
    assert incidents.counts and not incidents.scored and incidents.domain == "trust"
    data = definition_to_dict(definition)
    assert data["scales"]["freq12"]["report"] == "counts"
    assert "report" not in data["scales"]["agree5"]
    again = definition_from_dict(data)
    assert content_hash(again) == content_hash(definition)
    result = score(
        definition,
        {"trust_1": 5, "trust_2": 5, "incidents_1": "more_than_once"},
        audience="non_security",
    )
    trust = result.domains["trust"]
    assert trust.score == 100 and trust.answered == 2 and trust.applicable == 2


def test_item_recommendations_and_phases_are_read_and_round_trip() -> None:
    definition = load_yaml(fixture_text(), source="v2.yaml")
    on_dimension, scored, counted = definition.recommendations
    assert on_dimension.item is None and on_dimension.domain == "trust"
    assert scored.item == "roles_1" and scored.below == 50 and scored.phase_tasks
    assert counted.item == "incidents_1" and counted.answers == ("once", "more_than_once")
    assert counted.at_least == 1 and counted.phases == ("operation", "monitoring")
    data = definition_to_dict(definition)
    assert data["recommendations"][2] == {
        "item": "incidents_1",
        "answers": ["once", "more_than_once"],
        "at_least": 1,
        "phases": ["operation", "monitoring"],
        "text": {
            "en": "Agree on how to handle a leak.",
            "de": "Vereinbaren Sie, wie mit einer Weitergabe umzugehen ist.",
        },
    }
    assert content_hash(definition_from_dict(data)) == content_hash(definition)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  - item: roles_1\n", "  - item: roles_9\n", "unknown item 'roles_9'"),
        (
            "    answers: [once, more_than_once]",
            "    answers: [once, twice]",
            "'twice' is not a choice",
        ),
        (
            '    below: 50\n    text: {en: "Write',
            '    answers: [1]\n    at_least: 1\n    text: {en: "Write',
            "is scored: use below",
        ),
        (
            "    answers: [once, more_than_once]\n    at_least: 1\n",
            "    below: 20\n",
            "reports counts: use answers",
        ),
        ("    at_least: 1\n    phases", "    at_least: 0\n    phases", "at_least"),
        (
            "  - domain: trust\n    band: low",
            "  - domain: trusts\n    band: low",
            "unknown domain 'trusts'",
        ),
        ("report: counts", "report: tally", "report"),
        (
            "key: incidents_1, type: choice, scale: freq12, domain: trust,",
            "key: incidents_1, type: choice, scale: freq12, domain: trust, weight: 2,",
            "no effect on an unscored item",
        ),
        (
            "key: incidents_1, type: choice,",
            "key: incidents_1, type: multi,",
            "a counts scale takes one answer",
        ),
    ],
)
def test_the_loader_refuses_what_does_not_exist_or_does_not_fit(
    old: str, new: str, message: str
) -> None:
    text = fixture_text()
    assert old in text
    with pytest.raises(DefinitionError) as caught:
        load_yaml(text.replace(old, new, 1), source="v2.yaml")
    assert message in str(caught.value)


def test_xlsform_export_refuses_what_it_cannot_carry_yet() -> None:
    definition = load_yaml(fixture_text(), source="v2.yaml")
    with pytest.raises(DefinitionError) as caught:
        export_xlsform(definition)
    message = str(caught.value)
    assert "scales.freq12.report" in message and "recommendations[1]" in message
    assert "recommendations[0]" not in message
