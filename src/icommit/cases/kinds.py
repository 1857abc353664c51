"""The kinds of item a case holds and shares: notes and the identity here, and whatever the apps
above cases register (a Social Diagnostics perspective, a risk-assessment reference, a conference's
minutes part ...).

Every kind is a shared item of the sharing kernel (``sharing.items.register``) whose audience rows
also point to the case's ``ShareDecision`` that opened them (a ``decision`` foreign key). One
sharing decision, one rule book (``cases.rules``), one ledger and one way to end shares hold for
every kind: the apps above register a kind and call ``cases.services.item_share``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.functional import Promise

from icommit.cases.models import Case


@dataclass(frozen=True)
class ItemKind:
    """One kind of case item.

    ``of_case(case)`` selects the case's items of this kind (a ``Q`` on ``model``); ``title(item)``
    is what the sharing ledger names it by (stored on the decision, so keep it free of the
    client's data); ``url(case, item)``, where a reader opens it (None: no page of its own).
    """

    key: str
    #: a ``SharedItem`` subclass and its ``AudienceRow`` subclass (typed loosely: the concrete
    #: models' managers and fields are not those of the abstract bases)
    model: Any
    audience: Any
    of_case: Callable[[Case], Q]
    label: Promise | str
    title: Callable[[Any], str]
    url: Callable[[Case, Any], str] | None = None
    #: The data categories the item holds, when more than its own ``category`` (a Social
    #: Diagnostics perspective holds health, ideology, offence ...): a share must pass the rule
    #: book for every one of them, and a consent or a statute must cover every one.
    categories: Callable[[Any], tuple[str, ...]] | None = None
    #: Why the item may not be shared now (e.g. a draft), or None; asked by every share.
    unshareable: Callable[[Any], str | None] | None = None
    #: Deletes the given items of this kind with everything hanging on them (answer sets held
    #: by the instruments app ...) and returns how many went; None: a plain queryset delete.
    #: Retention and erasure delete items only through this.
    delete: Callable[[Any], int] | None = None

    def categories_of(self, item: Any) -> tuple[str, ...]:
        if self.categories is None:
            return (item.category,)
        return tuple(dict.fromkeys(self.categories(item))) or (item.category,)


_KINDS: dict[str, ItemKind] = {}


def register(kind: ItemKind) -> None:
    """Register a kind (once, at start-up). Its audience model must have a ``decision`` key."""
    field = kind.audience._meta.get_field("decision")
    if field.related_model is None or field.related_model._meta.label != "cases.ShareDecision":
        raise TypeError(f"{kind.audience.__name__}.decision must point to cases.ShareDecision")
    if kind.key in _KINDS and _KINDS[kind.key].model is not kind.model:
        raise ValueError(f"case item kind {kind.key!r} is registered twice")
    _KINDS[kind.key] = kind


def get(key: str) -> ItemKind:
    """The kind registered under ``key``; LookupError for any other."""
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"no case item kind {key!r}") from None


def of(item: Any) -> ItemKind:
    """The kind of an item instance."""
    for kind in _KINDS.values():
        if isinstance(item, kind.model):
            return kind
    raise LookupError(f"{type(item).__name__} is not a case item kind")


#: (user=, case=) -> list of ``cases.selectors.TimelineEntry`` the user may see
_TIMELINE: list[Callable[..., list[Any]]] = []


def timeline_source(source: Callable[..., list[Any]]) -> None:
    """Add events to the case timeline: ``source(user=, case=)`` returns ``TimelineEntry`` rows
    (``kind`` its own, ``obj`` the label of that kind, ``summary``, ``url``, ``organisation``),
    only what the user may see."""
    if source not in _TIMELINE:
        _TIMELINE.append(source)


def timeline_sources() -> list[Callable[..., list[Any]]]:
    return list(_TIMELINE)


def all_kinds() -> list[ItemKind]:
    return list(_KINDS.values())


def delete_items(kind: ItemKind, queryset: Any) -> int:
    """Delete items of ``kind`` (and their audience rows) the way the kind says."""
    if kind.delete is not None:
        return kind.delete(queryset)
    ids = list(queryset.values_list("pk", flat=True))
    kind.audience.objects.filter(item_id__in=ids).delete()
    _total, by_model = kind.model.objects.filter(pk__in=ids).delete()
    return int(by_model.get(kind.model._meta.label, 0))


def keys() -> list[str]:
    return list(_KINDS)


def items_of(kind: ItemKind, case: Case) -> QuerySet[Any]:
    """Every item of this kind on the case (no access check: the caller narrows it)."""
    return kind.model.objects.filter(kind.of_case(case))


def belongs(item: Any, case: Case) -> bool:
    """Whether ``item`` is an item of ``case`` (one query)."""
    kind = of(item)
    return items_of(kind, case).filter(pk=item.pk).exists()
