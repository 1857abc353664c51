"""API: MSC teams, participating organisations and members."""

from __future__ import annotations

import datetime

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action
from icommit.access.roles import TeamRole
from icommit.accounts.selectors import active_user_get
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Email, Line
from icommit.core.exceptions import ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.stakeholders.selectors import organisation_get
from icommit.teams import selectors, services
from icommit.teams.models import Scope

router = Router(tags=["teams"])


class TeamOut(Schema):
    id: int
    name: str
    city: str
    country: str
    scope: str
    archived_at: datetime.datetime | None


class TeamIn(Schema):
    name: Line
    city: Line
    country: Line
    scope: Scope = Scope.BOTH


class TeamCreateIn(TeamIn):
    coordinator_membership_id: int


class MemberOut(Schema):
    id: int
    user_id: int
    user_name: str
    organisation_id: int
    role: str
    confirmed: bool
    added_at: datetime.datetime

    @staticmethod
    def resolve_user_name(obj) -> str:
        return obj.user.full_name


class MemberIn(Schema):
    user_id: int
    organisation_id: int
    role: TeamRole = TeamRole.MEMBER


class RoleIn(Schema):
    role: TeamRole


class OrganisationRef(Schema):
    organisation_id: int


class InviteIn(Schema):
    email: Email
    organisation_id: int
    role: TeamRole = TeamRole.MEMBER


class InvitationOut(Schema):
    id: int
    email: str
    organisation_id: int
    role: str
    expires_at: datetime.datetime


@router.get("", response={200: list[TeamOut], **READ_ERRORS})
@paginate
def list_teams(request: AuthedRequest, archived: bool = False):
    """Teams you may see."""
    return selectors.team_list(user=request.user, include_archived=archived)


@router.post("", response={201: TeamOut, **WRITE_ERRORS})
def create_team(request: AuthedRequest, payload: TeamCreateIn):
    """Create a team with its first coordinator (an active organisation membership)."""
    coordinator = selectors.active_membership(pk=payload.coordinator_membership_id)
    if coordinator is None:
        raise ValidationFailed.field(
            "coordinator_membership_id", "No confirmed membership with this id."
        )
    data = payload.dict(exclude={"coordinator_membership_id"})
    return Status(201, services.team_create(actor=request.user, coordinator=coordinator, **data))


@router.get("/{team_id}", response={200: TeamOut, **READ_ERRORS})
def get_team(request: AuthedRequest, team_id: int):
    """One team."""
    return selectors.team_get(user=request.user, pk=team_id)


@router.put("/{team_id}", response={200: TeamOut, **WRITE_ERRORS})
def update_team(request: AuthedRequest, team_id: int, payload: TeamIn):
    """Change a team's name, place or scope (coordinators)."""
    team = selectors.team_get(user=request.user, pk=team_id)
    return services.team_update(actor=request.user, team=team, **payload.dict())


@router.post("/{team_id}/archive", response={200: TeamOut, **WRITE_ERRORS})
def archive_team(request: AuthedRequest, team_id: int):
    """Archive a team."""
    team = selectors.team_get(user=request.user, pk=team_id)
    return services.team_archive(actor=request.user, team=team)


@router.get("/{team_id}/members", response={200: list[MemberOut], **READ_ERRORS})
@paginate
def list_team_members(request: AuthedRequest, team_id: int):
    """Current members of a team."""
    team = selectors.team_get(user=request.user, pk=team_id)
    return selectors.team_members(team=team)


@router.post("/{team_id}/organisations", response={204: None, **WRITE_ERRORS})
def add_organisation(request: AuthedRequest, team_id: int, payload: OrganisationRef):
    """Let an organisation take part in the team (coordinators)."""
    team = selectors.team_get(user=request.user, pk=team_id)
    organisation = organisation_get(user=request.user, pk=payload.organisation_id)
    services.team_organisation_add(actor=request.user, team=team, organisation=organisation)
    return Status(204, None)


@router.post("/{team_id}/members", response={201: MemberOut, **WRITE_ERRORS})
def add_team_member(request: AuthedRequest, team_id: int, payload: MemberIn):
    """Add a confirmed member of a participating organisation (coordinators)."""

    team = selectors.team_get(user=request.user, pk=team_id)
    organisation = organisation_get(user=request.user, pk=payload.organisation_id)
    person = active_user_get(pk=payload.user_id)
    membership = services.team_member_add(
        actor=request.user, team=team, user=person, organisation=organisation, role=payload.role
    )
    return Status(201, selectors.team_member_get(team=team, pk=membership.pk))


@router.put("/{team_id}/members/{member_id}", response={200: MemberOut, **WRITE_ERRORS})
def set_role(request: AuthedRequest, team_id: int, member_id: int, payload: RoleIn):
    """Change a member's team role (coordinators)."""
    team = selectors.team_get(user=request.user, pk=team_id, action=Action.TEAM_MANAGE_MEMBERS)
    membership = selectors.team_member_get(team=team, pk=member_id)
    services.team_member_set_role(actor=request.user, membership=membership, role=payload.role)
    return selectors.team_member_get(team=team, pk=member_id)


@router.delete("/{team_id}/members/{member_id}", response={204: None, **WRITE_ERRORS})
def remove_member(request: AuthedRequest, team_id: int, member_id: int):
    """Remove a member from the team (coordinators)."""
    team = selectors.team_get(user=request.user, pk=team_id, action=Action.TEAM_MANAGE_MEMBERS)
    membership = selectors.team_member_get(team=team, pk=member_id)
    services.team_member_remove(actor=request.user, membership=membership)
    return Status(204, None)


@router.post("/{team_id}/invitations", response={201: InvitationOut, **WRITE_ERRORS})
def invite(request: AuthedRequest, team_id: int, payload: InviteIn):
    """Invite a new person by email (coordinators)."""
    team = selectors.team_get(user=request.user, pk=team_id)
    organisation = organisation_get(user=request.user, pk=payload.organisation_id)
    invitation, _token = services.team_invite(
        actor=request.user,
        team=team,
        email=payload.email,
        organisation=organisation,
        role=payload.role,
    )
    return Status(201, invitation)
