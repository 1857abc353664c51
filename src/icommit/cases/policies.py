"""Who reaches a case, and how: through participation, never through a team role alone.

Objects are the team (listing, referring, triage queue, identity search) or a case.

- ``case.find``: whether a case exists for the person at all (they may view it, triage it, or
  see the status of their organisation's referral); a case beyond it answers 404.
- ``case.list``: anyone with a role in the team opens the list; it shows only the cases their
  organisation participates in, and their own organisation's referrals (status only).
- ``case.refer``: members, case managers and coordinators of a team that is not archived.
- ``case.triage``: the team role "case manager", on a referral still in "referred" or "triage";
  a re-referral of a case that already has a lead only for the lead's case managers.
- ``case.referral_status``: the referring organisation sees a referral's stage and nothing else.
- ``case.view``: a person with a role in the case's team whose organisation participates in
  the case now. A coordinator reads no case by being coordinator.
- ``case.work`` (record notes, consents, share own items): ``case.view``, not an observer, the
  team not archived.
- ``case.manage`` (move the stage, participants, purpose, transfer): ``case.work`` and a member of
  the lead organisation who is the case's manager or a case manager of the team.
- ``case.identity_search``: anyone with a team role except observers; the search itself looks
  only at identities the searcher's organisation holds as lead.
- ``case.access_log``: members of the lead organisation who may view the case, and the
  data-protection officer.
- ``case.privacy``: the data-protection officer's queue (danger shares, restriction requests).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import PlatformRole, TeamRole
from icommit.cases.models import Case, CaseParticipant
from icommit.cases.process import Stage
from icommit.teams.models import Team

A = Action
TRIAGE_STAGES = frozenset({Stage.REFERRED.value, Stage.TRIAGE.value})
_ACTIVE_ROLES = frozenset(
    {TeamRole.COORDINATOR.value, TeamRole.CASE_MANAGER.value, TeamRole.MEMBER.value}
)


def _roles(facts: Facts, team_id: int) -> str | None:
    return facts.team_role(team_id)


def _teams_with(facts: Facts, roles: frozenset[str] | None = None) -> list[int]:
    return [t for t, r in facts.team_roles.items() if roles is None or r in roles]


def participates(facts: Facts, case: Case) -> bool:
    """Whether one of the person's organisations takes part in the case now (one query)."""
    if not facts.org_ids:
        return False
    return CaseParticipant.objects.filter(
        case_id=case.pk, left_at__isnull=True, organisation_id__in=facts.org_ids
    ).exists()


def _participation_q(facts: Facts) -> Q:
    rows = CaseParticipant.objects.filter(
        case_id=OuterRef("pk"), left_at__isnull=True, organisation_id__in=facts.org_ids
    )
    return Q(Exists(rows), team_id__in=_teams_with(facts))


