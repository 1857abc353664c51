# ruff: noqa: F811  (the fixture cw imported from tests.cases is a parameter of the tests)
"""Running a case conference in a real browser, at 1,280 and 390 px: the case manager convenes
it, puts a case on the agenda, opens and writes the case's minutes with dissent and an action,
sends them out and confirms; the youth worker present confirms too, and the minutes are frozen.
axe checks every page visited, and no page scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, ViewportSize, expect

from icommit.conferences.models import PartVersion
from tests.cases.conftest import CaseWorld, cw  # noqa: F401  (the fixture, used by name)
from tests.e2e.conftest import check_a11y, label, login, logout

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
def test_running_a_case_conference(
    page: Page, live_server: Any, cw: CaseWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    # the live server's first answer (static files, templates) can take longer than a page
    # load may on a busy machine: ask for it once before the browser does
    page.goto(f"{live_server.url}/accounts/login/", timeout=120_000)
    with transaction.atomic():
        cw.row(cw.youth, "plan", "always", "§ 69 SGB X")
        case = cw.working()
    login(page, live_server, cw.manager.email)
    page.goto(f"{live_server.url}/teams/{cw.team.pk}/conferences/")
    check_page(page)
    page.get_by_role("link", name="Convene a case conference").click()
    page.get_by_label(label("Date")).fill("2026-03-02")
    page.get_by_label(label("Title")).fill("March case conference")
    page.get_by_label(cw.manager.full_name).check()
    page.get_by_label(cw.youth_worker.full_name).check()
    check_page(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda")
    page.get_by_label(label("Case")).select_option(str(case.pk))
    check_page(page)
    page.get_by_role("button", name="Put on the agenda").click()
    expect(page.get_by_role("listitem").filter(has_text=case.number)).to_be_visible()
    page.get_by_role("link", name="Done").click()
    check_page(page)
    page.get_by_label("The client is informed that the minutes are shared").check()
    page.get_by_role("button", name="Open the minutes of this case").click()
    page.get_by_label(label("Discussion")).fill("Housing first; the client wants work.")
    page.get_by_label(label("Decisions")).fill("Scale up the joint work.")
    page.get_by_label("scale up").check()
    page.get_by_label(label("Level of intensity scaled to")).select_option("high")
    page.get_by_label(label("Dissent of Youth office")).fill("Too early to scale up.")
    page.get_by_label(label("Action 1: what")).fill("Find a flat")
    page.get_by_label(label("Action 1: responsible organisation")).select_option(str(cw.youth.pk))
    check_page(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Dissent by Youth office:")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Send out for confirmation").click()
    page.get_by_role("button", name="Confirm the minutes").click()
    expect(page.get_by_text("Not yet confirmed by:")).to_contain_text(cw.youth_worker.full_name)
    logout(page)
    login(page, live_server, cw.youth_worker.email)
    page.goto(f"{live_server.url}/teams/{cw.team.pk}/conferences/")
    page.get_by_role("link", name="March case conference").click()
    expect(page.get_by_text("Too early to scale up.")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Confirm the minutes").click()
    expect(page.locator(".badge-ok", has_text="Frozen")).to_be_visible()
    check_page(page)
    assert PartVersion.objects.get().status == "frozen"
    page.screenshot(path=f"/tmp/conf_detail_{viewport['width']}.png", full_page=True)
