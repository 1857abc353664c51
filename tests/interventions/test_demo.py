"""The demo: plans with overdue reviews, a case drifting without contact, scaling up and down,
closed cases with outcomes and a follow-up; the case manager sees them on the home page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from icommit.accounts.models import User
from icommit.interventions import selectors
from icommit.interventions.models import Outcome, Plan, ScaleDecision
from icommit.teams.models import Team
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> Team:
    call_command("demo", verbosity=0)
    return Team.objects.get(name="Demo City MSC")


def test_the_demo_has_plans_outcomes_and_attention_for_the_case_manager(demo: Team) -> None:
    manager = User.objects.get(email="casemanager@example.org")
    assert Plan.objects.filter(case__team=demo).count() >= 3
    directions = {s.direction for s in ScaleDecision.objects.all()}
    assert {"up", "down"} <= directions
    outcomes = Outcome.objects.filter(case__team=demo)
    assert {o.followup for o in outcomes} == {0, 1}
    found = selectors.attention(user=manager)
    assert found.review_overdue and found.measures_overdue and found.drifting
    page = verified_client(manager).get(reverse("web:home")).content.decode()
    assert "The review of the intervention plan of case" in page
    assert "the last contact with the client was on" in page
    # the police's measure is in a plan not shared with the police
    police = User.objects.get(email="police@example.org")
    plan = next(p for p in Plan.objects.filter(case__team=demo) if p.measures.count() >= 4)
    assert selectors.plan_for(user=police, case=plan.case) is None
    social = User.objects.get(email="socialworker@example.org")
    assert selectors.plan_for(user=social, case=plan.case) == plan
    plans = Plan.objects.count()
    call_command("demo", verbosity=0)  # loading it twice adds nothing
    assert Plan.objects.count() == plans
