"""How the ratings of one round of review decide a practice assignment: pure, no database.

The certification course promises (``nonsec-cert`` v1, assignments):

- an analysis is rated by two trainers, each on their own; where they agree, their decision
  stands; where they differ in their decision, lie ``CALIBRATION_GAP`` levels or more apart on a
  criterion, or differ on whether a criterion reaches ``PASS_LEVEL``, a third trainer reads it
  and decides;
- an observed conversation is rated by one trainer; a "not passed" stands only when a second
  trainer (who observed it too, or reviews the recording) agrees; where the two differ, a third
  trainer decides.

So a request for revision always needs at least two raters, and a round whose ratings
disagree always needs one more rater, whose decision settles it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: the level every criterion of a rubric must reach for the assignment to pass
PASS_LEVEL = 3
#: two raters this many levels apart on a criterion must discuss it
CALIBRATION_GAP = 2

PASS = "pass"  # noqa: S105  (a decision, not a password)
REVISE = "revise"

#: why a round waits for another rater
CONFIRM = "confirm"  # a single rater asked for a revision: a second trainer confirms it
THIRD = "third"  # the raters disagree: a third trainer decides


@dataclass(frozen=True)
class Rating:
    decision: str
    #: criterion key -> level (None where the rater gave none)
    levels: Mapping[str, int | None]


@dataclass(frozen=True)
class Outcome:
    #: PASS or REVISE once the round is decided, else None
    decision: str | None
    #: "", CONFIRM or THIRD: why another rater is needed (or was, once decided)
    escalation: str
    #: how many more raters the round needs (0 once decided)
    waiting: int
    #: the criteria on which the first raters disagreed
    disputed: tuple[str, ...] = ()


def level_of(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def criterion_disagrees(levels: Sequence[int | None]) -> bool:
    """Whether the raters' levels of one criterion call for discussion: two or more levels
    apart, or one rater below ``PASS_LEVEL`` and another at or above it."""
    given = [v for v in levels if v is not None]
    if len(given) < 2:
        return False
    low, high = min(given), max(given)
    return high - low >= CALIBRATION_GAP or low < PASS_LEVEL <= high


def disputed_criteria(ratings: Sequence[Rating], criteria: Sequence[str]) -> tuple[str, ...]:
    return tuple(
        key for key in criteria if criterion_disagrees([r.levels.get(key) for r in ratings])
    )


def outcome(ratings: Sequence[Rating], raters: int, criteria: Sequence[str]) -> Outcome:
    """The state of a round given its ratings in the order they were made.

    ``raters`` is the number of independent raters the assignment asks for; ``criteria`` the
    rubric's criterion keys.
    """
    if not ratings:
        return Outcome(None, "", max(raters, 1))
    first = list(ratings[: max(raters, 1)])
    if len(first) < raters:
        return Outcome(None, "", raters - len(first))
    if raters == 1 and first[0].decision == PASS:
        return Outcome(PASS, "", 0)
    if raters == 1:
        # a single rater's "not passed" waits for a second trainer
        if len(ratings) < 2:
            return Outcome(None, CONFIRM, 1)
        first = list(ratings[:2])
        if first[0].decision == first[1].decision and not disputed_criteria(first, criteria):
            return Outcome(REVISE, CONFIRM, 0)
        escalation, needed = THIRD, 3
    else:
        disputed = disputed_criteria(first, criteria)
        if len({r.decision for r in first}) == 1 and not disputed:
            return Outcome(first[0].decision, "", 0)
        escalation, needed = THIRD, raters + 1
    disputed = disputed_criteria(first, criteria)
    if len(ratings) < needed:
        return Outcome(None, escalation, needed - len(ratings), disputed)
    # the further rater read all of it and decides
    return Outcome(ratings[needed - 1].decision, escalation, 0, disputed)
