"""Accessibility beyond the pages the journeys visit: axe's ``region`` rule is in force (every
piece of content, the demo banner included, sits inside a landmark) and the API docs page
(django-ninja's Swagger UI in a page of our own) passes axe closed, opened and in "Try it out"."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import World
from tests.e2e.conftest import TIMEOUT_MS, BrowserErrors, check_a11y, login

DOCS = "/api/v1/docs"


def test_the_region_rule_is_checked_and_the_demo_banner_is_inside_a_landmark(
    page: Page, live_server: Any, world: World
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    banner = page.get_by_role("region", name="Demo notice")
    expect(banner).to_contain_text("Demo installation")
    check_a11y(page)
    login(page, live_server, "coordinator@test.org")
    expect(page.get_by_role("region", name="Demo notice")).to_be_visible()
    check_a11y(page)
    # the same page with one paragraph outside every landmark fails: region is in the rule set
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'Loose text';"
        " document.body.append(p); }"
    )
    with pytest.raises(AssertionError, match="region"):
        check_a11y(page)


def _open_docs(page: Page, url: str) -> None:
    page.goto(url)
    # Swagger UI's bundle is 1.4 MB and builds the page from openapi.json: allow it time
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible(timeout=3 * TIMEOUT_MS)


def test_the_api_docs_page_passes_axe_and_still_works(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, "coordinator@test.org")
    _open_docs(page, f"{live_server.url}{DOCS}")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("API documentation")
    expect(page.get_by_role("heading", level=2, name="Endpoints")).to_be_visible()
    check_a11y(page)

    # open GET /api/v1/me, try it out with the browser session: the answer names the user
    operation = page.locator(".opblock").filter(has=page.locator("[data-path='/api/v1/me']"))
    operation.locator(".opblock-summary-control").click()
    expect(operation.get_by_role("region", name="Responses: GET /api/v1/me")).to_be_visible()
    check_a11y(page)
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(
        operation.locator(".live-responses-table tr.response .response-col_status").first
    ).to_have_text("200", timeout=TIMEOUT_MS)
    expect(operation.locator(".live-responses-table")).to_contain_text("coordinator@test.org")
    check_a11y(page)

    # a write operation in "Try it out": the request body editor and its example are named
    create = page.locator(".opblock-post").filter(has=page.locator("[data-path='/api/v1/teams']"))
    create.locator(".opblock-summary-control").click()
    create.get_by_role("button", name="Try it out").click()
    expect(create.locator(".body-param textarea")).to_be_visible()
    check_a11y(page)

    # the schemas at the foot of the page (listed from the start), one of them opened
    page.locator(".models .json-schema-2020-12-accordion").first.click()
    expect(page.locator(".models .json-schema-2020-12-body").first).to_be_visible()
    check_a11y(page)


def test_the_api_docs_page_in_german_has_its_language(
    browser: Browser, live_server: Any, world: World, browser_errors: BrowserErrors
) -> None:
    context = browser.new_context(base_url=live_server.url, locale="de-DE")
    try:
        page = context.new_page()
        page.on("console", browser_errors.on_console)
        page.on("pageerror", browser_errors.on_pageerror)
        _open_docs(page, f"{live_server.url}{DOCS}")
        assert page.locator("html").get_attribute("lang") == "de"
        # the reference itself is Swagger UI's English, and says so to screen readers
        assert page.locator("#swagger-ui").get_attribute("lang") == "en"
        check_a11y(page)
    finally:
        context.close()
    assert not browser_errors.unexpected(), browser_errors.unexpected()
