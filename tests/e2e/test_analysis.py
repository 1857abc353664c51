# ruff: noqa: F811  (the fixtures imported from tests.analysis are parameters of the tests)
"""Social Diagnostics in a real browser, at 1,280 and 390 px: the youth office records its
perspective (a draft, then submitted), the case manager reads the grid with what was shared with
the lead, and the formulation is recorded; the grid tells n/a, unknown and not rated apart. axe
checks every page visited, and nothing scrolls sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from icommit.analysis import services
from icommit.analysis.models import Perspective
from tests.analysis import sdx
from tests.analysis.conftest import AnalysisWorld, aw, cw, sdx_version  # noqa: F401
from tests.e2e.conftest import check_a11y, login, logout

pytestmark = pytest.mark.e2e

WIDTHS: list[ViewportSize] = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
WIDTH_IDS = ["1280", "390"]
NO_SIDEWAYS_SCROLL_JS = """() => {
  const page = document.documentElement;
  return page.scrollWidth <= page.clientWidth + 1;
}"""


def check_page(page: Page) -> None:
    check_a11y(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), f"{page.url} scrolls sideways"


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_recording_a_perspective_and_reading_the_grid_as_case_manager(
    page: Page, live_server: Any, aw: AnalysisWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    base = f"{live_server.url}/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis/"
    aw.perspective(aw.cw.exit, {"family": (0, 3)})
    login(page, live_server, aw.cw.youth_worker.email)
    page.goto(base)
    check_page(page)
    page.get_by_role("link", name="Record your organisation's perspective").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation's perspective")
    check_page(page)
    page.locator('input[name="family__concern"][value="3"]').check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Perspective of Youth office")
    check_page(page)
    assert Perspective.objects.get(origin_organisation=aw.cw.youth).status == "draft"
    page.get_by_role("link", name="Continue the draft").click()
    page.locator('input[name="client_involved"][value="with_client"]').check()
    page.locator('input[name="family__resource"][value="1"]').check()
    page.locator('textarea[name="family__rationale"]').fill("Conflict with the father.")
    page.locator('input[name="gender_considered"][value="not_considered"]').check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_contain_text("submitted")
    youth = Perspective.objects.get(origin_organisation=aw.cw.youth)
    assert youth.status == "submitted"
    logout(page)
    aw.share(youth, aw.cw.exit)

    login(page, live_server, aw.cw.manager.email)
    page.goto(base)
    check_page(page)
    page.get_by_role("link", name="Perspectives grid").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Perspectives grid")
    check_page(page)
    grid = page.locator("main")
    expect(grid).to_contain_text("Youth office")
    expect(grid).to_contain_text("Divergent:")
    expect(grid).to_contain_text("No client view")
    page.get_by_text("Rationale").first.click()
    expect(grid).to_contain_text("Conflict with the father.")
    page.goto(base)
    page.get_by_role("link", name="Record the agreed case formulation").click()
    check_page(page)
    page.get_by_label("Summary").fill("The family is the main resource; school comes next.")
    page.get_by_role("button", name="Record this version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case formulation, version 1")
    check_page(page)


def _grid_with_marks(aw: AnalysisWorld) -> str:
    """Exit counselling rates family and peers; the youth office answers unknown on the family
    concern, "not applicable" on the religion resource and leaves safety out, and shares its
    perspective with the lead. The grid's path."""
    aw.perspective(aw.cw.exit, {"family": (1, 3), "peers": (3, 0)})
    answers = sdx.answers({"family": ("unknown", 2), "religion": (0, "not_applicable")})
    del answers["safety"]
    youth = services.perspective_create(
        actor=aw.cw.youth_worker,
        analysis=aw.analysis,
        organisation=aw.cw.youth,
        viewpoint="organisation",
        answers=answers,
    )
    youth = services.perspective_submit(actor=aw.cw.youth_worker, perspective=youth)
    aw.share(youth, aw.cw.exit)
    return f"/teams/{aw.case.team_id}/cases/{aw.case.pk}/analysis/{aw.analysis.pk}/grid"


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_the_grid_tells_n_a_unknown_and_not_rated_apart(
    page: Page, live_server: Any, aw: AnalysisWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    path = _grid_with_marks(aw)
    titles = services.domain_titles(aw.analysis.version, "en")
    login(page, live_server, aw.cw.manager.email)
    page.goto(f"{live_server.url}{path}")
    check_page(page)

    def youth(domain: str) -> Any:
        """The youth office's cell (the second column) of the domain's row."""
        row = page.locator("tr", has=page.get_by_role("rowheader", name=titles[domain]))
        return row.get_by_role("cell").nth(1)

    # (at 390 px the cell's name starts with its column's organisation)
    expect(youth("religion")).to_have_accessible_name(re.compile(r"Concern 0 Resource n/a$"))
    expect(youth("family")).to_have_accessible_name(re.compile(r"Concern unknown Resource 2$"))
    expect(youth("safety")).to_have_accessible_name(
        re.compile(r"Concern not rated Resource not rated$")
    )
