"""Team plans (goals, plan actions, collaboration risks): members read, coordinators edit.

The object of ``plan.view`` and ``plan.edit`` is the team, or any goal, plan action or risk
(all carry ``team_id``). ``plan_action.update`` (status and progress notes) is also open to the
owner person of the action and to confirmed members of its owner organisation, as long as they
hold a team role other than observer. Observers read only; archived teams are read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import TeamRole
from icommit.plans.models import Goal, PlanAction
from icommit.teams.models import Team

A = Action


def _team_id(obj: Any) -> int:
    return obj.pk if isinstance(obj, Team) else obj.team_id


def _archived(obj: Any) -> bool:
    team = obj if isinstance(obj, Team) else obj.team
    return team.archived_at is not None


def _team_lookup(qs: QuerySet[Any]) -> str:
    return "pk__in" if qs.model is Team else "team_id__in"


def _acting_team_ids(facts: Facts) -> list[int]:
    return [t for t, role in facts.team_roles.items() if role != TeamRole.OBSERVER.value]


def _live(qs: QuerySet[Any]) -> QuerySet[Any]:
    field = "archived_at__isnull" if qs.model is Team else "team__archived_at__isnull"
    return qs.filter(**{field: True})


class PlanPolicy(Policy):
    model = Goal
    view_action = A.PLAN_VIEW
    object_actions = frozenset({A.PLAN_VIEW, A.PLAN_EDIT, A.PLAN_ACTION_UPDATE})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if obj is None:
            return False
        team_id = _team_id(obj)
        role = facts.team_role(team_id)
        if role is None:
            return False
        if action == A.PLAN_VIEW:
            return True
        if _archived(obj):
            return False
        if action == A.PLAN_EDIT:
            return facts.coordinates(team_id)
        if action != A.PLAN_ACTION_UPDATE or not isinstance(obj, PlanAction):
            return False
        if facts.coordinates(team_id):
            return True
        if role == TeamRole.OBSERVER.value:
            return False
        if obj.owner_user_id is not None and obj.owner_user_id == facts.user_id:
            return True
        return obj.owner_organisation_id in facts.org_ids

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        lookup = _team_lookup(qs)
        if action == A.PLAN_VIEW:
            return qs.filter(**{lookup: list(facts.team_roles)})
        coordinated = list(facts.coordinated_team_ids)
        if action == A.PLAN_EDIT:
            return _live(qs).filter(**{lookup: coordinated})
        if action == A.PLAN_ACTION_UPDATE and qs.model is PlanAction:
            owned = Q(owner_user_id=facts.user_id) | Q(owner_organisation_id__in=facts.org_ids)
            return _live(qs).filter(
                Q(**{lookup: coordinated}) | (Q(**{lookup: _acting_team_ids(facts)}) & owned)
            )
        return qs.none()
