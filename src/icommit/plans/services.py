"""Writes on team goals, plan actions, progress notes and collaboration risks.

Each checks access first, validates, saves and writes its audit event in one transaction.
Goals and actions may come from a source another app hands over as a ``SourceRef`` (a phase
task, a meeting decision, a diagnostics recommendation): the kind must be registered, and the
link is kept in ``PlanLink`` and shown on both sides.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.accounts.models import User
from icommit.core import audit
from icommit.core.exceptions import ValidationFailed
from icommit.core.services import snapshot, validate
from icommit.methodology.content import indicator_ids, phase_keys
from icommit.plans import sources
from icommit.plans.models import ActionStatus, Goal, PlanAction, PlanLink, ProgressNote, Risk
from icommit.plans.sources import SourceRef
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team, TeamMembership, TeamOrganisation

GOAL_FIELDS = [
    "title",
    "description",
    "why",
    "target_date",
    "phase_key",
    "indicator_id",
    "target_value",
    "lifecycle_status",
    "achievement",
]
ACTION_FIELDS = ["title", "owner_organisation_id", "owner_user_id", "due_date"]
RISK_FIELDS = [
    "title",
    "description",
    "likelihood",
    "impact",
    "owner_organisation_id",
    "owner_user_id",
    "review_date",
]
SOURCE_FIELDS = ["source_kind", "source_ref", "source_label"]


def _phase_keys() -> Collection[str]:
    return phase_keys()


def _indicator_known(indicator_id: str) -> bool:
    return indicator_id in indicator_ids()


def _clean_goal(goal: Goal) -> None:
    goal.title = goal.title.strip()
    goal.phase_key = (goal.phase_key or "").strip()
    goal.indicator_id = (goal.indicator_id or "").strip()
    if not goal.title:
        raise ValidationFailed.field("title", _("Give the goal a title."))
    if goal.phase_key and goal.phase_key not in _phase_keys():
        raise ValidationFailed.field("phase_key", _("Choose a phase of the phase model."))
    if goal.indicator_id and not _indicator_known(goal.indicator_id):
        raise ValidationFailed.field(
            "indicator_id", _("This indicator is not in the indicator catalogue.")
        )
    if goal.target_value is not None and not goal.indicator_id:
        raise ValidationFailed.field(
            "indicator_id", _("Name the indicator the target value refers to.")
        )
    validate(goal, exclude=["team", "created_by"])


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed.field("target_value", _("Enter a number.")) from None
    if not number.is_finite():
        raise ValidationFailed.field("target_value", _("Enter a number."))
    return number


def _set_source(obj: Goal | PlanAction, source: SourceRef | None) -> None:
    """Check the source handed over (a registered kind, a label) and copy it onto the item."""
    if source is None:
        return
    kind, ref = source.kind.strip(), source.id.strip()
    label = source.label.strip()
    if not kind and (ref or label):
        raise ValidationFailed.field("source_kind", _("Say what kind of source this is."))
    if not sources.is_registered(kind):
        raise ValidationFailed.field("source_kind", _("Unknown source."))
    if not label:
        raise ValidationFailed.field("source_label", _("Name what this was created from."))
    if not ref:
        raise ValidationFailed.field("source_ref", _("Unknown source."))
    obj.source_kind, obj.source_ref = kind, ref[: sources.ID_MAX]
    obj.source_label = label[: sources.LABEL_MAX]


def _link(actor: User, goal: Goal, action: PlanAction | None) -> None:
    """Record the link the source's page reads (only for an item created from a source)."""
    item = action or goal
    if item.source_kind:
        PlanLink.objects.create(
            team_id=goal.team_id,
            source_kind=item.source_kind,
            source_id=item.source_ref,
            goal=goal,
            action=action,
            created_by=actor,
        )


def _clean_owner(
    team: Team, organisation: Organisation | None, user: User | None
) -> tuple[Organisation | None, User | None]:
    """Check the owner: a participating organisation and, optionally, a team member of it."""
    if user is not None:
        memberships = TeamMembership.objects.filter(team=team, user=user, ended_at__isnull=True)
        if organisation is not None:
            memberships = memberships.filter(organisation=organisation)
        membership = memberships.select_related("organisation").first()
        if membership is None:
            raise ValidationFailed.field(
                "owner_user",
                _("The owner person must be a team member for the owner organisation."),
            )
        organisation = membership.organisation
    if (
        organisation is not None
        and not TeamOrganisation.objects.filter(
            team=team, organisation=organisation, ended_at__isnull=True
        ).exists()
    ):
        raise ValidationFailed.field(
            "owner_organisation", _("This organisation does not take part in the team.")
        )
    return organisation, user


