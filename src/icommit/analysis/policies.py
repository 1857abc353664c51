"""Who works on a case's Social Diagnostics: the case's facts, read through the case policy.

The object is always the case. A case that cannot be found at all (``case.find``) answers 404.

- ``analysis.view``: ``case.view`` (an organisation taking part now); what of the analysis a
  person reads is then narrowed by the sharing kernel, perspective by perspective.
- ``analysis.record``: ``case.work`` (a participant, not an observer, the team not archived)
  records its own organisation's perspective, or the client's view recorded with the client.
- ``analysis.manage``: ``case.manage`` (the lead's case manager) starts an analysis and agrees the
  case formulation.
- A team's certification gate (training's fact ``gated_team_ids``) takes ``analysis.record`` away
  in that team from whoever has no valid certificate yet; nothing else changes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.cases.models import Case
from icommit.cases.policies import CasePolicy

A = Action
_AS_CASE = {
    A.ANALYSIS_VIEW: A.CASE_VIEW,
    A.ANALYSIS_RECORD: A.CASE_WORK,
    A.ANALYSIS_MANAGE: A.CASE_MANAGE,
    A.CASE_FIND: A.CASE_FIND,
}


class AnalysisPolicy(Policy):
    model = Case
    view_action = A.CASE_FIND
    object_actions = frozenset({A.ANALYSIS_VIEW, A.ANALYSIS_RECORD, A.ANALYSIS_MANAGE})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not isinstance(obj, Case):
            return False
        mapped = _AS_CASE.get(action)
        if mapped is None:
            return False
        # --- training gate (edited by the training people work only) ---
        if action == A.ANALYSIS_RECORD and obj.team_id in facts.gated_team_ids:
            return False  # the team asks for a valid certificate before a perspective
        # --- end training gate ---
        return CasePolicy().can(facts, mapped, obj)

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        mapped = _AS_CASE.get(action)
        if mapped is None or qs.model is not Case:
            return qs.none()
        found = CasePolicy().visible(facts, mapped, qs)
        # --- training gate (edited by the training people work only) ---
        if action == A.ANALYSIS_RECORD and facts.gated_team_ids:
            found = found.exclude(team_id__in=list(facts.gated_team_ids))
        # --- end training gate ---
        return found
