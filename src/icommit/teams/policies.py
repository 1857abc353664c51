"""MSC teams: members see their team, coordinators run it, administrators see it exists.

Teams are set up by platform administrators and by people an administrator allowed to (the
``team_founder`` platform role) while they hold a confirmed organisation membership.

A team membership counts only while it is active and the member's organisation membership
is confirmed (see ``access.facts``). Archived teams are read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import PlatformRole
from icommit.teams.models import Team

A = Action
_COORDINATOR_ACTIONS = {A.TEAM_EDIT, A.TEAM_MANAGE_MEMBERS, A.TEAM_EXPORT}


class TeamPolicy(Policy):
    model = Team
    view_action = A.TEAM_VIEW
    global_actions = frozenset({A.TEAM_CREATE})
    object_actions = frozenset(
        {
            A.TEAM_VIEW,
            A.TEAM_EDIT,
            A.TEAM_ARCHIVE,
            A.TEAM_MANAGE_MEMBERS,
            A.TEAM_EXPORT,
            A.TEAM_HISTORY,
        }
    )

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if action == A.TEAM_CREATE:
            if facts.is_admin:
                return True
            return facts.has_role(PlatformRole.TEAM_FOUNDER) and bool(facts.org_ids)
        if obj is None:
            return False
        if action == A.TEAM_VIEW:
            return facts.is_admin or facts.team_role(obj.pk) is not None
        if action == A.TEAM_HISTORY:
            return facts.is_admin or facts.coordinates(obj.pk)
        archived = obj.archived_at is not None
        if action == A.TEAM_ARCHIVE:
            return not archived and (facts.is_admin or facts.coordinates(obj.pk))
        if action in _COORDINATOR_ACTIONS:
            return not archived and facts.coordinates(obj.pk)
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        if action == A.TEAM_VIEW:
            return qs if facts.is_admin else qs.filter(pk__in=list(facts.team_roles))
        coordinated = list(facts.coordinated_team_ids)
        if action == A.TEAM_HISTORY:
            return qs if facts.is_admin else qs.filter(pk__in=coordinated)
        live = qs.filter(archived_at__isnull=True)
        if action == A.TEAM_ARCHIVE:
            return live if facts.is_admin else live.filter(pk__in=coordinated)
        if action in _COORDINATOR_ACTIONS:
            return live.filter(Q(pk__in=coordinated))
        return qs.none()
