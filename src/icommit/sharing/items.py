"""The need-to-know chokepoint: which shared items a person may see, decided in one place.

A person sees a shared item when they are a confirmed member of the organisation it comes from,
or of an organisation with an audience row in effect (not ended, not past its end, its basis
not withdrawn). A team role alone reaches nothing: a coordinator of the team reads an item only
through their organisation. ``visible_items`` narrows a queryset in SQL (one ``EXISTS``),
``may_see`` answers for one item with at most one query; both rest on ``live_q``, so they
agree. Each kind of item registers itself here, which also registers its policy in the access
kernel, looked up by (action, model).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from icommit.access import registry as access
from icommit.access.actions import Action
from icommit.access.facts import Facts, facts_for
from icommit.access.policies.base import Policy
from icommit.accounts.models import User
from icommit.sharing.models import ITEM_FIELD, AudienceRow, SharedItem, live_q

A = Action
I = TypeVar("I", bound=SharedItem)  # noqa: E741 (the item type)

#: item model -> its audience model
_AUDIENCES: dict[type[SharedItem], type[AudienceRow]] = {}


def register(item_model: type[SharedItem], audience_model: type[AudienceRow]) -> None:
    """Make ``item_model`` a shared item whose audience lives in ``audience_model``.

    Called once at start-up (from the owning app's ``plugin`` or ``AppConfig.ready``).
    """
    field = audience_model._meta.get_field(ITEM_FIELD)
    if getattr(field, "related_model", None) is not item_model:
        raise TypeError(f"{audience_model.__name__}.item must point to {item_model.__name__}")
    _AUDIENCES[item_model] = audience_model
    access.register(policy_for_item(item_model))


def audience_model(item_model: type[Model]) -> type[AudienceRow]:
    try:
        return _AUDIENCES[item_model]  # type: ignore[index]
    except KeyError:
        raise LookupError(f"{item_model.__name__} is not a registered shared item") from None


def audience_models() -> list[type[AudienceRow]]:
    return list(_AUDIENCES.values())


def _reach(facts: Facts) -> frozenset[int]:
    """The organisations through which the person may see items."""
    return facts.org_ids if facts.active else frozenset()


def filter_visible(facts: Facts, qs: QuerySet[I]) -> QuerySet[I]:
    orgs = _reach(facts)
    if not orgs:
        return qs.none()
    audience = (
        audience_model(qs.model)
        .objects.of(OuterRef("pk"))
        .filter(live_q(), organisation_id__in=orgs)
    )
    return qs.filter(Q(origin_organisation_id__in=orgs) | Exists(audience))


def check_visible(facts: Facts, item: SharedItem) -> bool:
    orgs = _reach(facts)
    if not orgs:
        return False
    if item.origin_organisation_id in orgs:
        return True
    rows = audience_model(type(item)).objects.of(item).filter(live_q(), organisation_id__in=orgs)
    return rows.exists()


def visible_items(user: User, qs: QuerySet[I]) -> QuerySet[I]:
    """The items of ``qs`` the user may see: every selector of a shared item starts here."""
    return filter_visible(facts_for(user), qs)


def may_see(user: User, item: SharedItem) -> bool:
    """Whether the user may see this one item (the check every service makes)."""
    return check_visible(facts_for(user), item)


class SharedItemPolicy(Policy):
    """Seeing through the kernel; sharing onward and ending a share only for the origin.

    An organisation that received an item may not pass it on: only the organisation it comes
    from decides, under the protocol, who else receives it.
    """

    view_action = A.SHARED_VIEW
    object_actions = frozenset({A.SHARED_VIEW, A.SHARED_SHARE, A.SHARED_END})

    def can(self, facts: Facts, action: Action, obj: Any = None) -> bool:
        if obj is None or not facts.active:
            return False
        if action == A.SHARED_VIEW:
            return check_visible(facts, obj)
        if action in {A.SHARED_SHARE, A.SHARED_END}:
            return obj.origin_organisation_id in facts.org_ids
        return False

    def visible(self, facts: Facts, action: Action, qs: QuerySet[Any]) -> QuerySet[Any]:
        if not facts.active:
            return qs.none()
        if action == A.SHARED_VIEW:
            return filter_visible(facts, qs)
        if action in {A.SHARED_SHARE, A.SHARED_END}:
            return qs.filter(origin_organisation_id__in=facts.org_ids)
        return qs.none()


def policy_for_item(item_model: type[SharedItem]) -> type[Policy]:
    """The shared-item policy bound to one model, so the registry finds it by (action, model)."""
    return type(f"{item_model.__name__}Policy", (SharedItemPolicy,), {"model": item_model})
