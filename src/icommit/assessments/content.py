"""The assessments content (``content/assessments/v1.yaml``): case-work phases, the two tracks
with their stages, and the texts around risk-assessment references, in English and German.

Invariant: every text carries every language; the codes a stored row may hold are the codes of
this file (the services refuse any other).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icommit.core.content import CONTENT_DIR, Checker, load_yaml, relative, translated

PATH = CONTENT_DIR / "assessments" / "v1.yaml"
TRACKS = ("disengagement", "deradicalisation")
UNCLEAR = "unclear"
LEVELS = ("low", "moderate", "high")

Text = dict[str, str]


@dataclass(frozen=True)
class Entry:
    code: str
    title: Text
    description: Text

    def title_in(self, lang: str) -> str:
        return translated(self.title, lang)

    def description_in(self, lang: str) -> str:
        return translated(self.description, lang)


@dataclass(frozen=True)
class Track:
    code: str
    title: Text
    about: Text
    stages: tuple[Entry, ...]

    def stage(self, code: str) -> Entry | None:
        return next((s for s in self.stages if s.code == code), None)


@dataclass(frozen=True)
class Instrument:
    name: str
    about: Text


@dataclass(frozen=True)
class AssessmentsContent:
    version: int
    sources: tuple[str, ...]
    phases: tuple[Entry, ...]
    tracks: dict[str, Track]
    separate: Text
    unclear_note: Text
    bias_warning: Text
    reference_only: Text
    levels: tuple[Entry, ...]
    instruments_note: Text
    instruments: tuple[Instrument, ...]
    summary_should: Text
    summary_should_not: Text

    def phase(self, code: str) -> Entry | None:
        return next((p for p in self.phases if p.code == code), None)

    def level(self, code: str) -> Entry | None:
        return next((lv for lv in self.levels if lv.code == code), None)


def _entries(check: Checker, node: Any, key: str, where: str, text_key: str) -> list[Entry]:
    found: list[Entry] = []
    codes: set[str] = set()
    for index, item in enumerate(check.require(node, key, list, where) or []):
        path = f"{where}.{key}[{index}]" if where else f"{key}[{index}]"
        code = check.require(item, "code", str, path)
        title = check.text(item, "title", path)
        description = check.text(item, text_key, path)
        if code in codes:
            check.add(item, f"{path}.code", f"{code!r} appears twice")
        if code and title and description:
            codes.add(code)
            found.append(Entry(code, title, description))
    return found


def load(path: Path = PATH) -> AssessmentsContent:
    """Parse and check the file; raise ContentError listing every problem."""
    data = load_yaml(path)
    check = Checker(relative(path))
    version = check.require(data, "version", int, "") or 0
    check.text(data, "changes", "")
    sources = tuple(str(s) for s in check.require(data, "sources", list, "") or [])
    if not sources:
        check.add(data, "sources", "name at least one source")
    phases = _entries(check, data, "phases", "", "meaning")
    tracks: dict[str, Track] = {}
    for index, node in enumerate(check.require(data, "tracks", list, "") or []):
        where = f"tracks[{index}]"
        code = check.require(node, "code", str, where)
        title, about = check.text(node, "title", where), check.text(node, "about", where)
        stages = _entries(check, node, "stages", where, "description")
        if code is not None and code not in TRACKS:
            check.add(node, f"{where}.code", f"{code!r} is not one of {list(TRACKS)}")
        elif stages and UNCLEAR not in {s.code for s in stages}:
            check.add(node, f"{where}.stages", f"needs the stage {UNCLEAR!r}")
        if code in TRACKS and title and about and stages:
            tracks[code] = Track(code, title, about, tuple(stages))
    missing = set(TRACKS) - set(tracks)
    if missing:
        check.add(data, "tracks", f"missing {sorted(missing)}")
    risk = check.require(data, "risk", dict, "") or {}
    levels = _entries(check, risk, "levels", "risk", "description")
    if [lv.code for lv in levels] != list(LEVELS):
        check.add(risk, "risk.levels", f"must be {list(LEVELS)} in this order")
    instruments = []
    for index, node in enumerate(check.require(risk, "instruments", list, "risk") or []):
        where = f"risk.instruments[{index}]"
        name = check.require(node, "name", str, where)
        about = check.text(node, "about", where)
        if name and about:
            instruments.append(Instrument(name, about))
    texts = {key: check.text(data, key, "") for key in ("separate", "unclear_note")}
    risk_texts = {
        key: check.text(risk, key, "risk")
        for key in (
            "bias_warning",
            "reference_only",
            "instruments_note",
            "summary_should",
            "summary_should_not",
        )
    }
    check.raise_if_any()
    return AssessmentsContent(
        version=version,
        sources=sources,
        phases=tuple(phases),
        tracks=tracks,
        levels=tuple(levels),
        instruments=tuple(instruments),
        **{k: v or {} for k, v in texts.items()},
        **{k: v or {} for k, v in risk_texts.items()},
    )


@functools.cache
def content() -> AssessmentsContent:
    """The shipped content, loaded once."""
    return load(PATH)
