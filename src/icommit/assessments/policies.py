"""Who reads and records the client's D&R phase, tracks and risk references, and who designates
risk assessors.

- ``assessment.view``: the organisations taking part in the case (``case.view``); what each
  person then reads of tracks and risk references is what the sharing kernel lets their
  organisation see.
- ``assessment.record_track``: ``case.work`` (a participant, not an observer, team not archived).
- ``assessment.phase``: ``case.manage`` (the case's manager in the lead organisation).
- ``assessment.record_risk``: ``case.work`` and a designation in effect as risk assessor of an
  organisation that takes part in the case.
- ``assessment.designate`` (no object): an administrator of an organisation; the designation
  page then shows only the organisations they administer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.assessments.models import RiskAssessor
from icommit.cases.models import Case, CaseParticipant
from icommit.cases.policies import CasePolicy

A = Action
_ON_CASE = {
    A.ASSESSMENT_VIEW: A.CASE_VIEW,
    A.ASSESSMENT_RECORD_TRACK: A.CASE_WORK,
    A.ASSESSMENT_PHASE: A.CASE_MANAGE,
    A.ASSESSMENT_RECORD_RISK: A.CASE_WORK,
}


def assessor_org_ids(facts: Facts) -> set[int]:
    """The organisations for which the person is a designated risk assessor now (one query)."""
    if not facts.org_ids or facts.user_id is None:
        return set()
    return set(
        RiskAssessor.objects.filter(
            user_id=facts.user_id, ended_at__isnull=True, organisation_id__in=facts.org_ids
        ).values_list("organisation_id", flat=True)
    )


class AssessmentPolicy(Policy):
    model = Case
    global_actions = frozenset({A.ASSESSMENT_DESIGNATE})
    object_actions = frozenset(_ON_CASE)

    def __init__(self) -> None:
        self.cases = CasePolicy()

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if action == A.ASSESSMENT_DESIGNATE:
            return bool(facts.org_admin_ids)
        if obj is None or action not in _ON_CASE:
            return False
        if not self.cases.can(facts, _ON_CASE[action], obj):
            return False
        if action != A.ASSESSMENT_RECORD_RISK:
            return True
        designated = assessor_org_ids(facts)
        return CaseParticipant.objects.filter(
            case_id=obj.pk, left_at__isnull=True, organisation_id__in=designated
        ).exists()

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or action not in _ON_CASE:
            return qs.none()
        qs = self.cases.visible(facts, _ON_CASE[action], qs)
        if action != A.ASSESSMENT_RECORD_RISK:
            return qs
        rows = CaseParticipant.objects.filter(
            case_id=OuterRef("pk"),
            left_at__isnull=True,
            organisation_id__in=assessor_org_ids(facts),
        )
        return qs.filter(Exists(rows))
