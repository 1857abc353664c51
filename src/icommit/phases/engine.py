"""The rules of the phase model as pure functions: gate readiness, task counts, neighbouring
phases, and a team's local adaptations of a model. No database, no clock, no request.

Invariant: readiness counts only the gate's tasks; a task marked not applicable leaves the
denominator, and the gate is met only when every gate task is done or not applicable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _

from icommit.core.content import LANGUAGES
from icommit.core.exceptions import ValidationFailed
from icommit.methodology.definition import Gate, Phase, PhaseModel, Task

DONE = "done"
NOT_APPLICABLE = "not_applicable"
IN_PROGRESS = "in_progress"
OPEN = "open"

#: Limits on a team's own texts.
TITLE_MAX = 200
EVIDENCE_MAX = 500
#: At most this many adaptations in one derived version.
CHANGES_MAX = 50


@dataclass(frozen=True)
class Readiness:
    """How far a phase is from its gate."""

    percent: int
    done: int
    #: Gate tasks that count: all of them minus those not applicable.
    required: int
    not_applicable: int
    #: Gate tasks neither done nor not applicable, in gate order.
    missing: tuple[str, ...]

    @property
    def met(self) -> bool:
        return not self.missing


def readiness(gate_tasks: Sequence[str], states: Mapping[str, str]) -> Readiness:
    """Readiness for a gate, from the gate's task ids and the task states (absent = open)."""
    done = not_applicable = 0
    missing: list[str] = []
    for task_id in gate_tasks:
        state = states.get(task_id, OPEN)
        if state == DONE:
            done += 1
        elif state == NOT_APPLICABLE:
            not_applicable += 1
        else:
            missing.append(task_id)
    required = len(gate_tasks) - not_applicable
    percent = 100 if required == 0 else done * 100 // required
    return Readiness(percent, done, required, not_applicable, tuple(missing))


@dataclass(frozen=True)
class TaskCounts:
    done: int
    in_progress: int
    not_applicable: int
    #: Tasks that apply: all of them minus those not applicable.
    total: int


def task_counts(task_ids: Sequence[str], states: Mapping[str, str]) -> TaskCounts:
    """Count a phase's tasks by state (absent = open)."""
    values = [states.get(t, OPEN) for t in task_ids]
    not_applicable = values.count(NOT_APPLICABLE)
    return TaskCounts(
        done=values.count(DONE),
        in_progress=values.count(IN_PROGRESS),
        not_applicable=not_applicable,
        total=len(values) - not_applicable,
    )


def neighbour(keys: Sequence[str], current: str, step: int) -> str | None:
    """The phase ``step`` places from ``current`` (+1 next, -1 previous), or None at the ends."""
    index = list(keys).index(current) + step
    return keys[index] if 0 <= index < len(keys) else None


# --- local adaptations ------------------------------------------------------------------------

ADD, DROP, REWORD, GATE = "add", "drop", "reword", "gate"
OPERATIONS = (ADD, DROP, REWORD, GATE)


def _own_text(value: Any, field: str, limit: int) -> dict[str, str]:
    text = " ".join(str(value or "").split())
    if not text:
        raise ValidationFailed.field(field, _("This field is required."))
    if len(text) > limit:
        raise ValidationFailed.field(
            field, _("Keep it to %(limit)s characters.") % {"limit": limit}
        )
    return dict.fromkeys(LANGUAGES, text)


def _find(phases: list[Phase], task_id: Any) -> tuple[int, Task]:
    for index, phase in enumerate(phases):
        task = phase.task(str(task_id or ""))
        if task is not None:
            return index, task
    raise ValidationFailed.field("task", _("This task is not in the model."))


def _replace_task(phase: Phase, task: Task) -> Phase:
    return replace(phase, tasks=tuple(task if t.id == task.id else t for t in phase.tasks))


