# ruff: noqa: F811  (the fixture cw imported from tests.cases is a parameter of the tests)
"""Privacy operations in a real browser, at 1,280 and 390 px: the data-protection officer sets a
retention period and runs a dry run (a background job, whose page shows the listing); the lead
organisation records a client's request for a copy of their data (a job too) and the youth office
releases its part. axe checks every page visited."""

from __future__ import annotations

import datetime
import os
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from icommit.dataprotection.models import AnswerState, ExportAnswer, RetentionPeriod
from tests.cases.conftest import CaseWorld, cw  # noqa: F401  (the fixture, used by name)
from tests.dataprotection.conftest import client_world
from tests.e2e.conftest import check_a11y, label, login, logout

pytestmark = pytest.mark.e2e

WIDTHS: list[ViewportSize] = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
WIDTH_IDS = ["1280", "390"]
NO_SIDEWAYS_SCROLL_JS = """() => {
  const page = document.documentElement;
  return page.scrollWidth <= page.clientWidth + 1;
}"""


def warm_up(page: Page, live_server: Any) -> None:
    """The first request to a fresh live server can take longer than the login's own wait on a
    busy machine (it loads the templates and static files); wait for it once here."""
    page.goto(f"{live_server.url}/accounts/login/", timeout=60_000)


def check_page(page: Page, name: str = "") -> None:
    check_a11y(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), f"{page.url} scrolls sideways"
    folder = os.environ.get("DP_SCREENSHOTS")
    if folder and name:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_the_dpo_sets_a_period_and_runs_a_dry_run(
    page: Page, live_server: Any, cw: CaseWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    world = client_world(cw, closed_on=datetime.date(2024, 1, 31))
    warm_up(page, live_server)
    login(page, live_server, cw.dpo.email)
    page.goto("/privacy/retention/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention after a case is closed")
    expect(page.get_by_role("alert").first).to_contain_text("16 categories have no period")
    check_page(page, "retention")
    page.locator("#months-situation").fill("6")
    page.locator("#period-situation").get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Retention period saved.")
    expect(page.locator("#period-situation")).to_contain_text("6 months after closure")
    assert RetentionPeriod.objects.get(category="situation").months == 6
    page.get_by_role("button", name="Dry run now").click()
    # the dry run is a background job; its page shows the state, then the listing
    expect(page.get_by_role("heading", level=1)).to_have_text("Dry run: what would go")
    expect(page.get_by_text("State: done")).to_be_visible()
    table = page.get_by_role("table", name="Cases concerned")
    expect(table).to_contain_text(world.case.number)
    expect(table).to_contain_text("Delete 1 item of “Social situation”")
    expect(page.get_by_text("Nothing was changed.", exact=True)).to_be_visible()
    check_page(page, "dry-run")
    assert world.exit_note.__class__.objects.filter(pk=world.exit_note.pk).exists()
    page.goto("/privacy/record/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record of processing")
    check_page(page, "record")
    page.goto("/privacy/erasure/")
    check_page(page, "erasure")


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_the_lead_requests_an_export_and_the_youth_office_releases_its_part(
    page: Page, live_server: Any, cw: CaseWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    world = client_world(cw)
    case = world.case
    warm_up(page, live_server)
    login(page, live_server, cw.manager.email)
    page.goto(f"/privacy/teams/{cw.team.pk}/cases/{case.pk}/exports/new/")
    check_page(page, "export-new")
    page.get_by_label(label("The client asked on")).fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Record the request").click()
    # recorded by a background job; its page links to the request once done
    expect(page.get_by_text("Request recorded")).to_be_visible()
    check_page(page, "export-job")
    page.get_by_role("link", name=f"Open the request of case {case.number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case {case.number}")
    # the lead is shown its own answer; the other organisations are counted, not named
    parts = page.get_by_role("table", name="Each organisation's part")
    expect(parts).to_contain_text("Exit counselling")
    expect(parts).not_to_contain_text("Youth office")
    expect(page.get_by_text("Other organisations: 2 still to answer")).to_be_visible()
    check_page(page, "export")
    logout(page)

    login(page, live_server, cw.youth_worker.email)
    page.goto("/privacy/exports/")
    check_page(page, "exports")
    page.get_by_role("link", name=f"Case {case.number}").click()
    page.get_by_role("link", name="Answer for Youth office").click()
    check_page(page, "export-answer")
    page.get_by_label("Release our part").check()
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer is recorded.")
    row = page.get_by_role("row").filter(has_text="Youth office")
    expect(row).to_contain_text("released")
    check_page(page)
    assert ExportAnswer.objects.get(organisation=cw.youth).state == AnswerState.RELEASED
