"""Diagnostics fixtures: a team with security and non-security members, rounds run through the
real services, answers at a chosen level, and a clock on the ``services.today`` seam.

``answers_at`` answers every statement so that each dimension scores exactly
``(level - 1) * 25`` (reverse-worded statements are answered the other way), which makes the
values on pages, PDFs, CSVs and API responses predictable to the decimal. Members made here
count towards a round's minimum (``vouch``: their organisation membership was confirmed a month
ago by someone else) unless a test says otherwise.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.diagnostics import services
from icommit.diagnostics.models import Participation, Round
from icommit.instruments.models import InstrumentVersion
from icommit.stakeholders.models import Organisation, OrganisationMembership
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Team
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, team_member

SHIPPED_KEY = "msc-diagnostics"

#: ``client_for``: a client logged in as the user with a second factor verified.
ClientFor = Callable[[User], Client]


def score_of(level: int) -> float:
    """The 0–100 score a dimension gets when every statement is answered at ``level``."""
    return (level - 1) * 25.0


@dataclass
class Clock:
    """The day the diagnostics services and selectors believe it is."""

    day: datetime.date

    def advance(self, days: int) -> datetime.date:
        self.day += datetime.timedelta(days=days)
        return self.day


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moved = Clock(timezone.localdate())
    # selectors import ``today`` by name, so both places where it is looked up are patched
    monkeypatch.setattr("icommit.diagnostics.services.today", lambda: moved.day)
    monkeypatch.setattr("icommit.diagnostics.selectors.today", lambda: moved.day)
    return moved


def shipped() -> InstrumentVersion:
    """The shipped MSC diagnostics instrument, published into the database by migrate."""
    return InstrumentVersion.objects.select_related("instrument").get(
        instrument__key=SHIPPED_KEY, number=1
    )


def voucher() -> User:
    """The organisation administrator who confirmed the test members' memberships."""
    found = User.objects.filter(email="voucher@test.org").first()
    return found or UserFactory(email="voucher@test.org", full_name="Vera Voucher")


def vouch(*people: User, days: int = 30, by: User | None = None) -> None:
    """Their organisation memberships were confirmed ``days`` ago by ``by`` (the voucher)."""
    OrganisationMembership.objects.filter(user__in=people, ended_at__isnull=True).update(
        confirmed_at=timezone.now() - datetime.timedelta(days=days),
        confirmed_by=by or voucher(),
    )


def join(
    team: Team,
    org: Organisation,
    n: int,
    role: TeamRole = TeamRole.MEMBER,
    *,
    counted: bool = True,
) -> list[User]:
    """``n`` new people who join the team for the organisation (counted: confirmed long ago
    by someone else; else just now, as a puppet would be)."""
    people = []
    for _ in range(n):
        person = UserFactory()
        team_member(team, person, org, role)
        people.append(person)
    if counted:
        vouch(*people)
    return people


def answers_at(
    definition: Any, *, audience: str, level: int, part_level: int | None = None
) -> dict[str, Any]:
    """Every statement of the audience's part answered so each dimension scores at ``level``;
    the non-security part at ``part_level`` (left out when None)."""
    answers: dict[str, Any] = {}
    for section in definition.sections:
        if section.audience not in ("all", audience):
            continue
        at = level if section.audience == "all" else part_level
        if at is None:
            continue
        for item in section.items:
            if item.type != "likert":
                continue
            answers[item.key] = 6 - at if item.reverse else at
    return answers


def open_round(
    actor: User,
    team: Team,
    *,
    version: InstrumentVersion | None = None,
    title: str = "Spring round",
    days: int = 14,
) -> Round:
    with transaction.atomic():
        return services.round_open(
            actor=actor,
            team=team,
            version=version or shipped(),
            title=title,
            closes_on=services.today() + datetime.timedelta(days=days),
        )


def submit(round: Round, people: Iterable[User], level: int, part_level: int | None = 4) -> None:
    """Each person submits answers at ``level`` (their own part at ``part_level``)."""
    definition = round.version.parsed
    for person in people:
        participation = Participation.objects.select_related("organisation").get(
            round=round, user=person
        )
        answers = answers_at(
            definition,
            audience=services.audience_of(participation),
            level=level,
            part_level=part_level,
        )
        with transaction.atomic():
            services.response_submit(actor=person, round=round, answers=answers)


