# ruff: noqa: F811  (the fixture cert_world imported from certificates_world is a test parameter)
"""Certificates in a real browser: a third party verifies a certificate by number and family
name on a phone-width page (and at 1,280 px), with no account; the holder opens the
certificate; a trainer opens the revocation dialog. axe checks every page, and no page scrolls
sideways. Screenshots in English and German go to /tmp/shots/certificates/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.conftest import check_a11y, ensure_authenticator, label, login, totp_code
from tests.factories import PASSWORD
from tests.training.certificates_world import CertWorld, cert_world  # noqa: F401

pytestmark = pytest.mark.e2e

WIDTHS: list[ViewportSize] = [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
SHOTS = Path(os.environ.get("ICOMMIT_SHOTS", "/tmp/shots")) / "certificates"

NO_SIDEWAYS_SCROLL_JS = """() => {
  const page = document.documentElement;
  return page.scrollWidth <= page.clientWidth + 1;
}"""


def check_page(page: Page) -> None:
    check_a11y(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), f"{page.url} scrolls sideways"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def _login_by_field_names(page: Page, email: str) -> None:
    """Log in on a page in any language (the shared helper finds the fields by English labels)."""
    ensure_authenticator(email)
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if urlsplit(page.url).path == "/accounts/mfa/":
        form = page.locator("main form").filter(has=page.locator("input[name=code]"))
        form.locator("input[name=code]").fill(totp_code(email))
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    assert urlsplit(page.url).path not in ("/accounts/login/", "/accounts/mfa/"), page.url


@pytest.mark.parametrize("viewport", WIDTHS, ids=["390", "1280"])
def test_a_third_party_verifies_a_certificate_by_number_and_name(
    page: Page, live_server: Any, cert_world: CertWorld, viewport: ViewportSize
) -> None:
    cache.clear()
    page.set_viewport_size(viewport)
    certificate = cert_world.certificates[0]
    # the QR code on the PDF opens the page with the number filled in
    page.goto(f"{live_server.url}/training/verify/?number={certificate.number}", timeout=120_000)
    expect(page.get_by_label(label("Certificate number"))).to_have_value(certificate.number)
    check_page(page)
    page.get_by_label(label("Family name of the holder")).fill("Yilmaz-Schulz")
    page.get_by_role("button", name="Check the certificate").click()
    result = page.get_by_role("status").filter(has_text="Result:")
    expect(result).to_contain_text("Valid")
    expect(result).to_contain_text("Comprehensive case analysis")
    expect(result).not_to_contain_text("Amira")
    check_page(page)
    shot(page, "verify-valid-en")
    # a wrong family name: the same answer as for a number never issued
    page.get_by_label(label("Family name of the holder")).fill("Schulz")
    page.get_by_role("button", name="Check the certificate").click()
    expect(page.get_by_role("status").filter(has_text="Result:")).to_contain_text("Not found")
    check_page(page)


@pytest.mark.parametrize("viewport", WIDTHS, ids=["390", "1280"])
def test_a_trainer_sees_the_certificate_and_the_revocation_dialog(
    page: Page, live_server: Any, cert_world: CertWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    certificate = cert_world.certificates[0]
    url = f"{live_server.url}/training/certificates/{certificate.pk}/"
    page.goto(f"{live_server.url}/accounts/login/", timeout=120_000)
    login(page, live_server, cert_world.trainer.email)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Comprehensive case analysis")
    check_page(page)
    shot(page, "certificate-trainer-en")
    page.get_by_role("button", name="Revoke the certificate").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label(label("Reason for the revocation"))).to_be_visible()
    check_page(page)
    shot(page, "revoke-dialog-en")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.goto(f"{live_server.url}/training/runs/{cert_world.run.pk}/certificates/")
    expect(page.get_by_role("button", name="Download all as a ZIP")).to_be_visible()
    check_page(page)
    shot(page, "run-certificates-en")
    page.goto(f"{live_server.url}/training/certificates/")
    expect(page.get_by_role("link", name=certificate.number)).to_be_visible()
    check_page(page)
    shot(page, "certificates-en")


def test_pages_in_german_at_both_widths(
    browser: Browser, live_server: Any, cert_world: CertWorld
) -> None:
    """The verification page (no account) and the holder's pages in German, with screenshots."""
    cache.clear()
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    try:
        page = context.new_page()
        certificate = cert_world.certificates[0]
        for viewport in WIDTHS:
            page.set_viewport_size(viewport)
            page.goto(f"/training/verify/?number={certificate.number}", timeout=120_000)
            page.locator("input[name=n-family_name]").fill("Yılmaz-Schulz")
            page.locator("form:has(input[value=number]) button[type=submit]").click()
            page.wait_for_load_state()
            check_page(page)
            shot(page, "verify-valid-de")
        _login_by_field_names(page, certificate.learner.email)
        for viewport in WIDTHS:
            page.set_viewport_size(viewport)
            page.goto(f"/training/certificates/{certificate.pk}/")
            check_page(page)
            shot(page, "certificate-holder-de")
            page.goto("/training/certificates/")
            check_page(page)
            shot(page, "certificates-de")
    finally:
        context.close()
