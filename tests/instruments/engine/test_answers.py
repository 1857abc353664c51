"""Which items apply, and how answers of every item type are checked."""

from __future__ import annotations

from typing import Any

import pytest

from icommit.instruments.engine import (
    AnswerError,
    Definition,
    answer_problems,
    applicable_items,
    check_answers,
    prune_answers,
)


def problems(
    defn: Definition, answers: dict[str, Any], *, audience: str = "security", complete: bool = False
) -> dict[str, list[str]]:
    with pytest.raises(AnswerError) as info:
        check_answers(defn, answers, audience=audience, complete=complete)
    out: dict[str, list[str]] = {}
    for p in info.value.problems:
        assert p.source == "answers"
        assert p.line is None
        out.setdefault(p.field, []).append(p.message)
    return out


def keys(defn: Definition, answers: dict[str, Any], audience: str) -> list[str]:
    return [it.key for it in applicable_items(defn, answers, audience=audience)]


def test_sections_for_non_security_members_apply_only_to_them(collaboration: Definition) -> None:
    assert "heard" in keys(collaboration, {}, "non_security")
    assert "heard" not in keys(collaboration, {}, "security")


def test_an_unknown_audience_is_a_programming_error(collaboration: Definition) -> None:
    with pytest.raises(ValueError, match="audience"):
        applicable_items(collaboration, {}, audience="all")


def test_a_relevant_item_appears_only_when_its_condition_holds(collaboration: Definition) -> None:
    assert "sharing_1" not in keys(collaboration, {}, "security")
    assert "sharing_1" not in keys(collaboration, {"shared_recently": "no"}, "security")
    assert "sharing_1" in keys(collaboration, {"shared_recently": "yes"}, "security")


def test_in_and_answered_conditions(social_diagnostics: Definition) -> None:
    assert "client_view_recorded" not in keys(social_diagnostics, {}, "security")
    answers: dict[str, Any] = _rest_without("client_view_recorded") | {"whose_view": ["family"]}
    assert "client_view_recorded" in keys(social_diagnostics, answers, "security")
    assert problems(social_diagnostics, answers, complete=True) == {
        "client_view_recorded": ["is required"]
    }
    answers["client_view_recorded"] = "no"
    assert problems(social_diagnostics, answers, complete=True) == {
        "client_view_missing": ["is required"]
    }
    answers["client_view_missing"] = "Not yet met."
    check_answers(social_diagnostics, answers, audience="security", complete=True)
    for value in ("partly", "no"):
        found = problems(social_diagnostics, answers | {"gender_considered": value}, complete=True)
        assert found == {"gender_notes": ["is required"]}


def _complete_rest() -> dict[str, Any]:
    rating = {"concern": 1, "resource": 2, "rationale": "Seen at the home visit."}
    return {
        "family": rating,
        "housing": rating,
        "fact_list": [{"fact": "Lives alone", "source": "Client", "reliability": "plausible"}],
        "gender_considered": "yes",
        "whose_view": ["client"],
        "client_view_recorded": "yes",
    }


def test_a_draft_may_leave_required_items_open(collaboration: Definition) -> None:
    check_answers(collaboration, {}, audience="security", complete=False)
    assert problems(collaboration, {}, complete=True) == {"purpose_1": ["is required"]}


def test_required_if_applies_only_when_its_condition_holds(collaboration: Definition) -> None:
    base = {"purpose_1": 3}
    check_answers(
        collaboration, base | {"shared_recently": "yes"}, audience="security", complete=True
    )
    found = problems(collaboration, base | {"shared_recently": "no"}, complete=True)
    assert found == {"why_not": ["is required"]}


def test_every_wrong_answer_is_listed(collaboration: Definition) -> None:
    found = problems(
        collaboration,
        {
            "purpose_1": 7,
            "purpose_2": "4",
            "purpose_3": True,
            "ghost": 1,
            "heard": 3,
            "welcome": "hello",
            "sharing_1": 3,
            "sharing_2": "always",
            "barriers": ["rules", "rules", "x"],
            "why_not": "x" * 501,
            "meetings": 61,
        },
    )
    assert found == {
        "purpose_1": ["7 is not one of 1, 2, 3, 4, 5, 'dont_know'"],
        "purpose_2": ["'4' is not one of 1, 2, 3, 4, 5, 'dont_know'"],
        "purpose_3": ["True is not one of 1, 2, 3, 4, 5, 'dont_know'"],
        "ghost": ["is not an item of this instrument"],
        "heard": ["does not apply to this respondent, so it takes no answer"],
        "welcome": ["is a note and takes no answer"],
        "sharing_1": ["does not apply to this respondent, so it takes no answer"],
        "sharing_2": ["'always' is not one of 'never', 'sometimes', 'often', 'unknown'"],
        "barriers": [
            "'x' is not one of 'consent', 'contact', 'rules'",
            "a choice is selected twice",
        ],
        "why_not": ["is longer than 500 characters"],
        "meetings": ["must be at most 60"],
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2.5, "expected a whole number"),
        (-1, "must be at least 0"),
        ("3", "expected a number"),
        (float("nan"), "expected a number"),
    ],
)
def test_number_answers(collaboration: Definition, value: object, message: str) -> None:
    assert problems(collaboration, {"meetings": value}) == {"meetings": [message]}


