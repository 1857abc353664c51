"""Writes on MSC teams, participating organisations, members and invitations."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.access.facts import facts_for, forget
from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.accounts.services import user_end_sessions
from icommit.core import audit
from icommit.core.emails import clean_email
from icommit.core.exceptions import Conflict, NotFound, ValidationFailed
from icommit.core.outbox import mail_enqueue
from icommit.core.services import snapshot, validate
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.stakeholders.services import membership_request
from icommit.teams.models import Invitation, Team, TeamMembership, TeamOrganisation

EDITABLE = ["name", "city", "country", "scope"]
INVITATION_DAYS = 14


def _clean(team: Team) -> None:
    team.name, team.city = team.name.strip(), team.city.strip()
    team.country = (team.country or "").strip().upper()
    if len(team.country) != 2 or not team.country.isalpha():
        raise ValidationFailed.field("country", _("Enter a two-letter country code such as DE."))
    validate(team, exclude=["created_by"])


@transaction.atomic
def team_create(
    *,
    actor: User,
    name: str,
    city: str,
    country: str,
    scope: str,
    coordinator: OrganisationMembership,
) -> Team:
    """Create a team; the given organisation membership becomes its first coordinator."""
    require(actor, Action.TEAM_CREATE)
    if not coordinator.is_confirmed:
        raise ValidationFailed.field(
            "coordinator", _("The coordinator's membership is not confirmed.")
        )
    if not facts_for(actor).is_admin and coordinator.user_id != actor.pk:
        raise ValidationFailed.field("coordinator", _("You can only name yourself as coordinator."))
    team = Team(name=name, city=city, country=country, scope=scope, created_by=actor)
    _clean(team)
    team.save()
    TeamOrganisation.objects.create(team=team, organisation=coordinator.organisation)
    TeamMembership.objects.create(
        team=team,
        user=coordinator.user,
        organisation=coordinator.organisation,
        role=TeamRole.COORDINATOR,
        added_by=actor,
    )
    audit.record(
        actor=actor,
        action="team.create",
        obj=team,
        team_id=team.pk,
        changes={**snapshot(team, EDITABLE), "coordinator": coordinator.user_id},
    )
    forget(actor)
    forget(coordinator.user)
    return team


@transaction.atomic
def team_update(*, actor: User, team: Team, name: str, city: str, country: str, scope: str) -> Team:
    """Change a team's name, place or scope."""
    require(actor, Action.TEAM_EDIT, team)
    before = snapshot(team, EDITABLE)
    team.name, team.city, team.country, team.scope = name, city, country, scope
    _clean(team)
    changes = audit.diff(before, snapshot(team, EDITABLE))
    if changes:
        team.save(update_fields=EDITABLE)
        audit.record(actor=actor, action="team.update", obj=team, team_id=team.pk, changes=changes)
    return team


@transaction.atomic
def team_archive(*, actor: User, team: Team) -> Team:
    """Archive a team: it stays readable for its members and changes no more."""
    require(actor, Action.TEAM_ARCHIVE, team)
    team.archived_at = timezone.now()
    team.save(update_fields=["archived_at"])
    audit.record(actor=actor, action="team.archive", obj=team, team_id=team.pk)
    return team


@transaction.atomic
def team_organisation_add(
    *, actor: User, team: Team, organisation: Organisation
) -> TeamOrganisation:
    """Let an organisation take part in the team."""
    require(actor, Action.TEAM_MANAGE_MEMBERS, team)
    if organisation.archived_at is not None:
        raise ValidationFailed.field("organisation", _("This organisation is archived."))
    if TeamOrganisation.objects.filter(
        team=team, organisation=organisation, ended_at__isnull=True
    ).exists():
        raise Conflict(_("%(org)s already takes part in this team.") % {"org": organisation})
    participation = TeamOrganisation.objects.create(team=team, organisation=organisation)
    audit.record(
        actor=actor,
        action="team.organisation_add",
        obj=team,
        team_id=team.pk,
        changes={"organisation": organisation.pk},
    )
    return participation


