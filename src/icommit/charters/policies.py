"""Team charter and team meetings: members read, coordinators write, observers only read.

The object is the team, a charter version or a meeting (both carry ``team_id``). Confirming a
charter version or minutes needs a team role other than observer; that only attendees
confirm minutes is the meetings service's rule. Archived teams are read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import TeamRole
from icommit.charters.models import CharterVersion
from icommit.teams.models import Team

A = Action
_READ = frozenset({A.CHARTER_VIEW, A.MEETING_VIEW})
_EDIT = frozenset({A.CHARTER_EDIT, A.MEETING_EDIT})
_CONFIRM = frozenset({A.CHARTER_CONFIRM, A.MEETING_CONFIRM})


def _team_id(obj: Any) -> int:
    return obj.pk if isinstance(obj, Team) else obj.team_id


def _archived(obj: Any) -> bool:
    team = obj if isinstance(obj, Team) else obj.team
    return team.archived_at is not None


def _confirming_team_ids(facts: Facts) -> list[int]:
    return [t for t, role in facts.team_roles.items() if role != TeamRole.OBSERVER.value]


class CharterPolicy(Policy):
    model = CharterVersion
    object_actions = _READ | _EDIT | _CONFIRM

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if obj is None:
            return False
        team_id = _team_id(obj)
        role = facts.team_role(team_id)
        if role is None:
            return False
        if action in _READ:
            return True
        if _archived(obj):
            return False
        if action in _EDIT:
            return facts.coordinates(team_id)
        if action in _CONFIRM:
            return role != TeamRole.OBSERVER.value
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        is_team = qs.model is Team
        lookup = "pk__in" if is_team else "team_id__in"
        if action in _READ:
            return qs.filter(**{lookup: list(facts.team_roles)})
        live = qs.filter(
            **{"archived_at__isnull" if is_team else "team__archived_at__isnull": True}
        )
        if action in _EDIT:
            return live.filter(**{lookup: list(facts.coordinated_team_ids)})
        if action in _CONFIRM:
            return live.filter(**{lookup: _confirming_team_ids(facts)})
        return qs.none()
