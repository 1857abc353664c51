"""Scores: golden answer sets worked out by hand, unit rules and properties that always hold."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from icommit.instruments.engine import (
    AnswerError,
    Definition,
    ScoreResult,
    band_for,
    definition_from_dict,
    divergences,
    recommendations_for,
    score,
)

from .conftest import DATA, load_fixture
from .factories import minimal, t, with_items

GOLDEN = sorted((DATA / "golden").glob("*.json"))


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_answer_sets_score_as_worked_out_by_hand(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    defn = load_fixture(case["instrument"])
    result = score(defn, case["answers"], audience=case["audience"])
    assert result.to_dict() == case["expected"]
    assert ScoreResult.from_dict(case["expected"]) == result


def test_there_are_golden_files() -> None:
    assert len(GOLDEN) >= 4


def test_an_unscored_instrument_scores_nothing(social_diagnostics: Definition) -> None:
    result = score(social_diagnostics, {"family": {"concern": 3}}, audience="security")
    assert result == ScoreResult(domains={}, total=None, passed=None)


def test_scoring_checks_the_answers_first(collaboration: Definition) -> None:
    with pytest.raises(AnswerError):
        score(collaboration, {"purpose_1": 9}, audience="security")


def test_a_domain_without_applicable_items_is_not_applicable() -> None:
    data = minimal()
    data["sections"].append(
        {
            "key": "only-nonsec",
            "title": t("N"),
            "audience": "non_security",
            "items": [
                {"key": "n", "type": "likert", "scale": "agree5", "domain": "e", "text": t("N")}
            ],
        }
    )
    data["domains"].append({"key": "e", "title": t("E")})
    defn = definition_from_dict(data)
    result = score(defn, {"a": 5}, audience="security")
    assert result.domains["e"].status == "not_applicable"
    assert result.domains["e"].applicable == 0
    assert result.domains["d"].status == "scored"


def test_the_minimum_comes_from_reachable_choices_not_from_zero() -> None:
    # A 1..5 scale answered 1 everywhere is 0 on the 0–100 scale, not 20.
    defn = definition_from_dict(minimal())
    assert score(defn, {"a": 1, "b": 1}, audience="security").domains["d"].score == 0.0
    assert score(defn, {"a": 5, "b": 3}, audience="security").domains["d"].score == 75.0


def test_sum_and_mean_share_the_normalised_score_but_not_the_raw_value() -> None:
    answers = {"a": 4, "b": 5}
    mean = score(definition_from_dict(minimal()), answers, audience="security").domains["d"]
    data = minimal()
    data["scoring"]["method"] = "sum"
    summed = score(definition_from_dict(data), answers, audience="security").domains["d"]
    assert mean.score == summed.score == 87.5
    assert (mean.raw, summed.raw) == (4.5, 9.0)


def test_a_multi_answer_scores_the_sum_of_its_choices() -> None:
    multi = {
        "key": "m",
        "type": "multi",
        "domain": "d",
        "text": t("M"),
        "choices": [
            {"value": "good", "label": t("Good"), "score": 2},
            {"value": "bad", "label": t("Bad"), "score": -1},
            {"value": "fine", "label": t("Fine"), "score": 1},
        ],
    }
    data = with_items(multi)
    data["sections"][0]["items"] = [multi]
    defn = definition_from_dict(data)

    def domain_score(values: list[str]) -> float | None:
        return score(defn, {"m": values}, audience="security").domains["d"].score

    # Reachable: -1 (only bad) to 3 (good and fine).
    assert domain_score(["bad"]) == 0.0
    assert domain_score(["good", "fine"]) == 100.0
    assert domain_score(["good", "bad"]) == 50.0


def test_bands_are_found_by_their_upper_limits(collaboration: Definition) -> None:
    sc = collaboration.scoring
    assert sc is not None
    assert [band_for(sc, v).key for v in (0, 49.999, 50, 74.9, 75, 100)] == [
        "low",
        "low",
        "middle",
        "middle",
        "high",
        "high",
    ]


def test_recommendations_are_attached_to_domain_and_band(collaboration: Definition) -> None:
    [rec] = recommendations_for(collaboration, "purpose", "low")
    assert rec.phase_tasks == ("setup.charter",)
    assert rec.modules == ("msc-team.01-purpose-and-problem",)
    assert recommendations_for(collaboration, "purpose", "high") == []


def test_divergences_report_gaps_beyond_the_threshold(collaboration: Definition) -> None:
    high = score(
        collaboration, {"purpose_1": 5, "purpose_2": 1, "purpose_3": 5}, audience="security"
    )
    low = score(
        collaboration, {"purpose_1": 4, "purpose_2": 2, "purpose_3": 4}, audience="security"
    )
    assert divergences(collaboration, high, low) == {"purpose": 25.0, "total": 25.0}
    assert divergences(collaboration, high, high) == {}


def test_a_gap_equal_to_the_threshold_is_not_a_divergence(collaboration: Definition) -> None:
    from dataclasses import replace

    assert collaboration.scoring is not None
    at_gap = replace(collaboration, scoring=replace(collaboration.scoring, divergence_threshold=25))
    high = score(at_gap, {"purpose_1": 5, "purpose_2": 1, "purpose_3": 5}, audience="security")
    low = score(at_gap, {"purpose_1": 4, "purpose_2": 2, "purpose_3": 4}, audience="security")
    assert divergences(at_gap, high, low) == {}  # 25 is not more than 25


# ---------------------------------------------------------------- properties


@st.composite
def instruments(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A one-domain instrument with random scale scores, weights and reversals, and answers."""
    scores = draw(st.lists(st.integers(-3, 10), min_size=2, max_size=6, unique=True))
    scale: dict[str, list[dict[str, Any]]] = {
        "choices": [
            {"value": f"c{i}", "label": t(f"C{i}"), "score": s} for i, s in enumerate(scores)
        ],
        "missing": [{"value": "dont_know", "label": t("Don't know")}],
    }
    n = draw(st.integers(1, 6))
    items = [
        {
            "key": f"q{i}",
            "type": "likert",
            "scale": "s",
            "domain": "d",
            "weight": draw(st.sampled_from([0.5, 1, 1.5, 2, 3, 7])),
            "reverse": draw(st.booleans()),
            "text": t(f"Q{i}"),
        }
        for i in range(n)
    ]
    data = minimal(scales={"s": scale})
    data["scoring"]["min_answered"] = 0
    data["sections"][0]["items"] = items
    values = [c["value"] for c in scale["choices"]]
    answers: dict[str, Any] = {}
    for i in range(n):
        pick = draw(st.sampled_from([None, "dont_know", *values]))
        if pick is not None:
            answers[f"q{i}"] = pick
    return data, answers


