"""The shipped knowledge checks cannot be passed by a pattern instead of by knowledge.

A learner may retake a check as often as they like and sees which questions were wrong, so any
regularity in the options is quickly found. In the newest version of every shipped knowledge
check the best-scoring option must not be recognisable by being the longest option (in any of
the check's languages), must not sit in the same place in most questions, and always picking the
longest, the shortest or the same letter must not pass.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from icommit.instruments.engine import Definition, Item, score
from icommit.instruments.shipped import load_shipped, shipped_files

#: at most this share of questions may have the best answer as their longest option
LONGEST_SHARE = 0.4
#: at most this share of questions may have the best answer in the same position
POSITION_SHARE = 0.5


def _newest_checks() -> dict[str, Definition]:
    newest: dict[str, Definition] = {}
    for path in shipped_files():
        definition = load_shipped(path)
        if definition.kind != "knowledge_check":
            continue
        found = newest.get(definition.key)
        if found is None or definition.version > found.version:
            newest[definition.key] = definition
    return newest


CHECKS = _newest_checks()


def _choices(kc: Definition, item: Item) -> list[Any]:
    scale = kc.scale_of(item)
    return list(scale.choices if scale is not None else item.choices)


def _questions(kc: Definition) -> list[tuple[Item, list[Any]]]:
    return [(item, _choices(kc, item)) for item in kc.items() if item.type == "choice"]


def _best(choices: list[Any]) -> Any:
    top = max(c.score for c in choices)
    return next(c for c in choices if c.score == top)


def test_every_shipped_knowledge_check_is_covered() -> None:
    assert {"kc-msc-team", "kc-nonsec-cert"} <= set(CHECKS)


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_the_best_answer_is_not_the_longest_in_most_questions(key: str) -> None:
    kc = CHECKS[key]
    questions = _questions(kc)
    assert questions
    for lang in kc.languages:
        longest = [
            item.key
            for item, choices in questions
            if len(_best(choices).label[lang])
            >= max(len(c.label[lang]) for c in choices if c is not _best(choices))
        ]
        share = len(longest) / len(questions)
        assert share <= LONGEST_SHARE, (
            f"{key} v{kc.version} ({lang}): the best answer is the longest option in "
            f"{len(longest)} of {len(questions)} questions: {longest}"
        )


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_the_best_answer_does_not_sit_in_one_place(key: str) -> None:
    kc = CHECKS[key]
    questions = _questions(kc)
    places = Counter(choices.index(_best(choices)) for _item, choices in questions)
    place, count = places.most_common(1)[0]
    assert count / len(questions) <= POSITION_SHARE, (
        f"{key} v{kc.version}: the best answer is option {place + 1} in {count} of "
        f"{len(questions)} questions"
    )


@pytest.mark.parametrize("key", sorted(CHECKS))
def test_answering_by_length_or_by_letter_does_not_pass(key: str) -> None:
    kc = CHECKS[key]
    questions = _questions(kc)
    strategies: dict[str, dict[str, Any]] = {}
    for lang in kc.languages:
        strategies[f"longest ({lang})"] = {
            item.key: max(choices, key=lambda c: len(c.label[lang])).value
            for item, choices in questions
        }
        strategies[f"shortest ({lang})"] = {
            item.key: min(choices, key=lambda c: len(c.label[lang])).value
            for item, choices in questions
        }
    for place in range(max(len(choices) for _item, choices in questions)):
        strategies[f"always option {place + 1}"] = {
            item.key: choices[min(place, len(choices) - 1)].value for item, choices in questions
        }
    passing = [
        name
        for name, answers in strategies.items()
        if score(kc, answers, audience="non_security").passed
    ]
    assert passing == [], f"{key} v{kc.version} is passed by answering {passing}"
