"""API: a team's phase progress, the model version it follows, task states, moves, adaptations,
and moving the team to a newer version of its model."""

from __future__ import annotations

import datetime
from dataclasses import asdict
from typing import Any, Literal

from ninja import Path, Router, Schema, Status

from icommit.access import Action
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, ShortText
from icommit.core.http import AuthedRequest
from icommit.phases import selectors, services
from icommit.phases.models import Direction, TaskStatus
from icommit.teams.selectors import team_get

router = Router(tags=["phases"])


class TaskOut(Schema):
    id: str
    title: str
    evidence_hint: str
    in_gate: bool
    origin: str
    state: str
    evidence: str
    reason: str
    updated_at: datetime.datetime | None
    updated_by: str


class ReadinessOut(Schema):
    percent: int
    done: int
    required: int
    not_applicable: int
    missing: list[str]
    met: bool


class MoveOut(Schema):
    id: int
    from_key: str
    to_key: str
    direction: str
    gate_met: bool
    readiness: int
    reason: str
    moved_at: datetime.datetime
    moved_by: str | None


class PhaseModelVersionOut(Schema):
    id: int | None
    key: str
    version: int
    revision: int
    shipped: bool
    content_hash: str
    parent_id: int | None
    note: str
    changes: list[dict[str, Any]]
    created_at: datetime.datetime | None


class PhaseModelVersionDetailOut(PhaseModelVersionOut):
    definition: dict[str, Any]


class ProgressOut(Schema):
    team_id: int
    phase_key: str
    phase_number: int
    phase_total: int
    phase_title: str
    entered_at: datetime.datetime
    readiness: ReadinessOut
    tasks: list[TaskOut]
    history: list[MoveOut]
    model_version: PhaseModelVersionOut
    next_phase_key: str | None
    previous_phase_key: str | None


class TaskIn(Schema):
    state: TaskStatus
    evidence: ShortText = ""
    reason: ShortText = ""


class MoveIn(Schema):
    direction: Direction
    reason: ShortText = ""
    #: Optional guard: the phase the caller believes the team is in.
    expected_phase: Line = ""


class ChangeIn(Schema):
    op: Literal["add", "drop", "reword", "gate"]
    phase: Line = ""
    task: Line = ""
    title: Line = ""
    evidence: ShortText = ""
    gate: bool = False
    required: bool = False


class DeriveIn(Schema):
    changes: list[ChangeIn]
    note: ShortText


class TaskChangeOut(Schema):
    id: str
    title: str
    before_title: str
    evidence_hint: str
    before_evidence: str
    in_gate: bool
    gate_changed: bool
    text_changed: bool
    state_label: str


class PhaseChangesOut(Schema):
    key: str
    number: int
    title: str
    #: "past" (a gate the team passed), "current" or "future".
    position: str
    added: list[TaskChangeOut]
    removed: list[TaskChangeOut]
    changed: list[TaskChangeOut]
    new_gate_tasks: list[str]


class UpgradeOut(Schema):
    #: Whether a newer shipped version exists; when not, only ``current_label`` is filled in.
    available: bool
    current_label: str
    target_label: str = ""
    target_version: int | None = None
    target_changes: str = ""
    #: Send it back with the move: the move is refused if the team's version changed since.
    expected_hash: str = ""
    phase_key: str = ""
    phase_title: str = ""
    counts: dict[str, int] = {}
    phases: list[PhaseChangesOut] = []
    skipped: list[str] = []
    carried: int = 0


class UpgradeIn(Schema):
    #: Optional guard: the content hash of the version the caller believes the team follows.
    expected_hash: Line = ""
    note: ShortText = ""


def _version(version: Any) -> dict[str, Any]:
    return {
        "id": version.pk,
        "key": version.key,
        "version": version.version,
        "revision": version.revision,
        "shipped": version.team_id is None,
        "content_hash": version.content_hash,
        "parent_id": version.parent_id,
        "note": version.note,
        "changes": version.changes or [],
        "created_at": version.created_at,
    }


