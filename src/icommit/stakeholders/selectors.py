"""Reads on organisations and role profiles, narrowed to what the user may see."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from icommit.access import Action, get_visible, visible
from icommit.accounts.models import User
from icommit.core.exceptions import NotFound
from icommit.stakeholders.content import content
from icommit.stakeholders.models import (
    Organisation,
    OrganisationMembership,
    RoleProfile,
    RoleProfileConfirmation,
    RoleProfileVersion,
)


def organisation_list(*, user: User, query: str = "", sector: str = "") -> QuerySet[Organisation]:
    """Organisations the user may see, with their count of confirmed members."""
    qs = visible(user, Action.ORGANISATION_VIEW, Organisation.objects.all())
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(city__icontains=query))
    if sector:
        qs = qs.filter(sector=sector)
    return qs.annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__confirmed_at__isnull=False, memberships__ended_at__isnull=True),
        )
    ).order_by("name")


def organisation_get(
    *, user: User, pk: Any, action: Action = Action.ORGANISATION_VIEW
) -> Organisation:
    """One organisation the user may see (and act on), or NotFound."""
    return get_visible(user, action, Organisation.objects.all(), pk=pk)


def organisation_members(*, organisation: Organisation) -> QuerySet[OrganisationMembership]:
    """Open memberships of the organisation, pending first."""
    return (
        OrganisationMembership.objects.filter(organisation=organisation, ended_at__isnull=True)
        .select_related("user", "confirmed_by")
        .order_by("-is_org_admin", "confirmed_at", "user__full_name")
    )


def membership_get(*, user: User, organisation: Organisation, pk: Any) -> OrganisationMembership:
    """One open membership of an organisation the user may manage, or NotFound."""
    try:
        return organisation_members(organisation=organisation).get(pk=pk)
    except (OrganisationMembership.DoesNotExist, ValueError):
        raise NotFound() from None


def pending_confirmations(*, user: User) -> QuerySet[OrganisationMembership]:
    """Memberships waiting for this user's confirmation as organisation administrator."""
    orgs = visible(user, Action.ORGANISATION_MANAGE_MEMBERS, Organisation.objects.all())
    return (
        OrganisationMembership.objects.pending()
        .filter(organisation__in=orgs)
        .select_related("user", "organisation")
        .order_by("created_at")
    )


def my_memberships(*, user: User) -> QuerySet[OrganisationMembership]:
    """The user's own open organisation memberships."""
    return (
        OrganisationMembership.objects.filter(user=user, ended_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


# --- role profiles ----------------------------------------------------------------------------


def profile_max_age_days() -> int:
    """How old a confirmation may be before a profile counts as stale (a setting)."""
    return int(getattr(settings, "PROFILE_MAX_AGE_DAYS", 365))


def profile_status(profile: RoleProfile | None, *, now: datetime.datetime | None = None) -> str:
    """``missing``, ``stale`` (last confirmed longer ago than the age limit) or ``current``."""
    if profile is None or profile.current_id is None or profile.confirmed_at is None:
        return "missing"
    now = now or timezone.now()
    limit = datetime.timedelta(days=profile_max_age_days())
    return "stale" if now - profile.confirmed_at > limit else "current"


def profiles_to_reconfirm(
    *, user: User, now: datetime.datetime | None = None
) -> QuerySet[RoleProfile]:
    """Role profiles the user may confirm whose last confirmation has gone stale, oldest first.

    Stale as in ``profile_status``; only live organisations the user is a confirmed member of
    (those who may write the profile). One query.
    """
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=profile_max_age_days())
    orgs = visible(user, Action.ORGANISATION_PROFILE_EDIT, Organisation.objects.all())
    return (
        RoleProfile.objects.filter(
            organisation__in=orgs, current__isnull=False, confirmed_at__lt=limit
        )
        .select_related("organisation")
        .order_by("confirmed_at", "pk")
    )


def role_profile_of(*, organisation: Organisation) -> RoleProfile | None:
    """The organisation's role profile with its current version, or None."""
    return (
        RoleProfile.objects.select_related(
            "current", "current__created_by", "confirmed_by", "organisation"
        )
        .filter(organisation=organisation)
        .first()
    )


def role_profile_versions(*, organisation: Organisation) -> QuerySet[RoleProfileVersion]:
    """Every version of the organisation's role profile, newest first, with confirmations."""
    return (
        RoleProfileVersion.objects.filter(profile__organisation=organisation)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "confirmations",
                queryset=RoleProfileConfirmation.objects.select_related("confirmed_by"),
            )
        )
        .order_by("-number")
    )


def kind_label(code: str) -> str:
    found = content().kinds.get(code)
    return found.label_in(get_language()) if found else code


def labelled_items(items: list[dict[str, str]]) -> list[tuple[str, str]]:
    """Needs or offers of a profile version as (kind label, details)."""
    return [(kind_label(i.get("code", "")), i.get("text", "")) for i in items]
