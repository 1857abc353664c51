"""The case world of tests/cases (exit counselling leads; youth, police and housing take part)
and a plan on a working case, shared by the lead with the youth office only."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from icommit.cases import services as cases
from icommit.cases.models import Case
from icommit.interventions import services
from icommit.interventions.models import Goal, Measure, Plan
from tests.cases.conftest import CaseWorld
from tests.cases.conftest import cw as cw  # the fixture, for the tests here

TODAY = datetime.date.today


@dataclass
class PlanWorld:
    cw: CaseWorld
    case: Case
    plan: Plan
    goal: Goal
    youth_measure: Measure
    housing_measure: Measure


def share_plan(cw: CaseWorld, case: Case, plan: Plan, *orgs: object) -> None:
    cases.item_share(
        actor=cw.manager,
        case=case,
        item=plan,
        organisations=list(orgs),
        purpose="Coordinate the support",
        basis="protocol",
        client_informed=True,
    )


def plan_protocol(cw: CaseWorld) -> None:
    """The protocol lets the plan go from exit counselling to youth, housing and police."""
    for org in (cw.youth, cw.housing, cw.police):
        cw.row(org, "plan", "always", "§ 69 SGB X")
    cw.row(cw.youth, "offence", "always", "§ 69 SGB X")


@pytest.fixture
def pw(cw: CaseWorld) -> PlanWorld:
    plan_protocol(cw)
    case = cw.working()
    goal = services.goal_create(
        actor=cw.manager, case=case, domain="housing", statement="Find a flat of his own"
    )
    youth = services.measure_create(
        actor=cw.manager,
        case=case,
        goal=goal,
        what="Help with the housing application",
        responsible=cw.youth,
        due_date=TODAY() + datetime.timedelta(days=14),
    )
    housing = services.measure_create(
        actor=cw.manager, case=case, goal=goal, what="Offer a flat", responsible=cw.housing
    )
    plan = Plan.objects.get(case=case)
    share_plan(cw, case, plan, cw.youth)
    return PlanWorld(cw, case, plan, goal, youth, housing)
