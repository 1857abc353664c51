"""What the access rules need to know about a user, loaded once per request.

Each app hands in the facts it adds (from its ``plugin``: accounts the platform roles,
stakeholders the organisations, teams the team roles); the kernel imports no domain model.
An app either ``provide``s a function that returns its facts (one query of its own), or
``provide_rows`` a query of ``(number, text)`` rows and a function that folds them into facts:
the kernel runs the row queries of every app as one ``UNION ALL`` query, so a request pays one
query for all its facts however many apps add some. Building that query with the ORM costs far
more than running it, so the kernel compiles it once per process, for a stand-in user id, and
each request runs the SQL text with its own user's id (the rows, and so the rights, are read
anew every time; only the text of the query is kept). Facts are cached on the user object of
the request only, never between requests: a right taken away counts from the very next request.
Invariant: rights from an organisation count only while the membership is confirmed and not
ended; rights from a team count only while the team membership is active and its
organisation membership is confirmed. A deactivated user has no rights at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DEFAULT_DB_ALIAS, connections
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
    #: the training runs the user teaches (training)
    trainer_run_ids: frozenset[int] = frozenset()
    #: the training runs the user is enrolled in or has asked to join (training)
    learner_run_ids: frozenset[int] = frozenset()
    #: an external learner: the account reaches nothing but the learner's own training
    learner_only: bool = False
    #: teams in which the user may not record Social Diagnostics perspectives until they hold
    #: a valid certificate (a team's certification gate; training)
    gated_team_ids: frozenset[int] = frozenset()

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
    ``query`` must depend on nothing but the user's id (no time, no settings): its SQL is
    compiled once per process for a stand-in id.
    """
    if all(existing != query for existing, _ in _ROW_PROVIDERS):
        _ROW_PROVIDERS.append((query, fold))
        _COMPILED.clear()


def _combined(user: Any) -> QuerySet[Any, Any]:
    """The row queries of every app as one ``UNION ALL``, each part tagged with its index."""
    parts = [
        query(user).order_by().annotate(**{_TAG: Value(index, output_field=IntegerField())})
        for index, (query, _) in enumerate(_ROW_PROVIDERS)
    ]
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


#: Two ids no user has (negative; within any integer column's range, so that no lookup turns
#: them away), to find where the user's id goes in the compiled query.
_STAND_INS = (-1_946_215, -1_946_216)


@dataclass(frozen=True)
class _Compiled:
    alias: str
    sql: str
    params: tuple[Any, ...]
    user_positions: tuple[int, ...]


#: (database vendor, row providers) → the compiled facts query, or None where it cannot be
#: compiled safely. Keyed by the providers too, so that a changed list never finds old SQL.
_COMPILED: dict[tuple[str, tuple[tuple[RowsQuery, RowsFold], ...]], _Compiled | None] = {}


def _compile(user: Any) -> _Compiled | None:
    """Compile the facts query for two stand-in ids and keep it if the two differ only in the
    parameters that carry the id (the query depends on nothing else); else ``None``."""
    model = user._meta.model
    compiled = []
    for stand_in in _STAND_INS:
        queryset = _combined(model(pk=stand_in))
        try:
            sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        except (EmptyResultSet, FullResultSet):
            return None
        compiled.append((queryset.db, sql, tuple(params)))
    (alias, sql, params), (_, sql_b, params_b) = compiled
    positions = tuple(i for i, p in enumerate(params) if p == _STAND_INS[0])
    same_elsewhere = len(params) == len(params_b) and all(
        (a == _STAND_INS[0] and b == _STAND_INS[1]) or (i not in positions and a == b)
        for i, (a, b) in enumerate(zip(params, params_b, strict=True))
    )
    if sql != sql_b or not positions or not same_elsewhere:
        return None
    return _Compiled(alias=alias, sql=sql, params=params, user_positions=positions)


def _fact_rows(user: Any) -> list[tuple[Any, ...]]:
    """The rows of the facts query for this user: the compiled SQL with the user's id, or the
    ORM query where the SQL could not be compiled once for every user."""
    key = (connections[DEFAULT_DB_ALIAS].vendor, tuple(_ROW_PROVIDERS))
    if key not in _COMPILED:
        _COMPILED[key] = _compile(user)
    compiled = _COMPILED[key]
    if compiled is None:
        return list(_combined(user))
    params = list(compiled.params)
    for position in compiled.user_positions:
        params[position] = user.pk
    with connections[compiled.alias].cursor() as cursor:
        cursor.execute(compiled.sql, params)
        return cursor.fetchall()


def _rows_facts(user: Any) -> dict[str, Any]:
    """Every row provider's facts from one query: the parts, each tagged with its index."""
    if not _ROW_PROVIDERS:
        return {}
    rows: list[list[tuple[int, str]]] = [[] for _ in _ROW_PROVIDERS]
    for number, text, index in _fact_rows(user):
        rows[int(index)].append((number, text))
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