def close(round: Round, actor: User) -> Round:
    """Close by hand (refused unless the answers in guarantee the minimum)."""
    with transaction.atomic():
        return services.round_close(actor=actor, round=round)


def close_by_date(round: Round) -> Round:
    """Let the round's closing date pass (without moving the clock) and close it as the
    schedule would: with results only if enough counted invitees answered."""
    Round.objects.filter(pk=round.pk).update(
        closes_on=services.today() - datetime.timedelta(days=1)
    )
    round.refresh_from_db()
    return services.round_close_if_due(round=round)


@dataclass
class Crew:
    """``world.team`` with a mix of organisations: who is security and who is not."""

    world: World
    team: Team
    coordinator: User  # municipality (non-security)
    police_officer: User  # world.member, police (security)
    observer: User  # police, observer: never invited
    probation: Organisation
    social: Organisation
    school: Organisation
    probation_officer: User
    social_workers: list[User]
    teacher: User

    @property
    def respondents(self) -> list[User]:
        """Everyone invited by default (all but the observer)."""
        return [
            self.coordinator,
            self.police_officer,
            self.probation_officer,
            *self.social_workers,
            self.teacher,
        ]


@pytest.fixture
def crew(world: World) -> Crew:
    vouch(world.coordinator, world.member, world.observer)
    probation = OrganisationFactory(name="Probation Service", sector=Sector.PROBATION)
    social = OrganisationFactory(name="Social Services", sector=Sector.SOCIAL_SERVICES)
    school = OrganisationFactory(name="Comprehensive School", sector=Sector.SCHOOL)
    [probation_officer] = join(world.team, probation, 1)
    social_workers = join(world.team, social, 2)
    [teacher] = join(world.team, school, 1)
    return Crew(
        world=world,
        team=world.team,
        coordinator=world.coordinator,
        police_officer=world.member,
        observer=world.observer,
        probation=probation,
        social=social,
        school=school,
        probation_officer=probation_officer,
        social_workers=social_workers,
        teacher=teacher,
    )


@pytest.fixture
def running_round(crew: Crew) -> Round:
    """A round of the shipped instrument, open for two weeks, every member invited."""
    return open_round(crew.coordinator, crew.team)


@dataclass
class Answered:
    """A closed round answered by ``security`` and ``non_security`` people at given levels."""

    world: World
    round: Round
    security: list[User] = field(default_factory=list)
    non_security: list[User] = field(default_factory=list)


def answered_round(
    world: World,
    *,
    security: list[int],
    non_security: list[int],
    title: str = "Spring round",
    team: Team | None = None,
    people: tuple[list[User], list[User]] | None = None,
    part_level: int = 4,
    closed: bool = True,
    by_date: bool = False,
) -> Answered:
    """A round in which one security member answers at each of the ``security`` levels and one
    non-security member at each of the ``non_security`` levels (new people, or ``people``);
    closed by hand, or ``by_date`` (the only way to close one with too few answers)."""
    team = team or world.team
    vouch(world.coordinator, world.member)
    if people is None:
        police = OrganisationFactory(name="City Police", sector=Sector.POLICE)
        social = OrganisationFactory(name="Social Services", sector=Sector.SOCIAL_SERVICES)
        people = (join(team, police, len(security)), join(team, social, len(non_security)))
    round = open_round(world.coordinator, team, title=title)
    sec, non = people
    for person, level in zip(sec, security, strict=True):
        submit(round, [person], level, part_level)
    for person, level in zip(non, non_security, strict=True):
        submit(round, [person], level, part_level)
    if closed and by_date:
        round = close_by_date(round)
    elif closed:
        round = close(round, world.coordinator)
    return Answered(world, round, list(sec), list(non))


class _Text(HTMLParser):
    """What a reader gets from HTML: text nodes (SVG titles and labels too) and the labels in
    attributes; not markup or drawing coordinates, where digits appear by chance."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.parts += [v for k, v in attrs if k in ("aria-label", "title", "alt") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())
