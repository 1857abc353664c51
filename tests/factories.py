"""Factories that build the world through the real models; services are used where rules matter."""

from __future__ import annotations

import factory
from django.utils import timezone

from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import PlatformRoleGrant, User
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.stakeholders.sectors import Sector, defaults_for
from icommit.teams.models import Team, TeamMembership, TeamOrganisation

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    country = "DE"
    city = "Testcity"
    sector = Sector.SOCIAL_SERVICES
    is_security = factory.LazyAttribute(lambda o: defaults_for(o.sector).is_security)
    is_state = factory.LazyAttribute(lambda o: defaults_for(o.sector).is_state)


def grant(user: User, role: PlatformRole) -> User:
    PlatformRoleGrant.objects.create(user=user, role=role.value)
    return user


def member_of(
    user: User, org: Organisation, *, admin: bool = False, confirmed: bool = True
) -> OrganisationMembership:
    return OrganisationMembership.objects.create(
        user=user,
        organisation=org,
        is_org_admin=admin,
        confirmed_at=timezone.now() if confirmed else None,
    )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    city = "Testcity"
    country = "DE"


def team_member(
    team: Team,
    user: User,
    org: Organisation,
    role: TeamRole = TeamRole.MEMBER,
    *,
    confirmed: bool = True,
) -> TeamMembership:
    TeamOrganisation.objects.get_or_create(team=team, organisation=org, ended_at=None)
    if not OrganisationMembership.objects.filter(
        user=user, organisation=org, ended_at__isnull=True
    ).exists():
        member_of(user, org, confirmed=confirmed)
    return TeamMembership.objects.create(team=team, user=user, organisation=org, role=role)
