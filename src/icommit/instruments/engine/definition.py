"""Frozen instrument definitions, their problems and errors, and their canonical dict form.

A Definition is immutable once built; ``definition_to_dict`` writes the same shape the YAML
format reads, omitting defaults, so ``content_hash`` changes exactly when the content changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

Text: TypeAlias = Mapping[str, str]
Value: TypeAlias = int | str

FORMAT = "icommit-instrument/1"
KINDS = ("diagnostics", "social_diagnostics", "knowledge_check", "rubric", "survey")
ITEM_TYPES = ("likert", "choice", "multi", "number", "text", "paired", "group", "note")
#: Item types whose answer is one or more choices and can therefore carry a score.
CHOICE_TYPES = ("likert", "choice", "multi")
AUDIENCES = ("all", "non_security", "security")
RESPONDENT_AUDIENCES = ("security", "non_security")
RATIONALE = ("required", "optional", "none")
METHODS = ("mean", "sum")
#: How a scale's answers are reported: "score" (scored into dimensions, as always) or "counts"
#: (events and facts: how many chose each option, per group; never averaged or scored).
REPORTS = ("score", "counts")
TEXT_MAX_LENGTH = 2000
#: The fewest answer sets a group's results may rest on: the default of ``min_respondents``
#: and its floor (decision 0009: a coordinator plus puppets or colleagues who know their own
#: answers must not be able to subtract their way to one person's).
MIN_RESPONDENTS = 5


class FrozenDict(dict[str, Any]):
    """A dict that refuses changes and can be hashed, so definitions stay immutable."""

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise TypeError("instrument definitions are immutable")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __hash__(self) -> int:  # type: ignore[override]  # dicts are unhashable; this one is frozen
        return hash(tuple(sorted(self.items(), key=lambda kv: str(kv[0]))))

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle's default for dict subclasses replays __setitem__, which we refuse.
        return (FrozenDict, (dict(self),))


def tr(text: Text | None, lang: str) -> str:
    """The text in ``lang``, else in the first language it carries, else ''."""
    if not text:
        return ""
    if lang in text:
        return text[lang]
    return next(iter(text.values()), "")


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.field}: {self.message}"


class InstrumentError(ValueError):
    """Base of the engine's errors; ``problems`` lists every problem found, not only the first.

    InstrumentError
     ├── DefinitionError   a YAML file, dict or XLSForm is not a valid instrument
     └── AnswerError       answers do not fit the instrument
    """

    code = "instrument_invalid"

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class DefinitionError(InstrumentError):
    code = "instrument_definition_invalid"


class AnswerError(InstrumentError):
    code = "instrument_answers_invalid"


@dataclass(frozen=True)
class Choice:
    value: Value
    label: Text
    #: None for "missing" options (don't know, not applicable) and for unscored string values.
    score: float | None = None


@dataclass(frozen=True)
class Scale:
    key: str
    choices: tuple[Choice, ...]
    missing: tuple[Choice, ...] = ()
    report: str = "score"

    @property
    def counts(self) -> bool:
        """Answers on this scale are reported as counts per option, never scored."""
        return self.report == "counts"

    @property
    def options(self) -> tuple[Choice, ...]:
        return self.choices + self.missing

    def choice(self, value: object) -> Choice | None:
        for c in self.options:
            if _same_value(c.value, value):
                return c
        return None

    def is_missing(self, value: object) -> bool:
        return any(_same_value(c.value, value) for c in self.missing)

    @property
    def scores(self) -> tuple[float, ...]:
        return tuple(c.score for c in self.choices if c.score is not None)


@dataclass(frozen=True)
class Domain:
    key: str
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class Band:
    key: str
    label: Text
    below: float | None = None


@dataclass(frozen=True)
class Scoring:
    method: str
    min_answered: float
    bands: tuple[Band, ...]
    divergence_threshold: float | None = None
    pass_mark: float | None = None
    #: Results of a team round exist only from this many answer sets (at least the floor).
    min_respondents: int = MIN_RESPONDENTS


@dataclass(frozen=True)
class Recommendation:
    """Advice for a dimension in a band (``domain`` + ``band``), or for one item: its mean on
    0-100 below ``below`` (score scales), or at least ``at_least`` answer sets choosing one of
    ``answers`` (counts scales). ``phases``: shown only to a team in one of these phases (all
    phases when empty)."""

    domain: str
    band: str
    text: Text
    phase_tasks: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    item: str | None = None
    below: float | None = None
    answers: tuple[Value, ...] = ()
    at_least: int | None = None
    phases: tuple[str, ...] = ()

    @property
    def on_item(self) -> bool:
        return self.item is not None


@dataclass(frozen=True)
class Condition:
    """``{item: k, equals: v}``, ``{item: k, in: [..]}`` or ``{item: k, answered: true|false}``."""

    item: str
    op: str  # "equals" | "in" | "answered"
    values: tuple[Value, ...] = ()
    answered: bool = True


@dataclass(frozen=True)
class Pair:
    key: str
    scale: str
    label: Text


@dataclass(frozen=True)
class Item:
    key: str
    type: str
    text: Text
    scale: str | None = None
    domain: str | None = None
    weight: float = 1.0
    reverse: bool = False
    required: bool = False
    relevant: Condition | None = None
    required_if: Condition | None = None
    hint: Text | None = None
    # choice / multi with inline options
    choices: tuple[Choice, ...] = ()
    missing: tuple[Choice, ...] = ()
    # number: bounds; group: number of entries
    min: float | None = None
    max: float | None = None
    integer: bool = False
    # text
    max_length: int = TEXT_MAX_LENGTH
    # paired
    pairs: tuple[Pair, ...] = ()
    rationale: str = "required"
    # group
    repeat: bool = True
    items: tuple[Item, ...] = ()
    #: Set by the loader when the item's scale reports counts (derived, so not in the dict).
    counts: bool = False

    @property
    def scored(self) -> bool:
        """Only items that name a domain count towards domain scores and the total; items on a
        counts scale never do (their domain only places them in the results)."""
        return self.domain is not None and self.type in CHOICE_TYPES and not self.counts

    def sub_item(self, key: str) -> Item:
        for sub in self.items:
            if sub.key == key:
                return sub
        raise KeyError(key)


@dataclass(frozen=True)
class Section:
    key: str
    title: Text
    intro: Text | None = None
    audience: str = "all"
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Definition:
    key: str
    version: int
    kind: str
    languages: tuple[str, ...]
    title: Text
    description: Text | None = None
    changes: Text | None = None
    sources: tuple[str, ...] = ()
    scales: Mapping[str, Scale] = field(default_factory=FrozenDict)
    domains: tuple[Domain, ...] = ()
    scoring: Scoring | None = None
    recommendations: tuple[Recommendation, ...] = ()
    sections: tuple[Section, ...] = ()

    def items(self) -> Iterator[Item]:
        """Every top-level item in document order (group sub-items are inside their group)."""
        for section in self.sections:
            yield from section.items

    def item(self, key: str) -> Item:
        for it in self.items():
            if it.key == key:
                return it
        raise KeyError(key)

    def domain(self, key: str) -> Domain:
        for d in self.domains:
            if d.key == key:
                return d
        raise KeyError(key)

    def section_of(self, key: str) -> Section:
        for section in self.sections:
            if any(it.key == key for it in section.items):
                return section
        raise KeyError(key)

    @property
    def has_answer_key(self) -> bool:
        """A test (a knowledge check, or any instrument with a pass mark): the scores of its
        choices say which answers are right, so they are kept from those who take it."""
        return self.kind == "knowledge_check" or (
            self.scoring is not None and self.scoring.pass_mark is not None
        )

    def scale_of(self, item: Item) -> Scale | None:
        """The options of a choice-type item: its named scale or its inline choices."""
        if item.scale is not None:
            return self.scales[item.scale]
        if item.type in CHOICE_TYPES:
            return Scale(key=item.key, choices=item.choices, missing=item.missing)
        return None


def _unscored(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    return tuple(replace(c, score=None) for c in choices)


def _item_unscored(item: Item) -> Item:
    return replace(
        item,
        choices=_unscored(item.choices),
        items=tuple(_item_unscored(sub) for sub in item.items),
    )


def without_answer_key(defn: Definition) -> Definition:
    """The definition with no choice scores (of items and of scales), for reading a test
    without its answers; it is for showing only, never for scoring or publishing."""
    return replace(
        defn,
        scales=FrozenDict(
            {k: replace(s, choices=_unscored(s.choices)) for k, s in defn.scales.items()}
        ),
        sections=tuple(
            replace(s, items=tuple(_item_unscored(i) for i in s.items)) for s in defn.sections
        ),
    )


def _same_value(a: object, b: object) -> bool:
    # bool is an int in Python; a True answer must not match choice value 1.
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return type(a) is type(b) and a == b


# ---------------------------------------------------------------- canonical dict form


def _num(x: float) -> int | float:
    """Integral floats become ints so that 1 and 1.0 hash the same."""
    return int(x) if float(x).is_integer() else float(x)


def _text(t: Text | None) -> dict[str, str] | None:
    return None if t is None else {k: t[k] for k in t}


def _put(d: dict[str, Any], key: str, value: Any, default: Any = None) -> None:
    if value != default:
        d[key] = value


def _choice_dict(c: Choice) -> dict[str, Any]:
    d: dict[str, Any] = {"value": c.value, "label": _text(c.label)}
    if c.score is not None and not (isinstance(c.value, int) and c.score == c.value):
        d["score"] = _num(c.score)
    return d


def _condition_dict(c: Condition | None) -> dict[str, Any] | None:
    if c is None:
        return None
    if c.op == "equals":
        return {"item": c.item, "equals": c.values[0]}
    if c.op == "in":
        return {"item": c.item, "in": list(c.values)}
    return {"item": c.item, "answered": c.answered}


def _item_dict(it: Item) -> dict[str, Any]:
    d: dict[str, Any] = {"key": it.key, "type": it.type, "text": _text(it.text)}
    _put(d, "hint", _text(it.hint))
    _put(d, "scale", it.scale)
    _put(d, "domain", it.domain)
    _put(d, "weight", _num(it.weight), 1)
    _put(d, "reverse", it.reverse, False)
    _put(d, "required", it.required, False)
    _put(d, "relevant", _condition_dict(it.relevant))
    _put(d, "required_if", _condition_dict(it.required_if))
    _put(d, "choices", [_choice_dict(c) for c in it.choices], [])
    _put(d, "missing", [_choice_dict(c) for c in it.missing], [])
    if it.type in ("number", "group"):
        _put(d, "min", None if it.min is None else _num(it.min))
        _put(d, "max", None if it.max is None else _num(it.max))
    if it.type == "number":
        _put(d, "integer", it.integer, False)
    if it.type == "text":
        _put(d, "max_length", it.max_length, TEXT_MAX_LENGTH)
    if it.type == "paired":
        d["pairs"] = [{"key": p.key, "scale": p.scale, "label": _text(p.label)} for p in it.pairs]
        _put(d, "rationale", it.rationale, "required")
    if it.type == "group":
        _put(d, "repeat", it.repeat, True)
        d["items"] = [_item_dict(sub) for sub in it.items]
    return d


def definition_to_dict(defn: Definition) -> dict[str, Any]:
    """The definition as JSON-safe data in the YAML format's shape, defaults left out."""
    d: dict[str, Any] = {
        "format": FORMAT,
        "key": defn.key,
        "version": defn.version,
        "kind": defn.kind,
        "languages": list(defn.languages),
        "title": _text(defn.title),
    }
    _put(d, "description", _text(defn.description))
    _put(d, "changes", _text(defn.changes))
    _put(d, "sources", list(defn.sources), [])
    if defn.scales:
        d["scales"] = {
            key: {
                "choices": [_choice_dict(c) for c in s.choices],
                **({"missing": [_choice_dict(c) for c in s.missing]} if s.missing else {}),
                **({"report": s.report} if s.report != "score" else {}),
            }
            for key, s in defn.scales.items()
        }
    if defn.domains:
        d["domains"] = []
        for dom in defn.domains:
            dd: dict[str, Any] = {"key": dom.key, "title": _text(dom.title)}
            _put(dd, "description", _text(dom.description))
            d["domains"].append(dd)
    if defn.scoring is not None:
        sc = defn.scoring
        bands = []
        for b in sc.bands:
            bd: dict[str, Any] = {"key": b.key, "label": _text(b.label)}
            _put(bd, "below", None if b.below is None else _num(b.below))
            bands.append(bd)
        sd: dict[str, Any] = {
            "method": sc.method,
            "min_answered": _num(sc.min_answered),
            "bands": bands,
        }
        _put(sd, "divergence_threshold", _opt_num(sc.divergence_threshold))
        _put(sd, "pass_mark", _opt_num(sc.pass_mark))
        _put(sd, "min_respondents", sc.min_respondents, MIN_RESPONDENTS)
        d["scoring"] = sd
    if defn.recommendations:
        d["recommendations"] = []
        for r in defn.recommendations:
            rd: dict[str, Any]
            if r.item is not None:
                rd = {"item": r.item, "text": _text(r.text)}
                _put(rd, "below", _opt_num(r.below))
                _put(rd, "answers", list(r.answers), [])
                _put(rd, "at_least", r.at_least)
            else:
                rd = {"domain": r.domain, "band": r.band, "text": _text(r.text)}
            _put(rd, "phase_tasks", list(r.phase_tasks), [])
            _put(rd, "modules", list(r.modules), [])
            _put(rd, "phases", list(r.phases), [])
            d["recommendations"].append(rd)
    d["sections"] = []
    for s in defn.sections:
        sd2: dict[str, Any] = {"key": s.key, "title": _text(s.title)}
        _put(sd2, "intro", _text(s.intro))
        _put(sd2, "audience", s.audience, "all")
        sd2["items"] = [_item_dict(it) for it in s.items]
        d["sections"].append(sd2)
    return d


def _opt_num(x: float | None) -> int | float | None:
    return None if x is None else _num(x)


def canonical_json(defn: Definition) -> str:
    return json.dumps(
        definition_to_dict(defn), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def content_hash(defn: Definition) -> str:
    """sha256 hex digest of the canonical JSON of the definition."""
    return hashlib.sha256(canonical_json(defn).encode("utf-8")).hexdigest()
