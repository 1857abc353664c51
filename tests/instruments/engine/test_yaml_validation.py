"""Loading YAML names every problem with its line and field, and returns nothing on error."""

from __future__ import annotations

from typing import Any

import pytest

from icommit.instruments.engine import DefinitionError, definition_from_dict, load_yaml

from .factories import minimal, t, to_yaml, with_items


def problems_of(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DefinitionError) as info:
        load_yaml(text, source="bad.yaml")
    assert all(p.source == "bad.yaml" for p in info.value.problems)
    return [(p.line, p.field, p.message) for p in info.value.problems]


def dict_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as info:
        definition_from_dict(data)
    return [(p.field, p.message) for p in info.value.problems]


BROKEN = """\
format: icommit-instrument/1
key: Bad Key
version: 0
kind: diagnostics
languages: [en, de]
title: {en: Broken}
colour: red
scales:
  agree3:
    choices:
      - {value: 1, label: {en: One, de: Eins}}
      - {value: 1, label: {en: Also one, de: Auch eins}}
domains:
  - key: purpose
    title: {en: Purpose, de: Zweck}
scoring:
  method: median
  min_answered: 0.5
  bands:
    - {key: low, label: {en: Low, de: Niedrig}, below: 60}
    - {key: mid, label: {en: Mid, de: Mittel}, below: 40}
    - {key: high, label: {en: High, de: Hoch}}
recommendations:
  - {domain: nowhere, band: low, text: {en: X, de: X}}
  - {domain: purpose, band: top, text: {en: X, de: X}}
sections:
  - key: main
    title: {en: Main, de: Haupt}
    items:
      - key: q1
        type: likert
        scale: agree9
        domain: purpose
        weight: 0
        text: {en: One, de: Eins}
        relevant: {item: q2, equals: 1}
      - key: q2
        type: likert
        scale: agree3
        domain: elsewhere
        text: {en: Two, de: Zwei}
        relevant: {item: ghost, answered: true}
      - key: q2
        type: number
        min: 10
        max: 1
        text: {en: Three, de: Drei}
      - key: q4
        type: sliders
        text: {en: Four, de: Vier}
"""


def test_every_problem_is_listed_with_line_and_field() -> None:
    found = {(line, field) for line, field, _ in problems_of(BROKEN)}
    expected = {
        (2, "key"),
        (3, "version"),
        (6, "title.de"),
        (7, "colour"),
        (12, "scales.agree3.choices[1].value"),
        (17, "scoring.method"),
        (21, "scoring.bands[1].below"),
        (24, "recommendations[0].domain"),
        (25, "recommendations[1].band"),
        (32, "sections[main].items[q1].scale"),
        (34, "sections[main].items[q1].weight"),
        (36, "sections[main].items[q1].relevant.item"),
        (40, "sections[main].items[q2].domain"),
        (42, "sections[main].items[q2].relevant.item"),
        (43, "sections[main].items[q2].key"),
        (46, "sections[main].items[q2].max"),
        (49, "sections[main].items[q4].type"),
    }
    assert found == expected, sorted(found ^ expected)


def test_messages_say_what_was_expected() -> None:
    messages = {field: message for _, field, message in problems_of(BROKEN)}
    assert "does not match" in messages["key"]
    assert "greater than 0" in messages["version"]
    assert messages["title.de"] == "needs a non-empty de text"
    assert "unknown key" in messages["colour"]
    assert "used twice" in messages["scales.agree3.choices[1].value"]
    assert "ascend" in messages["scoring.bands[1].below"]
    assert messages["recommendations[0].domain"] == "unknown domain 'nowhere'"
    assert messages["recommendations[1].band"] == "unknown band 'top'"
    assert messages["sections[main].items[q1].scale"] == "unknown scale 'agree9'"
    assert "must come before" in messages["sections[main].items[q1].relevant.item"]
    assert messages["sections[main].items[q2].relevant.item"] == "unknown item 'ghost'"
    assert "min 10 is greater than max 1" in messages["sections[main].items[q2].max"]


def test_bad_yaml_is_reported_with_its_line() -> None:
    assert problems_of("key: [unclosed\nversion: 1\n")[0][:2] == (2, "yaml")


def test_duplicate_keys_are_reported() -> None:
    text = to_yaml(minimal()) + "key: again\n"
    [(line, field, message)] = problems_of(text)
    assert field == "key"
    assert "twice" in message
    assert line == text.count("\n")


def test_yes_and_no_stay_text_so_choice_values_are_not_booleans() -> None:
    defn = load_yaml(
        to_yaml(
            with_items(
                {
                    "key": "c",
                    "type": "choice",
                    "text": t("C"),
                    "choices": [{"value": "yes", "label": t("Yes")}],
                },
            )
        ).replace("'yes'", "yes"),
        source="ok.yaml",
    )
    scale = defn.scale_of(defn.item("c"))
    assert scale is not None
    assert scale.choices[0].value == "yes"


