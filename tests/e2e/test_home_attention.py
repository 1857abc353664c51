"""The home page's "Needs your attention" in a real browser: one item of every kind, sorted by
urgency, each with a link that leads to where the person acts; axe checks the pages."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from icommit.stakeholders.services import membership_request
from tests.conftest import World
from tests.diagnostics.conftest import join, open_round, vouch
from tests.e2e.conftest import check_a11y, login
from tests.factories import OrganisationFactory, UserFactory
from tests.web.test_home_attention import (
    minutes_out,
    overdue_action,
    publish_charter,
    stale_profile,
)

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL_JS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def one_of_each(world: World) -> None:
    """The police member (administrator of police) has one item of every kind waiting."""
    overdue_action(world, world.team, "Add legal sources", due=5)
    stale_profile(world.police, world.member)
    publish_charter(world.team, world.coordinator)
    minutes_out(world.team, world.coordinator, [world.coordinator, world.member], "Roles")
    membership_request(actor=UserFactory(full_name="Nadia Newcomer"), organisation=world.police)
    vouch(world.coordinator, world.member, world.observer)
    join(world.team, OrganisationFactory(name="Social Services"), 3)
    open_round(world.coordinator, world.team, title="Spring round")


def test_a_member_sees_each_kind_of_work_sorted_and_reaches_it_from_the_home_page(
    page: Page, live_server: Any, world: World
) -> None:
    one_of_each(world)
    login(page, live_server, world.member.email)
    page.goto("/")
    attention = page.get_by_role("region", name="Needs your attention")
    expect(attention.get_by_role("heading", level=2)).to_contain_text("6")
    items = attention.get_by_role("listitem")
    expect(items).to_have_count(6)
    # overdue first (the profile went stale long before the action fell due), then the oldest
    expect(items.nth(0)).to_contain_text("The role profile of Police was last confirmed on")
    expect(items.nth(1)).to_contain_text("The action “Add legal sources” in Alpha MSC was due")
    expect(attention).to_contain_text("Version 1 of the charter of Alpha MSC waits")
    expect(attention).to_contain_text("The minutes of “Roles” (Alpha MSC,")
    expect(attention).to_contain_text("Nadia Newcomer asks to belong to Police.")
    expect(attention).to_contain_text("Alpha MSC asks for your view of the collaboration")
    check_a11y(page)

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), "the home page scrolls sideways at 390 px"
    page.set_viewport_size({"width": 1280, "height": 800})

    attention.get_by_role("link", name="Read and confirm the charter of Alpha MSC").click()
    expect(page.get_by_role("button", name="Confirm version 1")).to_be_visible()
    page.goto("/")
    attention.get_by_role("link", name="Read and confirm the minutes of “Roles”").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Roles")
    page.goto("/")
    attention.get_by_role("link", name="Update “Add legal sources”").click()
    expect(page.locator("#action-" + page.url.rsplit("#action-", 1)[1])).to_be_visible()
    page.goto("/")
    attention.get_by_role("link", name="Check and confirm the role profile of Police").click()
    expect(page.get_by_role("heading", name="Role profile")).to_be_visible()
    check_a11y(page)


def test_an_observer_of_the_team_is_asked_for_none_of_the_teams_work(
    page: Page, live_server: Any, world: World
) -> None:
    one_of_each(world)
    login(page, live_server, world.observer.email)
    page.goto("/")
    attention = page.get_by_role("region", name="Needs your attention")
    # a confirmed member of police: the stale profile is theirs to check, nothing else
    expect(attention.get_by_role("listitem")).to_have_count(1)
    expect(attention).to_contain_text("The role profile of Police")
    check_a11y(page)
