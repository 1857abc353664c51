"""Who convenes, reads, writes and confirms case conferences.

- ``conference.view`` (object: the team or a conference): anyone with a role in the team opens
  the conference list and pages; what a page shows of each case is narrowed by the sharing
  kernel (a team role alone shows a case's pseudonym and that it is on the agenda, nothing else).
- ``conference.manage`` (the team or a conference): the team's coordinators and case managers
  convene conferences and edit attendees and agenda, while the team is not archived.
- ``conference.record`` (an agenda entry or the part of the minutes about it): a person who
  attends the conference for the case's lead organisation (the part's origin), not an observer.
- ``conference.confirm`` (a part): a person who attends the conference for an organisation
  present for the case (the part's origin, or one it is shared with now), not an observer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import TeamRole
from icommit.conferences.models import (
    AgendaEntry,
    Conference,
    ConferenceAttendee,
    ConferencePart,
    PartAudience,
)
from icommit.sharing.models import live_q
from icommit.teams.models import Team

A = Action
_MANAGERS = frozenset({TeamRole.COORDINATOR.value, TeamRole.CASE_MANAGER.value})


def _team(obj: Any) -> Team:
    return obj if isinstance(obj, Team) else obj.team


class ConferencePolicy(Policy):
    model = Conference
    view_action = A.CONFERENCE_VIEW
    object_actions = frozenset({A.CONFERENCE_VIEW, A.CONFERENCE_MANAGE})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if obj is None or not facts.active:
            return False
        team = _team(obj)
        role = facts.team_role(team.pk)
        if role is None:
            return False
        if action == A.CONFERENCE_VIEW:
            return True
        if action == A.CONFERENCE_MANAGE:
            return team.archived_at is None and role in _MANAGERS
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        lookup = "pk__in" if qs.model is Team else "team_id__in"
        if action == A.CONFERENCE_VIEW:
            return qs.filter(**{lookup: list(facts.team_roles)})
        if action == A.CONFERENCE_MANAGE:
            teams = [t for t, r in facts.team_roles.items() if r in _MANAGERS]
            archived = "archived_at__isnull" if qs.model is Team else "team__archived_at__isnull"
            return qs.filter(**{lookup: teams, archived: True})
        return qs.none()


def _attends_for(facts: Facts, conference_id: int, org_ids: set[int]) -> bool:
    mine = org_ids & facts.org_ids
    if not mine:
        return False
    return (
        ConferenceAttendee.objects.filter(
            conference_id=conference_id, user_id=facts.user_id or 0, organisation_id__in=mine
        )
        .exclude(role=TeamRole.OBSERVER)
        .exists()
    )


class PartPolicy(Policy):
    """Writing and confirming the minutes of a case (reading them is the sharing kernel's)."""

    model = ConferencePart
    object_actions = frozenset({A.CONFERENCE_RECORD, A.CONFERENCE_CONFIRM})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if obj is None or not facts.active:
            return False
        if isinstance(obj, AgendaEntry):
            lead = obj.case.lead_organisation_id
            if action != A.CONFERENCE_RECORD or lead is None:
                return False
            return _attends_for(facts, obj.conference_id, {lead})
        if not isinstance(obj, ConferencePart):
            return False
        conference_id = obj.entry.conference_id
        if action == A.CONFERENCE_RECORD:
            return _attends_for(facts, conference_id, {obj.origin_organisation_id})
        if action == A.CONFERENCE_CONFIRM:
            present = {obj.origin_organisation_id} | set(
                PartAudience.objects.filter(live_q(), item=obj).values_list(
                    "organisation_id", flat=True
                )
            )
            return _attends_for(facts, conference_id, present)
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or not facts.org_ids or action not in self.object_actions:
            return qs.none()
        seats = ConferenceAttendee.objects.filter(
            conference_id=OuterRef("entry__conference_id"),
            user_id=facts.user_id or 0,
            organisation_id__in=facts.org_ids,
        ).exclude(role=TeamRole.OBSERVER)
        if action == A.CONFERENCE_RECORD:
            return qs.filter(
                Exists(seats.filter(organisation_id=OuterRef("origin_organisation_id")))
            )
        audience = PartAudience.objects.filter(
            live_q(), item_id=OuterRef(OuterRef("pk")), organisation_id=OuterRef("organisation_id")
        )
        return qs.filter(
            Exists(
                seats.filter(
                    Q(organisation_id=OuterRef("origin_organisation_id")) | Q(Exists(audience))
                )
            )
        )
