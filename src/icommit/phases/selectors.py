"""Reads on phase progress, in a fixed number of queries, with texts in the reader's language.

A team without a progress row is shown in the first phase of the newest shipped default
model; nothing is written on a read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.methodology.content import catalogue, default_model
from icommit.methodology.content import content as shipped_content
from icommit.methodology.definition import Phase, PhaseModel, Text, text_in
from icommit.phases import engine
from icommit.phases.models import (
    PhaseModelVersion,
    PhaseMove,
    PhaseProgress,
    TaskState,
    TaskStatus,
)
from icommit.teams.models import Team


def _lang(language: str | None) -> str:
    return (language or get_language() or "en").split("-")[0]


@dataclass(frozen=True)
class TaskView:
    id: str
    title: str
    evidence_hint: str
    in_gate: bool
    origin: str
    state: str
    state_label: str
    evidence: str
    reason: str
    updated_at: datetime.datetime | None
    updated_by: str

    @property
    def slug(self) -> str:
        return self.id.replace(".", "-")


@dataclass(frozen=True)
class HelpItem:
    id: str
    title: str


@dataclass(frozen=True)
class PhaseView:
    key: str
    number: int
    title: str
    summary: str
    objectives: list[str]
    outputs: list[str]
    indicators: list[HelpItem]
    gate_criteria: list[str]
    training_modules: list[HelpItem]
    tools: list[HelpItem]


@dataclass(frozen=True)
class HistoryEntry:
    move: PhaseMove
    from_title: str
    to_title: str


@dataclass
class TeamPhase:
    """Everything the phase page and the API show about a team's progress."""

    team: Team
    progress: PhaseProgress | None
    version: PhaseModelVersion
    model: PhaseModel
    phase: PhaseView
    phases: list[PhaseView]
    tasks: list[TaskView]
    readiness: engine.Readiness
    counts: engine.TaskCounts
    entered_at: datetime.datetime
    next_phase: PhaseView | None
    previous_phase: PhaseView | None
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.phases)


def _unsaved_shipped(model: PhaseModel) -> PhaseModelVersion:
    return PhaseModelVersion(
        key=model.key,
        version=model.version,
        revision=0,
        content_hash=model.content_hash,
        definition=model.to_dict(),
    )


def _items(ids: Iterable[str], entries: dict[str, Any], language: str) -> list[HelpItem]:
    return [HelpItem(i, entries[i].title_in(language) if i in entries else i) for i in ids]


def _phase_view(phase: Phase, number: int, language: str) -> PhaseView:
    cat = catalogue()

    def texts(values: Iterable[Text]) -> list[str]:
        return [text_in(v, language) for v in values]

    return PhaseView(
        key=phase.key,
        number=number,
        title=text_in(phase.title, language),
        summary=text_in(phase.summary, language),
        objectives=texts(phase.objectives),
        outputs=texts(phase.outputs),
        indicators=_items(phase.indicators, cat.indicators, language),
        gate_criteria=texts(phase.gate.criteria),
        training_modules=_items(phase.training_modules, cat.training_modules, language),
        tools=_items(phase.tools, cat.tools, language),
    )


def _task_views(phase: Phase, states: dict[str, TaskState], language: str) -> list[TaskView]:
    labels = dict(TaskStatus.choices)
    views = []
    for task in phase.tasks:
        state = states.get(task.id)
        value = state.state if state else TaskStatus.OPEN.value
        views.append(
            TaskView(
                id=task.id,
                title=text_in(task.title, language),
                evidence_hint=text_in(task.evidence, language),
                in_gate=task.id in phase.gate.tasks,
                origin=task.origin,
                state=value,
                state_label=str(labels[value]),
                evidence=state.evidence if state else "",
                reason=state.reason if state else "",
                updated_at=state.updated_at if state else None,
                updated_by=state.updated_by.full_name if state and state.updated_by else "",
            )
        )
    return views


def _progress(team: Team) -> PhaseProgress | None:
    return PhaseProgress.objects.select_related("model_version").filter(team=team).first()


