"""Browser fixtures: the system Chromium driven by Playwright, axe checks, and a login helper.

Every test gets a fresh browser context. Console errors (CSP violations appear there) and
uncaught page errors fail the test at teardown unless the test explicitly allowed them.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told it is fine (tests only).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    sync_playwright,
)

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

_axe = Axe()
# axe's default rule set (WCAG A/AA and best practices), none disabled. ``region`` (all content
# inside a landmark) is a best-practice rule; it is named here so that it stays on even if the
# defaults change, and test_accessibility proves it runs.
AXE_OPTIONS: dict[str, Any] = {
    "resultTypes": ["violations"],
    "rules": {"region": {"enabled": True}},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.e2e)


class _Shared:
    """One Playwright and one browser per test process.

    Browser tests that live beside their app's tests import these fixtures by name, which makes
    pytest hold one session fixture per importing module; Playwright's sync API refuses a second
    instance in the same process. So every holder shares the first one, and the last to finish
    closes it.
    """

    playwright: Playwright | None = None
    browser: Browser | None = None
    holders = 0


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if _Shared.playwright is None:
        _Shared.playwright = sync_playwright().start()
    _Shared.holders += 1
    try:
        yield _Shared.playwright
    finally:
        _Shared.holders -= 1
        if _Shared.holders == 0:
            if _Shared.browser is not None:
                _Shared.browser.close()
                _Shared.browser = None
            if _Shared.playwright is not None:
                _Shared.playwright.stop()
                _Shared.playwright = None


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Browser:
    """Closed with the shared Playwright, when its last holder finishes."""
    if _Shared.browser is None:
        _Shared.browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    return _Shared.browser


@dataclass
class BrowserErrors:
    """Console errors and page errors seen during one test, minus the ones it expects."""

    seen: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """Expect console errors matching ``pattern`` (e.g. the 404 of a page meant to 404)."""
        self.allowed.append(re.compile(pattern))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.seen.append(f"console: {message.text} ({where})")

    def on_pageerror(self, error: Error) -> None:
        self.seen.append(f"pageerror: {error.message}")

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(p.search(e) for p in self.allowed)]


@pytest.fixture(autouse=True)
def demo_banner(settings: Any) -> None:
    """Every browser test sees the pages as a demo installation shows them, with the demo
    banner, so axe's ``region`` rule checks the banner on every page visited."""
    settings.DEMO = True


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def page(browser: Browser, live_server: Any, browser_errors: BrowserErrors) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("console", browser_errors.on_console)
    page.on("pageerror", browser_errors.on_pageerror)
    yield page
    context.close()
    unexpected = browser_errors.unexpected()
    if unexpected:
        pytest.fail(
            "The browser reported errors (CSP violations show up here):\n  "
            + "\n  ".join(unexpected),
            pytrace=False,
        )


DUPLICATE_IDS_JS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) {
    seen.set(el.id, (seen.get(el.id) || 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}"""


def check_a11y(page: Page) -> None:
    """Run axe on the current page and fail with its report if it finds any violation.

    Also fail on duplicate ids: axe 4.12 no longer reports them, but a label or
    aria-describedby pointing at a duplicated id names the wrong control.
    """
    results = None
    for attempt in range(3):
        # a click that navigates returns before the next document exists; axe must read the
        # page that arrives, not the one being torn down
        page.wait_for_load_state("load")
        try:
            results = _axe.run(page, options=AXE_OPTIONS)
            break
        except Error:
            if attempt == 2:
                raise
            page.wait_for_timeout(200)
    assert results is not None
    assert results.violations_count == 0, (
        f"axe found {results.violations_count} accessibility violation(s) on {page.url}:\n"
        + results.generate_report()
    )
    duplicates = page.evaluate(DUPLICATE_IDS_JS)
    assert not duplicates, f"duplicate ids on {page.url}: {duplicates}"


def label(text: str) -> re.Pattern[str]:
    """Match a form label exactly, with or without Django's label suffix (":")."""
    return re.compile(rf"^{re.escape(text)}:?$")


def totp_code(user_email: str) -> str:
    """A code the user's confirmed authenticator would show, not yet used on the server.

    The server accepts the steps next to its own (tolerance 1) but never a step it accepted
    before, so successive logins in one test use successive steps.
    """
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=user_email, confirmed=True)
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        now = totp.t()
        wanted = max(now, device.last_t + 1)
        if wanted <= now + 1:
            totp.drift = device.drift + (wanted - now)
            return f"{totp.token():0{device.digits}d}"
        time.sleep(1)


def ensure_authenticator(email: str) -> None:
    """Give an existing user a confirmed TOTP device, as if they had enrolled before."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from icommit.accounts.models import User

    user = User.objects.filter(email=email).first()
    if user is not None and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="e2e", confirmed=True)


def login(page: Page, live_server: Any, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form (labels "Email" and "Password", button "Log in").

    When the server asks for the second factor, enter a fresh code from the user's
    authenticator (users get one here if they have none).
    """
    ensure_authenticator(email)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()
    if urlsplit(page.url).path == "/accounts/mfa/":
        # Located by name, not label: the page may already be in the user's language.
        form = page.locator("main form").filter(has=page.locator("input[name=code]"))
        form.locator("input[name=code]").fill(totp_code(email))
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert urlsplit(page.url).path != "/accounts/mfa/", "the second factor was refused"


def logout(page: Page) -> None:
    page.locator("header form[action$='/accounts/logout/'] button").click()
    page.wait_for_load_state()
