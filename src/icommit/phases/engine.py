"""The rules of the phase model as pure functions: gate readiness, task counts, neighbouring
phases, a team's local adaptations of a model, what changed between two versions, and a team's
adaptations carried onto a newer version. No database, no clock, no request.

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


# --- moving to a newer version ----------------------------------------------------------------

#: How a task differs between two versions of a model.
TASK_ADDED, TASK_REMOVED, TASK_CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class TaskDiff:
    """One task that differs between two versions, in one phase."""

    kind: str
    task: Task
    #: For a changed task: its text in the older version.
    before: Task | None = None
    #: Whether the task is required for the phase's gate (in the newer version; for a removed
    #: task, in the older one), and whether that changed.
    in_gate: bool = False
    gate_changed: bool = False
    text_changed: bool = False


@dataclass(frozen=True)
class PhaseDiff:
    key: str
    tasks: tuple[TaskDiff, ...]

    def of(self, kind: str) -> list[TaskDiff]:
        return [d for d in self.tasks if d.kind == kind]

    @property
    def added(self) -> list[TaskDiff]:
        return self.of(TASK_ADDED)

    @property
    def removed(self) -> list[TaskDiff]:
        return self.of(TASK_REMOVED)

    @property
    def changed(self) -> list[TaskDiff]:
        return self.of(TASK_CHANGED)

    @property
    def new_gate_tasks(self) -> list[Task]:
        """Tasks the newer gate requires that the older gate did not."""
        return [
            d.task
            for d in self.tasks
            if d.in_gate and d.kind != TASK_REMOVED and (d.gate_changed or d.kind == TASK_ADDED)
        ]


def compare(old: PhaseModel, new: PhaseModel) -> list[PhaseDiff]:
    """What changed from ``old`` to ``new``, phase by phase, by task id (phase keys are stable).

    A task whose id moved to another phase counts as removed from one and added to the other.
    """
    diffs: list[PhaseDiff] = []
    for key in new.phase_keys:
        after = new.phase(key)
        before = old.phase(key) if key in old.phase_keys else None
        old_tasks = {t.id: t for t in before.tasks} if before else {}
        old_gate = set(before.gate.tasks) if before else set()
        items: list[TaskDiff] = []
        for task in after.tasks:
            in_gate = task.id in after.gate.tasks
            previous = old_tasks.get(task.id)
            if previous is None:
                items.append(TaskDiff(TASK_ADDED, task, in_gate=in_gate))
                continue
            text_changed = (previous.title, previous.evidence) != (task.title, task.evidence)
            gate_changed = in_gate != (task.id in old_gate)
            if text_changed or gate_changed:
                items.append(
                    TaskDiff(
                        TASK_CHANGED,
                        task,
                        before=previous,
                        in_gate=in_gate,
                        gate_changed=gate_changed,
                        text_changed=text_changed,
                    )
                )
        kept = {t.id for t in after.tasks}
        for task in before.tasks if before else ():
            if task.id not in kept:
                items.append(TaskDiff(TASK_REMOVED, task, in_gate=task.id in old_gate))
        diffs.append(PhaseDiff(key, tuple(items)))
    return diffs


@dataclass(frozen=True)
class Carried:
    """A team's adaptations carried onto a newer version: the model, and what was kept."""

    model: PhaseModel
    #: The adaptations as applied to the newer version (the same form as ``apply_changes``).
    applied: list[dict[str, Any]]
    #: Adaptations that no longer apply, each with the reason ("gone": its task is not in the
    #: newer version; "needed": dropping it would leave a gate or a phase empty).
    skipped: list[dict[str, Any]]


def _changed_part(recorded: Any, shipped: Mapping[str, str] | None) -> dict[str, str] | None:
    """A team's reworded text, or None where the team left the shipped text as it was."""
    text = str(recorded or "")
    if not text or (shipped is not None and text == shipped.get("en")):
        return None
    return dict.fromkeys(LANGUAGES, text)


def carry_adaptations(
    target: PhaseModel, history: Sequence[tuple[PhaseModel, Sequence[Mapping[str, Any]]]]
) -> Carried:
    """Apply a team's recorded adaptations, oldest first, to a newer shipped version.

    ``history`` holds, for each of the team's derived versions, the model it was derived from
    and the changes as applied then. Tasks the team added keep their ids (so their states carry
    over); a rewording keeps only the parts the team changed; a change whose task the newer
    version no longer has is skipped, never guessed.
    """
    phases = list(target.phases)
    applied: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []

    def locate(task_id: str) -> tuple[int, Task] | None:
        for index, phase in enumerate(phases):
            task = phase.task(task_id)
            if task is not None:
                return index, task
        return None

    for parent, changes in history:
        for change in changes:
            op = change.get("op")
            task_id = str(change.get("task", ""))
            if op == ADD:
                key = change.get("phase")
                index = next((i for i, p in enumerate(phases) if p.key == key), None)
                if index is None or locate(task_id) is not None:
                    skipped.append({**change, "reason": "gone"})
                    continue
                text = str(change.get("title", ""))
                task = Task(
                    id=task_id,
                    title=dict.fromkeys(LANGUAGES, text),
                    evidence=dict.fromkeys(LANGUAGES, str(change.get("evidence", ""))),
                    origin="added",
                )
                phase = phases[index]
                gate = phase.gate
                if change.get("gate"):
                    gate = replace(gate, tasks=(*gate.tasks, task_id))
                phases[index] = replace(phase, tasks=(*phase.tasks, task), gate=gate)
                applied.append(dict(change))
                continue
            found = locate(task_id)
            if found is None:
                if op != DROP:  # a dropped task the newer version lacks is gone anyway
                    skipped.append({**change, "reason": "gone"})
                continue
            index, task = found
            phase = phases[index]
            if op == DROP:
                if len(phase.tasks) == 1 or phase.gate.tasks == (task_id,):
                    skipped.append({**change, "reason": "needed"})
                    continue
                phases[index] = replace(
                    phase,
                    tasks=tuple(t for t in phase.tasks if t.id != task_id),
                    gate=replace(
                        phase.gate, tasks=tuple(t for t in phase.gate.tasks if t != task_id)
                    ),
                )
                applied.append(dict(change))
            elif op == REWORD:
                old_phase = parent.phase_of_task(task_id)
                old = old_phase.task(task_id) if old_phase else None
                title = _changed_part(change.get("title"), old.title if old else None)
                evidence = _changed_part(change.get("evidence"), old.evidence if old else None)
                if title is None and evidence is None:
                    continue  # the team's wording is the shipped one: nothing to carry
                new = replace(
                    task,
                    title=title or task.title,
                    evidence=evidence or task.evidence,
                    origin=task.origin or "reworded",
                )
                phases[index] = _replace_task(phase, new)
                applied.append(dict(change))
            elif op == GATE:
                required = bool(change.get("required"))
                in_gate = task_id in phase.gate.tasks
                if required == in_gate:
                    continue  # the newer version already has it so
                if not required and phase.gate.tasks == (task_id,):
                    skipped.append({**change, "reason": "needed"})
                    continue
                tasks = (
                    tuple(t.id for t in phase.tasks if t.id in phase.gate.tasks or t.id == task_id)
                    if required
                    else tuple(t for t in phase.gate.tasks if t != task_id)
                )
                phases[index] = replace(phase, gate=replace(phase.gate, tasks=tasks))
                applied.append(dict(change))
            else:
                skipped.append({**change, "reason": "gone"})
    return Carried(replace(target, phases=tuple(phases)), applied, skipped)