def team_phase(*, team: Team, language: str | None = None, history: bool = True) -> TeamPhase:
    """The team's current phase, its tasks and states, readiness and (optionally) history."""
    language = _lang(language)
    progress = _progress(team)
    if progress is None:
        model = default_model()
        version = _unsaved_shipped(model)
        key, entered_at = model.phase_keys[0], team.created_at
    else:
        version = progress.model_version
        model = version.model()
        key, entered_at = progress.phase_key, progress.entered_at
    views = [_phase_view(p, i, language) for i, p in enumerate(model.phases, start=1)]
    by_key = {v.key: v for v in views}
    phase = model.phase(key)
    states = {
        s.task_id: s
        for s in TaskState.objects.filter(
            team=team, task_id__in=[t.id for t in phase.tasks]
        ).select_related("updated_by")
    }
    plain = {k: s.state for k, s in states.items()}
    next_key = engine.neighbour(model.phase_keys, key, +1)
    previous_key = engine.neighbour(model.phase_keys, key, -1)
    entries: list[HistoryEntry] = []
    if history:
        for move in team_moves(team=team):
            entries.append(
                HistoryEntry(
                    move,
                    by_key[move.from_key].title if move.from_key in by_key else move.from_key,
                    by_key[move.to_key].title if move.to_key in by_key else move.to_key,
                )
            )
    return TeamPhase(
        team=team,
        progress=progress,
        version=version,
        model=model,
        phase=by_key[key],
        phases=views,
        tasks=_task_views(phase, states, language),
        readiness=engine.readiness(phase.gate.tasks, plain),
        counts=engine.task_counts([t.id for t in phase.tasks], plain),
        entered_at=entered_at,
        next_phase=by_key[next_key] if next_key else None,
        previous_phase=by_key[previous_key] if previous_key else None,
        history=entries,
    )


def team_moves(*, team: Team) -> QuerySet[PhaseMove]:
    """Every move of the team between phases, newest first, with who moved it."""
    return (
        PhaseMove.objects.filter(team=team).select_related("moved_by").order_by("-moved_at", "-pk")
    )


def team_versions(*, team: Team) -> QuerySet[PhaseModelVersion]:
    """The team's derived model versions, newest first, with who derived them."""
    return (
        PhaseModelVersion.objects.filter(team=team)
        .select_related("created_by", "parent")
        .order_by("-revision")
    )


def phase_summaries(teams: Iterable[Team], language: str | None = None) -> dict[int, dict]:
    """``phase_summary`` for several teams at once, in three queries whatever their number."""
    language = _lang(language)
    teams = list(teams)
    ids = [t.pk for t in teams]
    progress = {
        p.team_id: p
        for p in PhaseProgress.objects.filter(team_id__in=ids).select_related("model_version")
    }
    states: dict[int, dict[str, str]] = {}
    for team_id, task_id, state in TaskState.objects.filter(team_id__in=ids).values_list(
        "team_id", "task_id", "state"
    ):
        states.setdefault(team_id, {})[task_id] = state
    shipped = default_model()
    parsed: dict[int, PhaseModel] = {}
    result: dict[int, dict] = {}
    for team in teams:
        row = progress.get(team.pk)
        if row is None:
            model, key, version = shipped, shipped.phase_keys[0], _unsaved_shipped(shipped)
        else:
            model = parsed.setdefault(row.model_version_id, row.model_version.model())
            key, version = row.phase_key, row.model_version
        phase = model.phase(key)
        team_states = states.get(team.pk, {})
        counts = engine.task_counts([t.id for t in phase.tasks], team_states)
        ready = engine.readiness(phase.gate.tasks, team_states)
        result[team.pk] = {
            "number": model.phase_keys.index(key) + 1,
            "total": len(model.phases),
            "key": key,
            "title": text_in(phase.title, language),
            "tasks_done": counts.done,
            "tasks_total": counts.total,
            "readiness": ready.percent,
            "gate_met": ready.met,
            "model_version": version_label(version, model, language),
            "adapted": bool(version.revision),
        }
    return result


def phase_summary(team: Team, language: str | None = None) -> dict:
    """Where the team stands: phase number (1–5), key, title, tasks done / total, readiness %.

    Keys: number, total, key, title, tasks_done, tasks_total (not-applicable tasks left out),
    readiness (per cent), gate_met, model_version (its name on pages), adapted.
    """
    return phase_summaries([team], language)[team.pk]


