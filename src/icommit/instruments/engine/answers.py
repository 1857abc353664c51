"""Which items apply to a respondent, and whether a set of answers fits the instrument.

Answers are a plain dict item key → value. An item applies when its section is for the
respondent's audience and its ``relevant`` condition holds on the answers to earlier items;
answers to items that do not apply are an error, never silently ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from .definition import (
    RESPONDENT_AUDIENCES,
    AnswerError,
    Condition,
    Definition,
    Item,
    Problem,
    Scale,
    _same_value,
)

SOURCE = "answers"

# The platform's text rule (``core.text``) restated without Django: no NUL, no control character
# but tab and line ends, no bidirectional override or isolate.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def is_answered(value: Any) -> bool:
    """None, '', [] and {} (or a dict of only empty values) mean "no answer yet"."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return len(value) > 0
    if isinstance(value, Mapping):
        return any(is_answered(v) for v in value.values())
    return True


def condition_holds(cond: Condition, answers: Mapping[str, Any], applicable: set[str]) -> bool:
    """Evaluate a condition; an item that does not apply counts as unanswered."""
    value = answers.get(cond.item) if cond.item in applicable else None
    answered = is_answered(value)
    if cond.op == "answered":
        return answered is cond.answered
    if not answered:
        return False
    # For a multi item `equals v` asks whether v is among the selected values.
    chosen = list(value) if isinstance(value, list | tuple) else [value]
    return any(_matches(c, v) for c in chosen for v in cond.values)


def _matches(answer: Any, wanted: Any) -> bool:
    if _same_value(answer, wanted):
        return True
    numeric = (int, float)
    return (
        isinstance(answer, numeric)
        and isinstance(wanted, numeric)
        and not isinstance(answer, bool)
        and not isinstance(wanted, bool)
        and answer == wanted
    )


def _check_audience(audience: str) -> None:
    if audience not in RESPONDENT_AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(RESPONDENT_AUDIENCES)}")


def applicable_items(defn: Definition, answers: Mapping[str, Any], *, audience: str) -> list[Item]:
    """Top-level items (notes included) shown to this audience given these answers, in order."""
    _check_audience(audience)
    out: list[Item] = []
    seen: set[str] = set()
    for section in defn.sections:
        if section.audience not in ("all", audience):
            continue
        for item in section.items:
            if item.relevant is None or condition_holds(item.relevant, answers, seen):
                out.append(item)
                seen.add(item.key)
    return out


def prune_answers(defn: Definition, answers: Mapping[str, Any], *, audience: str) -> dict[str, Any]:
    """Drop answers to items that no longer apply (e.g. after an earlier answer changed)."""
    keys = {it.key for it in applicable_items(defn, answers, audience=audience)}
    return {k: v for k, v in answers.items() if k in keys}


def check_answers(
    defn: Definition, answers: Mapping[str, Any], *, audience: str, complete: bool
) -> None:
    """Raise AnswerError listing every problem; ``complete`` also demands required answers."""
    problems = answer_problems(defn, answers, audience=audience, complete=complete)
    if problems:
        raise AnswerError(problems)


def answer_problems(
    defn: Definition, answers: Mapping[str, Any], *, audience: str, complete: bool
) -> list[Problem]:
    """The problems check_answers would raise, as a list (empty when the answers fit)."""
    if not isinstance(answers, Mapping):
        return [Problem(SOURCE, None, "(answers)", "expected a mapping of item key to answer")]
    applicable = applicable_items(defn, answers, audience=audience)
    by_key = {it.key: it for it in applicable}
    all_keys = {it.key for it in defn.items()}
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem(SOURCE, None, key, message))

    for key, value in answers.items():
        if key not in all_keys:
            add(str(key), "is not an item of this instrument")
        elif key not in by_key:
            if is_answered(value):
                add(key, "does not apply to this respondent, so it takes no answer")
        elif by_key[key].type == "note":
            if value is not None:
                add(key, "is a note and takes no answer")
        elif is_answered(value):
            for message in _value_problems(defn, by_key[key], value, complete=complete):
                add(key, message)
    if complete:
        seen: set[str] = set()
        for item in applicable:
            seen.add(item.key)
            needed = item.required or (
                item.required_if is not None and condition_holds(item.required_if, answers, seen)
            )
            answered = is_answered(answers.get(item.key))
            if needed and item.type != "note" and not answered:
                add(item.key, "is required")
            elif item.type == "group" and item.min and not answered:
                add(item.key, _at_least(item.min))
    return problems


