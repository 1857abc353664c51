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
