"""The team plan in a real browser: a goal with two actions, the filter, the risk register.

axe checks every page visited.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from icommit.plans.models import Goal, PlanAction
from tests.conftest import World
from tests.e2e.conftest import check_a11y, label, login, logout

pytestmark = pytest.mark.e2e


def test_the_coordinator_creates_a_goal_with_two_actions_and_filters_the_plan(
    page: Page, live_server: Any, world: World
) -> None:
    today = timezone.localdate()
    past = (today - datetime.timedelta(days=3)).isoformat()
    later = (today + datetime.timedelta(days=30)).isoformat()
    plan = f"/teams/{world.team.pk}/plan/"

    login(page, live_server, world.coordinator.email)
    page.goto(plan)
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan of Alpha MSC")
    expect(page.get_by_text("The team has no goals yet.")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="New goal").click()
    check_a11y(page)
    page.get_by_label(label("Title")).fill("Train all members in the sharing rules")
    page.get_by_label(label("Why this goal")).fill("New members join without knowing the rules.")
    page.get_by_label(label("Target date")).fill(later)
    page.get_by_label(label("Phase")).select_option(label="Operation")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Train all members in the sharing rules"
    )
    expect(page.get_by_text("Goal saved. Add its actions next.")).to_be_visible()
    check_a11y(page)

    form = page.locator("form").filter(has=page.get_by_role("heading", name="Add an action"))
    form.get_by_label(label("Action")).fill("Run a session on the sharing protocol")
    form.get_by_label(label("Owner organisation")).select_option(label="Municipality")
    form.get_by_label(label("Due date")).fill(later)
    form.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()
    check_a11y(page)

    form = page.locator("form").filter(has=page.get_by_role("heading", name="Add an action"))
    form.get_by_label(label("Action")).fill("Brief the police officers")
    form.get_by_label(label("Owner organisation")).select_option(label="Police")
    form.get_by_label(label("Owner person")).select_option(label="Max Member — Police")
    form.get_by_label(label("Due date")).fill(past)
    form.get_by_role("button", name="Add action").click()
    expect(
        page.get_by_role("heading", name=re.compile("Brief the police officers"))
    ).to_contain_text("Overdue")
    check_a11y(page)

    goal = Goal.objects.get(title="Train all members in the sharing rules")
    assert goal.phase_key == "operation"
    actions = {a.title: a for a in PlanAction.objects.filter(goal=goal)}
    assert actions["Brief the police officers"].owner_user == world.member
    assert actions["Run a session on the sharing protocol"].owner_organisation == world.municipality

    page.get_by_role("link", name="Back to the plan").click()
    table = page.get_by_role(
        "table", name="Actions of the goal Train all members in the sharing rules"
    )
    expect(table.get_by_role("row")).to_have_count(3)
    overdue = table.get_by_role("row", name=re.compile("Brief the police officers"))
    expect(overdue).to_contain_text("Overdue")
    expect(overdue).to_contain_text("Max Member")
    expect(overdue).to_have_class(re.compile("plan-overdue"))
    expect(table.get_by_role("row", name=re.compile("Run a session"))).not_to_contain_text(
        "Overdue"
    )
    timeline = page.locator(".plan-timeline")
    expect(timeline).to_contain_text("Goal target:")
    expect(timeline).to_contain_text("Brief the police officers")
    check_a11y(page)

    page.get_by_label(label("Owner organisation")).select_option(label="Police")
    page.get_by_role("button", name="Filter").click()
    expect(table.get_by_role("row")).to_have_count(2)
    expect(table).to_contain_text("Brief the police officers")
    expect(table).not_to_contain_text("Run a session")
    expect(page.get_by_role("status")).to_contain_text("filtered")
    check_a11y(page)
    page.reload()  # the filter lives in the address, so it survives a reload
    expect(table.get_by_role("row")).to_have_count(2)

    page.get_by_role("link", name="Collaboration risks").click()
    expect(page.get_by_role("table", name=re.compile("Number of risks"))).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Social work is pulled into security logic").click()
    expect(page.get_by_label(label("Risk"))).to_have_value(
        "Social work is pulled into security logic"
    )
    check_a11y(page)
    page.get_by_label(label("Likelihood")).select_option("3")
    page.get_by_label(label("Impact")).select_option("4")
    page.get_by_label("Brief the police officers (Train all members in the sharing rules)").check()
    page.get_by_role("button", name="Save").click()
    cell = page.get_by_role("row", name=re.compile("Likelihood 3")).get_by_role("cell").nth(3)
    expect(cell).to_contain_text("1 risk")
    expect(cell).to_contain_text("Social work is pulled into security logic")
    check_a11y(page)
    logout(page)

    # the owner person updates the status and adds a progress note
    login(page, live_server, world.member.email)
    page.goto(f"/teams/{world.team.pk}/plan/goals/{goal.pk}/")
    page.get_by_label("Status", exact=True).select_option(label="In progress")
    page.get_by_role("button", name="Save status").click()
    expect(page.get_by_text("Status saved.")).to_be_visible()
    page.get_by_role("textbox", name="Progress note").fill("Session planned for next week.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Session planned for next week.")).to_be_visible()
    check_a11y(page)
    assert PlanAction.objects.get(title="Brief the police officers").status == "in_progress"
