"""API: organisations, memberships and role profiles.

Same services and selectors as the pages.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action, require
from icommit.accounts.services import user_get_or_create
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Email, Error, Line, LongText, ShortText
from icommit.core.exceptions import NotFound
from icommit.core.http import AuthedRequest
from icommit.stakeholders import selectors, services
from icommit.stakeholders.models import Secrecy
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
    name: Line
    country: Line
    city: Line
    sector: Sector


class FlagsIn(Schema):
    is_security: bool
    is_state: bool
    reason: ShortText


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
    email: Email
    full_name: Line = ""
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


# --- role profiles ----------------------------------------------------------------------------


class ProfileItem(Schema):
    code: Line
    text: ShortText = ""


class DutyIn(Schema):
    #: A code of content/sectors/v2/duties.yaml, e.g. "child_protection_assessment".
    code: Line
    applies: bool
    #: The statute it rests on; required when it applies.
    statute: ShortText = ""
    note: ShortText = ""


class SecrecyRoleIn(Schema):
    #: The profession or office within the organisation, e.g. "Social workers".
    role: Line
    #: A code of content/sectors/v2/secrecy.yaml, e.g. "professional" or "none".
    kind: Line
    #: The statute it rests on; required unless the kind is "none".
    statute: ShortText = ""
    note: ShortText = ""


class ProfileIn(Schema):
    """A role profile in version 1 (the three duty flags and ``secrecy``) or version 2.

    Version 2 (send ``content_version: 2``, ``duties`` and ``secrecy_roles``) states each legal
    duty separately and secrecy per profession or office; its duty flags and ``secrecy`` are
    ignored (``secrecy`` is derived from the roles).
    """

    content_version: int | None = None
    mandate: LongText
    duties: list[DutyIn] | None = None
    secrecy_roles: list[SecrecyRoleIn] | None = None
    duty_to_report: bool = False
    duty_to_report_note: ShortText = ""
    duty_to_prosecute: bool = False
    duty_to_prosecute_note: ShortText = ""
    duty_of_care: bool = False
    duty_of_care_note: ShortText = ""
    secrecy: Secrecy | None = None
    secrecy_source: ShortText = ""
    methods: LongText = ""
    needs: list[ProfileItem] = []
    offers: list[ProfileItem] = []
    contact: ShortText
    availability: ShortText = ""
    #: The version number you started from (0 for a first profile); omit to overwrite anyway.
    based_on: int | None = None


class DutyOut(Schema):
    code: str
    applies: bool
    statute: str
    note: str


class SecrecyRoleOut(Schema):
    role: str
    kind: str
    statute: str
    note: str


class ProfileVersionOut(Schema):
    number: int
    #: 1: the three duty flags and one secrecy flag; 2: ``duties`` and ``secrecy_roles``
    #: (the flags are null, ``secrecy`` is derived from the roles).
    content_version: int
    mandate: str
    duties: list[DutyOut]
    secrecy_roles: list[SecrecyRoleOut]
    duty_to_report: bool | None
    duty_to_report_note: str
    duty_to_prosecute: bool | None
    duty_to_prosecute_note: str
    duty_of_care: bool | None
    duty_of_care_note: str
    secrecy: str
    secrecy_source: str
    methods: str
    needs: list[ProfileItem]
    offers: list[ProfileItem]
    contact: str
    availability: str
    template: str
    created_at: datetime.datetime
    created_by_id: int
    created_by_name: str

    @staticmethod
    def resolve_created_by_name(obj) -> str:
        return obj.created_by.full_name


class ProfileOut(Schema):
    organisation_id: int
    status: str
    current: ProfileVersionOut
    confirmed_at: datetime.datetime | None
    confirmed_by_name: str

    @staticmethod
    def resolve_status(obj) -> str:
        return selectors.profile_status(obj)

    @staticmethod
    def resolve_confirmed_by_name(obj) -> str:
        return obj.confirmed_by.full_name if obj.confirmed_by else ""


class ConfirmIn(Schema):
    #: The version you read; the confirmation is refused if a newer one exists.
    version: int | None = None


class ProfileConfirmationOut(Schema):
    version: int
    confirmed_at: datetime.datetime
    confirmed_by_id: int

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.version.number


@router.get("/{org_id}/profile", response={200: ProfileOut, **READ_ERRORS})
def get_role_profile(request: AuthedRequest, org_id: int):
    """The organisation's role profile: its current version and who last confirmed it."""
    org = selectors.organisation_get(user=request.user, pk=org_id)
    profile = selectors.role_profile_of(organisation=org)
    if profile is None or profile.current is None:
        raise NotFound(_("This organisation has no role profile yet."))
    return profile


@router.get("/{org_id}/profile/versions", response={200: list[ProfileVersionOut], **READ_ERRORS})
@paginate
def list_role_profile_versions(request: AuthedRequest, org_id: int):
    """Every version of the organisation's role profile, newest first."""
    org = selectors.organisation_get(user=request.user, pk=org_id)
    return selectors.role_profile_versions(organisation=org)


@router.post("/{org_id}/profile", response={201: ProfileVersionOut, **WRITE_ERRORS})
def save_role_profile(request: AuthedRequest, org_id: int, payload: ProfileIn):
    """Save the role profile as a new version (confirmed members of the organisation)."""
    org = selectors.organisation_get(user=request.user, pk=org_id)
    values = payload.dict(exclude={"based_on"})
    version = services.role_profile_save(
        actor=request.user, organisation=org, values=values, based_on=payload.based_on
    )
    return Status(201, version)


@router.post("/{org_id}/profile/confirm", response={200: ProfileConfirmationOut, **WRITE_ERRORS})
def confirm_role_profile(request: AuthedRequest, org_id: int, payload: ConfirmIn):
    """Confirm that the current version is up to date (confirmed members of the organisation)."""
    org = selectors.organisation_get(user=request.user, pk=org_id)
    return services.role_profile_confirm(
        actor=request.user, organisation=org, version=payload.version
    )
