"""Who works on a case's intervention plan, contacts and outcomes: the case's rules, narrowed.

Objects are cases. The plan itself is a shared item: ``intervention.view`` opens the plan pages
of a case the person's organisation takes part in, and what they show is narrowed again by the
sharing kernel (the plan only once the lead organisation shared it).

- ``intervention.view``: ``case.view`` (an organisation taking part now).
- ``intervention.manage`` (edit goals, measures, scale, reviews): ``case.manage`` (the lead's
  case manager).
- ``intervention.contribute`` (record contacts, mark one's own measures done): ``case.work``.
- ``outcome.record``: ``case.manage``; the service accepts it only at closure and after.
- ``offence.report``: ``case.work`` for a member of a justice agency (police, prosecution,
  probation, prison) that takes part in the case.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.cases.models import Case, CaseParticipant
from icommit.cases.policies import CasePolicy
from icommit.stakeholders.sectors import Sector

A = Action
#: The agencies that report new offences (a reference to their own records, no details).
JUSTICE_SECTORS = frozenset(
    {Sector.POLICE.value, Sector.PROSECUTION.value, Sector.PROBATION.value, Sector.PRISON.value}
)
#: Each action of this policy and the case action it rests on.
_BASE = {
    A.INTERVENTION_VIEW: A.CASE_VIEW,
    A.INTERVENTION_MANAGE: A.CASE_MANAGE,
    A.INTERVENTION_CONTRIBUTE: A.CASE_WORK,
    A.OUTCOME_RECORD: A.CASE_MANAGE,
    A.OFFENCE_REPORT: A.CASE_WORK,
}


def _justice_rows(facts: Facts, case: Any) -> QuerySet[CaseParticipant]:
    return CaseParticipant.objects.filter(
        case=case,
        left_at__isnull=True,
        organisation_id__in=facts.org_ids,
        organisation__sector__in=JUSTICE_SECTORS,
    )


class InterventionPolicy(Policy):
    model = Case
    #: None: a page finds the case through the case policy first (``case.find``, 404 beyond
    #: it), so a referrer or the DPO who finds the case is refused here with 403
    view_action = None
    object_actions = frozenset(_BASE)

    def __init__(self) -> None:
        self.cases = CasePolicy()

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active or not isinstance(obj, Case) or action not in _BASE:
            return False
        if not self.cases.can(facts, _BASE[action], obj):
            return False
        if action == A.OFFENCE_REPORT:
            return _justice_rows(facts, obj).exists()
        return True

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or qs.model is not Case or action not in _BASE:
            return qs.none()
        qs = self.cases.visible(facts, _BASE[action], qs)
        if action == A.OFFENCE_REPORT:
            qs = qs.filter(Exists(_justice_rows(facts, OuterRef("pk"))))
        return qs
