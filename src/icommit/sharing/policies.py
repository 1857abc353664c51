"""A team's sharing protocol and transparency matrix: read by everyone in the team (any team
role), changed by its coordinators while the team is not archived. The bases shares rest on.
Shared items answer through the policy ``sharing.items`` registers for each kind of item."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.sharing.models import Basis
from icommit.teams.models import Team
from icommit.teams.policies import TeamPolicy

A = Action


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


class BasisPolicy(Policy):
    """A consent or legal basis: recorded by anyone with a confirmed organisation (for that
    organisation, checked by the service), withdrawn by the organisation that holds it."""

    model = Basis
    global_actions = frozenset({A.BASIS_RECORD})
    object_actions = frozenset({A.BASIS_WITHDRAW})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active or not facts.org_ids:
            return False
        if action == A.BASIS_RECORD:
            return True
        if action == A.BASIS_WITHDRAW and obj is not None:
            return obj.withdrawn_at is None and obj.organisation_id in facts.org_ids
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or action != A.BASIS_WITHDRAW:
            return qs.none()
        return qs.filter(withdrawn_at__isnull=True, organisation_id__in=facts.org_ids)
