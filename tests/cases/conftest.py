"""A team with a case world: exit counselling (lead), youth welfare, police, housing, school.

The protocol: exit → youth "always" for situation and family; exit → police "with consent" for
situation; exit → housing "always" for situation; exit → school "never" for situation; identity
from exit to youth with consent. The coordinator (from housing) reads no case by role.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import transaction

from icommit.access.roles import PlatformRole, TeamRole
from icommit.accounts.models import User
from icommit.cases import services
from icommit.cases.models import Case, CaseNote
from icommit.sharing.services import protocol_row_create
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, grant, team_member


@dataclass
class CaseWorld:
    team: Team
    exit: Organisation
    youth: Organisation
    police: Organisation
    housing: Organisation
    school: Organisation
    manager: User  # case manager in the team, exit counselling
    counsellor: User  # member, exit counselling (a second person of the lead)
    youth_worker: User
    officer: User
    housing_worker: User
    teacher: User
    coordinator: User  # coordinator, housing
    dpo: User

    def row(self, to: Organisation, category: str, rule: str, source: str = "") -> None:
        protocol_row_create(
            actor=self.coordinator,
            team=self.team,
            values={
                "from_organisation_id": self.exit.pk,
                "to_organisation_id": to.pk,
                "category": category,
                "rule": rule,
                "legal_source": source,
            },
        )

    def referral(self, **values: object) -> Case:
        data: dict[str, object] = {
            "actor": self.teacher,
            "team": self.team,
            "organisation": self.school,
            "concern": "Shares right-wing propaganda in class and talks about a group.",
            "gender": "male",
            "age_band": "18_20",
            "phenomenon": "vrwe",
            "setting": "community",
        }
        data.update(values)
        return services.referral_create(**data)  # type: ignore[arg-type]

    def accepted(self, **values: object) -> Case:
        case = self.referral(**values)
        return services.triage_decide(
            actor=self.manager,
            case=case,
            outcome="accepted",
            lead_organisation=self.exit,
            case_manager=self.manager,
            purpose="Support leaving the scene",
        )

    def working(self, **values: object) -> Case:
        """Accepted, with youth, police and housing taking part."""
        case = self.accepted(**values)
        for org in (self.youth, self.police, self.housing):
            services.participant_add(
                actor=self.manager, case=case, organisation=org, reason="needed"
            )
        return case

    def note(
        self, case: Case, *, secrecy: str = "none", category: str = "situation", text: str = "x"
    ) -> CaseNote:
        return services.note_create(
            actor=self.counsellor,
            case=case,
            organisation=self.exit,
            title="Conversation",
            text=text,
            category=category,
            secrecy=secrecy,
        )


@pytest.fixture
def cw(db: None) -> CaseWorld:
    team = TeamFactory(name="Case team")
    orgs = {
        "exit": OrganisationFactory(name="Exit counselling", sector=Sector.EXIT_COUNSELLING),
        "youth": OrganisationFactory(name="Youth office", sector=Sector.YOUTH_WELFARE),
        "police": OrganisationFactory(name="Police", sector=Sector.POLICE),
        "housing": OrganisationFactory(name="Housing", sector=Sector.HOUSING),
        "school": OrganisationFactory(name="School", sector=Sector.SCHOOL),
    }
    people: dict[str, User] = {}
    for name, org, role in [
        ("manager", "exit", TeamRole.CASE_MANAGER),
        ("counsellor", "exit", TeamRole.MEMBER),
        ("youth_worker", "youth", TeamRole.MEMBER),
        ("officer", "police", TeamRole.MEMBER),
        ("housing_worker", "housing", TeamRole.MEMBER),
        ("teacher", "school", TeamRole.MEMBER),
        ("coordinator", "housing", TeamRole.COORDINATOR),
    ]:
        people[name] = UserFactory()
        team_member(team, people[name], orgs[org], role)
    people["dpo"] = grant(UserFactory(), PlatformRole.DPO)
    world = CaseWorld(team, **orgs, **people)
    with transaction.atomic():
        for category in ("situation", "family"):
            world.row(world.youth, category, "always", "§ 69 SGB X")
        world.row(world.police, "situation", "consent")
        world.row(world.housing, "situation", "always", "§ 69 SGB X")
        world.row(world.school, "situation", "never")
        world.row(world.youth, "identity", "consent")
        world.row(world.police, "identity", "consent")
    return world


TODAY = datetime.date.today