@transaction.atomic
def team_organisation_remove(*, actor: User, team: Team, organisation: Organisation) -> None:
    """End an organisation's participation and the team memberships of its people."""
    require(actor, Action.TEAM_MANAGE_MEMBERS, team)
    now = timezone.now()
    ended = TeamOrganisation.objects.filter(
        team=team, organisation=organisation, ended_at__isnull=True
    ).update(ended_at=now)
    if not ended:
        raise NotFound()
    remaining = TeamMembership.objects.filter(team=team, ended_at__isnull=True)
    if not remaining.exclude(organisation=organisation).filter(role=TeamRole.COORDINATOR).exists():
        raise Conflict(_("The team would be left without a coordinator."))
    leaving = list(
        User.objects.filter(
            team_memberships__in=remaining.filter(organisation=organisation)
        ).distinct()
    )
    remaining.filter(organisation=organisation).update(ended_at=now)
    for person in leaving:
        user_end_sessions(actor=actor, user=person, reason="organisation_left_team")
    audit.record(
        actor=actor,
        action="team.organisation_remove",
        obj=team,
        team_id=team.pk,
        changes={"organisation": organisation.pk},
    )


def _participates(team: Team, organisation: Organisation) -> bool:
    return TeamOrganisation.objects.filter(
        team=team, organisation=organisation, ended_at__isnull=True
    ).exists()


@transaction.atomic
def team_member_add(
    *, actor: User, team: Team, user: User, organisation: Organisation, role: str
) -> TeamMembership:
    """Add a confirmed member of a participating organisation to the team."""
    require(actor, Action.TEAM_MANAGE_MEMBERS, team)
    if role not in TeamRole.values:
        raise ValidationFailed.field("role", _("Choose a team role."))
    if not _participates(team, organisation):
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the team.")
        )
    if (
        not OrganisationMembership.objects.active()
        .filter(user=user, organisation=organisation)
        .exists()
    ):
        raise ValidationFailed.field(
            "user",
            # no name here: the person may be someone the coordinator cannot see
            _("This person is not a confirmed member of %(org)s.") % {"org": organisation},
        )
    if TeamMembership.objects.filter(team=team, user=user, ended_at__isnull=True).exists():
        raise Conflict(_("This person is already a member of this team."))
    membership = TeamMembership.objects.create(
        team=team, user=user, organisation=organisation, role=role, added_by=actor
    )
    audit.record(
        actor=actor,
        action="team.member_add",
        obj=membership,
        team_id=team.pk,
        changes={"user": user.pk, "organisation": organisation.pk, "role": role},
    )
    forget(user)
    return membership


