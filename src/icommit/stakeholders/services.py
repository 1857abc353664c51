"""Writes on organisations and their memberships.

Each checks access and writes its audit event in one transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, can, require
from icommit.access.facts import forget
from icommit.accounts.models import User
from icommit.accounts.services import user_end_sessions
from icommit.core import audit
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.core.services import snapshot, validate
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.stakeholders.sectors import defaults_for

EDITABLE = ["name", "country", "city", "sector"]


def _clean_country(country: str) -> str:
    country = (country or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise ValidationFailed.field("country", _("Enter a two-letter country code such as DE."))
    return country


@transaction.atomic
def organisation_create(
    *, actor: User, name: str, country: str, city: str, sector: str
) -> Organisation:
    """Create an organisation; its flags start from the sector's defaults."""
    require(actor, Action.ORGANISATION_CREATE)
    country = _clean_country(country)
    org = Organisation(name=name.strip(), country=country, city=city.strip(), sector=sector)
    validate(org, exclude=["is_security", "is_state"])
    flags = defaults_for(sector)
    org.is_security, org.is_state = flags.is_security, flags.is_state
    org.save()
    audit.record(
        actor=actor,
        action="organisation.create",
        obj=org,
        changes=snapshot(org, [*EDITABLE, "is_security", "is_state"]),
    )
    return org


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, name: str, country: str, city: str, sector: str
) -> Organisation:
    """Change an organisation's name, place or sector (not its flags)."""
    require(actor, Action.ORGANISATION_EDIT, organisation)
    before = snapshot(organisation, EDITABLE)
    organisation.name, organisation.city = name.strip(), city.strip()
    organisation.country, organisation.sector = _clean_country(country), sector
    validate(organisation)
    changes = audit.diff(before, snapshot(organisation, EDITABLE))
    if changes:
        organisation.save(update_fields=EDITABLE)
        audit.record(actor=actor, action="organisation.update", obj=organisation, changes=changes)
    return organisation


@transaction.atomic
def organisation_set_flags(
    *, actor: User, organisation: Organisation, is_security: bool, is_state: bool, reason: str
) -> Organisation:
    """Change the security or state flag; platform administrators only, with a reason."""
    require(actor, Action.ORGANISATION_SET_FLAGS, organisation)
    if not reason.strip():
        raise ValidationFailed.field("reason", _("Give a reason for changing the flags."))
    before = snapshot(organisation, ["is_security", "is_state"])
    organisation.is_security, organisation.is_state = is_security, is_state
    changes = audit.diff(before, snapshot(organisation, ["is_security", "is_state"]))
    if not changes:
        raise ValidationFailed(_("The flags are unchanged."))
    organisation.save(update_fields=["is_security", "is_state"])
    audit.record(
        actor=actor,
        action="organisation.set_flags",
        obj=organisation,
        purpose=reason.strip(),
        changes=changes,
    )
    return organisation


@transaction.atomic
def organisation_archive(*, actor: User, organisation: Organisation) -> Organisation:
    """Archive an organisation: it stays on record but takes part in nothing new."""
    require(actor, Action.ORGANISATION_ARCHIVE, organisation)
    organisation.archived_at = timezone.now()
    organisation.save(update_fields=["archived_at"])
    audit.record(actor=actor, action="organisation.archive", obj=organisation)
    return organisation


def _open_membership(organisation: Organisation, user: User) -> OrganisationMembership | None:
    return OrganisationMembership.objects.filter(
        organisation=organisation, user=user, ended_at__isnull=True
    ).first()


@transaction.atomic
def membership_add(
    *, actor: User, organisation: Organisation, user: User, is_org_admin: bool = False
) -> OrganisationMembership:
    """Add a person to an organisation; added by its administrator, the membership is confirmed."""
    appointing = is_org_admin and can(actor, Action.ORGANISATION_APPOINT_ADMIN, organisation)
    if not appointing:
        require(actor, Action.ORGANISATION_MANAGE_MEMBERS, organisation)
    now = timezone.now()
    membership = _open_membership(organisation, user)
    if membership and membership.is_confirmed and membership.is_org_admin == is_org_admin:
        raise Conflict(
            _("%(user)s already belongs to %(org)s.") % {"user": user, "org": organisation}
        )
    if membership is None:
        membership = OrganisationMembership(organisation=organisation, user=user, created_by=actor)
    membership.is_org_admin = is_org_admin or membership.is_org_admin
    membership.confirmed_at = membership.confirmed_at or now
    membership.confirmed_by = membership.confirmed_by or actor
    membership.save()
    audit.record(
        actor=actor,
        action="organisation.member_add",
        obj=membership,
        changes={
            "user": user.pk,
            "organisation": organisation.pk,
            "is_org_admin": membership.is_org_admin,
        },
    )
    forget(user)
    return membership


@transaction.atomic
def membership_request(*, actor: User, organisation: Organisation) -> OrganisationMembership:
    """Ask to belong to an organisation; rights start once its administrator confirms."""
    membership = _open_membership(organisation, actor)
    if membership:
        return membership
    if organisation.archived_at is not None:
        raise Conflict(_("This organisation is archived."))
    membership = OrganisationMembership.objects.create(
        organisation=organisation, user=actor, created_by=actor
    )
    audit.record(actor=actor, action="organisation.member_request", obj=membership)
    return membership


@transaction.atomic
def membership_confirm(
    *, actor: User, membership: OrganisationMembership
) -> OrganisationMembership:
    """Confirm that a person belongs to the organisation; their rights start now."""
    require(actor, Action.ORGANISATION_MANAGE_MEMBERS, membership.organisation)
    if membership.ended_at is not None:
        raise Conflict(_("This membership has ended."))
    if membership.confirmed_at is not None:
        raise Conflict(_("This membership is already confirmed."))
    membership.confirmed_at, membership.confirmed_by = timezone.now(), actor
    membership.save(update_fields=["confirmed_at", "confirmed_by"])
    audit.record(actor=actor, action="organisation.member_confirm", obj=membership)
    forget(membership.user)
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: OrganisationMembership) -> OrganisationMembership:
    """End a membership; rights that flowed from it end at once, past work stays attributed."""
    require(actor, Action.ORGANISATION_MANAGE_MEMBERS, membership.organisation)
    if membership.ended_at is not None:
        raise Conflict(_("This membership has already ended."))
    if membership.user_id == actor.pk and membership.is_org_admin:
        others = (
            OrganisationMembership.objects.active()
            .filter(organisation=membership.organisation, is_org_admin=True)
            .exclude(pk=membership.pk)
        )
        if not others.exists():
            raise Conflict(_("You are the last administrator of this organisation."))
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    audit.record(actor=actor, action="organisation.member_end", obj=membership)
    user_end_sessions(actor=actor, user=membership.user, reason="left_organisation")
    forget(membership.user)
    return membership
