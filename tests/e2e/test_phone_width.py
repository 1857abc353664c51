"""Nothing scrolls sideways on a 390 px phone: the page is never wider than the screen.

Only a table may be wider, inside its own scroll container. The pages are the ones that used
to overflow (the rounds list, the team page's add-organisation form, the plan filter, an
organisation's facts, an instrument's content hash, long German headings), with the long
names and words that made them overflow, in English and German.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from icommit.diagnostics.models import Round
from icommit.stakeholders.sectors import Sector
from tests.conftest import World
from tests.diagnostics.conftest import answered_round
from tests.e2e.conftest import check_a11y, login
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LONG_NAME = "Landesamt für Verfassungsschutz und Extremismusprävention des Bundeslandes Musterland"

WIDEST_JS = """() => {
  const page = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > page.clientWidth + 1)
    .filter(e => !e.closest('.table-wrap'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className);
  return {width: page.scrollWidth, wide};
}"""


def assert_fits(page: Page, path: str) -> None:
    page.goto(path)
    got = page.evaluate(WIDEST_JS)
    assert got["width"] <= PHONE["width"], f"{path} is {got['width']} px wide: {got['wide']}"


def switch_to_german(page: Page) -> None:
    page.locator("form.language-form select").select_option("de")
    page.locator("form.language-form button").click()
    page.wait_for_load_state()


@pytest.fixture
def wide_content(world: World) -> Round:
    """Organisations with long names the coordinator may add, and a closed round."""
    OrganisationFactory(name=LONG_NAME, sector=Sector.POLICE)
    world.municipality.city = "Oberwiesenthal-Kurortverwaltungsgemeinschaftsbezirk"
    world.municipality.save()
    return answered_round(world, security=[4, 4, 3, 5, 4], non_security=[2, 3, 2, 2, 3]).round


@pytest.mark.parametrize("language", ["en", "de"])
def test_no_page_scrolls_sideways_at_phone_width(
    page: Page, live_server: Any, world: World, wide_content: Round, language: str
) -> None:
    team = world.team.pk
    page.set_viewport_size(PHONE)
    login(page, live_server, world.coordinator.email)
    if language == "de":
        switch_to_german(page)
    for path in (
        "/",
        "/teams/",
        f"/teams/{team}/",
        f"/teams/{team}/diagnostics/",
        f"/teams/{team}/diagnostics/{wide_content.pk}/",
        f"/teams/{team}/diagnostics/{wide_content.pk}/results/",
        f"/teams/{team}/plan/",
        f"/teams/{team}/plan/risks/",
        f"/teams/{team}/phases/",
        f"/teams/{team}/charter/",
        f"/organisations/{world.municipality.pk}/",
        "/organisations/",
        "/instruments/",
        "/instruments/msc-diagnostics/v1/",
        "/accounts/profile/",
    ):
        assert_fits(page, path)
    page.goto(f"/teams/{team}/diagnostics/")
    check_a11y(page)


def test_the_rounds_table_scrolls_inside_its_own_box_with_its_caption_in_view(
    page: Page, live_server: Any, world: World, wide_content: Round
) -> None:
    page.set_viewport_size(PHONE)
    login(page, live_server, world.coordinator.email)
    assert_fits(page, f"/teams/{world.team.pk}/diagnostics/")
    box = page.locator(".table-wrap").first
    caption = box.locator("caption")
    assert caption.is_visible()
    assert caption.bounding_box()["x"] >= 0  # type: ignore[index]
    assert box.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"]
