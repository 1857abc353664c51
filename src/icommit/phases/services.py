"""Writes on a team's phase progress: task states, moves between phases, derived model versions,
and moving a team to a newer shipped version of its model.

Every write locks the team's progress row first, so two coordinators acting at once queue
instead of moving the team twice. A shipped model version is stored, with its content hash,
the first time a team uses it; stored versions are never changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.exceptions import Conflict, NotFound, ValidationFailed
from icommit.methodology.content import default_model
from icommit.methodology.definition import PhaseModel
from icommit.phases import engine
from icommit.phases.models import (
    Direction,
    PhaseModelVersion,
    PhaseMove,
    PhaseProgress,
    TaskState,
    TaskStatus,
)
from icommit.phases.selectors import adaptation_history, newest_shipped
from icommit.teams.models import Team

#: Limit on evidence, reasons and notes a coordinator writes.
TEXT_MAX = 2000


def shipped_version_store(model: PhaseModel) -> PhaseModelVersion:
    """Store a shipped model version once; refuse if the shipped file changed under its number."""
    row, _created = PhaseModelVersion.objects.get_or_create(
        key=model.key,
        version=model.version,
        team=None,
        defaults={
            "revision": 0,
            "content_hash": model.content_hash,
            "definition": model.to_dict(),
        },
    )
    if row.content_hash != model.content_hash:
        raise Conflict(
            _(
                "The shipped phase model %(model)s differs from the stored one; "
                "a changed model must be shipped as a new version."
            )
            % {"model": row}
        )
    return row


def _progress_locked(*, actor: User, team: Team) -> PhaseProgress:
    """The team's progress row, locked; created in the default model's first phase if missing."""
    progress = (
        PhaseProgress.objects.select_for_update()
        .select_related("model_version")
        .filter(team=team)
        .first()
    )
    if progress is not None:
        return progress
    model = default_model()
    version = shipped_version_store(model)
    created, made = PhaseProgress.objects.get_or_create(
        team=team,
        defaults={
            "model_version": version,
            "phase_key": model.phase_keys[0],
            "entered_at": team.created_at,
        },
    )
    if made:
        audit.record(
            actor=actor,
            action="phases.start",
            obj=created,
            team_id=team.pk,
            changes={"model": str(version), "phase": created.phase_key},
        )
    return (
        PhaseProgress.objects.select_for_update().select_related("model_version").get(pk=created.pk)
    )


def _text(value: str, field: str) -> str:
    text = (value or "").strip()
    if len(text) > TEXT_MAX:
        raise ValidationFailed.field(
            field, _("Keep it to %(limit)s characters.") % {"limit": TEXT_MAX}
        )
    return text


def _states(team: Team) -> dict[str, str]:
    return dict(TaskState.objects.filter(team=team).values_list("task_id", "state"))


@transaction.atomic
def phase_task_update(
    *,
    actor: User,
    team: Team,
    task_id: str,
    state: str,
    evidence: str = "",
    reason: str = "",
) -> TaskState:
    """Set the state of a task of the team's current phase; done needs evidence, n/a a reason."""
    require(actor, Action.PHASES_EDIT, team)
    progress = _progress_locked(actor=actor, team=team)
    model = progress.model_version.model()
    phase = model.phase(progress.phase_key)
    if phase.task(task_id) is None:
        if model.phase_of_task(task_id) is not None:
            raise Conflict(_("This task belongs to another phase than the team's current one."))
        raise NotFound(_("This task is not in the model the team follows."))
    if state not in TaskStatus.values:
        raise ValidationFailed.field("state", _("Choose a state."))
    evidence = _text(evidence, "evidence") if state == TaskStatus.DONE else ""
    reason = _text(reason, "reason") if state == TaskStatus.NOT_APPLICABLE else ""
    if state == TaskStatus.DONE and not evidence:
        raise ValidationFailed.field(
            "evidence", _("Say what shows that the task is done (the evidence).")
        )
    if state == TaskStatus.NOT_APPLICABLE and not reason:
        raise ValidationFailed.field("reason", _("Say why the task does not apply to your team."))
    current = TaskState.objects.select_for_update().filter(team=team, task_id=task_id).first()
    before = {
        "state": current.state if current else TaskStatus.OPEN.value,
        "evidence": current.evidence if current else "",
        "reason": current.reason if current else "",
    }
    after = {"state": state, "evidence": evidence, "reason": reason}
    if current is not None and before == after:
        return current
    now = timezone.now()
    if current is None:
        current = TaskState(team=team, task_id=task_id)
    current.state, current.evidence, current.reason = state, evidence, reason
    current.updated_at, current.updated_by = now, actor
    current.save()
    audit.record(
        actor=actor,
        action="phases.task_update",
        obj=current,
        team_id=team.pk,
        changes={"task": task_id, "phase": phase.key, **audit.diff(before, after)},
    )
    return current