def test_a_dont_know_cannot_be_combined_with_choices(social_diagnostics: Definition) -> None:
    check_answers(
        social_diagnostics,
        {"family": {"concern": "unknown", "resource": 3}},
        audience="security",
        complete=False,
    )


def test_multi_answers_must_be_lists(collaboration: Definition) -> None:
    assert problems(collaboration, {"barriers": "rules"}) == {
        "barriers": ["expected a list of choices"]
    }


def test_paired_ratings_take_unknown_and_need_a_rationale_when_complete(
    social_diagnostics: Definition,
) -> None:
    draft = {"family": {"concern": 2}}
    check_answers(social_diagnostics, draft, audience="security", complete=False)
    found = problems(social_diagnostics, draft | _rest_without("family"), complete=True)
    assert found == {"family": ["resource needs a rating", "rationale: is required"]}
    wrong = {"family": {"concern": 4, "resource": "none", "mood": 1}}
    assert problems(social_diagnostics, wrong) == {
        "family": [
            "'mood' is not one of concern, resource, rationale",
            "concern: 4 is not one of 0, 1, 2, 3, 'unknown'",
            "resource: 'none' is not one of 0, 1, 2, 3, 'unknown'",
        ]
    }


def test_an_optional_rationale_may_be_left_out(social_diagnostics: Definition) -> None:
    answers = _complete_rest() | {"online": {"concern": 0, "resource": "unknown"}}
    check_answers(social_diagnostics, answers, audience="security", complete=True)


def _rest_without(key: str) -> dict[str, Any]:
    rest = _complete_rest()
    del rest[key]
    return rest


def test_repeating_group_entries_are_checked_one_by_one(social_diagnostics: Definition) -> None:
    facts = [
        {"fact": "Has a job offer", "source": "Employment agency", "reliability": "confirmed"},
        {"fact": "Sees old friends", "reliability": "rumour", "colour": "red"},
    ]
    found = problems(
        social_diagnostics, _rest_without("fact_list") | {"fact_list": facts}, complete=True
    )
    assert found == {
        "fact_list": [
            "entry 2: 'colour' is not a field of this group",
            "entry 2: source: is required",
            "entry 2: reliability: 'rumour' is not one of 'confirmed', 'plausible', 'unverified'",
        ]
    }


def test_a_group_needs_its_minimum_number_of_entries(social_diagnostics: Definition) -> None:
    found = problems(
        social_diagnostics, _rest_without("fact_list") | {"fact_list": []}, complete=True
    )
    assert found == {"fact_list": ["needs at least 1 entry"]}
    too_many = [{"fact": "f", "source": "s", "reliability": "confirmed"}] * 51
    assert problems(social_diagnostics, {"fact_list": too_many}) == {
        "fact_list": ["has more than 50 entries"]
    }


def test_stale_answers_can_be_pruned_before_checking(collaboration: Definition) -> None:
    answers = {"shared_recently": "no", "sharing_1": 4, "heard": 2}
    assert answer_problems(collaboration, answers, audience="security", complete=False)
    pruned = prune_answers(collaboration, answers, audience="security")
    assert pruned == {"shared_recently": "no"}
    check_answers(collaboration, pruned, audience="security", complete=False)


def test_empty_values_count_as_not_answered(collaboration: Definition) -> None:
    check_answers(
        collaboration,
        {"sharing_1": None, "why_not": "  ", "barriers": [], "heard": None},
        audience="security",
        complete=False,
    )


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1b[2Jb", "abc\u202edcba"])
def test_a_text_answer_with_a_control_character_is_refused(
    collaboration: Definition, bad: str
) -> None:
    found = problems(collaboration, {"purpose_1": 3, "why_not": bad}, complete=False)
    assert found == {"why_not": ["contains a control character or a reading-direction override"]}


def test_a_text_answer_keeps_tabs_and_line_ends(collaboration: Definition) -> None:
    answers = {"purpose_1": 3, "why_not": "a\tb\r\nc\nd"}
    check_answers(collaboration, answers, audience="security", complete=False)