def apply_changes(
    model: PhaseModel, changes: Sequence[Mapping[str, Any]], *, revision: int
) -> tuple[PhaseModel, list[dict[str, Any]]]:
    """Apply a team's adaptations to a model; return the new model and the changes as applied.

    Operations: ``add`` (phase, title, evidence, gate), ``drop`` (task), ``reword`` (task,
    title and/or evidence) and ``gate`` (task, required). Tasks a team adds get the id
    ``<phase>.local-<revision>[-<n>]``, never used before because revisions only grow.
    """
    if not changes:
        raise ValidationFailed.field("changes", _("Name at least one change."))
    if len(changes) > CHANGES_MAX:
        raise ValidationFailed.field(
            "changes", _("At most %(n)s changes at a time.") % {"n": CHANGES_MAX}
        )
    phases = list(model.phases)
    applied: list[dict[str, Any]] = []
    added = 0
    for change in changes:
        op = change.get("op")
        if op == ADD:
            key = change.get("phase")
            index = next((i for i, p in enumerate(phases) if p.key == key), None)
            if index is None:
                raise ValidationFailed.field("phase", _("Choose a phase."))
            added += 1
            task_id = f"{key}.local-{revision}" + (f"-{added}" if added > 1 else "")
            task = Task(
                id=task_id,
                title=_own_text(change.get("title"), "title", TITLE_MAX),
                evidence=_own_text(change.get("evidence"), "evidence", EVIDENCE_MAX),
                origin="added",
            )
            phase = phases[index]
            gate = phase.gate
            in_gate = bool(change.get("gate"))
            if in_gate:
                gate = replace(gate, tasks=(*gate.tasks, task_id))
            phases[index] = replace(phase, tasks=(*phase.tasks, task), gate=gate)
            applied.append(
                {
                    "op": ADD,
                    "phase": key,
                    "task": task_id,
                    "title": task.title["en"],
                    "evidence": task.evidence["en"],
                    "gate": in_gate,
                }
            )
        elif op == DROP:
            index, task = _find(phases, change.get("task"))
            phase = phases[index]
            if len(phase.tasks) == 1:
                raise ValidationFailed.field("task", _("A phase needs at least one task."))
            if phase.gate.tasks == (task.id,):
                raise ValidationFailed.field(
                    "task", _("This is the only task of the gate; add another to the gate first.")
                )
            phases[index] = replace(
                phase,
                tasks=tuple(t for t in phase.tasks if t.id != task.id),
                gate=Gate(
                    tasks=tuple(t for t in phase.gate.tasks if t != task.id),
                    criteria=phase.gate.criteria,
                ),
            )
            applied.append({"op": DROP, "task": task.id})
        elif op == REWORD:
            index, task = _find(phases, change.get("task"))
            title = change.get("title")
            evidence = change.get("evidence")
            if not str(title or "").strip() and not str(evidence or "").strip():
                raise ValidationFailed.field("title", _("Give the new wording."))
            new = replace(
                task,
                title=_own_text(title, "title", TITLE_MAX)
                if str(title or "").strip()
                else task.title,
                evidence=_own_text(evidence, "evidence", EVIDENCE_MAX)
                if str(evidence or "").strip()
                else task.evidence,
                origin=task.origin or "reworded",
            )
            if new == task:
                raise ValidationFailed.field("title", _("The wording is unchanged."))
            phases[index] = _replace_task(phases[index], new)
            applied.append(
                {
                    "op": REWORD,
                    "task": task.id,
                    "title": new.title["en"],
                    "evidence": new.evidence["en"],
                }
            )
        elif op == GATE:
            index, task = _find(phases, change.get("task"))
            phase = phases[index]
            required = bool(change.get("required"))
            in_gate = task.id in phase.gate.tasks
            if required == in_gate:
                raise ValidationFailed.field("task", _("The gate already is like that."))
            if not required and phase.gate.tasks == (task.id,):
                raise ValidationFailed.field("task", _("The gate needs at least one task."))
            tasks = (
                tuple(t.id for t in phase.tasks if t.id in phase.gate.tasks or t.id == task.id)
                if required
                else tuple(t for t in phase.gate.tasks if t != task.id)
            )
            phases[index] = replace(phase, gate=replace(phase.gate, tasks=tasks))
            applied.append({"op": GATE, "task": task.id, "required": required})
        else:
            raise ValidationFailed.field("op", _("Unknown kind of change."))
    return replace(model, phases=tuple(phases)), applied