@transaction.atomic
def phase_move(
    *,
    actor: User,
    team: Team,
    direction: str,
    reason: str = "",
    expected_phase: str = "",
) -> PhaseMove:
    """Move the team one phase on (when the gate is met, or with a reason) or back (reason)."""
    require(actor, Action.PHASES_MOVE, team)
    progress = _progress_locked(actor=actor, team=team)
    if expected_phase and expected_phase != progress.phase_key:
        raise Conflict(_("The team's phase has changed in the meantime. Reload the page."))
    model = progress.model_version.model()
    reason = _text(reason, "reason")
    phase = model.phase(progress.phase_key)
    ready = engine.readiness(phase.gate.tasks, _states(team))
    if direction == Direction.FORWARD:
        target = engine.neighbour(model.phase_keys, phase.key, +1)
        if target is None:
            raise Conflict(_("The team is in the last phase."))
        if not ready.met and not reason:
            raise ValidationFailed.field(
                "reason",
                _("The gate criteria are not met yet. Say why the team moves on anyway."),
            )
    elif direction == Direction.BACK:
        target = engine.neighbour(model.phase_keys, phase.key, -1)
        if target is None:
            raise Conflict(_("The team is in the first phase."))
        if not reason:
            raise ValidationFailed.field("reason", _("Say why the team moves back."))
    else:
        raise ValidationFailed.field("direction", _("Choose to move on or back."))
    now = timezone.now()
    move = PhaseMove.objects.create(
        team=team,
        from_key=phase.key,
        to_key=target,
        direction=direction,
        gate_met=ready.met,
        readiness=ready.percent,
        reason=reason,
        model_version=progress.model_version,
        moved_at=now,
        moved_by=actor,
    )
    progress.phase_key, progress.entered_at = target, now
    progress.save(update_fields=["phase_key", "entered_at", "updated_at"])
    audit.record(
        actor=actor,
        action="phases.move",
        obj=move,
        team_id=team.pk,
        changes={
            "from": phase.key,
            "to": target,
            "direction": direction,
            "gate_met": ready.met,
            "readiness": ready.percent,
            "reason": reason,
        },
    )
    return move


def _next_revision(team: Team) -> int:
    """The revision number of the team's next own model version."""
    last = PhaseModelVersion.objects.filter(team=team).aggregate(n=Max("revision"))["n"]
    return (last or 0) + 1


def _team_version_create(
    *,
    actor: User,
    team: Team,
    parent: PhaseModelVersion,
    key: str,
    number: int,
    revision: int,
    model: PhaseModel,
    applied: list[dict[str, Any]],
    note: str,
) -> PhaseModelVersion:
    """Store the team's own model version (a shipped one with the team's changes applied)."""
    return PhaseModelVersion.objects.create(
        key=key,
        version=number,
        revision=revision,
        team=team,
        parent=parent,
        content_hash=model.content_hash,
        definition=model.to_dict(),
        changes=applied,
        note=note,
        created_by=actor,
    )


@transaction.atomic
def phase_model_derive(
    *,
    actor: User,
    team: Team,
    changes: Sequence[Mapping[str, Any]],
    note: str,
) -> PhaseModelVersion:
    """Derive the team's own model version from the one it follows, and follow the new one."""
    require(actor, Action.PHASES_ADAPT, team)
    note = _text(note, "note")
    if not note:
        raise ValidationFailed.field("note", _("Say why the team adapts the model."))
    progress = _progress_locked(actor=actor, team=team)
    parent = progress.model_version
    revision = _next_revision(team)
    model, applied = engine.apply_changes(parent.model(), changes, revision=revision)
    version = _team_version_create(
        actor=actor,
        team=team,
        parent=parent,
        key=parent.key,
        number=parent.version,
        revision=revision,
        model=model,
        applied=applied,
        note=note,
    )
    progress.model_version = version
    progress.save(update_fields=["model_version", "updated_at"])
    audit.record(
        actor=actor,
        action="phases.derive",
        obj=version,
        team_id=team.pk,
        changes={
            "parent": str(parent),
            "version": str(version),
            "hash": version.content_hash,
            "changes": applied,
            "note": note,
        },
    )
    return version


@transaction.atomic
def phase_model_upgrade(
    *, actor: User, team: Team, expected_hash: str = "", note: str = ""
) -> PhaseModelVersion:
    """Move the team to the newest shipped version of the model it follows.

    The team stays in its phase and keeps its history: no move is made, no gate it passed is
    checked again, and task states carry over by task id. A team that adapted the model keeps
    its adaptations where the newer version still has their tasks (``engine.carry_adaptations``).
    """
    require(actor, Action.PHASES_ADAPT, team)
    note = _text(note, "note")
    progress = _progress_locked(actor=actor, team=team)
    current = progress.model_version
    if expected_hash and expected_hash != current.content_hash:
        raise Conflict(_("The team's model version has changed in the meantime. Reload the page."))
    target = newest_shipped(current.key)
    if target is None or target.version <= current.version:
        raise Conflict(_("The team already follows the newest version of the model."))
    if progress.phase_key not in target.phase_keys:  # phase keys are stable; never guess
        raise Conflict(_("The newer version has no phase the team is in."))
    shipped = shipped_version_store(target)
    history = adaptation_history(current)
    carried = engine.carry_adaptations(target, history) if history else None
    if carried is None:
        version = shipped
    else:
        version = _team_version_create(
            actor=actor,
            team=team,
            parent=shipped,
            key=target.key,
            number=target.version,
            revision=_next_revision(team),
            model=carried.model,
            applied=carried.applied,
            note=note,
        )
    diffs = engine.compare(current.model(), version.model())
    progress.model_version = version
    progress.save(update_fields=["model_version", "updated_at"])
    audit.record(
        actor=actor,
        action="phases.upgrade",
        obj=version,
        team_id=team.pk,
        changes={
            "from": str(current),
            "to": str(version),
            "from_hash": current.content_hash,
            "hash": version.content_hash,
            "phase": progress.phase_key,
            "added": [d.task.id for p in diffs for d in p.added],
            "removed": [d.task.id for p in diffs for d in p.removed],
            "changed": [d.task.id for p in diffs for d in p.changed],
            "carried": carried.applied if carried else [],
            "skipped": carried.skipped if carried else [],
            "note": note,
        },
    )
    return version
