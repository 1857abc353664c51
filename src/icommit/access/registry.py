"""The registry: which policy answers for which action, and the three questions everyone asks.

``can`` answers for one object, ``visible`` narrows a queryset, ``require`` raises NotFound when
the object does not exist for the user and Forbidden when it exists but the action is refused.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import facts_for
from icommit.access.policies.base import Policy
from icommit.core.exceptions import Forbidden, NotFound

M = TypeVar("M", bound=Model)


#: Every policy, one per line ("module:Class"), imported when first needed.
POLICIES = [
    "icommit.access.policies.organisations:OrganisationPolicy",
    "icommit.access.policies.teams:TeamPolicy",
    "icommit.access.policies.platform:AuditPolicy",
    "icommit.access.policies.platform:UserAdminPolicy",
    "icommit.access.policies.platform:JobPolicy",
    "icommit.access.policies.plans:PlanPolicy",
    "icommit.access.policies.charters:CharterPolicy",
    "icommit.access.policies.phases:PhasePolicy",
    "icommit.access.policies.transparency:RoleProfilePolicy",
    "icommit.access.policies.transparency:TransparencyPolicy",
    "icommit.access.policies.instruments:InstrumentPolicy",
    "icommit.access.policies.diagnostics:DiagnosticsPolicy",
]


@cache
def policies() -> tuple[Policy, ...]:
    import importlib

    found = []
    for entry in POLICIES:
        module, name = entry.split(":")
        found.append(getattr(importlib.import_module(module), name)())
    return tuple(found)


@cache
def policy_for(action: Action) -> Policy:
    for policy in policies():
        if action in policy.actions:
            return policy
    raise LookupError(f"no policy declares {action}")


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """Whether the user may do the action (to the object, where the action takes one)."""
    return policy_for(action).can(facts_for(user), action, obj)


def visible(user: Any, action: Action, qs: QuerySet[M]) -> QuerySet[M]:
    """Narrow the queryset to the objects on which the user may do the action."""
    return policy_for(action).visible(facts_for(user), action, qs)


def require(user: Any, action: Action, obj: Any = None) -> None:
    """Raise NotFound if the object is hidden from the user, Forbidden if the action is refused."""
    policy = policy_for(action)
    facts = facts_for(user)
    view = policy.view_action
    if obj is not None and view is not None and not policy.can(facts, view, obj):
        raise NotFound()
    if not policy.can(facts, action, obj):
        raise Forbidden()


def get_visible(user: Any, action: Action, qs: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object the user may see and act on; NotFound for anything else."""
    policy = policy_for(action)
    view = policy.view_action or action
    try:
        obj = visible(user, view, qs).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    require(user, action, obj)
    return obj
