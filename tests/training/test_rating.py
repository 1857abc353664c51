"""How the ratings of one round decide a practice assignment (``training.rating``): raters who
agree decide; a single rater's "not passed" waits for a second; raters who disagree wait for a
third, whose decision settles the round."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from icommit.training.rating import (
    CONFIRM,
    PASS,
    REVISE,
    THIRD,
    Outcome,
    Rating,
    criterion_disagrees,
    outcome,
)

CRITERIA = ("a", "b")


def r(decision: str, a: int | None = 3, b: int | None = 3) -> Rating:
    return Rating(decision, {"a": a, "b": b})


def test_no_rating_waits_for_the_raters_asked() -> None:
    assert outcome([], 2, CRITERIA) == Outcome(None, "", 2)
    assert outcome([], 1, CRITERIA) == Outcome(None, "", 1)


def test_two_raters_who_agree_decide() -> None:
    assert outcome([r(PASS)], 2, CRITERIA) == Outcome(None, "", 1)
    assert outcome([r(PASS), r(PASS, 4, 4)], 2, CRITERIA) == Outcome(PASS, "", 0)
    assert outcome([r(REVISE, 2), r(REVISE, 1)], 2, CRITERIA) == Outcome(REVISE, "", 0)


def test_two_raters_who_differ_in_decision_wait_for_a_third_who_decides() -> None:
    first = [r(PASS), r(REVISE)]
    assert outcome(first, 2, CRITERIA) == Outcome(None, THIRD, 1)
    assert outcome([*first, r(REVISE)], 2, CRITERIA).decision == REVISE
    assert outcome([*first, r(PASS)], 2, CRITERIA).decision == PASS


def test_raters_apart_on_level_3_or_by_two_levels_wait_for_a_third() -> None:
    # both pass it, but one rates criterion b below level 3
    assert outcome([r(PASS), r(PASS, b=2)], 2, CRITERIA) == Outcome(None, THIRD, 1, ("b",))
    # both ask for a revision, two levels apart on a
    assert outcome([r(REVISE, a=1), r(REVISE, a=3)], 2, CRITERIA).escalation == THIRD
    assert criterion_disagrees([1, 3]) and criterion_disagrees([2, 4])
    assert criterion_disagrees([3, 5])  # two levels apart, both above 3
    assert not criterion_disagrees([3, 4]) and not criterion_disagrees([1, 2])
    assert not criterion_disagrees([3, None]) and not criterion_disagrees([])


def test_a_single_raters_pass_stands() -> None:
    assert outcome([r(PASS)], 1, CRITERIA) == Outcome(PASS, "", 0)


def test_a_single_raters_revise_waits_for_a_second_trainer() -> None:
    assert outcome([r(REVISE, 2)], 1, CRITERIA) == Outcome(None, CONFIRM, 1)
    assert outcome([r(REVISE, 2), r(REVISE, 2)], 1, CRITERIA) == Outcome(REVISE, CONFIRM, 0)
    # the second trainer disagrees: a third decides
    split = [r(REVISE, 2), r(PASS)]
    assert outcome(split, 1, CRITERIA) == Outcome(None, THIRD, 1, ("a",))
    assert outcome([*split, r(PASS)], 1, CRITERIA).decision == PASS


levels = st.one_of(st.none(), st.integers(1, 4))
ratings = st.builds(r, st.sampled_from([PASS, REVISE]), levels, levels)


@given(st.lists(ratings, max_size=4), st.integers(1, 2))
def test_a_revision_never_reaches_the_learner_on_one_voice(
    given_ratings: list[Rating], raters: int
) -> None:
    result = outcome(given_ratings, raters, CRITERIA)
    if result.decision is None:
        assert result.waiting >= 1
        return
    assert result.waiting == 0
    if result.decision == REVISE:
        assert sum(1 for x in given_ratings if x.decision == REVISE) >= 2 or (
            result.escalation == THIRD
        )
    if not result.escalation:
        # undisputed: every rater who counted made this decision
        assert {x.decision for x in given_ratings[:raters]} == {result.decision}
