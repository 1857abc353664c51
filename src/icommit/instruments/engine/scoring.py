"""Scores per domain and in total, normalised to 0–100 over what the answers could have reached.

The minimum and maximum of a score come from the choices and weights of the items actually
answered with a score, so skipped items and "don't know" never pull a score up or down;
a domain with too few such answers is "insufficient", never a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .answers import applicable_items, check_answers
from .definition import Band, Definition, FrozenDict, Item, Recommendation, Scoring
from .yaml_format import item_range

SCORED = "scored"
INSUFFICIENT = "insufficient"
NOT_APPLICABLE = "not_applicable"
TOTAL = "total"
#: Scores are rounded so that a computed 74.99999999 lands in the band of 75.
PRECISION = 6


@dataclass(frozen=True)
class DomainScore:
    key: str
    status: str  # "scored" | "insufficient" | "not_applicable"
    score: float | None  # 0–100 when scored
    raw: float | None  # weighted sum or weighted mean of the item scores, by the method
    answered: int  # applicable scored items answered with a scored value
    applicable: int  # applicable scored items
    band: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "status": self.status,
            "score": self.score,
            "raw": self.raw,
            "answered": self.answered,
            "applicable": self.applicable,
            "band": self.band,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DomainScore:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class ScoreResult:
    domains: Mapping[str, DomainScore]
    total: DomainScore | None
    passed: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, for storing a result beside the response."""
        return {
            "domains": {k: v.to_dict() for k, v in self.domains.items()},
            "total": None if self.total is None else self.total.to_dict(),
            "passed": self.passed,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ScoreResult:
        return cls(
            domains=FrozenDict({k: DomainScore.from_dict(v) for k, v in d["domains"].items()}),
            total=None if d["total"] is None else DomainScore.from_dict(d["total"]),
            passed=d["passed"],
        )


def band_for(scoring: Scoring, value: float) -> Band:
    """The first band whose ``below`` exceeds the value; the last band takes the rest."""
    for band in scoring.bands:
        if band.below is None or value < band.below:
            return band
    return scoring.bands[-1]


def recommendations_for(defn: Definition, domain: str, band: str) -> list[Recommendation]:
    """Recommendations written for this domain (or "total") in this band."""
    return [r for r in defn.recommendations if r.domain == domain and r.band == band]


def item_score(defn: Definition, item: Item, value: Any) -> tuple[float, float, float] | None:
    """(score, lowest, highest) of one answer after reversing, or None if it has no score."""
    scale = defn.scale_of(item)
    if scale is None or value is None:
        return None
    lo, hi = item_range(item.type, scale)
    if item.type == "multi":
        if not isinstance(value, list | tuple) or not value:
            return None
        picked = [scale.choice(v) for v in value]
        if any(c is None or c.score is None for c in picked):
            return None
        return (sum(c.score for c in picked if c is not None and c.score is not None), lo, hi)
    choice = scale.choice(value)
    if choice is None or choice.score is None:
        return None
    s = choice.score
    if item.reverse:
        s = lo + hi - s
    return (s, lo, hi)


def _aggregate(
    key: str, defn: Definition, items: Iterable[Item], answers: Mapping[str, Any], sc: Scoring
) -> DomainScore:
    applicable = 0
    weight = raw = lo = hi = 0.0
    answered = 0
    for item in items:
        applicable += 1
        got = item_score(defn, item, answers.get(item.key))
        if got is None:
            continue
        s, item_lo, item_hi = got
        answered += 1
        weight += item.weight
        raw += item.weight * s
        lo += item.weight * item_lo
        hi += item.weight * item_hi
    if applicable == 0:
        return DomainScore(key, NOT_APPLICABLE, None, None, 0, 0, None)
    # A tiny tolerance keeps 0.6 × 5 = 3.0000000000000004 from refusing 3 answers.
    if answered == 0 or answered < sc.min_answered * applicable - 1e-9:
        return DomainScore(key, INSUFFICIENT, None, None, answered, applicable, None)
    normalised = 100.0 * (raw - lo) / (hi - lo) if hi > lo else 100.0
    value = round(min(100.0, max(0.0, normalised)), PRECISION)
    shown_raw = raw if sc.method == "sum" else raw / weight
    return DomainScore(
        key,
        SCORED,
        value,
        round(shown_raw, PRECISION),
        answered,
        applicable,
        band_for(sc, value).key,
    )


def score(defn: Definition, answers: Mapping[str, Any], *, audience: str) -> ScoreResult:
    """Check the answers (as a draft) and score every domain and the total."""
    check_answers(defn, answers, audience=audience, complete=False)
    sc = defn.scoring
    if sc is None:
        return ScoreResult(domains=FrozenDict(), total=None, passed=None)
    scored = [it for it in applicable_items(defn, answers, audience=audience) if it.scored]
    domains = FrozenDict(
        {
            d.key: _aggregate(d.key, defn, [it for it in scored if it.domain == d.key], answers, sc)
            for d in defn.domains
        }
    )
    total = _aggregate(TOTAL, defn, scored, answers, sc)
    passed: bool | None = None
    if sc.pass_mark is not None:
        passed = total.score is not None and total.score >= sc.pass_mark
    return ScoreResult(domains=domains, total=total, passed=passed)


def divergences(defn: Definition, a: ScoreResult, b: ScoreResult) -> dict[str, float]:
    """Domains (and "total") scored in both results whose gap a − b is more than the threshold."""
    sc = defn.scoring
    if sc is None or sc.divergence_threshold is None:
        return {}
    pairs = [(k, a.domains.get(k), b.domains.get(k)) for k in a.domains]
    pairs.append((TOTAL, a.total, b.total))
    out: dict[str, float] = {}
    for k, x, y in pairs:
        if x is None or y is None or x.score is None or y.score is None:
            continue
        gap = round(x.score - y.score, PRECISION)
        if abs(gap) > sc.divergence_threshold:
            out[k] = gap
    return out