def version_label(
    version: PhaseModelVersion, model: PhaseModel, language: str | None = None
) -> str:
    """How a model version is named on pages: shipped, or the team's own adaptation."""
    title = text_in(model.title, _lang(language))
    if version.revision:
        return _("%(title)s, version %(version)s, adapted by the team (adaptation %(n)s)") % {
            "title": title,
            "version": version.version,
            "n": version.revision,
        }
    return _("%(title)s, version %(version)s, as shipped") % {
        "title": title,
        "version": version.version,
    }


def describe_change(change: dict[str, Any], model: PhaseModel, language: str | None = None) -> str:
    """One adaptation of a derived version, in words."""
    language = _lang(language)
    op = change.get("op")
    task = str(change.get("task", ""))
    phase = model.phase_of_task(task)
    found = phase.task(task) if phase else None
    name = text_in(found.title, language) if found else task
    if op == engine.ADD:
        if change.get("gate"):
            return _("Added the task “%(task)s”, required for the gate.") % {"task": name}
        return _("Added the task “%(task)s”.") % {"task": name}
    if op == engine.DROP:
        return _("Dropped the task %(task)s.") % {"task": task}
    if op == engine.REWORD:
        return _("Reworded the task %(task)s: “%(title)s”.") % {
            "task": task,
            "title": change.get("title", ""),
        }
    if op == engine.GATE:
        if change.get("required"):
            return _("Made the task “%(task)s” required for the gate.") % {"task": name}
        return _("The task “%(task)s” is no longer required for the gate.") % {"task": name}
    return str(op)


@dataclass(frozen=True)
class VersionRow:
    version: PhaseModelVersion
    label: str
    parent_label: str
    changes: list[str]


def version_rows(*, team: Team, language: str | None = None) -> list[VersionRow]:
    """The team's derived versions, newest first, each with what it changed."""
    rows = []
    for version in team_versions(team=team):
        model = version.model()
        parent = version.parent
        rows.append(
            VersionRow(
                version=version,
                label=version_label(version, model, language),
                parent_label=version_label(parent, parent.model(), language) if parent else "",
                changes=[describe_change(c, model, language) for c in version.changes],
            )
        )
    return rows


def task_choices(model: PhaseModel, language: str | None = None) -> list[tuple[str, Any]]:
    """Every task of the model, grouped by phase, for a choice field."""
    language = _lang(language)
    return [
        (
            f"{number}. {text_in(phase.title, language)}",
            [(t.id, text_in(t.title, language)) for t in phase.tasks],
        )
        for number, phase in enumerate(model.phases, start=1)
    ]


def task_in_model(*, team: Team, task_id: str) -> tuple[Phase, TaskView] | None:
    """A task of the model the team follows (any phase) with the team's state, or None."""
    tp = team_phase(team=team, history=False)
    phase = tp.model.phase_of_task(task_id)
    if phase is None:
        return None
    task = phase.task(task_id)
    assert task is not None
    state = TaskState.objects.filter(team=team, task_id=task_id).first()
    view = _task_views(
        replace(phase, tasks=(task,)), {task_id: state} if state else {}, _lang(None)
    )
    return phase, view[0]


# --- moving to a newer version ----------------------------------------------------------------


def adaptation_history(version: PhaseModelVersion) -> list[tuple[PhaseModel, list[Any]]]:
    """The team's derived versions behind ``version``, oldest first: (parent model, changes)."""
    chain: list[tuple[PhaseModel, list[Any]]] = []
    row: PhaseModelVersion | None = version
    while row is not None and row.team_id is not None:
        parent = row.parent
        if parent is None:
            break
        chain.append((parent.model(), list(row.changes or [])))
        row = parent
    chain.reverse()
    return chain


def newest_shipped(key: str) -> PhaseModel | None:
    """The newest shipped version of a model, or None if icommit ships no model by that key."""
    try:
        return shipped_content().latest(key)
    except KeyError:
        return None


@dataclass(frozen=True)
class TaskChange:
    id: str
    title: str
    #: The title and evidence hint in the version the team follows now, where they read
    #: differently in the reader's language (changed tasks only; "" where they read the same).
    before_title: str
    evidence_hint: str
    before_evidence: str
    in_gate: bool
    gate_changed: bool
    text_changed: bool
    #: The team's state of the task (it carries over by id), as a label.
    state_label: str