def _progress(tp: selectors.TeamPhase) -> dict[str, Any]:
    r = tp.readiness
    return {
        "team_id": tp.team.pk,
        "phase_key": tp.phase.key,
        "phase_number": tp.phase.number,
        "phase_total": tp.total,
        "phase_title": tp.phase.title,
        "entered_at": tp.entered_at,
        "readiness": {
            "percent": r.percent,
            "done": r.done,
            "required": r.required,
            "not_applicable": r.not_applicable,
            "missing": list(r.missing),
            "met": r.met,
        },
        "tasks": [asdict(t) for t in tp.tasks],
        "history": [
            {
                "id": e.move.pk,
                "from_key": e.move.from_key,
                "to_key": e.move.to_key,
                "direction": e.move.direction,
                "gate_met": e.move.gate_met,
                "readiness": e.move.readiness,
                "reason": e.move.reason,
                "moved_at": e.move.moved_at,
                "moved_by": e.move.moved_by.full_name if e.move.moved_by else None,
            }
            for e in tp.history
        ],
        "model_version": _version(tp.version),
        "next_phase_key": tp.next_phase.key if tp.next_phase else None,
        "previous_phase_key": tp.previous_phase.key if tp.previous_phase else None,
    }


@router.get("", response={200: ProgressOut, **READ_ERRORS})
def get_phase_progress(request: AuthedRequest, team_id: Path[int]):
    """The team's current phase, readiness for the gate, task states and phase history."""
    team = team_get(user=request.user, pk=team_id, action=Action.PHASES_VIEW)
    return _progress(selectors.team_phase(team=team))


@router.get("/model", response={200: PhaseModelVersionDetailOut, **READ_ERRORS})
def get_phase_model(request: AuthedRequest, team_id: Path[int]):
    """The phase model version the team follows, with its whole definition in both languages."""
    team = team_get(user=request.user, pk=team_id, action=Action.PHASES_VIEW)
    tp = selectors.team_phase(team=team, history=False)
    return {**_version(tp.version), "definition": tp.version.definition}


@router.put("/tasks/{task_id}", response={200: ProgressOut, **WRITE_ERRORS})
def update_phase_task(request: AuthedRequest, team_id: Path[int], task_id: str, payload: TaskIn):
    """Set the state of a task of the current phase (coordinators): done needs evidence."""
    team = team_get(user=request.user, pk=team_id, action=Action.PHASES_VIEW)
    services.phase_task_update(
        actor=request.user,
        team=team,
        task_id=task_id,
        state=payload.state,
        evidence=payload.evidence,
        reason=payload.reason,
    )
    return _progress(selectors.team_phase(team=team))


@router.post("/move", response={201: ProgressOut, **WRITE_ERRORS})
def move_phase(request: AuthedRequest, team_id: Path[int], payload: MoveIn):
    """Move the team on (gate met, or with a reason) or back one phase (with a reason)."""
    team = team_get(user=request.user, pk=team_id, action=Action.PHASES_VIEW)
    services.phase_move(
        actor=request.user,
        team=team,
        direction=payload.direction,
        reason=payload.reason,
        expected_phase=payload.expected_phase,
    )
    return Status(201, _progress(selectors.team_phase(team=team)))


@router.post("/model/derive", response={201: PhaseModelVersionDetailOut, **WRITE_ERRORS})
def derive_phase_model(request: AuthedRequest, team_id: Path[int], payload: DeriveIn):
    """Derive the team's own version of the model it follows (add, drop, reword tasks)."""
    team = team_get(user=request.user, pk=team_id, action=Action.PHASES_VIEW)
    version = services.phase_model_derive(
        actor=request.user,
        team=team,
        changes=[c.dict() for c in payload.changes],
        note=payload.note,
    )
    return Status(201, {**_version(version), "definition": version.definition})


@router.get("/model/upgrade", response={200: UpgradeOut, **READ_ERRORS})
def get_phase_model_upgrade(request: AuthedRequest, team_id: Path[int]):
    """What moving the team to the newest shipped version of its model changes, phase by phase
    (``available`` is false when the team already follows it)."""
    team = team_get(user=request.user, pk=team_id, action=Action.PHASES_VIEW)
    preview = selectors.upgrade_preview(team=team)
    if preview is None:
        tp = selectors.team_phase(team=team, history=False)
        return {"available": False, "current_label": selectors.version_label(tp.version, tp.model)}
    return {**asdict(preview), "counts": preview.counts, "available": True}


@router.post("/model/upgrade", response={201: ProgressOut, **WRITE_ERRORS})
def upgrade_phase_model(request: AuthedRequest, team_id: Path[int], payload: UpgradeIn):
    """Move the team to the newest shipped version of its model (coordinators). The team keeps
    its phase, its passed gates and its task states; its adaptations carry over where they can."""
    team = team_get(user=request.user, pk=team_id, action=Action.PHASES_VIEW)
    services.phase_model_upgrade(
        actor=request.user, team=team, expected_hash=payload.expected_hash, note=payload.note
    )
    return Status(201, _progress(selectors.team_phase(team=team)))
