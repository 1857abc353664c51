"""The engine carries the Social Diagnostics skeleton and a knowledge check end to end."""

from __future__ import annotations

from typing import Any

import pytest

from icommit.instruments.engine import (
    AnswerError,
    Definition,
    check_answers,
    recommendations_for,
    score,
    tr,
)

CASE = {
    "family": {"concern": 2, "resource": 3, "rationale": "Mother visits weekly; tension at home."},
    "housing": {"concern": "unknown", "resource": 1, "rationale": "No information yet."},
    "work": {"concern": 1, "resource": "unknown", "rationale": "Apprenticeship ended."},
    "online": {"concern": 3, "resource": 0},
    "fact_list": [
        {"fact": "Lives with his mother", "source": "Client", "reliability": "plausible"},
        {"fact": "Apprenticeship ended in May", "source": "Employer", "reliability": "confirmed"},
    ],
    "whose_view": ["client", "non_security"],
    "client_view_recorded": "yes",
    "gender_considered": "partly",
    "gender_notes": "Masculinity ideals in his peer group not yet discussed.",
}


def test_the_skeleton_has_paired_life_domains_facts_and_perspectives(
    social_diagnostics: Definition,
) -> None:
    family = social_diagnostics.item("family")
    assert family.type == "paired"
    assert [p.key for p in family.pairs] == ["concern", "resource"]
    assert family.rationale == "required"
    concern = social_diagnostics.scales["concern"]
    assert [c.value for c in concern.options] == [0, 1, 2, 3, "unknown"]
    assert tr(concern.choices[3].label, "de") == "Schwer"
    facts = social_diagnostics.item("fact_list")
    assert [sub.key for sub in facts.items] == ["fact", "source", "reliability"]
    assert social_diagnostics.scoring is None
    assert [s.key for s in social_diagnostics.sections] == ["life_domains", "facts", "perspective"]


def test_a_complete_social_diagnostics_record_is_accepted(social_diagnostics: Definition) -> None:
    for audience in ("security", "non_security"):
        check_answers(social_diagnostics, CASE, audience=audience, complete=True)
    assert score(social_diagnostics, CASE, audience="security").total is None


def test_a_rating_without_its_reason_is_refused_when_complete(
    social_diagnostics: Definition,
) -> None:
    answers: dict[str, Any] = CASE | {"housing": {"concern": 1, "resource": 1}}
    check_answers(social_diagnostics, answers, audience="security", complete=False)
    with pytest.raises(AnswerError) as info:
        check_answers(social_diagnostics, answers, audience="security", complete=True)
    assert [(p.field, p.message) for p in info.value.problems] == [
        ("housing", "rationale: is required")
    ]


def test_a_fact_without_source_and_reliability_is_refused(social_diagnostics: Definition) -> None:
    answers = CASE | {"fact_list": [{"fact": "Heard a rumour"}]}
    with pytest.raises(AnswerError) as info:
        check_answers(social_diagnostics, answers, audience="security", complete=True)
    assert [p.message for p in info.value.problems] == [
        "entry 1: source: is required",
        "entry 1: reliability: is required",
    ]


ALL_RIGHT = {
    "q_need_to_know": "named",
    "q_consent": "that",
    "q_minimum": "minimum",
    "q_record": "account",
}


def test_all_right_passes_the_knowledge_check(knowledge_check: Definition) -> None:
    result = score(knowledge_check, ALL_RIGHT, audience="non_security")
    assert result.total is not None
    assert (result.total.score, result.total.band, result.passed) == (100.0, "pass", True)


def test_half_right_fails_and_points_to_the_module(knowledge_check: Definition) -> None:
    answers = ALL_RIGHT | {"q_consent": "all", "q_record": "habit"}
    result = score(knowledge_check, answers, audience="security")
    assert result.total is not None
    assert (result.total.score, result.total.band, result.passed) == (50.0, "fail", False)
    [rec] = recommendations_for(knowledge_check, "total", result.total.band or "")
    assert rec.modules == ("msc-team.04-information-sharing",)


def test_an_answer_that_is_not_a_choice_is_refused(knowledge_check: Definition) -> None:
    with pytest.raises(AnswerError) as info:
        score(knowledge_check, ALL_RIGHT | {"q_consent": "maybe"}, audience="security")
    assert info.value.problems[0].field == "q_consent"
