"""Destructive actions ask first: a native dialog says what will happen, Cancel (or Escape)
changes nothing and gives focus back to the button, the dialog's own button does it.

Without JavaScript the same button opens a confirmation page that asks the same question.
Every state is checked with axe, the open dialog included.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from icommit.teams.models import Team, TeamMembership
from tests.conftest import World
from tests.e2e.conftest import TIMEOUT_MS, check_a11y, login

pytestmark = pytest.mark.e2e


def _membership(world: World) -> TeamMembership:
    return TeamMembership.objects.get(team=world.team, user=world.member)


def test_removing_a_member_asks_first_and_cancel_changes_nothing(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/")
    opener = page.get_by_role("button", name="Remove Max Member", exact=True)
    dialog = page.get_by_role("dialog", name="Remove Max Member")
    expect(dialog).to_be_hidden()

    # Escape closes the dialog; focus returns to the button that opened it
    opener.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("leaves the team at once and is signed out everywhere")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    check_a11y(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    # Cancel closes it too, and nothing happened
    opener.click()
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert _membership(world).ended_at is None
    expect(page).to_have_url(f"{live_server.url}/teams/{world.team.pk}/")

    # the keyboard alone: open with Enter, Tab to the dialog's button, confirm with Enter
    opener.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Remove Max Member")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_be_visible(timeout=TIMEOUT_MS)
    assert _membership(world).ended_at is not None
    expect(page.get_by_role("button", name="Remove Max Member", exact=True)).to_have_count(0)
    check_a11y(page)


def test_archiving_a_team_is_confirmed_in_the_dialog(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/")
    page.get_by_role("button", name="Archive team", exact=True).click()
    dialog = page.get_by_role("dialog", name="Archive team")
    expect(dialog).to_contain_text("becomes read-only")
    dialog.get_by_role("button", name="Archive team").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_be_visible()
    world.team.refresh_from_db()
    assert world.team.archived_at is not None
    check_a11y(page)


def test_destructive_buttons_look_different_from_ordinary_ones(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/")
    colours = page.evaluate(
        """() => [...document.querySelectorAll('main button')]
            .filter(b => b.offsetParent !== null)
            .map(b => [b.textContent.trim(), getComputedStyle(b).color,
                       getComputedStyle(b).backgroundColor, getComputedStyle(b).borderColor])"""
    )
    danger = {text: rest for text, *rest in colours if text.startswith(("Remove", "Archive"))}
    ordinary = {text: rest for text, *rest in colours if text.startswith("Change role")}
    assert danger and ordinary
    red = "rgb(164, 22, 26)"
    for text, (colour, background, border) in danger.items():
        assert red in (colour, background), text  # red text or a red button, never white on white
        assert border == red, text
        assert colour != background, text
    for text, (colour, background, border) in ordinary.items():
        assert red not in (colour, background, border), text


def test_without_javascript_a_confirmation_page_asks_first(
    browser: Browser, page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.coordinator.email)
    cookies = page.context.cookies()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies(cookies)
    plain = context.new_page()
    try:
        plain.goto(f"/teams/{world.team.pk}/")
        plain.get_by_role("button", name="Archive team", exact=True).click()
        plain.wait_for_load_state()
        expect(plain.get_by_role("heading", level=1)).to_have_text("Archive team")
        expect(plain.locator("main")).to_contain_text("becomes read-only")
        world.team.refresh_from_db()
        assert world.team.archived_at is None
        # Cancel goes back to the team page
        plain.get_by_role("link", name="Cancel").click()
        plain.wait_for_load_state()
        expect(plain).to_have_url(f"{live_server.url}/teams/{world.team.pk}/")
        plain.get_by_role("button", name="Archive team", exact=True).click()
        plain.wait_for_load_state()
        confirm_url = plain.url
        plain.locator("main").get_by_role("button", name="Archive team").click()
        plain.wait_for_load_state()
        assert Team.objects.get(pk=world.team.pk).archived_at is not None
    finally:
        context.close()
    # the confirmation page itself passes axe (with scripts, where axe can run)
    page.goto(confirm_url)
    check_a11y(page)


def test_a_confirmation_page_of_someone_else_is_refused(
    browser: Browser, page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/")
    form = page.locator("form.confirm-opener").first
    ticket = form.locator("input[name=ticket]").get_attribute("value")
    other = browser.new_context(base_url=live_server.url)
    try:
        them = other.new_page()
        login(them, live_server, world.member.email)
        response = them.goto(f"/confirm/?ticket={ticket}")
        assert response is not None and response.status == 400
        expect(them.get_by_role("heading", level=1)).to_have_text("Please try again")
        expect(them.locator("main form")).to_have_count(0)
    finally:
        other.close()
