"""Diagnostics rounds: the team sees its rounds and results, coordinators run them, invitees answer.

The object is the team or one of its rounds. ``diagnostics.respond`` needs a round and an
invitation to it (a participation row) held by a current team member; whether the round is
still open is a state the services check (a closed round answers 409, not 403). Results are
aggregates only; which groups they show is decided by ``diagnostics.results``, not here.
Archived teams are read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.diagnostics.models import Participation, Round
from icommit.teams.models import Team

A = Action


def _team(obj: Any) -> Team:
    return obj if isinstance(obj, Team) else obj.team


class DiagnosticsPolicy(Policy):
    model = Round
    view_action = A.DIAGNOSTICS_VIEW
    object_actions = frozenset(
        {A.DIAGNOSTICS_VIEW, A.DIAGNOSTICS_MANAGE, A.DIAGNOSTICS_RESPOND, A.DIAGNOSTICS_RESULTS}
    )

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if obj is None:
            return False
        team = _team(obj)
        if facts.team_role(team.pk) is None:
            return False
        if action in (A.DIAGNOSTICS_VIEW, A.DIAGNOSTICS_RESULTS):
            return True
        if team.archived_at is not None:
            return False
        if action == A.DIAGNOSTICS_MANAGE:
            return facts.coordinates(team.pk)
        if action != A.DIAGNOSTICS_RESPOND or not isinstance(obj, Round):
            return False
        return (
            facts.user_id is not None
            and Participation.objects.filter(round=obj, user_id=facts.user_id).exists()
        )

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        is_team = qs.model is Team
        lookup = "pk__in" if is_team else "team_id__in"
        live = "archived_at__isnull" if is_team else "team__archived_at__isnull"
        if action in (A.DIAGNOSTICS_VIEW, A.DIAGNOSTICS_RESULTS):
            return qs.filter(**{lookup: list(facts.team_roles)})
        if action == A.DIAGNOSTICS_MANAGE:
            return qs.filter(**{lookup: list(facts.coordinated_team_ids), live: True})
        if action == A.DIAGNOSTICS_RESPOND and not is_team:
            return qs.filter(
                **{lookup: list(facts.team_roles), live: True},
                participations__user_id=facts.user_id,
            )
        return qs.none()