# --- goals ------------------------------------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    actor: User,
    team: Team,
    title: str,
    description: str = "",
    why: str = "",
    target_date: datetime.date | None = None,
    phase_key: str = "",
    indicator_id: str = "",
    target_value: Any = None,
    source: SourceRef | None = None,
) -> Goal:
    """Set a new goal for the team, optionally created from a source another app hands over."""
    require(actor, Action.PLAN_EDIT, team)
    goal = Goal(
        team=team,
        title=title,
        description=description.strip(),
        why=why.strip(),
        target_date=target_date,
        phase_key=phase_key,
        indicator_id=indicator_id,
        target_value=_decimal(target_value),
        created_by=actor,
    )
    _set_source(goal, source)
    _clean_goal(goal)
    goal.save()
    _link(actor, goal, None)
    audit.record(
        actor=actor,
        action="plan.goal_create",
        obj=goal,
        team_id=team.pk,
        changes=snapshot(goal, [*GOAL_FIELDS, *SOURCE_FIELDS]),
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: User,
    goal: Goal,
    title: str,
    description: str = "",
    why: str = "",
    target_date: datetime.date | None = None,
    phase_key: str = "",
    indicator_id: str = "",
    target_value: Any = None,
    lifecycle_status: str = GoalLifecycleStatus.ACTIVE,
    achievement: str = GoalAchievement.IN_PROGRESS,
) -> Goal:
    """Change a goal: its wording, dates, indicator, lifecycle status or achievement."""
    require(actor, Action.PLAN_EDIT, goal)
    before = snapshot(goal, GOAL_FIELDS)
    goal.title, goal.description, goal.why = title, description.strip(), why.strip()
    goal.target_date, goal.phase_key, goal.indicator_id = target_date, phase_key, indicator_id
    goal.target_value = _decimal(target_value)
    goal.lifecycle_status, goal.achievement = lifecycle_status, achievement
    _clean_goal(goal)
    changes = audit.diff(before, snapshot(goal, GOAL_FIELDS))
    if changes:
        goal.save()
        audit.record(
            actor=actor, action="plan.goal_update", obj=goal, team_id=goal.team_id, changes=changes
        )
    return goal


# --- actions ----------------------------------------------------------------------------------


def _clean_action(action: PlanAction) -> None:
    action.title = action.title.strip()
    if not action.title:
        raise ValidationFailed.field("title", _("Give the action a title."))
    validate(action, exclude=["team", "goal", "created_by", "owner_organisation", "owner_user"])


@transaction.atomic
def action_create(
    *,
    actor: User,
    goal: Goal,
    title: str,
    owner_organisation: Organisation | None = None,
    owner_user: User | None = None,
    due_date: datetime.date | None = None,
    source: SourceRef | None = None,
) -> PlanAction:
    """Add an action under a goal, owned by a participating organisation (and a person)."""
    require(actor, Action.PLAN_EDIT, goal)
    owner_organisation, owner_user = _clean_owner(goal.team, owner_organisation, owner_user)
    action = PlanAction(
        team_id=goal.team_id,
        goal=goal,
        title=title,
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        due_date=due_date,
        created_by=actor,
    )
    _set_source(action, source)
    _clean_action(action)
    action.save()
    _link(actor, goal, action)
    audit.record(
        actor=actor,
        action="plan.action_create",
        obj=action,
        team_id=goal.team_id,
        changes={
            "goal": goal.pk,
            **snapshot(action, [*ACTION_FIELDS, "status", *SOURCE_FIELDS]),
        },
    )
    return action


@transaction.atomic
def action_update(
    *,
    actor: User,
    action: PlanAction,
    title: str,
    owner_organisation: Organisation | None = None,
    owner_user: User | None = None,
    due_date: datetime.date | None = None,
) -> PlanAction:
    """Change an action's title, owner or due date (coordinators)."""
    require(actor, Action.PLAN_EDIT, action)
    before = snapshot(action, ACTION_FIELDS)
    owner_organisation, owner_user = _clean_owner(action.team, owner_organisation, owner_user)
    action.title, action.due_date = title, due_date
    action.owner_organisation, action.owner_user = owner_organisation, owner_user
    _clean_action(action)
    changes = audit.diff(before, snapshot(action, ACTION_FIELDS))
    if changes:
        action.save()
        audit.record(
            actor=actor,
            action="plan.action_update",
            obj=action,
            team_id=action.team_id,
            changes=changes,
        )
    return action


