"""API: organisations and their memberships, through the services and selectors of the pages."""

from __future__ import annotations

import datetime

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action
from icommit.accounts.services import user_get_or_create
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Error
from icommit.core.http import AuthedRequest
from icommit.stakeholders import selectors, services
from icommit.stakeholders.sectors import Sector

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    name: str
    country: str
    city: str
    sector: str
    is_security: bool
    is_state: bool
    archived_at: datetime.datetime | None


class OrganisationIn(Schema):
    name: str
    country: str
    city: str
    sector: Sector


class FlagsIn(Schema):
    is_security: bool
    is_state: bool
    reason: str


class MembershipOut(Schema):
    id: int
    user_id: int
    user_email: str
    user_name: str
    is_org_admin: bool
    confirmed_at: datetime.datetime | None

    @staticmethod
    def resolve_user_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_user_name(obj) -> str:
        return obj.user.full_name


class MembershipIn(Schema):
    email: str
    full_name: str = ""
    is_org_admin: bool = False


@router.get("", response={200: list[OrganisationOut], **READ_ERRORS})
@paginate
def list_organisations(request: AuthedRequest, q: str = "", sector: str = ""):
    """Organisations you may see."""
    return selectors.organisation_list(user=request.user, query=q, sector=sector)


@router.post("", response={201: OrganisationOut, **WRITE_ERRORS})
def create_organisation(request: AuthedRequest, payload: OrganisationIn):
    """Create an organisation (platform administrators)."""
    org = services.organisation_create(actor=request.user, **payload.dict())
    return Status(201, org)


@router.get("/{org_id}", response={200: OrganisationOut, **READ_ERRORS})
def get_organisation(request: AuthedRequest, org_id: int):
    """One organisation."""
    return selectors.organisation_get(user=request.user, pk=org_id)


@router.put("/{org_id}", response={200: OrganisationOut, **WRITE_ERRORS})
def update_organisation(request: AuthedRequest, org_id: int, payload: OrganisationIn):
    """Change an organisation's name, place or sector."""
    org = selectors.organisation_get(user=request.user, pk=org_id)
    return services.organisation_update(actor=request.user, organisation=org, **payload.dict())


@router.post("/{org_id}/flags", response={200: OrganisationOut, **WRITE_ERRORS})
def set_flags(request: AuthedRequest, org_id: int, payload: FlagsIn):
    """Change the security and state flags, with a reason (platform administrators)."""
    org = selectors.organisation_get(user=request.user, pk=org_id)
    return services.organisation_set_flags(actor=request.user, organisation=org, **payload.dict())


@router.post("/{org_id}/archive", response={200: OrganisationOut, **WRITE_ERRORS})
def archive_organisation(request: AuthedRequest, org_id: int):
    """Archive an organisation (platform administrators)."""
    org = selectors.organisation_get(user=request.user, pk=org_id)
    return services.organisation_archive(actor=request.user, organisation=org)


@router.get("/{org_id}/members", response={200: list[MembershipOut], 403: Error, **READ_ERRORS})
@paginate
def list_members(request: AuthedRequest, org_id: int):
    """People of an organisation (its administrators)."""
    from icommit.access import require

    org = selectors.organisation_get(user=request.user, pk=org_id)
    require(request.user, Action.ORGANISATION_MANAGE_MEMBERS, org)
    return selectors.organisation_members(organisation=org)


@router.post("/{org_id}/members", response={201: MembershipOut, **WRITE_ERRORS})
def add_member(request: AuthedRequest, org_id: int, payload: MembershipIn):
    """Add a person, creating their account if needed; the membership is confirmed."""
    from django.db import transaction

    org = selectors.organisation_get(user=request.user, pk=org_id)
    with transaction.atomic():
        person, _ = user_get_or_create(
            actor=request.user, email=payload.email, full_name=payload.full_name
        )
        membership = services.membership_add(
            actor=request.user, organisation=org, user=person, is_org_admin=payload.is_org_admin
        )
    return Status(201, membership)


@router.post(
    "/{org_id}/members/{membership_id}/confirm", response={200: MembershipOut, **WRITE_ERRORS}
)
def confirm_member(request: AuthedRequest, org_id: int, membership_id: int):
    """Confirm a pending membership (organisation administrators)."""
    org = selectors.organisation_get(
        user=request.user, pk=org_id, action=Action.ORGANISATION_MANAGE_MEMBERS
    )
    membership = selectors.membership_get(user=request.user, organisation=org, pk=membership_id)
    return services.membership_confirm(actor=request.user, membership=membership)


@router.post("/{org_id}/members/{membership_id}/end", response={200: MembershipOut, **WRITE_ERRORS})
def end_member(request: AuthedRequest, org_id: int, membership_id: int):
    """End a membership (organisation administrators)."""
    org = selectors.organisation_get(
        user=request.user, pk=org_id, action=Action.ORGANISATION_MANAGE_MEMBERS
    )
    membership = selectors.membership_get(user=request.user, organisation=org, pk=membership_id)
    return services.membership_end(actor=request.user, membership=membership)
