"""What the access rules need to know about a user, loaded once per request, one query per app.

Each app hands in the facts it adds (``provide`` from its ``plugin``: accounts the platform roles,
stakeholders the organisations, teams the team roles); the kernel imports no domain model.
Invariant: rights from an organisation count only while the membership is confirmed and not
ended; rights from a team count only while the team membership is active and its
organisation membership is confirmed. A deactivated user has no rights at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


def provide(provider: FactsProvider) -> None:
    """Add the facts an app knows about a user; called once from the app's ``plugin``."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def facts_for(user: Person) -> Facts:
    """Return the user's access facts, cached on the user object for this request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    found: dict[str, Any] = {}
    for provider in _PROVIDERS:
        found.update(provider(user))
    facts = Facts(user_id=user.pk, active=True, **found)
    setattr(user, _CACHE_ATTR, facts)
    return facts


def forget(user: Person) -> None:
    """Drop cached facts after the user's memberships or roles changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