def _keeps_a_coordinator(membership: TeamMembership) -> bool:
    return (
        TeamMembership.objects.filter(
            team=membership.team, ended_at__isnull=True, role=TeamRole.COORDINATOR
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def team_member_set_role(*, actor: User, membership: TeamMembership, role: str) -> TeamMembership:
    """Change a member's team role; a team always keeps a coordinator."""
    require(actor, Action.TEAM_MANAGE_MEMBERS, membership.team)
    if role not in TeamRole.values:
        raise ValidationFailed.field("role", _("Choose a team role."))
    if (
        membership.role == TeamRole.COORDINATOR
        and role != membership.role
        and not _keeps_a_coordinator(membership)
    ):
        raise Conflict(_("The team would be left without a coordinator."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        actor=actor,
        action="team.member_role",
        obj=membership,
        team_id=membership.team_id,
        changes={"role": [old, role]},
    )
    forget(membership.user)
    return membership


@transaction.atomic
def team_member_remove(*, actor: User, membership: TeamMembership) -> TeamMembership:
    """Remove a member; their rights in the team end at once, their past work stays theirs."""
    require(actor, Action.TEAM_MANAGE_MEMBERS, membership.team)
    if membership.ended_at is not None:
        raise Conflict(_("This person has already left the team."))
    if membership.role == TeamRole.COORDINATOR and not _keeps_a_coordinator(membership):
        raise Conflict(_("The team would be left without a coordinator."))
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    audit.record(
        actor=actor, action="team.member_remove", obj=membership, team_id=membership.team_id
    )
    user_end_sessions(actor=actor, user=membership.user, reason="left_team")
    forget(membership.user)
    return membership


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def team_invite(
    *, actor: User, team: Team, email: str, organisation: Organisation, role: str
) -> tuple[Invitation, str]:
    """Invite a person by email; the mail carries a one-time link that expires."""
    require(actor, Action.TEAM_MANAGE_MEMBERS, team)
    email = clean_email(email)
    if role not in TeamRole.values:
        raise ValidationFailed.field("role", _("Choose a team role."))
    if not _participates(team, organisation):
        raise ValidationFailed.field(
            "organisation", _("This organisation does not take part in the team.")
        )
    if TeamMembership.objects.filter(
        team=team, user__email__iexact=email, ended_at__isnull=True
    ).exists():
        raise Conflict(_("%(email)s is already a member of this team.") % {"email": email})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        team=team,
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_hash_token(token),
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    audit.record(
        actor=actor,
        action="team.invite",
        obj=invitation,
        team_id=team.pk,
        changes={"email": email, "organisation": organisation.pk, "role": role},
    )
    link = settings.BASE_URL + reverse("teams:invitation_accept", kwargs={"token": token})
    mail_enqueue(
        to=email,
        subject=_("Invitation to the MSC team %(team)s") % {"team": team.name},
        body=_(
            "%(who)s invites you to join the MSC team %(team)s on icommit for %(org)s.\n\n"
            "Accept the invitation within %(days)s days with this link (it works once):\n%(link)s"
        )
        % {
            "who": actor,
            "team": team.name,
            "org": organisation.name,
            "days": INVITATION_DAYS,
            "link": link,
        },
    )
    return invitation, token


def invitation_by_token(token: str) -> Invitation:
    """The open invitation for a token, or NotFound (used, revoked and expired ones included)."""
    invitation = (
        Invitation.objects.select_related("team", "organisation")
        .filter(token_hash=_hash_token(token), accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now() or invitation.team.archived_at:
        raise NotFound(_("This invitation link is not valid any more."))
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, user: User | None, full_name: str = "", password: str = ""
) -> TeamMembership:
    """Accept an invitation: sign up or use the signed-in account, join organisation and team."""
    invitation = invitation_by_token(token)
    Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if user is None:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationFailed.field(
                "email", _("An account with this email exists: log in first.")
            )
        if not full_name.strip():
            raise ValidationFailed.field("full_name", _("Enter your full name."))
        candidate = User(email=invitation.email, full_name=full_name.strip())
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise ValidationFailed(
                " ".join(exc.messages), details={"password": exc.messages}
            ) from None
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
        audit.record(actor=user, action="user.create", obj=user, changes={"email": user.email})
    elif user.email.lower() != invitation.email:
        raise ValidationFailed.field(
            "email", _("This invitation was sent to another email address.")
        )
    membership_request(actor=user, organisation=invitation.organisation)
    team_membership = TeamMembership.objects.filter(
        team=invitation.team, user=user, ended_at__isnull=True
    ).first() or TeamMembership.objects.create(
        team=invitation.team,
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        added_by=invitation.created_by,
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        actor=user, action="team.invitation_accept", obj=invitation, team_id=invitation.team_id
    )
    forget(user)
    return team_membership


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that has not been accepted."""
    require(actor, Action.TEAM_MANAGE_MEMBERS, invitation.team)
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict(_("This invitation is no longer open."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor, action="team.invitation_revoke", obj=invitation, team_id=invitation.team_id
    )
    return invitation
