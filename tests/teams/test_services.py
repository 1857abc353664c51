"""Teams: creation with a coordinator, members from confirmed organisation members, invitations."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from icommit.access import Action, can
from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import User
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditEvent, OutboxMessage
from icommit.core.outbox import outbox_flush
from icommit.stakeholders.models import OrganisationMembership
from icommit.teams import services
from icommit.teams.models import Invitation, TeamMembership
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, grant, member_of


def test_a_team_founder_with_a_confirmed_membership_creates_a_team_and_coordinates_it(
    world: World,
) -> None:
    grant(world.member, PlatformRole.TEAM_FOUNDER)
    membership = OrganisationMembership.objects.get(user=world.member, organisation=world.police)
    team = services.team_create(
        actor=world.member,
        name="Gamma",
        city="Kiel",
        country="de",
        scope="vie",
        coordinator=membership,
    )
    assert team.country == "DE"
    assert can(world.member, Action.TEAM_EDIT, team)
    assert AuditEvent.objects.filter(action="team.create", team_id=team.pk).count() == 1


def test_a_confirmed_member_without_the_founder_role_cannot_create_a_team(world: World) -> None:
    membership = OrganisationMembership.objects.get(user=world.member, organisation=world.police)
    with pytest.raises(Forbidden):
        services.team_create(
            actor=world.member,
            name="G",
            city="K",
            country="DE",
            scope="both",
            coordinator=membership,
        )


def test_a_member_cannot_name_someone_else_as_coordinator(world: World) -> None:
    grant(world.member, PlatformRole.TEAM_FOUNDER)
    other = OrganisationMembership.objects.get(
        user=world.coordinator, organisation=world.municipality
    )
    with pytest.raises(ValidationFailed):
        services.team_create(
            actor=world.member, name="G", city="K", country="DE", scope="both", coordinator=other
        )


def test_members_come_from_confirmed_people_of_participating_organisations(world: World) -> None:
    ngo = OrganisationFactory(name="NGO")
    person = UserFactory()
    member_of(person, ngo, confirmed=False)
    with pytest.raises(ValidationFailed):
        services.team_member_add(
            actor=world.coordinator, team=world.team, user=person, organisation=ngo, role="member"
        )
    services.team_organisation_add(actor=world.coordinator, team=world.team, organisation=ngo)
    with pytest.raises(ValidationFailed) as err:
        services.team_member_add(
            actor=world.coordinator, team=world.team, user=person, organisation=ngo, role="member"
        )
    assert "user" in err.value.details
    OrganisationMembership.objects.filter(user=person).update(confirmed_at=timezone.now())
    services.team_member_add(
        actor=world.coordinator, team=world.team, user=person, organisation=ngo, role="member"
    )
    assert can(person, Action.TEAM_VIEW, world.team)


def test_only_coordinators_manage_members(world: World) -> None:
    with pytest.raises(Forbidden):
        services.team_organisation_add(
            actor=world.member, team=world.team, organisation=OrganisationFactory()
        )
    with pytest.raises(NotFound):
        services.team_organisation_add(
            actor=world.outsider, team=world.team, organisation=OrganisationFactory()
        )


def test_a_team_always_keeps_a_coordinator(world: World) -> None:
    coordinator = TeamMembership.objects.get(team=world.team, user=world.coordinator)
    with pytest.raises(Conflict):
        services.team_member_remove(actor=world.coordinator, membership=coordinator)
    with pytest.raises(Conflict):
        services.team_member_set_role(
            actor=world.coordinator, membership=coordinator, role="member"
        )


def test_removing_a_member_ends_their_rights_at_once(world: World) -> None:
    membership = TeamMembership.objects.get(team=world.team, user=world.member)
    assert can(world.member, Action.TEAM_VIEW, world.team)
    services.team_member_remove(actor=world.coordinator, membership=membership)
    # rights are read once per request: the next request sees the change
    assert not can(User.objects.get(pk=world.member.pk), Action.TEAM_VIEW, world.team)
    assert TeamMembership.objects.filter(pk=membership.pk, ended_at__isnull=False).exists()


def test_an_invitation_brings_a_new_person_in_once(world: World) -> None:
    invitation, token = services.team_invite(
        actor=world.coordinator,
        team=world.team,
        email="New@Example.org",
        organisation=world.police,
        role="member",
    )
    assert invitation.email == "new@example.org"
    assert token not in invitation.token_hash
    outbox_flush()
    assert token in mail.outbox[0].body
    assert OutboxMessage.objects.get().status == "sent"
    with pytest.raises(ValidationFailed):
        services.invitation_accept(token=token, user=None, full_name="Nina New", password="short")
    membership = services.invitation_accept(
        token=token, user=None, full_name="Nina New", password="a long enough passphrase"
    )
    assert membership.role == TeamRole.MEMBER
    # rights wait for the police's administrator to confirm
    assert not can(membership.user, Action.TEAM_VIEW, world.team)
    with pytest.raises(NotFound):
        services.invitation_accept(
            token=token, user=None, full_name="Again", password="a long enough passphrase"
        )


def test_an_expired_invitation_is_refused(world: World) -> None:
    invitation, token = services.team_invite(
        actor=world.coordinator,
        team=world.team,
        email="late@example.org",
        organisation=world.police,
        role="member",
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(NotFound):
        services.invitation_by_token(token)


def test_inviting_to_an_organisation_outside_the_team_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.team_invite(
            actor=world.coordinator,
            team=world.team,
            email="x@example.org",
            organisation=OrganisationFactory(),
            role="member",
        )
    assert "organisation" in err.value.details
    assert not Invitation.objects.exists()


def test_archiving_makes_the_team_read_only(world: World) -> None:
    services.team_archive(actor=world.coordinator, team=world.team)
    with pytest.raises(Forbidden):
        services.team_update(
            actor=world.coordinator, team=world.team, name="N", city="C", country="DE", scope="both"
        )


def test_an_invitation_to_an_address_that_smuggles_a_header_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.team_invite(
            actor=world.coordinator,
            team=world.team,
            email="a\r\nBcc: x@example.net",
            organisation=world.police,
            role="member",
        )
    assert "email" in err.value.details
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()
