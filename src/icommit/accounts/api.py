"""API: the current user."""

from __future__ import annotations

from ninja import Router, Schema

from icommit.access.facts import facts_for
from icommit.api.schemas import READ_ERRORS
from icommit.core.http import AuthedRequest

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    language: str
    platform_roles: list[str]
    organisations: list[int]
    teams: dict[int, str]


@router.get("/me", response={200: MeOut, **READ_ERRORS})
def me(request: AuthedRequest) -> MeOut:
    """The signed-in user, their platform roles, organisations and team roles."""
    facts = facts_for(request.user)
    return MeOut(
        id=request.user.pk,
        email=request.user.email,
        full_name=request.user.full_name,
        language=request.user.language,
        platform_roles=sorted(facts.platform_roles),
        organisations=sorted(facts.org_ids),
        teams=dict(facts.team_roles),
    )