def normalised(data: dict[str, Any], answers: dict[str, Any]) -> float | None:
    """The formula of the methodology, written independently of the engine."""
    scale = {c["value"]: c["score"] for c in data["scales"]["s"]["choices"]}
    lo, hi = min(scale.values()), max(scale.values())
    num = den = 0.0
    for item in data["sections"][0]["items"]:
        value = answers.get(item["key"])
        if value not in scale:
            continue
        s = scale[value]
        if item["reverse"]:
            s = lo + hi - s
        num += item["weight"] * (s - lo)
        den += item["weight"] * (hi - lo)
    return None if den == 0 else round(100 * num / den, 6)


def domain(data: dict[str, Any], answers: dict[str, Any]) -> Any:
    return score(definition_from_dict(data), answers, audience="security").domains["d"]


@settings(max_examples=80, deadline=None)
@given(instruments())
def test_scores_stay_between_0_and_100_and_match_the_formula(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    data, answers = case
    result = domain(data, answers)
    expected = normalised(data, answers)
    if expected is None:
        assert result.status == "insufficient"
    else:
        assert result.score is not None
        assert 0 <= result.score <= 100
        assert result.score == pytest.approx(expected, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(instruments())
def test_reversing_every_item_mirrors_the_score_and_reversing_twice_restores_it(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    data, answers = case
    before = domain(data, answers)
    for item in data["sections"][0]["items"]:
        item["reverse"] = not item["reverse"]
    flipped = domain(data, answers)
    for item in data["sections"][0]["items"]:
        item["reverse"] = not item["reverse"]
    assert domain(data, answers) == before
    if before.score is not None:
        assert flipped.score == pytest.approx(100 - before.score, abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(instruments(), st.sampled_from([0.5, 2, 3, 10]))
def test_scaling_every_weight_leaves_the_score_unchanged(
    case: tuple[dict[str, Any], dict[str, Any]], factor: float
) -> None:
    data, answers = case
    before = domain(data, answers)
    for item in data["sections"][0]["items"]:
        item["weight"] *= factor
    after = domain(data, answers)
    assert after.score == pytest.approx(before.score, abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(instruments(), st.sampled_from([2, 3, 5]))
def test_changing_one_weight_shifts_the_score_as_computed(
    case: tuple[dict[str, Any], dict[str, Any]], factor: float
) -> None:
    data, answers = case
    data["sections"][0]["items"][0]["weight"] *= factor
    expected = normalised(data, answers)
    after = domain(data, answers)
    assert after.score == (None if expected is None else pytest.approx(expected, abs=1e-5))


@settings(max_examples=60, deadline=None)
@given(instruments())
def test_dont_know_never_counts_as_a_score(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    data, answers = case
    before = domain(data, answers)
    unanswered = [it["key"] for it in data["sections"][0]["items"] if it["key"] not in answers]
    more = answers | dict.fromkeys(unanswered, "dont_know")
    assert domain(data, more) == before


@settings(max_examples=40, deadline=None)
@given(instruments(), st.randoms(use_true_random=False))
def test_the_order_of_answers_does_not_matter(
    case: tuple[dict[str, Any], dict[str, Any]], rnd: random.Random
) -> None:
    data, answers = case
    items = list(answers.items())
    rnd.shuffle(items)
    defn = definition_from_dict(data)
    assert score(defn, dict(items), audience="security") == score(
        defn, answers, audience="security"
    )
