"""API: a team's goals, plan actions with status and progress notes, and collaboration risks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Path, Router, Schema, Status

from icommit.access import Action
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, LongText, ShortText
from icommit.core.exceptions import ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.plans import selectors, services
from icommit.plans.models import ActionStatus, Goal, PlanAction, Risk
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from icommit.teams.models import Team

router = Router(tags=["plans"])


class NoteOut(Schema):
    id: int
    text: str
    author_id: int | None
    created_at: datetime.datetime


class ActionOut(Schema):
    id: int
    goal_id: int
    title: str
    owner_organisation_id: int | None
    owner_user_id: int | None
    due_date: datetime.date | None
    status: str
    source_kind: str
    source_ref: str
    source_label: str


class ActionDetailOut(ActionOut):
    notes: list[NoteOut]

    @staticmethod
    def resolve_notes(obj: PlanAction) -> list[Any]:
        return list(obj.notes.all())


class GoalOut(Schema):
    id: int
    title: str
    description: str
    why: str
    target_date: datetime.date | None
    phase_key: str
    indicator_id: str
    target_value: Decimal | None
    lifecycle_status: str
    achievement: str
    source_kind: str
    source_ref: str
    source_label: str
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(obj: Goal) -> list[Any]:
        return list(obj.actions.all())


class GoalDetailOut(GoalOut):
    actions: list[ActionDetailOut]  # type: ignore[assignment]  # detail carries the notes


class GoalIn(Schema):
    title: Line
    description: LongText = ""
    why: ShortText = ""
    target_date: datetime.date | None = None
    phase_key: Line = ""
    indicator_id: Line = ""
    target_value: Decimal | None = None


class GoalUpdateIn(GoalIn):
    lifecycle_status: GoalLifecycleStatus = GoalLifecycleStatus.ACTIVE
    achievement: GoalAchievement = GoalAchievement.IN_PROGRESS


class ActionIn(Schema):
    title: Line
    owner_organisation_id: int | None = None
    owner_user_id: int | None = None
    due_date: datetime.date | None = None


class StatusIn(Schema):
    status: ActionStatus


class NoteIn(Schema):
    text: ShortText


class RiskOut(Schema):
    id: int
    title: str
    description: str
    likelihood: int
    impact: int
    owner_organisation_id: int | None
    owner_user_id: int | None
    mitigation_ids: list[int]
    review_date: datetime.date | None

    @staticmethod
    def resolve_mitigation_ids(obj: Risk) -> list[int]:
        return [a.pk for a in obj.mitigations.all()]


class RiskIn(Schema):
    title: Line
    description: LongText = ""
    likelihood: int
    impact: int
    owner_organisation_id: int | None = None
    owner_user_id: int | None = None
    mitigation_ids: list[int] = []
    review_date: datetime.date | None = None


def _owners(team: Team, organisation_id: int | None, user_id: int | None) -> dict[str, Any]:
    """Resolve owner ids among the team's organisations and members; 422 for anything else."""
    organisation = user = None
    if organisation_id is not None:
        organisation = next(
            (o for o in selectors.owner_organisations(team=team) if o.pk == organisation_id), None
        )
        if organisation is None:
            raise ValidationFailed.field(
                "owner_organisation_id", "This organisation does not take part in the team."
            )
    if user_id is not None:
        membership = next(
            (m for m in selectors.owner_people(team=team) if m.user_id == user_id), None
        )
        if membership is None:
            raise ValidationFailed.field("owner_user_id", "This person is not a team member.")
        user = membership.user
    return {"owner_organisation": organisation, "owner_user": user}


