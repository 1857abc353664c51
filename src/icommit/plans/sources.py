"""Plan sources as a protocol: what a goal or action was created from.

An app that hands things to the plan (phase tasks, meeting decisions, recommendations) registers
its source kind here from its ``AppConfig.ready``; ``plans.services`` refuses any kind not
registered. A kind is a validated string, so a new kind needs no migration (decision 0012).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

#: kind -> translated label ("Phase task"); filled at start-up, read-only afterwards.
_KINDS: dict[str, str | Promise] = {}

#: The longest kind and source id the link table stores.
KIND_MAX, ID_MAX, LABEL_MAX = 40, 100, 300


@dataclass(frozen=True)
class SourceRef:
    """One thing in another app that a goal or action is created from."""

    kind: str
    id: str
    label: str


def register(kind: str, label: str | Promise) -> None:
    """Make ``kind`` a known plan source; called once from the owning app's ``ready``."""
    if not kind or len(kind) > KIND_MAX or not kind.replace("_", "").isalnum():
        raise ValueError(f"plan source kind {kind!r}: use up to {KIND_MAX} letters and '_'")
    if _KINDS.get(kind, label) != label:
        raise ValueError(f"plan source kind {kind!r} is already registered with another label")
    _KINDS[kind] = label


def is_registered(kind: str) -> bool:
    """Whether an app registered this source kind."""
    return kind in _KINDS


def label_of(kind: str) -> str:
    """The translated name of a source kind ("" for none or an unknown kind)."""
    label = _KINDS.get(kind)
    return str(label) if label is not None else ""
