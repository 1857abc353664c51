"""Browser journeys of the security core: lockout, idle timeout, enrolment first, tokens."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.e2e.conftest import BrowserErrors, check_a11y, label, login, totp_code
from tests.factories import PASSWORD


def test_repeated_failures_lock_the_login(
    page: Page, live_server: Any, world: World, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow("429")
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(5):
        page.get_by_label(label("Email")).fill("member@test.org")
        page.get_by_label(label("Password")).fill("not the password")
        page.get_by_role("button", name="Log in", exact=True).click()
        page.wait_for_load_state()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(label("Email")).fill("member@test.org")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name="Too many failed attempts")).to_be_visible()
    check_a11y(page)


def test_an_idle_session_ends_and_asks_to_log_in_again(
    page: Page, live_server: Any, world: World, settings: Any
) -> None:
    login(page, live_server, "member@test.org")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    settings.SESSION_IDLE_SECONDS = 1
    page.wait_for_timeout(2100)
    page.goto(f"{live_server.url}/teams/")
    assert urlsplit(page.url).path == "/accounts/login/"
    expect(page.get_by_text("Your session ended")).to_be_visible()
    check_a11y(page)


def test_without_a_second_factor_only_enrolment_is_reachable(
    page: Page, live_server: Any, world: World
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(label("Email")).fill("observer@test.org")
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()
    for path in ["/", "/teams/", "/organisations/", "/accounts/profile/"]:
        page.goto(f"{live_server.url}{path}")
        assert urlsplit(page.url).path == "/accounts/mfa/", path
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    check_a11y(page)


def test_creating_an_api_token_needs_a_fresh_check_and_shows_it_once(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, "member@test.org")
    page.goto(f"{live_server.url}/accounts/profile/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="Confirm your password")).to_be_visible()
    check_a11y(page)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_label(label("Code")).fill(totp_code("member@test.org"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    page.get_by_label(label("Name")).fill("reporting script")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("code.secret").inner_text()
    assert token.startswith("icm_")
    check_a11y(page)
    page.reload()
    expect(page.locator("code.secret")).to_have_count(0)
    expect(page.get_by_role("button", name="Revoke reporting script")).to_be_visible()
