"""Plan fixtures: the team of ``world`` with social services taking part, a goal and actions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from icommit.access.roles import TeamRole
from icommit.accounts.models import User
from icommit.plans import services
from icommit.plans.models import Goal, PlanAction, Risk
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from tests.conftest import World
from tests.factories import OrganisationFactory, UserFactory, team_member

#: The day the plan tests live on (selectors.today is patched to it).
TODAY = datetime.date(2030, 6, 15)


@dataclass
class Plan:
    world: World
    social: Organisation
    social_worker: User
    goal: Goal
    police_action: PlanAction  # owned by police, person: world.member; overdue
    social_action: PlanAction  # owned by social services, no person; due in three days
    done_action: PlanAction  # owned by police, done, overdue date
    risk: Risk


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def plan_today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    monkeypatch.setattr("icommit.plans.selectors.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def plan(world: World) -> Plan:
    social = OrganisationFactory(name="Social Services", sector=Sector.SOCIAL_SERVICES)
    social_worker = UserFactory(email="social@test.org", full_name="Sam Social")
    team_member(world.team, social_worker, social, TeamRole.MEMBER)
    coordinator = world.coordinator
    goal = services.goal_create(
        actor=coordinator,
        team=world.team,
        title="Legal basis for every protocol row",
        why="Members hesitate to share.",
        target_date=days(60),
        phase_key="setup",
        indicator_id="setup.sharing-protocol-recorded",
        target_value=100,
    )
    police_action = services.action_create(
        actor=coordinator,
        goal=goal,
        title="Add legal sources",
        owner_organisation=world.police,
        owner_user=world.member,
        due_date=days(-3),
    )
    social_action = services.action_create(
        actor=coordinator,
        goal=goal,
        title="Review consent forms",
        owner_organisation=social,
        due_date=days(3),
    )
    done_action = services.action_create(
        actor=coordinator,
        goal=goal,
        title="Draft the overview",
        owner_organisation=world.police,
        due_date=days(-20),
    )
    services.action_set_status(actor=coordinator, action=done_action, status="done")
    risk = services.risk_create(
        actor=coordinator,
        team=world.team,
        title="Information leak",
        likelihood=2,
        impact=5,
        owner_organisation=world.municipality,
        mitigations=[police_action],
        review_date=days(30),
    )
    return Plan(world, social, social_worker, goal, police_action, social_action, done_action, risk)
