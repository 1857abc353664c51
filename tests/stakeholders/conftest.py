"""Fixtures for role profiles and sharing protocols: a team of six organisations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.utils import translation

from icommit.accounts.models import User
from icommit.sharing import services as sharing_services
from icommit.stakeholders import services
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import TeamOrganisation
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, member_of
from tests.stakeholders.v2content import v1_content, v2_content  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Compare texts in English; a page asked for in German must not leak into the next test."""
    with translation.override("en"):
        yield


def profile_values(**overrides: Any) -> dict[str, Any]:
    """A complete role profile, as the services take it."""
    values: dict[str, Any] = {
        "mandate": "We help people leave violent groups.",
        "duty_to_report": False,
        "duty_to_report_note": "",
        "duty_to_prosecute": False,
        "duty_to_prosecute_note": "",
        "duty_of_care": True,
        "duty_of_care_note": "Towards our clients.",
        "secrecy": "none",
        "secrecy_source": "",
        "methods": "Counselling.",
        "needs": [{"code": "housing", "text": "Flats"}],
        "offers": [{"code": "exit_counselling", "text": ""}],
        "contact": "Desk, 0123",
        "availability": "Weekdays",
    }
    values.update(overrides)
    return values


@dataclass
class Circle:
    """World's team with four more organisations, each with one confirmed member."""

    world: World
    health: Organisation
    exit: Organisation
    youth: Organisation
    housing: Organisation
    people: dict[str, User]

    def org(self, key: str) -> Organisation:
        return {
            "municipality": self.world.municipality,
            "police": self.world.police,
            "health": self.health,
            "exit": self.exit,
            "youth": self.youth,
            "housing": self.housing,
        }[key]

    def profile(self, key: str, **overrides: Any) -> None:
        actor = {
            "municipality": self.world.coordinator,
            "police": self.world.member,
        }.get(key) or self.people[key]
        with transaction.atomic():
            services.role_profile_save(
                actor=actor, organisation=self.org(key), values=profile_values(**overrides)
            )

    def row(self, **values: Any) -> int:
        with transaction.atomic():
            return sharing_services.protocol_row_create(
                actor=self.world.coordinator, team=self.world.team, values=values
            ).pk


@pytest.fixture
def circle(world: World) -> Circle:
    orgs = {
        "health": OrganisationFactory(name="Clinic", sector=Sector.HEALTH),
        "exit": OrganisationFactory(name="Exit NGO", sector=Sector.EXIT_COUNSELLING),
        "youth": OrganisationFactory(name="Youth Office", sector=Sector.YOUTH_WELFARE),
        "housing": OrganisationFactory(name="Housing Co", sector=Sector.HOUSING),
    }
    people = {}
    for key, org in orgs.items():
        TeamOrganisation.objects.create(team=world.team, organisation=org)
        people[key] = UserFactory(full_name=f"{org.name} Person")
        member_of(people[key], org)
    return Circle(world=world, people=people, **orgs)
