"""A phase model as plain, immutable data: phases, tasks, gates and the help each phase names.

Invariant: ``PhaseModel.from_dict(model.to_dict()) == model``, and ``content_hash`` depends only
on the definition, so a stored version can be recognised and never silently changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from icommit.core.audit import canonical_json
from icommit.core.content import translated

#: Phase keys of every icommit phase model, in order. Other parts of icommit refer to them.
PHASE_KEYS = ("exploration", "setup", "operation", "monitoring", "consolidation")

#: A text in every content language: {"en": ..., "de": ...}.
Text = Mapping[str, str]


def text_in(text: Text | None, language: str) -> str:
    return translated(dict(text) if text else None, language)


@dataclass(frozen=True)
class Task:
    id: str
    title: Text
    evidence: Text
    #: "" for a shipped task; "added" or "reworded" when a team's derived version changed it
    #: (the text is then the team's own, the same in every language).
    origin: str = ""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": dict(self.title),
            "evidence": dict(self.evidence),
        }
        if self.origin:
            data["origin"] = self.origin
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Task:
        return cls(
            id=data["id"],
            title=dict(data["title"]),
            evidence=dict(data["evidence"]),
            origin=str(data.get("origin", "")),
        )


@dataclass(frozen=True)
class Gate:
    #: Tasks that must be done (or not applicable) before the team moves on.
    tasks: tuple[str, ...]
    #: Further criteria the coordinator weighs; they are not computed.
    criteria: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Phase:
    key: str
    title: Text
    summary: Text
    objectives: tuple[Text, ...]
    tasks: tuple[Task, ...]
    outputs: tuple[Text, ...]
    indicators: tuple[str, ...]
    gate: Gate
    training_modules: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": dict(self.title),
            "summary": dict(self.summary),
            "objectives": [dict(o) for o in self.objectives],
            "tasks": [t.to_dict() for t in self.tasks],
            "outputs": [dict(o) for o in self.outputs],
            "indicators": list(self.indicators),
            "gate": {
                "tasks": list(self.gate.tasks),
                "criteria": [dict(c) for c in self.gate.criteria],
            },
            "help": {"training_modules": list(self.training_modules), "tools": list(self.tools)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Phase:
        gate = data.get("gate") or {}
        help_ = data.get("help") or {}
        return cls(
            key=data["key"],
            title=dict(data["title"]),
            summary=dict(data["summary"]),
            objectives=tuple(dict(o) for o in data.get("objectives", [])),
            tasks=tuple(Task.from_dict(t) for t in data.get("tasks", [])),
            outputs=tuple(dict(o) for o in data.get("outputs", [])),
            indicators=tuple(data.get("indicators", [])),
            gate=Gate(
                tasks=tuple(gate.get("tasks", [])),
                criteria=tuple(dict(c) for c in gate.get("criteria", [])),
            ),
            training_modules=tuple(help_.get("training_modules", [])),
            tools=tuple(help_.get("tools", [])),
        )


@dataclass(frozen=True)
class PhaseModel:
    key: str
    version: int
    title: Text
    phases: tuple[Phase, ...]
    changes: Text = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    @property
    def phase_keys(self) -> list[str]:
        return [p.key for p in self.phases]

    def phase(self, key: str) -> Phase:
        for phase in self.phases:
            if phase.key == key:
                return phase
        raise KeyError(key)

    def phase_of_task(self, task_id: str) -> Phase | None:
        return next((p for p in self.phases if p.task(task_id) is not None), None)

    def task_ids(self) -> list[str]:
        return [t.id for p in self.phases for t in p.tasks]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "version": self.version,
            "title": dict(self.title),
            "changes": dict(self.changes),
            "sources": list(self.sources),
            "phases": [p.to_dict() for p in self.phases],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhaseModel:
        return cls(
            key=data["key"],
            version=int(data["version"]),
            title=dict(data["title"]),
            changes=dict(data.get("changes") or {}),
            sources=tuple(data.get("sources", [])),
            phases=tuple(Phase.from_dict(p) for p in data["phases"]),
        )

    @cached_property
    def content_hash(self) -> str:
        return content_hash(self.to_dict())


def content_hash(definition: Mapping[str, Any]) -> str:
    """SHA-256 over the canonical JSON of a definition."""
    return hashlib.sha256(canonical_json(definition).encode()).hexdigest()
