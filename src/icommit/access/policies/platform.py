"""Platform functions: the audit log (administrators and data-protection officers) and jobs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from icommit.access.actions import Action
from icommit.access.facts import Facts
from icommit.access.policies.base import Policy
from icommit.access.roles import PlatformRole
from icommit.core.models import Job


class AuditPolicy(Policy):
    """Read the audit log and start a verification of its chain."""

    global_actions = frozenset({Action.AUDIT_VIEW, Action.AUDIT_VERIFY})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        return facts.is_admin or facts.has_role(PlatformRole.DPO)

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs if self.can(facts, action) else qs.none()


class UserAdminPolicy(Policy):
    """Accounts are run by platform administrators: list, deactivate, reset MFA."""

    global_actions = frozenset({Action.USER_MANAGE})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        return facts.is_admin

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs if facts.is_admin else qs.none()


class JobPolicy(Policy):
    """A job and its result file belong to the person who started it, and to no one else."""

    model = Job
    view_action = Action.JOB_VIEW
    object_actions = frozenset({Action.JOB_VIEW})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        return facts.active and obj is not None and obj.owner_id == facts.user_id

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(owner_id=facts.user_id) if facts.active else qs.none()
