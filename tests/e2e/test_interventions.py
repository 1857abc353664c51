# ruff: noqa: F811  (the fixtures cw and pw imported from the tests are parameters here)
"""The intervention plan in a real browser, at 1,280 and 390 px: the lead's case manager adds a
goal and a measure, the youth office (the plan is shared with it) marks its measure done, and
an outcome is recorded at closure. axe checks every page visited; nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from icommit.cases import services as cases
from icommit.interventions.models import Goal, Measure, Outcome
from tests.cases.conftest import CaseWorld, cw  # noqa: F401  (the fixture, used by name)
from tests.e2e.conftest import check_a11y, label, login, logout
from tests.interventions.conftest import PlanWorld, pw  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e

WIDTHS: list[ViewportSize] = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
NO_SIDEWAYS_SCROLL_JS = """() => {
  const page = document.documentElement;
  return page.scrollWidth <= page.clientWidth + 1;
}"""


def check_page(page: Page) -> None:
    check_a11y(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), f"{page.url} scrolls sideways"


@pytest.mark.parametrize("viewport", WIDTHS, ids=["1280", "390"])
def test_editing_the_plan_and_marking_a_measure_done(
    page: Page, live_server: Any, pw: PlanWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    base = f"{live_server.url}/teams/{pw.case.team_id}/cases/{pw.case.pk}"
    login(page, live_server, pw.cw.manager.email)
    page.goto(f"{base}/plan/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intervention plan")
    check_page(page)
    page.get_by_role("link", name="Add a goal", exact=True).click()
    check_page(page)
    page.get_by_label(label("Life domain")).select_option("education")
    page.get_by_label(label("Goal")).fill("Finish the evening school")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Education")).to_be_visible()
    assert Goal.objects.filter(plan=pw.plan, domain="education").exists()
    page.get_by_role("link", name="Add a measure", exact=True).first.click()
    expect(page.get_by_role("note")).to_contain_text("Housing")
    check_page(page)
    page.get_by_label(label("Measure")).fill("Register for the evening school")
    page.get_by_label(label("Responsible organisation")).select_option(label="Youth office")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Register for the evening school")).to_be_visible()
    check_page(page)
    logout(page)

    login(page, live_server, pw.cw.youth_worker.email)
    page.goto(f"{base}/plan/")
    expect(page.get_by_text("Find a flat of his own")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Mark done").first.click()
    expect(page.get_by_role("status")).to_contain_text("done")
    assert Measure.objects.filter(plan=pw.plan, responsible=pw.cw.youth, status="done").exists()
    page.goto(f"{base}/contacts/")
    check_page(page)
    page.get_by_label(label("Kind of contact")).select_option("home_visit")
    page.get_by_role("button", name="Record the contact").click()
    expect(page.get_by_role("cell", name="home visit")).to_be_visible()


def test_recording_an_outcome_at_closure(page: Page, live_server: Any, cw: CaseWorld) -> None:
    case = cases.case_move(
        actor=cw.manager, case=cw.working(), target="closed", code="goals_reached"
    )
    base = f"{live_server.url}/teams/{case.team_id}/cases/{case.pk}"
    login(page, live_server, cw.manager.email)
    page.goto(f"{base}/outcomes/")
    check_page(page)
    page.get_by_role("link", name="Record the outcome at closure").click()
    check_page(page)
    page.get_by_label(label("Housing")).select_option("family")
    page.get_by_label(label("Work")).select_option("seeking")
    page.get_by_label(label("Education")).select_option("not_applicable")
    page.get_by_label(label("The client's own account of progress")).fill("Better than before")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="At closure")).to_be_visible()
    expect(page.get_by_text("Better than before")).to_be_visible()
    check_page(page)
    assert Outcome.objects.get(case=case).housing == "family"
