"""Reads on team plans, narrowed by ``access`` and joined so that page query counts stay flat."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from icommit.access import Action, can, get_visible, visible
from icommit.accounts.models import User
from icommit.core.exceptions import Forbidden
from icommit.plans.models import FINISHED_ACTION, Goal, PlanAction, PlanLink, ProgressNote, Risk
from icommit.plans.vocab import CLOSED_LIFECYCLE
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.teams.models import Team, TeamMembership
from icommit.teams.selectors import team_get, team_organisations


def today() -> datetime.date:
    """The local date plans are measured against (a seam for tests)."""
    return timezone.localdate()


def plan_team_get(*, user: User, pk: Any, action: Action = Action.PLAN_VIEW) -> Team:
    """The team whose plan is asked for: NotFound if the team is hidden, Forbidden if refused."""
    team = team_get(user=user, pk=pk)
    if not can(user, action, team):
        raise Forbidden()
    return team


def _actions() -> QuerySet[PlanAction]:
    return PlanAction.objects.select_related("owner_organisation", "owner_user").order_by(
        "due_date", "pk"
    )


def goal_list(
    *,
    user: User,
    team: Team,
    owner_organisation_id: int | None = None,
    status: str = "",
) -> QuerySet[Goal]:
    """The team's goals with their actions (filtered by owner organisation and status)."""
    actions = _actions()
    if owner_organisation_id is not None:
        actions = actions.filter(owner_organisation_id=owner_organisation_id)
    if status:
        actions = actions.filter(status=status)
    goals = visible(user, Action.PLAN_VIEW, Goal.objects.filter(team=team))
    if owner_organisation_id is not None or status:
        goals = goals.filter(pk__in=actions.values("goal_id"))
    return goals.order_by("target_date", "pk").prefetch_related(
        Prefetch("actions", queryset=actions)
    )


def goal_get(*, user: User, team: Team, pk: Any) -> Goal:
    """One goal of the team with its actions and their progress notes."""
    notes = ProgressNote.objects.select_related("author").order_by("created_at", "pk")
    qs = (
        Goal.objects.filter(team=team)
        .select_related("team", "created_by")
        .prefetch_related(
            Prefetch("actions", queryset=_actions().prefetch_related(Prefetch("notes", notes)))
        )
    )
    return get_visible(user, Action.PLAN_VIEW, qs, pk=pk)


def action_get(*, user: User, team: Team, pk: Any, action: Action = Action.PLAN_VIEW) -> PlanAction:
    """One plan action of the team, with its goal and owners."""
    qs = PlanAction.objects.filter(team=team).select_related(
        "team", "goal", "owner_organisation", "owner_user"
    )
    return get_visible(user, action, qs, pk=pk)


def action_list(*, user: User, team: Team) -> QuerySet[PlanAction]:
    """All actions of the team's plan, for mitigation choices and exports."""
    return visible(
        user, Action.PLAN_VIEW, _actions().filter(team=team).select_related("goal")
    ).order_by("goal__target_date", "goal_id", "due_date", "pk")


def actions_updatable_ids(*, user: User, team: Team) -> set[int]:
    """Ids of the team's actions whose status and notes the user may change."""
    qs = visible(user, Action.PLAN_ACTION_UPDATE, PlanAction.objects.filter(team=team))
    return set(qs.values_list("pk", flat=True))


def risk_list(*, user: User, team: Team) -> QuerySet[Risk]:
    """The team's collaboration risks, highest score first, with owners and mitigations."""
    mitigations = PlanAction.objects.select_related("goal").order_by("due_date", "pk")
    qs = (
        Risk.objects.filter(team=team)
        .select_related("owner_organisation", "owner_user")
        .prefetch_related(Prefetch("mitigations", queryset=mitigations))
    )
    return visible(user, Action.PLAN_VIEW, qs).order_by("-likelihood", "-impact", "pk")


def risk_get(*, user: User, team: Team, pk: Any) -> Risk:
    """One collaboration risk of the team."""
    qs = (
        Risk.objects.filter(team=team)
        .select_related("team", "owner_organisation", "owner_user")
        .prefetch_related("mitigations")
    )
    return get_visible(user, Action.PLAN_VIEW, qs, pk=pk)


def owner_organisations(*, team: Team) -> QuerySet[Organisation]:
    """Organisations that may own an action or a risk: those taking part in the team now."""
    return team_organisations(team=team)


def owner_people(*, team: Team) -> QuerySet[TeamMembership]:
    """Current team members who may own an action, with their organisation."""
    return (
        TeamMembership.objects.filter(team=team, ended_at__isnull=True)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def actions_due(*, on: datetime.date, within_days: int = 7) -> QuerySet[PlanAction]:
    """Unfinished actions of live teams due within the window or overdue, not reminded today."""
    return (
        PlanAction.objects.filter(
            team__archived_at__isnull=True,
            due_date__isnull=False,
            due_date__lte=on + datetime.timedelta(days=within_days),
        )
        .exclude(status__in=FINISHED_ACTION)
        .exclude(goal__lifecycle_status__in=CLOSED_LIFECYCLE)
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=on))
        .select_related("team", "goal", "owner_organisation", "owner_user")
        .order_by("team_id", "due_date", "pk")
    )


def planned_from(*, team_id: int, kind: str, ids: Collection[str]) -> dict[str, list[PlanLink]]:
    """What the team planned from these sources of one kind: links by source id (one query).

    The caller has shown the source itself, so it may show the titles planned from it; the plan
    page checks its own access when a link is followed.
    """
    found: dict[str, list[PlanLink]] = defaultdict(list)
    if not ids:
        return {}
    for link in PlanLink.objects.filter(
        team_id=team_id, source_kind=kind, source_id__in=list(ids)
    ).select_related("goal", "action"):
        found[link.source_id].append(link)
    return dict(found)


def organisation_team_people(*, team_id: int, organisation_id: int) -> list[User]:
    """Active people who sit in the team for the organisation (recipients of reminders)."""
    memberships = (
        TeamMembership.objects.effective()
        .filter(team_id=team_id, organisation_id=organisation_id)
        .select_related("user")
    )
    return [m.user for m in memberships]


def overdue_actions_owned(*, user: User, on: datetime.date | None = None) -> list[dict[str, Any]]:
    """Overdue actions the user or their organisation owns, counted by team and owner, oldest first.

    Only actions the user may update count (teams where they hold a role other than observer,
    live teams, open goals). Each row: team_id, team__name, owner_organisation_id and __name,
    count, oldest (due date), and, meaningful when count is 1, action_pk, action_title and goal_pk.
    One query.
    """
    on = on or today()
    mine = OrganisationMembership.objects.active().filter(user=user).values("organisation_id")
    owned = Q(owner_user=user) | Q(owner_organisation_id__in=mine)
    qs = (
        visible(user, Action.PLAN_ACTION_UPDATE, PlanAction.objects.filter(due_date__lt=on))
        .filter(owned)
        .exclude(status__in=FINISHED_ACTION)
        .exclude(goal__lifecycle_status__in=CLOSED_LIFECYCLE)
    )
    rows = (
        qs.order_by()
        .values("team_id", "team__name", "owner_organisation_id", "owner_organisation__name")
        .annotate(
            count=Count("pk"),
            oldest=Min("due_date"),
            action_pk=Min("pk"),
            action_title=Min("title"),
            goal_pk=Min("goal_id"),
        )
        .order_by("oldest", "team_id", "owner_organisation_id")
    )
    return list(rows[:20])
