"""Reads on teams, already narrowed by ``access``, with the joins that keep query counts flat."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from icommit.access import Action, get_visible, visible
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.core.exceptions import NotFound
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.teams.models import Invitation, Team, TeamMembership, TeamOrganisation


def _confirmed() -> QuerySet[OrganisationMembership]:
    return OrganisationMembership.objects.active().filter(
        user_id=OuterRef("user_id"), organisation_id=OuterRef("organisation_id")
    )


def team_list(*, user: User, include_archived: bool = False) -> QuerySet[Team]:
    """Teams the user may see, with member and organisation counts."""
    qs = visible(user, Action.TEAM_VIEW, Team.objects.all())
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.annotate(
        member_count=Count(
            "memberships", filter=Q(memberships__ended_at__isnull=True), distinct=True
        ),
        organisation_count=Count(
            "participations", filter=Q(participations__ended_at__isnull=True), distinct=True
        ),
    ).order_by("name")


def team_get(*, user: User, pk: Any, action: Action = Action.TEAM_VIEW) -> Team:
    """One team the user may see (and act on), or NotFound."""
    return get_visible(user, action, Team.objects.all(), pk=pk)


def team_members(*, team: Team) -> QuerySet[TeamMembership]:
    """Current members with user and organisation, and whether the membership is confirmed yet."""
    return (
        TeamMembership.objects.filter(team=team, ended_at__isnull=True)
        .select_related("user", "organisation")
        .annotate(confirmed=Exists(_confirmed()))
        .order_by("organisation__name", "user__full_name")
    )


def team_member_get(*, team: Team, pk: Any) -> TeamMembership:
    try:
        return team_members(team=team).get(pk=pk)
    except (TeamMembership.DoesNotExist, ValueError):
        raise NotFound() from None


def team_organisations(*, team: Team) -> QuerySet[Organisation]:
    """Organisations that take part in the team now."""
    return Organisation.objects.filter(
        participations__team=team, participations__ended_at__isnull=True
    ).order_by("name")


def team_open_invitations(*, team: Team) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            team=team,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation")
        .order_by("-created_at")
    )


def invitation_get(*, team: Team, pk: Any) -> Invitation:
    try:
        return team_open_invitations(team=team).get(pk=pk)
    except (Invitation.DoesNotExist, ValueError):
        raise NotFound() from None


def candidate_members(*, team: Team) -> QuerySet[OrganisationMembership]:
    """Confirmed members of participating organisations who are not in the team yet."""
    in_team = TeamMembership.objects.filter(team=team, ended_at__isnull=True).values("user_id")
    participating = TeamOrganisation.objects.filter(team=team, ended_at__isnull=True).values(
        "organisation_id"
    )
    return (
        OrganisationMembership.objects.active()
        .filter(organisation_id__in=participating)
        .exclude(user_id__in=in_team)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def my_team_memberships(*, user: User) -> QuerySet[TeamMembership]:
    """The user's current team memberships, including those awaiting confirmation."""
    return (
        TeamMembership.objects.current()
        .filter(user=user)
        .select_related("team", "organisation")
        .annotate(confirmed=Exists(_confirmed()))
        .order_by("team__name")
    )


def coordinator_choices(*, user: User) -> QuerySet[OrganisationMembership]:
    """Memberships that may coordinate a new team: any for administrators, else the user's own."""
    qs = OrganisationMembership.objects.active().select_related("user", "organisation")
    if not facts_for(user).is_admin:
        qs = qs.filter(user=user)
    return qs.order_by("user__full_name", "organisation__name")


def addable_organisations(*, user: User) -> QuerySet[Organisation]:
    """Live organisations the user may see, to take part in a team."""
    return visible(
        user, Action.ORGANISATION_VIEW, Organisation.objects.filter(archived_at__isnull=True)
    )


def active_membership(*, pk: Any) -> OrganisationMembership | None:
    """A confirmed, live organisation membership by id (``team_create`` checks who may use it)."""
    return OrganisationMembership.objects.active().filter(pk=pk).first()
