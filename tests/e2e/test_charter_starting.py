"""Starting a charter in a real browser: the honest text for a team in Germany, and the notice a
team whose charter began from starting-draft version 1 sees (issue 12); axe checks each page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from icommit.charters import services, starting
from tests.conftest import World
from tests.e2e.conftest import check_a11y, label, login

pytestmark = pytest.mark.e2e


def test_a_coordinator_in_germany_starts_the_charter_from_the_honest_german_text(
    page: Page, live_server: Any, world: World
) -> None:
    assert world.team.country == "DE"
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/charter/draft/")
    expect(page.get_by_text("written for the law of your team's country (Germany)")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft started.")
    purpose = page.get_by_label(label("Purpose and scope")).input_value()
    confidentiality = page.get_by_label(label("Confidentiality")).input_value()
    assert "nothing we share here is used for criminal investigation" not in purpose
    assert "must pursue offences they learn of" in purpose
    assert "we cannot promise that nothing shared here is ever used" in confidentiality
    assert "§ 53 StPO" in confidentiality and "§ 138 StGB" in confidentiality
    assert "Country law (DE)" in confidentiality
    assert "check with your organisation's legal service" in confidentiality
    assert "data-protection officer" not in confidentiality
    check_a11y(page)


def test_a_team_whose_charter_began_from_version_1_sees_what_version_2_changes(
    page: Page, live_server: Any, world: World
) -> None:
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    v1 = starting.starting_text(team=world.team, language="en", draft=starting.starting_drafts()[1])
    services.charter_draft_update(actor=world.coordinator, draft=draft, **v1)
    services.charter_publish(actor=world.coordinator, draft=draft)

    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/charter/draft/")
    notice = page.get_by_role("region", name="Starting draft version 2 is available")
    expect(notice).to_contain_text("Your charter began from version 1")
    expect(notice.locator("details")).to_have_count(6)
    notice.get_by_text("Observers no longer read the team's records").click()
    roles = notice.locator("details").nth(1)
    expect(roles.locator(".charter-text")).to_be_visible()
    expect(roles).to_contain_text("Observers read only what is shared with them")
    check_a11y(page)
    page.get_by_role("button", name="Start the draft").click()
    # the new draft is a copy of version 1, not the new starting text
    purpose = page.get_by_label(label("Purpose and scope")).input_value()
    assert "nothing we share here is used for criminal investigation" in purpose
    expect(page.get_by_role("region", name="Starting draft version 2 is available")).to_be_visible()
    check_a11y(page)
