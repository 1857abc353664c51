"""Mutual transparency: role profiles of organisations, a team's sharing protocol and matrix.

A role profile is written and confirmed only by confirmed members of its own organisation —
not by other organisations and not by platform administrators; whoever may see the
organisation may read it. A team's protocol and matrix are read by everyone in the team
(any team role) and changed by its coordinators while the team is not archived.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.policies.organisations import OrganisationPolicy
from icommit.access.policies.teams import TeamPolicy
from icommit.stakeholders.models import Organisation
from icommit.teams.models import Team

A = Action


class RoleProfilePolicy(Policy):
    """The object is the organisation whose profile it is."""

    model = Organisation
    view_action = A.ORGANISATION_VIEW
    object_actions = frozenset({A.ORGANISATION_PROFILE_EDIT})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if action == A.ORGANISATION_VIEW:
            return OrganisationPolicy().can(facts, action, obj)
        if not facts.active or obj is None:
            return False
        if action != A.ORGANISATION_PROFILE_EDIT:
            return False
        if obj.archived_at is not None:
            return False
        return obj.pk in facts.org_ids

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if action == A.ORGANISATION_VIEW:
            return OrganisationPolicy().visible(facts, action, qs)
        if not facts.active or action != A.ORGANISATION_PROFILE_EDIT:
            return qs.none()
        return qs.filter(archived_at__isnull=True, pk__in=facts.org_ids)


class TransparencyPolicy(Policy):
    """The object is the team whose protocol and matrix it is."""

    model = Team
    view_action = A.TEAM_VIEW
    object_actions = frozenset({A.TEAM_TRANSPARENCY_VIEW, A.TEAM_PROTOCOL_EDIT})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if action == A.TEAM_VIEW:
            return TeamPolicy().can(facts, action, obj)
        if not facts.active or obj is None:
            return False
        if action == A.TEAM_TRANSPARENCY_VIEW:
            return facts.team_role(obj.pk) is not None
        if action != A.TEAM_PROTOCOL_EDIT:
            return False
        if obj.archived_at is not None:
            return False
        return facts.coordinates(obj.pk)

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if action == A.TEAM_VIEW:
            return TeamPolicy().visible(facts, action, qs)
        if not facts.active:
            return qs.none()
        if action == A.TEAM_TRANSPARENCY_VIEW:
            return qs.filter(pk__in=list(facts.team_roles))
        if action != A.TEAM_PROTOCOL_EDIT:
            return qs.none()
        return qs.filter(archived_at__isnull=True, pk__in=list(facts.coordinated_team_ids))
