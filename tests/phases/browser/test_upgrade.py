"""In a browser: a coordinator reads what version 2 of the phase model changes and moves a team
on version 1 to it, at 1280 px and at 390 px, in English and German; axe on every page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from icommit.phases.models import PhaseMove, PhaseProgress
from tests.conftest import World
from tests.e2e.conftest import check_a11y, login

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 390)


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_coordinator_reads_the_changes_and_moves_the_team(
    page: Page, live_server: Any, v1_in_operation: World, width: int
) -> None:
    world = v1_in_operation
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/phases/")
    expect(page.get_by_text("Version 2 of the model is available.")).to_be_visible()
    page.get_by_role("link", name="See what changes and move the team").click()
    expect(
        page.get_by_role("heading", level=1, name="What version 2 of the phase model changes")
    ).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Phase 2: Set-up passed")).to_be_visible()
    expect(page.get_by_text("Set up a strategic steering group", exact=False)).to_be_visible()
    check_a11y(page)
    _no_sideways_scroll(page)
    page.screenshot(path=f"test-results/phases-upgrade-{width}.png", full_page=True)
    page.get_by_role("button", name="Move the team to version 2").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=2, name="Phase 3 of 5: Operation")).to_be_visible()
    expect(page.get_by_text("It stays in phase Operation.", exact=False)).to_be_visible()
    check_a11y(page)
    _no_sideways_scroll(page)
    progress = PhaseProgress.objects.select_related("model_version").get(team=world.team)
    assert (progress.phase_key, progress.model_version.version) == ("operation", 2)
    assert PhaseMove.objects.filter(team=world.team).count() == 2


def test_the_page_in_german_on_a_phone(
    page: Page, live_server: Any, v1_in_operation: World
) -> None:
    world = v1_in_operation
    world.coordinator.language = "de"
    world.coordinator.save(update_fields=["language"])
    page.set_viewport_size({"width": 390, "height": 900})
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/phases/upgrade/")
    expect(page.locator("h1")).to_be_visible()
    steering = page.get_by_text("Richten Sie eine strategische Steuerungsgruppe", exact=False)
    expect(steering).to_be_visible()
    check_a11y(page)
    _no_sideways_scroll(page)
    page.screenshot(path="test-results/phases-upgrade-390-de.png", full_page=True)