@transaction.atomic
def action_set_status(*, actor: User, action: PlanAction, status: str) -> PlanAction:
    """Move an action to open, in progress, done or cancelled (coordinators and its owners)."""
    require(actor, Action.PLAN_ACTION_UPDATE, action)
    if status not in ActionStatus.values:
        raise ValidationFailed.field("status", _("Choose a status."))
    old = action.status
    if status != old:
        action.status = status
        action.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor,
            action="plan.action_status",
            obj=action,
            team_id=action.team_id,
            changes={"status": [old, status]},
        )
    return action


@transaction.atomic
def action_note_add(*, actor: User, action: PlanAction, text: str) -> ProgressNote:
    """Append a progress note to an action (coordinators and its owners); notes never change."""
    require(actor, Action.PLAN_ACTION_UPDATE, action)
    text = text.strip()
    if not text:
        raise ValidationFailed.field("text", _("Write the progress note."))
    if len(text) > 4000:
        raise ValidationFailed.field("text", _("Keep the note under 4000 characters."))
    note = ProgressNote.objects.create(action=action, text=text, author=actor)
    audit.record(
        actor=actor,
        action="plan.action_note",
        obj=action,
        team_id=action.team_id,
        changes={"note": note.pk, "text": text},
    )
    return note


# --- risks ------------------------------------------------------------------------------------


def _scale(name: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise ValidationFailed.field(name, _("Choose a value from 1 to 5."))
    return number


def _clean_mitigations(team: Team, mitigations: Iterable[PlanAction]) -> list[PlanAction]:
    actions = list(mitigations)
    if any(a.team_id != team.pk for a in actions):
        raise ValidationFailed.field(
            "mitigations", _("Mitigations must be actions of this team's plan.")
        )
    return actions


def _clean_risk(risk: Risk) -> None:
    risk.title = risk.title.strip()
    risk.description = risk.description.strip()
    if not risk.title:
        raise ValidationFailed.field("title", _("Give the risk a title."))
    validate(risk, exclude=["team", "created_by", "owner_organisation", "owner_user"])


@transaction.atomic
def risk_create(
    *,
    actor: User,
    team: Team,
    title: str,
    likelihood: int,
    impact: int,
    description: str = "",
    owner_organisation: Organisation | None = None,
    owner_user: User | None = None,
    mitigations: Iterable[PlanAction] = (),
    review_date: datetime.date | None = None,
    suggestion_key: str = "",
) -> Risk:
    """Record a risk to the collaboration, with its owner, mitigations and review date."""
    require(actor, Action.PLAN_EDIT, team)
    owner_organisation, owner_user = _clean_owner(team, owner_organisation, owner_user)
    risk = Risk(
        team=team,
        title=title,
        description=description,
        likelihood=_scale("likelihood", likelihood),
        impact=_scale("impact", impact),
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        review_date=review_date,
        suggestion_key=suggestion_key.strip(),
        created_by=actor,
    )
    actions = _clean_mitigations(team, mitigations)
    _clean_risk(risk)
    risk.save()
    risk.mitigations.set(actions)
    audit.record(
        actor=actor,
        action="plan.risk_create",
        obj=risk,
        team_id=team.pk,
        changes={
            **snapshot(risk, RISK_FIELDS),
            "suggestion_key": risk.suggestion_key,
            "mitigations": sorted(a.pk for a in actions),
        },
    )
    return risk


@transaction.atomic
def risk_update(
    *,
    actor: User,
    risk: Risk,
    title: str,
    likelihood: int,
    impact: int,
    description: str = "",
    owner_organisation: Organisation | None = None,
    owner_user: User | None = None,
    mitigations: Iterable[PlanAction] = (),
    review_date: datetime.date | None = None,
) -> Risk:
    """Re-assess a risk: wording, likelihood, impact, owner, mitigations or review date."""
    require(actor, Action.PLAN_EDIT, risk)
    before = {
        **snapshot(risk, RISK_FIELDS),
        "mitigations": sorted(risk.mitigations.values_list("pk", flat=True)),
    }
    owner_organisation, owner_user = _clean_owner(risk.team, owner_organisation, owner_user)
    actions = _clean_mitigations(risk.team, mitigations)
    risk.title, risk.description = title, description
    risk.likelihood, risk.impact = _scale("likelihood", likelihood), _scale("impact", impact)
    risk.owner_organisation, risk.owner_user = owner_organisation, owner_user
    risk.review_date = review_date
    _clean_risk(risk)
    after = {**snapshot(risk, RISK_FIELDS), "mitigations": sorted(a.pk for a in actions)}
    changes = audit.diff(before, after)
    if changes:
        risk.save()
        risk.mitigations.set(actions)
        audit.record(
            actor=actor, action="plan.risk_update", obj=risk, team_id=risk.team_id, changes=changes
        )
    return risk
