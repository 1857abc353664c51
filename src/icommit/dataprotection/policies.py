"""Who runs privacy operations.

- ``dataprotection.retention``, ``.erase``, ``.record``, ``.export_oversee`` (the list of every
  export request, its state and dates, with the client's pseudonym only): the data-protection
  officer (global).
- ``dataprotection.export_request`` (on a case): a member of the case's lead organisation who may
  work on the case records that the client asked for a copy of their data.
- ``dataprotection.export_view`` (on an export request): members of the lead organisation who
  may view the case, and members of every organisation that holds a part of the export.
- ``dataprotection.export_release`` (on an export request): members of an organisation that
  holds a part; each answers for its own organisation's part only (the service checks which).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import PlatformRole
from icommit.cases.models import Case
from icommit.cases.policies import CasePolicy
from icommit.dataprotection.models import ExportAnswer, ExportRequest

A = Action
_DPO_ACTIONS = frozenset(
    {
        A.DATAPROTECTION_RETENTION,
        A.DATAPROTECTION_ERASE,
        A.DATAPROTECTION_RECORD,
        A.DATAPROTECTION_EXPORT_OVERSEE,
    }
)
_CASES = CasePolicy()


class DataProtectionPolicy(Policy):
    model = ExportRequest
    view_action = A.DATAPROTECTION_EXPORT_VIEW
    global_actions = _DPO_ACTIONS
    object_actions = frozenset(
        {
            A.DATAPROTECTION_EXPORT_REQUEST,
            A.DATAPROTECTION_EXPORT_VIEW,
            A.DATAPROTECTION_EXPORT_RELEASE,
        }
    )

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if not facts.active:
            return False
        if action in _DPO_ACTIONS:
            return facts.has_role(PlatformRole.DPO)
        if isinstance(obj, Case):
            if action == A.DATAPROTECTION_EXPORT_VIEW:  # the case exists for the person
                return _CASES.can(facts, A.CASE_FIND, obj)
            if action != A.DATAPROTECTION_EXPORT_REQUEST:
                return False
            return obj.lead_organisation_id in facts.org_ids and _CASES.can(facts, A.CASE_WORK, obj)
        if not isinstance(obj, ExportRequest) or not facts.org_ids:
            return False
        holds = ExportAnswer.objects.filter(
            request_id=obj.pk, organisation_id__in=facts.org_ids
        ).exists()
        if action == A.DATAPROTECTION_EXPORT_RELEASE:
            return holds
        if action == A.DATAPROTECTION_EXPORT_VIEW:
            return holds or (
                obj.lead_organisation_id in facts.org_ids
                and _CASES.can(facts, A.CASE_VIEW, obj.case)
            )
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active or action in _DPO_ACTIONS:
            return qs if facts.active and facts.has_role(PlatformRole.DPO) else qs.none()
        if qs.model is Case:
            if action == A.DATAPROTECTION_EXPORT_VIEW:
                return _CASES.visible(facts, A.CASE_FIND, qs)
            if action != A.DATAPROTECTION_EXPORT_REQUEST:
                return qs.none()
            working = _CASES.visible(facts, A.CASE_WORK, Case.objects.all())
            return qs.filter(pk__in=working.values("pk"), lead_organisation_id__in=facts.org_ids)
        if not facts.org_ids:
            return qs.none()
        holds = Exists(
            ExportAnswer.objects.filter(
                request_id=OuterRef("pk"), organisation_id__in=facts.org_ids
            )
        )
        if action == A.DATAPROTECTION_EXPORT_RELEASE:
            return qs.filter(holds)
        if action == A.DATAPROTECTION_EXPORT_VIEW:
            viewed = _CASES.visible(facts, A.CASE_VIEW, Case.objects.all())
            return qs.filter(
                holds | Q(lead_organisation_id__in=facts.org_ids, case_id__in=viewed.values("pk"))
            )
        return qs.none()
