# ruff: noqa: F811  (the fixture pw imported from people_world is a test parameter)
"""External learners and the certification gate in a real browser, at phone width (390 px):
a practitioner registers (no password asked), a trainer approves, the learner follows the mail's
link, chooses the password there (a refused one named first), signs in and sees only training; a
coordinator sets the team's gate. axe checks every page, and no page scrolls sideways.
Screenshots in English and German at 390 and 1,280 px go to /tmp/shots/people/."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from playwright.sync_api import Browser, Page, ViewportSize, expect

from icommit.accounts.models import User
from icommit.core.models import OutboxMessage
from icommit.training import selectors, services_people
from icommit.training.models import LearnerAccount
from tests.e2e.conftest import BrowserErrors, check_a11y, label, login, logout
from tests.training.people_world import STRONG, PeopleWorld, pw, register  # noqa: F401

pytestmark = pytest.mark.e2e

PHONE: ViewportSize = {"width": 390, "height": 844}
WIDTHS: list[ViewportSize] = [PHONE, {"width": 1280, "height": 900}]
SHOTS = Path(os.environ.get("ICOMMIT_SHOTS", "/tmp/shots")) / "people"

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


def _activation_path(email: str) -> str:
    mail = OutboxMessage.objects.filter(to=email).order_by("-created_at").first()
    assert mail is not None, f"no mail to {email}"
    found = re.search(r"https?://\S+?(/training/activate/\S+/)", mail.body)
    assert found is not None, mail.body
    return found.group(1)


def test_a_practitioner_registers_is_approved_and_sees_only_training(
    page: Page, live_server: Any, pw: PeopleWorld, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(r"status of 422")  # the forms with a mistake come back with 422
    cache.clear()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/training/register/", timeout=120_000)
    check_page(page)
    page.get_by_label(label("Full name")).fill("Lea Learner")
    page.get_by_label(label("Email")).fill("lea@example.org")
    page.get_by_label(label("Organisation")).fill("Counselling practice Weber")
    page.get_by_label(label("Sector")).select_option("civil_society")
    expect(page.locator('input[type="password"]')).to_have_count(0)  # no password asked here
    page.get_by_role("button", name="Send the registration").click()
    # the missing consent is named; nothing was created
    expect(page.locator(".field-invalid")).to_have_count(1)
    check_page(page)
    assert not User.objects.filter(email="lea@example.org").exists()
    page.get_by_label(re.compile("I have read how my training data")).check()
    page.get_by_role("button", name="Send the registration").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("we will be in touch")
    check_page(page)
    assert not User.objects.get(email="lea@example.org").has_usable_password()

    # the trainer approves from the list
    login(page, live_server, pw.trainer.email)
    expect(page.get_by_text("1 external learner waits for your decision.")).to_be_visible()
    page.get_by_role("link", name="Approve or decline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("External learners")
    check_page(page)
    page.get_by_role("button", name=re.compile("^Approve")).click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        "Lea Learner is approved"
    )
    check_page(page)
    logout(page)

    # the learner follows the link of the approval mail, chooses the password and signs in
    page.goto(live_server.url + _activation_path("lea@example.org"))
    check_page(page)
    activate = page.get_by_role("button", name="Set the password and activate my account")
    page.get_by_label(label("Password")).fill("too short")
    page.get_by_label(label("Password again")).fill("too short")
    activate.click()
    expect(page.locator(".field-invalid")).to_have_count(1)
    expect(page.get_by_text(re.compile("This password is too short"))).to_be_visible()
    check_page(page)
    assert not User.objects.get(email="lea@example.org").is_active
    page.get_by_label(label("Password")).fill(STRONG)
    page.get_by_label(label("Password again")).fill(STRONG)
    activate.click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
    login(page, live_server, "lea@example.org", password=STRONG)
    expect(page.get_by_role("heading", name="Your training")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_count(2)
    expect(nav.get_by_role("link", name="Training")).to_be_visible()
    expect(page.get_by_text("Your teams")).to_have_count(0)
    check_page(page)
    nav.get_by_role("link", name="Training").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training")
    check_page(page)
    logout(page)

    # a coordinator sets the team's gate from the team page
    login(page, live_server, pw.coordinator.email)
    page.goto(f"{live_server.url}/teams/{pw.team.pk}/")
    page.get_by_role("link", name="Training", exact=True).last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Training of Kiel MSC")
    check_page(page)
    page.get_by_role("link", name="Change the gate").click()
    check_page(page)
    expect(page.get_by_label("Police")).to_have_count(0)
    page.get_by_label("Youth welfare").check()
    page.get_by_role("button", name="Save the gate").click()
    expect(page.locator(".messages")).to_contain_text("Youth welfare")
    expect(page.get_by_text("no — cannot record perspectives")).to_be_visible()
    check_page(page)
    assert selectors.gate_sectors(pw.team) == ["youth_welfare"]
    assert LearnerAccount.objects.get(user__email="lea@example.org").user.is_active


def test_the_pages_in_english_and_german_at_both_widths(
    browser: Browser, live_server: Any, pw: PeopleWorld
) -> None:
    """Screenshots of every people page, with axe on each, in both languages and widths."""
    cache.clear()
    register(email="max@example.org", full_name="Max Mustermann", note="Autumn run, please.")
    ana = register(email="ana@example.org", full_name="Ana Approved")
    with transaction.atomic():
        services_people.learner_approve(actor=pw.trainer, account=ana)
    pw.certify(pw.youth_worker)
    learner = pw.approved()
    for language in ("en", "de"):
        # signing in sets the language cookie from the account's language
        User.objects.filter(pk__in=[pw.trainer.pk, pw.coordinator.pk, learner.pk]).update(
            language=language
        )
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        try:
            page = context.new_page()
            cookie = {"name": "icommit_language", "value": language, "url": live_server.url}
            context.add_cookies([cookie])  # type: ignore[list-item]  # a SetCookieParam
            for viewport in WIDTHS:
                page.set_viewport_size(viewport)
                page.goto("/training/register/", timeout=120_000)
                check_page(page)
                shot(page, f"register-{language}")
                page.goto("/training/register/done/")
                check_page(page)
                shot(page, f"registered-{language}")
                page.goto(_activation_path("ana@example.org"))
                expect(page.locator('input[type="password"]')).to_have_count(2)
                check_page(page)
                shot(page, f"activate-{language}")
            context.clear_cookies()
            login(page, live_server, pw.trainer.email)
            for viewport in WIDTHS:
                page.set_viewport_size(viewport)
                page.goto("/training/learners/")
                check_page(page)
                shot(page, f"learners-{language}")
            logout(page)
            login(page, live_server, pw.coordinator.email)
            for viewport in WIDTHS:
                page.set_viewport_size(viewport)
                page.goto(f"/training/teams/{pw.team.pk}/coverage/")
                check_page(page)
                shot(page, f"coverage-{language}")
                page.goto(f"/training/teams/{pw.team.pk}/gate/")
                check_page(page)
                shot(page, f"gate-{language}")
            logout(page)
            login(page, live_server, learner.email, password=STRONG)
            for viewport in WIDTHS:
                page.set_viewport_size(viewport)
                page.goto("/")
                check_page(page)
                shot(page, f"learner-home-{language}")
            logout(page)
        finally:
            context.close()