def _value_problems(defn: Definition, item: Item, value: Any, *, complete: bool) -> list[str]:
    if item.type == "note":
        return ["is a note and takes no answer"]
    if item.type in ("likert", "choice"):
        scale = defn.scale_of(item)
        assert scale is not None
        return _one_choice(scale, value)
    if item.type == "multi":
        scale = defn.scale_of(item)
        assert scale is not None
        return _many_choices(scale, value)
    if item.type == "number":
        return _number(item, value)
    if item.type == "text":
        return _text(item.max_length, value)
    if item.type == "paired":
        return _paired(defn, item, value, complete=complete)
    if item.type == "group":
        return _group(defn, item, value, complete=complete)
    return [f"unknown item type {item.type!r}"]


def _describe(scale: Scale) -> str:
    return ", ".join(repr(c.value) for c in scale.options)


def _one_choice(scale: Scale, value: Any) -> list[str]:
    if scale.choice(value) is None:
        return [f"{value!r} is not one of {_describe(scale)}"]
    return []


def _many_choices(scale: Scale, value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        return ["expected a list of choices"]
    out = [f"{v!r} is not one of {_describe(scale)}" for v in value if scale.choice(v) is None]
    valid = [v for v in value if scale.choice(v) is not None]
    if len(valid) != len({(type(v), v) for v in valid}):
        out.append("a choice is selected twice")
    if any(scale.is_missing(v) for v in valid) and len(value) > 1:
        out.append("a 'don't know' kind of answer cannot be combined with other choices")
    return out


def _number(item: Item, value: Any) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return ["expected a number"]
    if item.integer and not isinstance(value, int):
        return ["expected a whole number"]
    if item.min is not None and value < item.min:
        return [f"must be at least {item.min:g}"]
    if item.max is not None and value > item.max:
        return [f"must be at most {item.max:g}"]
    return []


def _text(max_length: int, value: Any) -> list[str]:
    if not isinstance(value, str):
        return ["expected text"]
    if len(value) > max_length:
        return [f"is longer than {max_length} characters"]
    if _FORBIDDEN.search(value):
        return ["contains a control character or a reading-direction override"]
    return []


def _paired(defn: Definition, item: Item, value: Any, *, complete: bool) -> list[str]:
    if not isinstance(value, Mapping):
        return ["expected a mapping of ratings and rationale"]
    out: list[str] = []
    pair_keys = {p.key for p in item.pairs}
    for k in value:
        if k not in pair_keys and k != "rationale":
            out.append(f"{k!r} is not one of {', '.join(sorted(pair_keys))}, rationale")
    for pair in item.pairs:
        v = value.get(pair.key)
        if v is None:
            if complete:
                out.append(f"{pair.key} needs a rating")
            continue
        for message in _one_choice(defn.scales[pair.scale], v):
            out.append(f"{pair.key}: {message}")
    rationale = value.get("rationale")
    if rationale is not None and rationale != "":
        if item.rationale == "none":
            out.append("takes no rationale")
        else:
            out.extend(f"rationale: {m}" for m in _text(2000, rationale))
    elif complete and item.rationale == "required":
        out.append("rationale: is required")
    return out


def _group(defn: Definition, item: Item, value: Any, *, complete: bool) -> list[str]:
    if not isinstance(value, list | tuple):
        return ["expected a list of entries"]
    out: list[str] = []
    if item.max is not None and len(value) > item.max:
        out.append(f"has more than {item.max:g} entries")
    if complete and item.min is not None and len(value) < item.min:
        out.append(_at_least(item.min))
    sub_keys = {sub.key for sub in item.items}
    for n, entry in enumerate(value, start=1):
        if not isinstance(entry, Mapping):
            out.append(f"entry {n}: expected a mapping")
            continue
        for k in entry:
            if k not in sub_keys:
                out.append(f"entry {n}: {k!r} is not a field of this group")
        for sub in item.items:
            v = entry.get(sub.key)
            if sub.type == "note":
                if v is not None:
                    out.append(f"entry {n}: {sub.key}: is a note and takes no answer")
            elif is_answered(v):
                out.extend(
                    f"entry {n}: {sub.key}: {m}"
                    for m in _value_problems(defn, sub, v, complete=complete)
                )
            elif complete and sub.required:
                out.append(f"entry {n}: {sub.key}: is required")
    return out


def _at_least(n: float) -> str:
    return f"needs at least {n:g} {'entry' if n == 1 else 'entries'}"
