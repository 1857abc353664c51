"""Instruments in a real browser: an administrator imports a file (first a broken one), a member
reads the published version. axe checks every page visited."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from icommit.instruments.models import InstrumentVersion
from tests.conftest import World
from tests.e2e.conftest import BrowserErrors, check_a11y, login, logout
from tests.instruments.test_services import MALFORMED, pulse

pytestmark = pytest.mark.e2e


def test_an_administrator_publishes_a_version_and_a_member_reads_it(
    page: Page, live_server: Any, world: World, tmp_path: Path, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(r"status of 422")  # the refused file re-renders the page as 422
    broken, good = tmp_path / "broken.yaml", tmp_path / "pulse.yaml"
    broken.write_text(MALFORMED, encoding="utf-8")
    good.write_text(pulse(), encoding="utf-8")

    login(page, live_server, world.admin.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Instruments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Instruments")
    check_a11y(page)
    page.get_by_role("link", name="Import a new version").click()
    check_a11y(page)
    page.get_by_label(re.compile("^Instrument file")).set_input_files(str(broken))
    page.get_by_role("button", name="Check and publish").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("nothing was stored")
    expect(alert.get_by_role("listitem").first).to_contain_text("broken.yaml:")
    check_a11y(page)
    assert not InstrumentVersion.objects.filter(instrument__key="broken-pulse").exists()

    page.get_by_label(re.compile("^Instrument file")).set_input_files(str(good))
    page.get_by_role("button", name="Check and publish").click()
    expect(page.get_by_text(re.compile("Version 1 of .* is published"))).to_be_visible()
    check_a11y(page)
    logout(page)

    login(page, live_server, world.member.email)
    page.goto("/instruments/")
    check_a11y(page)
    page.get_by_role("link", name=re.compile("MSC team diagnostics")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MSC team diagnostics")
    expect(
        page.get_by_text("Answered only by members from non-security organisations.")
    ).to_be_visible()
    check_a11y(page)
