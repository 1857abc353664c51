"""The fictional Demo City: organisations, people and two MSC teams, built through the services.

Everything here is invented. Building is idempotent: on a database that already holds the demo
nothing changes; a database that holds other data and is not marked as a demo is refused.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import User
from icommit.accounts.services import platform_role_grant
from icommit.core import audit
from icommit.core.models import Instance
from icommit.stakeholders import services as org_services
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.stakeholders.sectors import Sector
from icommit.teams import services as team_services
from icommit.teams.models import Scope, Team


class DemoRefused(Exception):
    """The database is not a demo database."""


ORGANISATIONS: list[tuple[str, str, Sector]] = [
    ("municipality", "City of Demo City – Office for Prevention", Sector.MUNICIPALITY),
    ("police", "Demo City Police – Prevention Unit", Sector.POLICE),
    ("probation", "Regional Probation Service Demo City", Sector.PROBATION),
    ("prison", "Demo City Correctional Facility", Sector.PRISON),
    ("prosecution", "Public Prosecutor's Office Demo City", Sector.PROSECUTION),
    ("social", "Demo City Social Services", Sector.SOCIAL_SERVICES),
    ("youth", "Demo City Youth Welfare Office", Sector.YOUTH_WELFARE),
    ("exit", "Pathways Exit Counselling (NGO)", Sector.EXIT_COUNSELLING),
    ("school", "Riverside Comprehensive School", Sector.SCHOOL),
    ("health", "Demo City Clinic for Psychiatry", Sector.HEALTH),
    ("employment", "Demo City Employment Agency", Sector.EMPLOYMENT),
    ("housing", "Demo City Housing Cooperative", Sector.HOUSING),
    ("research", "Institute for Applied Prevention Research", Sector.RESEARCH),
    ("training", "Demo City Academy for Prevention Work", Sector.CIVIL_SOCIETY),
]


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    org: str | None
    org_admin: bool = False
    team_role: TeamRole | None = None
    platform_role: PlatformRole | None = None
    confirmed: bool = True


PEOPLE: list[Person] = [
    Person("admin@example.org", "Alex Admin", None, platform_role=PlatformRole.ADMINISTRATOR),
    # the municipality's coordinator may set up teams (an administrator allowed it)
    Person(
        "coordinator@example.org",
        "Clara Coordinator",
        "municipality",
        True,
        TeamRole.COORDINATOR,
        platform_role=PlatformRole.TEAM_FOUNDER,
    ),
    Person("casemanager@example.org", "Kemal Casemanager", "exit", True, TeamRole.CASE_MANAGER),
    Person("socialworker@example.org", "Sofia Socialworker", "social", True, TeamRole.MEMBER),
    Person("police@example.org", "Paul Police", "police", True, TeamRole.MEMBER),
    Person("probation@example.org", "Petra Probation", "probation", True, TeamRole.MEMBER),
    Person("teacher@example.org", "Tom Teacher", "school", True, TeamRole.MEMBER),
    Person("youth@example.org", "Yara Youthworker", "youth", True, TeamRole.MEMBER),
    Person("health@example.org", "Hanna Psychiatrist", "health", True, TeamRole.OBSERVER),
    Person("employment@example.org", "Emil Employment", "employment", True, TeamRole.MEMBER),
    Person("housing@example.org", "Hugo Housing", "housing", True, TeamRole.MEMBER),
    Person("prison@example.org", "Priya Prison", "prison", True, TeamRole.MEMBER),
    Person("prosecution@example.org", "Oskar Prosecutor", "prosecution", True, TeamRole.OBSERVER),
    # further security members, so that security and non-security results can both be shown
    # under the diagnostics rule of at least five respondents per group (decision 0009)
    Person("detective@example.org", "Dirk Detective", "police", team_role=TeamRole.MEMBER),
    Person("liaison@example.org", "Lina Liaison", "police", team_role=TeamRole.MEMBER),
    Person("parole@example.org", "Pablo Parole", "probation", team_role=TeamRole.MEMBER),
    Person("warden@example.org", "Wanda Warden", "prison", team_role=TeamRole.MEMBER),
    Person(
        "trainer@example.org", "Tara Trainer", "training", True, platform_role=PlatformRole.TRAINER
    ),
    Person(
        "evaluator@example.org",
        "Eva Evaluator",
        "research",
        True,
        platform_role=PlatformRole.EVALUATOR,
    ),
    Person(
        "dpo@example.org", "Dana Dataprotection", "municipality", platform_role=PlatformRole.DPO
    ),
    Person("newcolleague@example.org", "Nico Newcolleague", "social", confirmed=False),
]

TEAM_NAME = "Demo City MSC"

#: Further demo content, one builder per line ("module:function"), each called with the team,
#: the organisations and people by key, and the second team.
EXTENSIONS: list[str] = [
    "icommit.demo.transparency:build",  # first: the demo charter takes in its protocol
    "icommit.demo.plans:build",
    "icommit.demo.charters:build",
    "icommit.demo.phases:build",
    "icommit.demo.diagnostics:build",
    "icommit.demo.cases:build",
    "icommit.demo.analysis:build",
    "icommit.demo.assessments:build",
    "icommit.demo.interventions:build",
    "icommit.demo.conferences:build",
    "icommit.demo.training:build",
]


def _ensure_marker() -> None:
    marker = Instance.objects.filter(id=1).first()
    if marker is None:
        if User.objects.exists() or Organisation.objects.exists():
            raise DemoRefused("This database holds data and is not marked as a demo database.")
        Instance.objects.create(id=1, is_demo=True)
    elif not marker.is_demo:
        raise DemoRefused("This database is not marked as a demo database.")


@transaction.atomic
def build_demo() -> bool:
    """Build Demo City; return False when it was there already."""
    if not (settings.DEMO or settings.DEV):
        raise DemoRefused("The demo runs only with ICOMMIT_DEMO=1 or ICOMMIT_DEV=1.")
    _ensure_marker()
    if Team.objects.filter(name=TEAM_NAME).exists():
        return False
    password = settings.DEMO_PASSWORD
    admin = User.objects.create_user(
        email="admin@example.org", password=password, full_name="Alex Admin"
    )
    audit.record(actor=None, action="user.create", obj=admin, purpose="demo")
    platform_role_grant(actor=None, user=admin, role=PlatformRole.ADMINISTRATOR)

    orgs: dict[str, Organisation] = {}
    for key, name, sector in ORGANISATIONS:
        orgs[key] = org_services.organisation_create(
            actor=admin, name=name, country="DE", city="Demo City", sector=sector
        )

    users: dict[str, User] = {"admin@example.org": admin}
    admins_of: dict[str, User] = {}
    for person in PEOPLE[1:]:
        user = User.objects.create_user(
            email=person.email, password=password, full_name=person.name
        )
        audit.record(actor=admin, action="user.create", obj=user, purpose="demo")
        users[person.email] = user
        if person.platform_role:
            platform_role_grant(actor=admin, user=user, role=person.platform_role)
        if person.org is None:
            continue
        org = orgs[person.org]
        if person.org_admin:
            org_services.membership_add(actor=admin, organisation=org, user=user, is_org_admin=True)
            admins_of.setdefault(person.org, user)
        elif person.confirmed:
            org_services.membership_add(actor=admins_of[person.org], organisation=org, user=user)
        else:
            org_services.membership_request(actor=user, organisation=org)

    coordinator = users["coordinator@example.org"]
    coordinator_membership = OrganisationMembership.objects.get(
        user=coordinator, organisation=orgs["municipality"]
    )
    team = team_services.team_create(
        actor=coordinator,
        name=TEAM_NAME,
        city="Demo City",
        country="DE",
        scope=Scope.BOTH,
        coordinator=coordinator_membership,
    )
    for person in PEOPLE:
        if person.team_role is None or person.org is None or person.org == "municipality":
            continue
        org = orgs[person.org]
        if not team.participations.filter(organisation=org, ended_at__isnull=True).exists():
            team_services.team_organisation_add(actor=coordinator, team=team, organisation=org)
        team_services.team_member_add(
            actor=coordinator,
            team=team,
            user=users[person.email],
            organisation=org,
            role=person.team_role,
        )

    youth = users["youth@example.org"]
    # set up by the administrator, with the youth worker as its coordinator
    second = team_services.team_create(
        actor=admin,
        name="Northside Prevention Circle",
        city="Demo City",
        country="DE",
        scope=Scope.VRWE,
        coordinator=OrganisationMembership.objects.get(user=youth, organisation=orgs["youth"]),
    )
    team_services.team_organisation_add(actor=youth, team=second, organisation=orgs["school"])
    team_services.team_member_add(
        actor=youth,
        team=second,
        user=users["teacher@example.org"],
        organisation=orgs["school"],
        role=TeamRole.MEMBER,
    )
    for entry in EXTENSIONS:
        module, name = entry.split(":")
        getattr(importlib.import_module(module), name)(
            team=team, orgs=orgs, users=users, second_team=second
        )
    return True
