"""Phase progress of a team: members and administrators read it, coordinators change it.

The object of every ``phases.*`` action is the team itself (a team's progress, task states,
moves and derived model versions all hang off it). ``PHASES_ADAPT`` covers both deriving the
team's own version and moving the team to a newer shipped version (the what-changed page is
read with ``PHASES_VIEW``). Observers read only; archived teams are read-only for everyone.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.teams.models import Team

A = Action
_COORDINATOR_ACTIONS = frozenset({A.PHASES_EDIT, A.PHASES_MOVE, A.PHASES_ADAPT})


class PhasePolicy(Policy):
    model = Team
    view_action = A.PHASES_VIEW
    object_actions = frozenset({A.PHASES_VIEW, *_COORDINATOR_ACTIONS})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if obj is None:
            return False
        if action == A.PHASES_VIEW:
            return facts.is_admin or facts.team_role(obj.pk) is not None
        if action not in _COORDINATOR_ACTIONS:
            return False
        if obj.archived_at is not None:
            return False
        return facts.coordinates(obj.pk)

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        if action == A.PHASES_VIEW:
            return qs if facts.is_admin else qs.filter(pk__in=list(facts.team_roles))
        if action in _COORDINATOR_ACTIONS:
            return qs.filter(archived_at__isnull=True, pk__in=list(facts.coordinated_team_ids))
        return qs.none()
