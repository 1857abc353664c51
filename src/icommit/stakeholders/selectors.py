"""Reads on organisations, already narrowed to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from icommit.access import Action, get_visible, visible
from icommit.stakeholders.models import Organisation, OrganisationMembership


def organisation_list(*, user: Any, query: str = "", sector: str = "") -> QuerySet[Organisation]:
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
    *, user: Any, pk: Any, action: Action = Action.ORGANISATION_VIEW
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


def membership_get(*, user: Any, organisation: Organisation, pk: Any) -> OrganisationMembership:
    """One open membership of an organisation the user may manage, or NotFound."""
    from icommit.core.exceptions import NotFound

    try:
        return organisation_members(organisation=organisation).get(pk=pk)
    except (OrganisationMembership.DoesNotExist, ValueError):
        raise NotFound() from None


def pending_confirmations(*, user: Any) -> QuerySet[OrganisationMembership]:
    """Memberships waiting for this user's confirmation as organisation administrator."""
    orgs = visible(user, Action.ORGANISATION_MANAGE_MEMBERS, Organisation.objects.all())
    return (
        OrganisationMembership.objects.pending()
        .filter(organisation__in=orgs)
        .select_related("user", "organisation")
        .order_by("created_at")
    )


def my_memberships(*, user: Any) -> QuerySet[OrganisationMembership]:
    """The user's own open organisation memberships."""
    return (
        OrganisationMembership.objects.filter(user=user, ended_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