def test_a_missing_language_in_any_text_is_a_problem() -> None:
    data = minimal()
    data["sections"][0]["items"][0]["text"] = {"en": "Only English"}
    data["scales"]["agree5"]["choices"][0]["label"] = {"en": "x", "de": "x", "fr": "x"}
    assert dict_problems(data) == [
        ("scales.agree5.choices[0].label.fr", "is not one of the instrument's languages"),
        ("sections[main].items[a].text.de", "needs a non-empty de text"),
    ]


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        ({"type": "likert"}, "scale", "is missing (a likert item needs a scale)"),
        ({"type": "choice", "scale": "agree5", "choices": []}, "scale", "give either"),
        ({"type": "likert", "scale": "agree5", "reverse": True}, "reverse", "no effect"),
        ({"type": "likert", "scale": "agree5", "weight": 3}, "weight", "no effect"),
        ({"type": "number", "min": "low"}, "min", "expected a number"),
        ({"type": "text", "max_length": 0}, "max_length", "at least 1"),
        ({"type": "paired", "pairs": [{"key": "x", "scale": "nope"}]}, "pairs[0].scale", "unknown"),
        ({"type": "paired", "pairs": [], "rationale": "maybe"}, "rationale", "not one of"),
        ({"type": "group", "repeat": False, "items": []}, "repeat", "only repeating"),
        ({"type": "note", "required": True}, "required", "unknown key"),
        (
            {"type": "text", "required": True, "required_if": {"item": "a", "answered": True}},
            "required_if",
            "either required or required_if",
        ),
        ({"type": "text", "relevant": {"item": "a", "equals": 9}}, "relevant", "9 is not a choice"),
        ({"type": "text", "relevant": {"item": "a"}}, "relevant", "exactly one of"),
    ],
)
def test_item_rules(item: dict[str, Any], field: str, message: str) -> None:
    data = with_items({"key": "x", "text": t("X"), **item})
    found = dict_problems(data)
    assert any(f == f"sections[main].items[x].{field}" and message in m for f, m in found), found


def test_nested_groups_are_refused() -> None:
    inner = {"key": "inner", "type": "group", "text": t("I"), "items": []}
    data = with_items({"key": "outer", "type": "group", "text": t("O"), "items": [inner]})
    assert ("sections[main].items[outer].items[0].type", "groups cannot be nested") in (
        dict_problems(data)
    )


def test_a_scored_item_needs_scores_on_every_choice() -> None:
    item = {
        "key": "x",
        "type": "choice",
        "domain": "d",
        "text": t("X"),
        "choices": [{"value": "a", "label": t("A")}, {"value": "b", "label": t("B")}],
    }
    assert any("needs a score" in m for _, m in dict_problems(with_items(item)))


def test_scores_without_a_domain_are_pointed_out() -> None:
    item = {
        "key": "x",
        "type": "choice",
        "text": t("X"),
        "choices": [{"value": "a", "label": t("A"), "score": 1}],
    }
    assert any("never count" in m for _, m in dict_problems(with_items(item)))


def test_missing_options_cannot_carry_a_score() -> None:
    data = minimal()
    data["scales"]["agree5"]["missing"][0]["score"] = 0
    assert ("scales.agree5.missing[0].score", "unknown key; expected one of value, label") in (
        dict_problems(data)
    )


def test_the_last_band_has_no_limit_and_the_others_need_one() -> None:
    data = minimal()
    data["scoring"]["bands"] = [
        {"key": "low", "label": t("L")},
        {"key": "high", "label": t("H"), "below": 80},
    ]
    fields = [f for f, _ in dict_problems(data)]
    assert fields == ["scoring.bands[0].below", "scoring.bands[1].below"]


def test_the_minimum_of_respondents_defaults_to_five_and_may_only_be_raised() -> None:
    assert definition_from_dict(minimal()).scoring.min_respondents == 5
    data = minimal()
    data["scoring"]["min_respondents"] = 8
    assert definition_from_dict(data).scoring.min_respondents == 8


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (4, "must be at least 5, got 4: results from fewer answer sets could let members"),
        (0, "must be at least 5, got 0"),
        (5.5, "expected a whole number"),
        ("five", "expected a whole number"),
    ],
)
def test_a_minimum_of_respondents_below_five_is_refused(value: object, message: str) -> None:
    data = minimal()
    data["scoring"]["min_respondents"] = value
    [(field, text)] = dict_problems(data)
    assert field == "scoring.min_respondents" and text.startswith(message)


def test_a_minimum_below_five_in_yaml_is_refused_with_its_line() -> None:
    text = to_yaml(minimal()).replace("  min_answered:", "  min_respondents: 3\n  min_answered:")
    [(line, field, message)] = problems_of(text)
    assert field == "scoring.min_respondents" and "at least 5, got 3" in message
    assert line is not None and text.splitlines()[line - 1].strip() == "min_respondents: 3"


def test_a_knowledge_check_needs_a_pass_mark() -> None:
    assert ("scoring.pass_mark", "a knowledge check needs a pass mark") in dict_problems(
        minimal(kind="knowledge_check")
    )


def test_an_unscored_instrument_needs_no_scoring_or_domains() -> None:
    data = minimal()
    del data["scoring"], data["domains"]
    for item in data["sections"][0]["items"]:
        del item["domain"]
    defn = definition_from_dict(data)
    assert defn.scoring is None
    assert not any(it.scored for it in defn.items())


def test_a_domain_no_item_names_is_a_problem() -> None:
    data = minimal()
    data["domains"].append({"key": "lonely", "title": t("Lonely")})
    assert ("domains[lonely].key", "no item names this domain") in dict_problems(data)


def test_sections_and_items_cannot_share_a_key() -> None:
    data = minimal()
    data["sections"][0]["items"][0]["key"] = "main"
    assert ("sections[main].key", "is also the key of an item") in dict_problems(data)


def test_oversized_yaml_is_refused() -> None:
    [(_, field, message)] = problems_of("x: " + "a" * 2_000_001)
    assert field == "file"
    assert "larger" in message
