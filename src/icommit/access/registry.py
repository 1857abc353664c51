"""The registry: which policy answers for which action, and the three questions everyone asks.

``can`` answers for one object, ``visible`` narrows a queryset, ``require`` raises NotFound when
the object does not exist for the user and Forbidden when it exists but the action is refused.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet

from icommit.access.actions import Action
from icommit.access.facts import facts_for
from icommit.access.policies.base import Policy
from icommit.core.exceptions import Forbidden, NotFound
from icommit.core.http import Person

M = TypeVar("M", bound=Model)


#: The platform's own policies ("module:Class"), imported when first needed; every app adds its
#: own with ``register`` from its ``plugin`` module, so the kernel imports no domain model.
_POLICIES: list[str | type[Policy]] = [
    "icommit.access.policies.platform:AuditPolicy",
    "icommit.access.policies.platform:UserAdminPolicy",
    "icommit.access.policies.platform:JobPolicy",
]


def register(*policy_classes: type[Policy]) -> None:
    """Plug an app's policies in; called once from the app's ``plugin`` at start-up."""
    for policy_class in policy_classes:
        if policy_class not in _POLICIES:
            _POLICIES.append(policy_class)
    policies.cache_clear()
    _declaring.cache_clear()


@cache
def policies() -> tuple[Policy, ...]:
    found = []
    for entry in _POLICIES:
        if isinstance(entry, str):
            module, name = entry.split(":")
            entry = getattr(importlib.import_module(module), name)
        found.append(entry())
    return tuple(found)


@cache
def _declaring(action: Action) -> tuple[Policy, ...]:
    return tuple(p for p in policies() if action in p.actions)


def policy_for(action: Action, model: type[Model] | None = None) -> Policy:
    """The policy that answers for ``action`` on objects of ``model``.

    Policies are looked up by (action, model): several models may share an action (every kind
    of shared item answers ``shared.view``), each through its own policy. Where one policy
    declares the action, the model does not matter.
    """
    found = _declaring(action)
    if len(found) == 1:
        return found[0]
    if not found:
        raise LookupError(f"no policy declares {action}")
    if model is not None:
        for policy in found:
            if policy.model is not None and issubclass(model, policy.model):
                return policy
    raise LookupError(f"no policy declares {action} for {model}")


def _model_of(obj: Any) -> type[Model] | None:
    return type(obj) if isinstance(obj, Model) else None


def can(user: Person, action: Action, obj: Any = None) -> bool:
    """Whether the user may do the action (to the object, where the action takes one)."""
    return policy_for(action, _model_of(obj)).can(facts_for(user), action, obj)


def visible(user: Person, action: Action, qs: QuerySet[M]) -> QuerySet[M]:
    """Narrow the queryset to the objects on which the user may do the action."""
    return policy_for(action, qs.model).visible(facts_for(user), action, qs)


def require(user: Person, action: Action, obj: Any = None) -> None:
    """Raise NotFound if the object is hidden from the user, Forbidden if the action is refused."""
    policy = policy_for(action, _model_of(obj))
    facts = facts_for(user)
    view = policy.view_action
    if obj is not None and view is not None and not policy.can(facts, view, obj):
        raise NotFound()
    if not policy.can(facts, action, obj):
        raise Forbidden()


def get_visible(user: Person, action: Action, qs: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object the user may see and act on; NotFound for anything else."""
    policy = policy_for(action, qs.model)
    view = policy.view_action or action
    try:
        obj = visible(user, view, qs).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    require(user, action, obj)
    return obj
