"""What the access rules need to know about a user, loaded once per request.

Each app hands in the facts it adds (from its ``plugin``: accounts the platform roles,
stakeholders the organisations, teams the team roles); the kernel imports no domain model.
An app either ``provide``s a function that returns its facts (one query of its own), or
``provide_rows`` a query of ``(number, text)`` rows and a function that folds them into facts:
the kernel runs the row queries of every app as one ``UNION ALL`` query, so a request pays one
query for all its facts however many apps add some. Facts are cached on the user object of the
request only, never between requests: a right taken away counts from the very next request.
Invariant: rights from an organisation count only while the membership is confirmed and not
ended; rights from a team count only while the team membership is active and its
organisation membership is confirmed. A deactivated user has no rights at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import IntegerField, QuerySet, Value

from icommit.access.roles import PlatformRole, TeamRole
from icommit.core.http import Person

_CACHE_ATTR = "_icommit_access_facts"


@dataclass(frozen=True)
class Facts:
    user_id: int | None
    active: bool
    platform_roles: frozenset[str] = frozenset()
    org_ids: frozenset[int] = frozenset()
    org_admin_ids: frozenset[int] = frozenset()
    team_roles: dict[int, str] = field(default_factory=dict)

    def has_role(self, role: PlatformRole) -> bool:
        return self.active and role.value in self.platform_roles

    @property
    def is_admin(self) -> bool:
        return self.has_role(PlatformRole.ADMINISTRATOR)

    def team_role(self, team_id: int) -> str | None:
        return self.team_roles.get(team_id) if self.active else None

    def coordinates(self, team_id: int) -> bool:
        return self.team_role(team_id) == TeamRole.COORDINATOR.value

    @property
    def coordinated_team_ids(self) -> set[int]:
        return {t for t, r in self.team_roles.items() if r == TeamRole.COORDINATOR.value}


ANONYMOUS = Facts(user_id=None, active=False)

#: Takes an active user, returns some of the ``Facts`` fields (e.g. ``{"org_ids": ...}``).
FactsProvider = Callable[[Any], dict[str, Any]]
_PROVIDERS: list[FactsProvider] = []


#: Takes an active user, returns an unevaluated ``values_list`` of two columns: a number
#: (an id, or any integer) and a text (a role, a flag); the kernel unions it with the others.
RowsQuery = Callable[[Any], QuerySet[Any, Any]]
#: Takes the rows of that query, returns some of the ``Facts`` fields.
RowsFold = Callable[[Sequence[tuple[int, str]]], dict[str, Any]]
_ROW_PROVIDERS: list[tuple[RowsQuery, RowsFold]] = []
_TAG = "icommit_facts_part"


def provide(provider: FactsProvider) -> None:
    """Add the facts an app knows about a user; called once from the app's ``plugin``."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def provide_rows(query: RowsQuery, fold: RowsFold) -> None:
    """Add the facts an app knows about a user as rows of a query run together with the other
    apps' (``query(user)`` a two-column ``values_list``: number, text; ``fold(rows)`` the facts).
    """
    if all(existing != query for existing, _ in _ROW_PROVIDERS):
        _ROW_PROVIDERS.append((query, fold))


def _rows_facts(user: Any) -> dict[str, Any]:
    """Every row provider's facts from one query: the parts, each tagged with its index."""
    if not _ROW_PROVIDERS:
        return {}
    parts = [
        query(user).order_by().annotate(**{_TAG: Value(index, output_field=IntegerField())})
        for index, (query, _) in enumerate(_ROW_PROVIDERS)
    ]
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows: list[list[tuple[int, str]]] = [[] for _ in _ROW_PROVIDERS]
    for number, text, index in combined:
        rows[index].append((number, text))
    found: dict[str, Any] = {}
    for (_, fold), own in zip(_ROW_PROVIDERS, rows, strict=True):
        found.update(fold(own))
    return found


def facts_for(user: Person) -> Facts:
    """Return the user's access facts, cached on the user object for this request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    found = _rows_facts(user)
    for provider in _PROVIDERS:
        found.update(provider(user))
    facts = Facts(user_id=user.pk, active=True, **found)
    setattr(user, _CACHE_ATTR, facts)
    return facts


def forget(user: Person) -> None:
    """Drop cached facts after the user's memberships or roles changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
