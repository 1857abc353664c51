# ruff: noqa: F811  (the fixtures imported from tests.e2e are parameters of the tests)
"""Paired and group items and the v2 results in a real browser (issue 11, issue 12): answered
with clicks and typing at desk and phone width, saved, an entry added; the results of a round
compared in three groups with counts per option. axe on each page. Screenshots go to
``SCREENSHOTS_DIR`` when it is set (for looking at them, not for the assertions)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from icommit.diagnostics import services
from tests.conftest import World
from tests.diagnostics.conftest import join, open_round, vouch
from tests.diagnostics.test_item_types import publish
from tests.diagnostics.test_v2_results import fixture, run_round
from tests.diagnostics.test_v2_results import publish as publish_text
from tests.e2e.conftest import (  # noqa: F401  (the browser fixtures, used by their names)
    browser,
    browser_errors,
    check_a11y,
    demo_banner,
    login,
    page,
    playwright,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.e2e

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _set_language(page: Page, live_server: Any, lang: str, user: Any = None) -> None:
    if user is not None:  # the member's own language wins over the cookie once logged in
        type(user).objects.filter(pk=user.pk).update(language=lang)
    if lang != "en":
        page.context.add_cookies(
            [{"name": "django_language", "value": lang, "url": live_server.url}]
        )


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("size", [DESK, PHONE], ids=["desk", "phone"])
def test_a_member_answers_paired_and_group_items_in_the_browser(
    page: Page, live_server: Any, world: World, size: dict[str, int], lang: str
) -> None:
    join(world.team, OrganisationFactory(name="Youth Welfare"), 3)
    vouch(world.coordinator, world.member)
    round = open_round(world.coordinator, world.team, version=publish("items.yaml"))
    page.set_viewport_size(size)
    _set_language(page, live_server, lang, world.member)
    login(page, live_server, world.member.email)
    page.goto(f"{live_server.url}/teams/{world.team.pk}/diagnostics/{round.pk}/answer/")
    with translation.override(lang):
        is_label = "How it is" if lang == "en" else "Wie es ist"
    paired = page.locator("fieldset.q-paired")
    expect(paired.get_by_text(is_label)).to_be_visible()
    # the two ratings of one statement: each its own row of options
    paired.locator('input[name="feedback.is"][value="2"]').check()
    paired.locator('input[name="feedback.should"][value="4"]').check()
    expect(page.locator("#save-status")).to_contain_text("Gespeichert" if lang == "de" else "Saved")
    group = page.locator("fieldset.q-group")
    group.locator('textarea[name="contacts-1-partner"]').fill("Youth welfare office")
    group.locator('input[name="contacts-1-useful"][value="5"]').check()
    page.wait_for_load_state("networkidle")  # the autosave is in before the page is sent
    group.locator('button[name="add_entry"]').click()
    expect(page.locator('textarea[name="contacts-2-partner"]')).to_be_visible()
    expect(page.locator('textarea[name="contacts-1-partner"]')).to_have_value(
        "Youth welfare office"
    )
    answers = services.draft_answers(actor=world.member, round=round)
    assert answers["feedback"] == {"is": 2, "should": 4}
    assert answers["contacts"] == [{"partner": "Youth welfare office", "useful": 5}]
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    _shot(page, f"questionnaire-{lang}-{size['width']}")
    check_a11y(page)


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("size", [DESK, PHONE], ids=["desk", "phone"])
def test_results_in_three_groups_with_counts_in_the_browser(
    page: Page, live_server: Any, world: World, size: dict[str, int], lang: str
) -> None:
    round, _people = run_round(
        world,
        publish_text(fixture()),
        grouping="justice_social",
        levels={"police": 5, "probation": 3, "social": 2},
        incidents={"probation": "once", "social": "more_than_once"},
    )
    page.set_viewport_size(size)
    _set_language(page, live_server, lang, world.member)
    login(page, live_server, world.member.email)
    page.goto(f"{live_server.url}/teams/{world.team.pk}/diagnostics/{round.pk}/results/")
    justice = "Justice social services" if lang == "en" else "Justizsozialdienste"
    if lang == "en":
        expect(page.locator("table.diag-overview thead")).to_contain_text(justice)
    first = page.locator("details.diag-dimension").first
    first.locator("summary").click()
    expect(first.locator("table.diag-counts").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    _shot(page, f"results-{lang}-{size['width']}")
    check_a11y(page)