class CasePolicy(Policy):
    model = Case
    view_action = A.CASE_FIND
    global_actions = frozenset({A.CASE_PRIVACY})
    object_actions = frozenset(
        {
            A.CASE_LIST,
            A.CASE_FIND,
            A.CASE_REFER,
            A.CASE_TRIAGE,
            A.CASE_REFERRAL_STATUS,
            A.CASE_VIEW,
            A.CASE_WORK,
            A.CASE_MANAGE,
            A.CASE_IDENTITY_SEARCH,
            A.CASE_ACCESS_LOG,
        }
    )

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if action == A.CASE_PRIVACY:
            return facts.has_role(PlatformRole.DPO)
        if obj is None:
            return False
        if isinstance(obj, Team):
            return self._on_team(facts, action, obj)
        return self._on_case(facts, action, obj)

    def _on_team(self, facts: Facts, action: Action, team: Team) -> bool:
        role = _roles(facts, team.pk)
        if role is None:
            return False
        if action in (A.CASE_LIST, A.CASE_FIND):  # the team exists for anyone in it
            return True
        if action == A.CASE_IDENTITY_SEARCH:
            return role != TeamRole.OBSERVER.value
        if team.archived_at is not None:
            return False
        if action == A.CASE_REFER:
            return role in _ACTIVE_ROLES and bool(facts.org_ids)
        if action == A.CASE_TRIAGE:
            return role == TeamRole.CASE_MANAGER.value
        return False

    def _on_case(self, facts: Facts, action: Action, case: Case) -> bool:
        if action == A.CASE_FIND:
            return any(
                self._on_case(facts, a, case)
                for a in (A.CASE_REFERRAL_STATUS, A.CASE_TRIAGE, A.CASE_VIEW, A.CASE_ACCESS_LOG)
            )
        if action == A.CASE_ACCESS_LOG and facts.has_role(PlatformRole.DPO):
            return True
        role = _roles(facts, case.team_id)
        if role is None:
            return False
        if action == A.CASE_REFERRAL_STATUS:
            return case.referring_organisation_id in facts.org_ids
        if action == A.CASE_TRIAGE:
            # a re-referral of a case that has a lead goes back to the lead's case managers
            return (
                role == TeamRole.CASE_MANAGER.value
                and case.stage in TRIAGE_STAGES
                and case.team.archived_at is None
                and (
                    case.lead_organisation_id is None or case.lead_organisation_id in facts.org_ids
                )
            )
        if action not in (A.CASE_VIEW, A.CASE_WORK, A.CASE_MANAGE, A.CASE_ACCESS_LOG):
            return False
        if not participates(facts, case):
            return False
        if action == A.CASE_VIEW:
            return True
        lead = case.lead_organisation_id in facts.org_ids
        if action == A.CASE_ACCESS_LOG:
            return lead
        if case.team.archived_at is not None or role == TeamRole.OBSERVER.value:
            return False
        if action == A.CASE_WORK:
            return True
        return lead and (
            case.case_manager_id == facts.user_id or role == TeamRole.CASE_MANAGER.value
        )

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        if qs.model is Team:
            return self._teams(facts, action, qs)
        if action == A.CASE_ACCESS_LOG and facts.has_role(PlatformRole.DPO):
            return qs
        if action == A.CASE_FIND:
            found = Q(pk__in=[])
            for a in (A.CASE_REFERRAL_STATUS, A.CASE_TRIAGE, A.CASE_VIEW, A.CASE_ACCESS_LOG):
                found |= Q(pk__in=self.visible(facts, a, qs.model.objects.all()).values("pk"))
            return qs.filter(found)
        if action == A.CASE_REFERRAL_STATUS:
            return qs.filter(
                referring_organisation_id__in=facts.org_ids, team_id__in=_teams_with(facts)
            )
        if action == A.CASE_TRIAGE:
            return qs.filter(
                Q(lead_organisation__isnull=True) | Q(lead_organisation_id__in=facts.org_ids),
                team_id__in=_teams_with(facts, frozenset({TeamRole.CASE_MANAGER.value})),
                team__archived_at__isnull=True,
                stage__in=TRIAGE_STAGES,
            )
        if action not in (A.CASE_VIEW, A.CASE_WORK, A.CASE_MANAGE, A.CASE_ACCESS_LOG):
            return qs.none()
        if not facts.org_ids:
            return qs.none()
        qs = qs.filter(_participation_q(facts))
        if action == A.CASE_VIEW:
            return qs
        if action == A.CASE_ACCESS_LOG:
            return qs.filter(lead_organisation_id__in=facts.org_ids)
        working = _teams_with(facts, _ACTIVE_ROLES)
        qs = qs.filter(team_id__in=working, team__archived_at__isnull=True)
        if action == A.CASE_WORK:
            return qs
        managing = _teams_with(facts, frozenset({TeamRole.CASE_MANAGER.value}))
        return qs.filter(
            Q(case_manager_id=facts.user_id) | Q(team_id__in=managing),
            lead_organisation_id__in=facts.org_ids,
        )

    def _teams(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if action in (A.CASE_LIST, A.CASE_FIND):
            return qs.filter(pk__in=_teams_with(facts))
        if action == A.CASE_IDENTITY_SEARCH:
            return qs.filter(pk__in=_teams_with(facts, _ACTIVE_ROLES))
        if action == A.CASE_REFER:
            if not facts.org_ids:
                return qs.none()
            return qs.filter(pk__in=_teams_with(facts, _ACTIVE_ROLES), archived_at__isnull=True)
        if action == A.CASE_TRIAGE:
            return qs.filter(
                pk__in=_teams_with(facts, frozenset({TeamRole.CASE_MANAGER.value})),
                archived_at__isnull=True,
            )
        return qs.none()