def _mitigations(request: AuthedRequest, team: Team, ids: list[int]) -> list[PlanAction]:
    found = list(selectors.action_list(user=request.user, team=team).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationFailed.field("mitigation_ids", "Mitigations must be actions of this plan.")
    return found


# --- goals ------------------------------------------------------------------------------------


@router.get("/goals", response={200: list[GoalOut], **READ_ERRORS})
def list_goals(request: AuthedRequest, team_id: Path[int]):
    """The team's goals with their actions."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    return selectors.goal_list(user=request.user, team=team)


@router.post("/goals", response={201: GoalDetailOut, **WRITE_ERRORS})
def create_goal(request: AuthedRequest, team_id: Path[int], payload: GoalIn):
    """Set a new goal (coordinators)."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    goal = services.goal_create(actor=request.user, team=team, **payload.dict())
    return Status(201, selectors.goal_get(user=request.user, team=team, pk=goal.pk))


@router.get("/goals/{goal_id}", response={200: GoalDetailOut, **READ_ERRORS})
def get_goal(request: AuthedRequest, team_id: Path[int], goal_id: int):
    """One goal with its actions and their progress notes."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    return selectors.goal_get(user=request.user, team=team, pk=goal_id)


@router.put("/goals/{goal_id}", response={200: GoalDetailOut, **WRITE_ERRORS})
def update_goal(request: AuthedRequest, team_id: Path[int], goal_id: int, payload: GoalUpdateIn):
    """Change a goal, its lifecycle status or achievement (coordinators)."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    goal = selectors.goal_get(user=request.user, team=team, pk=goal_id)
    services.goal_update(actor=request.user, goal=goal, **payload.dict())
    return selectors.goal_get(user=request.user, team=team, pk=goal_id)


# --- actions ----------------------------------------------------------------------------------


@router.post("/goals/{goal_id}/actions", response={201: ActionOut, **WRITE_ERRORS})
def create_plan_action(request: AuthedRequest, team_id: Path[int], goal_id: int, payload: ActionIn):
    """Add an action under a goal (coordinators)."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    goal = selectors.goal_get(user=request.user, team=team, pk=goal_id)
    owners = _owners(team, payload.owner_organisation_id, payload.owner_user_id)
    action = services.action_create(
        actor=request.user, goal=goal, title=payload.title, due_date=payload.due_date, **owners
    )
    return Status(201, action)


@router.put("/actions/{action_id}", response={200: ActionOut, **WRITE_ERRORS})
def update_plan_action(
    request: AuthedRequest, team_id: Path[int], action_id: int, payload: ActionIn
):
    """Change an action's title, owner or due date (coordinators)."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    action = selectors.action_get(user=request.user, team=team, pk=action_id)
    owners = _owners(team, payload.owner_organisation_id, payload.owner_user_id)
    return services.action_update(
        actor=request.user, action=action, title=payload.title, due_date=payload.due_date, **owners
    )


@router.post("/actions/{action_id}/status", response={200: ActionOut, **WRITE_ERRORS})
def set_plan_action_status(
    request: AuthedRequest, team_id: Path[int], action_id: int, payload: StatusIn
):
    """Set an action's status (coordinators, its owner person and its owner organisation)."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    action = selectors.action_get(user=request.user, team=team, pk=action_id)
    return services.action_set_status(actor=request.user, action=action, status=payload.status)


@router.post("/actions/{action_id}/notes", response={201: NoteOut, **WRITE_ERRORS})
def add_plan_action_note(
    request: AuthedRequest, team_id: Path[int], action_id: int, payload: NoteIn
):
    """Append a progress note (coordinators, its owner person and its owner organisation)."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    action = selectors.action_get(user=request.user, team=team, pk=action_id)
    return Status(
        201, services.action_note_add(actor=request.user, action=action, text=payload.text)
    )


# --- risks ------------------------------------------------------------------------------------


@router.get("/risks", response={200: list[RiskOut], **READ_ERRORS})
def list_risks(request: AuthedRequest, team_id: Path[int]):
    """The team's collaboration risks, highest likelihood and impact first."""
    team = selectors.plan_team_get(user=request.user, pk=team_id)
    return selectors.risk_list(user=request.user, team=team)


@router.post("/risks", response={201: RiskOut, **WRITE_ERRORS})
def create_risk(request: AuthedRequest, team_id: Path[int], payload: RiskIn):
    """Record a collaboration risk (coordinators)."""
    team = selectors.plan_team_get(user=request.user, pk=team_id, action=Action.PLAN_EDIT)
    risk = services.risk_create(
        actor=request.user,
        team=team,
        title=payload.title,
        description=payload.description,
        likelihood=payload.likelihood,
        impact=payload.impact,
        mitigations=_mitigations(request, team, payload.mitigation_ids),
        review_date=payload.review_date,
        **_owners(team, payload.owner_organisation_id, payload.owner_user_id),
    )
    return Status(201, selectors.risk_get(user=request.user, team=team, pk=risk.pk))


@router.put("/risks/{risk_id}", response={200: RiskOut, **WRITE_ERRORS})
def update_risk(request: AuthedRequest, team_id: Path[int], risk_id: int, payload: RiskIn):
    """Re-assess a collaboration risk (coordinators)."""
    team = selectors.plan_team_get(user=request.user, pk=team_id, action=Action.PLAN_EDIT)
    risk = selectors.risk_get(user=request.user, team=team, pk=risk_id)
    services.risk_update(
        actor=request.user,
        risk=risk,
        title=payload.title,
        description=payload.description,
        likelihood=payload.likelihood,
        impact=payload.impact,
        mitigations=_mitigations(request, team, payload.mitigation_ids),
        review_date=payload.review_date,
        **_owners(team, payload.owner_organisation_id, payload.owner_user_id),
    )
    return selectors.risk_get(user=request.user, team=team, pk=risk_id)