@dataclass(frozen=True)
class PhaseChanges:
    key: str
    number: int
    title: str
    #: "past" (a gate the team passed), "current" or "future".
    position: str
    added: list[TaskChange]
    removed: list[TaskChange]
    changed: list[TaskChange]
    #: Tasks the gate of this phase newly requires.
    new_gate_tasks: list[str]

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class UpgradePreview:
    """What moving the team to the newest shipped version would change."""

    current_label: str
    target_label: str
    target_version: int
    #: The newer version's own account of what changed, in the reader's language.
    target_changes: str
    #: The content hash of the version the team follows now (a guard against a stale page).
    expected_hash: str
    phase_key: str
    phase_title: str
    phases: list[PhaseChanges]
    #: The team's adaptations that no longer apply, in words.
    skipped: list[str]
    #: How many of the team's adaptations carry over.
    carried: int

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": sum(len(p.added) for p in self.phases),
            "removed": sum(len(p.removed) for p in self.phases),
            "changed": sum(len(p.changed) for p in self.phases),
        }


def newer_version(tp: TeamPhase) -> int | None:
    """The number of a newer shipped version of the model the team follows, if there is one."""
    target = newest_shipped(tp.version.key)
    if target is None or target.version <= tp.version.version:
        return None
    return target.version


def _describe_skipped(change: dict[str, Any]) -> str:
    task = str(change.get("task", ""))
    if change.get("reason") == "needed":
        return _(
            "Your change to the task %(task)s is not carried over: the newer version needs the "
            "task in its gate."
        ) % {"task": task}
    return _(
        "Your change to the task %(task)s is not carried over: the newer version no longer has "
        "this task."
    ) % {"task": task}


def upgrade_preview(*, team: Team, language: str | None = None) -> UpgradePreview | None:
    """What changes if the team moves to the newest shipped version; None if it follows it."""
    language = _lang(language)
    tp = team_phase(team=team, language=language, history=False)
    target = newest_shipped(tp.version.key)
    if target is None or target.version <= tp.version.version:
        return None
    history = adaptation_history(tp.version) if tp.version.team_id else []
    carried = engine.carry_adaptations(target, history) if history else None
    new_model = carried.model if carried else target
    states = dict(TaskState.objects.filter(team=team).values_list("task_id", "state"))
    labels = dict(TaskStatus.choices)
    current_index = tp.model.phase_keys.index(tp.phase.key)

    def differs(before: Text | None, after: Text) -> str:
        old = text_in(before, language) if before is not None else ""
        return old if old != text_in(after, language) else ""

    def change(diff: engine.TaskDiff) -> TaskChange:
        before = diff.before
        return TaskChange(
            id=diff.task.id,
            title=text_in(diff.task.title, language),
            before_title=differs(before.title, diff.task.title) if before else "",
            evidence_hint=text_in(diff.task.evidence, language),
            before_evidence=differs(before.evidence, diff.task.evidence) if before else "",
            in_gate=diff.in_gate,
            gate_changed=diff.gate_changed,
            text_changed=diff.text_changed,
            state_label=str(labels[states.get(diff.task.id, TaskStatus.OPEN.value)]),
        )

    phases = []
    for number, diff in enumerate(engine.compare(tp.model, new_model), start=1):
        index = new_model.phase_keys.index(diff.key)
        position = (
            "past" if index < current_index else "current" if index == current_index else "future"
        )
        phases.append(
            PhaseChanges(
                key=diff.key,
                number=number,
                title=text_in(new_model.phase(diff.key).title, language),
                position=position,
                added=[change(d) for d in diff.added],
                removed=[change(d) for d in diff.removed],
                changed=[change(d) for d in diff.changed],
                new_gate_tasks=[text_in(t.title, language) for t in diff.new_gate_tasks],
            )
        )
    target_row = _unsaved_shipped(target)
    if carried is not None:
        target_row.revision = 1  # named as adapted; the real number is given when it is stored
    return UpgradePreview(
        current_label=version_label(tp.version, tp.model, language),
        target_label=version_label(target_row, target, language)
        if carried is None
        else _("%(title)s, version %(version)s, with your team's adaptations")
        % {
            "title": text_in(target.title, language),
            "version": target.version,
        },
        target_version=target.version,
        target_changes=text_in(target.changes, language),
        expected_hash=tp.version.content_hash,
        phase_key=tp.phase.key,
        phase_title=tp.phase.title,
        phases=phases,
        skipped=[_describe_skipped(c) for c in carried.skipped] if carried else [],
        carried=len(carried.applied) if carried else 0,
    )
