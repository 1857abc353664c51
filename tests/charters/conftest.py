"""Situations for charter and meeting tests: a published charter, minutes out for confirmation."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.charters import services, starting
from icommit.charters.models import CharterVersion, Meeting
from icommit.stakeholders.content import SectorDuty
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, team_member

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_duties(path: Path = FIXTURES / "sector-duties.yaml") -> starting.LegalDuties:
    """The duty vocabulary and per-country template duties a fixture file describes."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return starting.LegalDuties(
        codes=frozenset(data["codes"]),
        by_country={
            country: tuple(
                SectorDuty(d["sector"], d["id"], d["duty"], d["applies"]) for d in duties
            )
            for country, duties in data["countries"].items()
        },
    )


@pytest.fixture(autouse=True)
def sector_duties(monkeypatch: pytest.MonkeyPatch) -> Iterator[starting.LegalDuties]:
    """The starting drafts checked against the fixture's sector duties, loaded afresh."""
    duties = fixture_duties()
    monkeypatch.setattr(starting, "shipped_duties", lambda: duties)
    starting.starting_drafts.cache_clear()
    yield duties
    starting.starting_drafts.cache_clear()


@pytest.fixture
def social(world: World) -> Organisation:
    """A social services organisation taking part in the team."""
    return OrganisationFactory(name="Social Services", sector=Sector.SOCIAL_SERVICES)


@pytest.fixture
def social_worker(world: World, social: Organisation) -> User:
    """A member of the team for social services."""
    user = UserFactory(email="social@test.org", full_name="Sara Social")
    team_member(world.team, user, social, TeamRole.MEMBER)
    return user


@pytest.fixture
def published_charter(world: World, social_worker: User) -> CharterVersion:
    """Version 1 of the team's charter, from the starting text, confirmed by nobody yet."""
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    return services.charter_publish(actor=world.coordinator, draft=draft)


def minutes(
    attendees: list[User],
    *,
    decisions: tuple[services.DecisionIn, ...] = (),
    text: str = "We compared how each organisation understands the referral threshold.",
) -> services.MinutesIn:
    return services.MinutesIn(
        held_on=datetime.date(2026, 3, 10),
        title="Roles and thresholds",
        agenda="1. Referral thresholds\n2. Sharing defaults",
        minutes=text,
        attendee_ids=[u.pk for u in attendees],
        decisions=decisions,
    )


@pytest.fixture
def circulated_meeting(world: World, social_worker: User) -> Meeting:
    """Minutes out for confirmation: coordinator, member (police), observer (police) and the
    social worker attended; police disagreed with the second decision."""
    meeting = services.meeting_create(
        actor=world.coordinator,
        team=world.team,
        data=minutes(
            [world.coordinator, world.member, world.observer, social_worker],
            decisions=(
                services.DecisionIn("Use the complex-case test for every referral."),
                services.DecisionIn(
                    "Nothing is shared with police by default.",
                    (services.DissentIn(world.police.pk, "Police fear late information."),),
                ),
            ),
        ),
    )
    services.meeting_circulate(actor=world.coordinator, meeting=meeting)
    return meeting


def confirm_all(meeting: Meeting, people: list[User]) -> None:
    for person in people:
        services.meeting_confirm(actor=person, meeting=meeting)
