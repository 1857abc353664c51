# ruff: noqa: F811  (the fixtures cw and aw imported from the app's tests are parameters here)
"""Assessments in a real browser, at 1,280 and 390 px: a participant records a track entry, a
designated police assessor records a risk reference with the bias warning in view, and the
lead's case manager, with whom it was not shared, does not find it. axe checks every page.

The world is ``aw`` of tests/assessments/conftest.py (the cases tests' ``cw`` with police's
officer designated as risk assessor).
"""

from __future__ import annotations

import datetime
import re
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from icommit.assessments.models import RiskReference, TrackEntry
from tests.assessments.conftest import World, aw  # noqa: F401  (the fixture, used by name)
from tests.cases.conftest import cw  # noqa: F401  (the fixture aw builds on)
from tests.e2e.conftest import BrowserErrors, check_a11y, label, login, logout

pytestmark = pytest.mark.e2e

WIDTHS: list[ViewportSize] = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
WIDTH_IDS = ["1280", "390"]
NO_SIDEWAYS_SCROLL_JS = """() => {
  const page = document.documentElement;
  return page.scrollWidth <= page.clientWidth + 1;
}"""


def check_page(page: Page) -> None:
    check_a11y(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), f"{page.url} scrolls sideways"


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_recording_a_track_entry_and_a_risk_reference(
    page: Page,
    live_server: Any,
    aw: World,
    viewport: ViewportSize,
    browser_errors: BrowserErrors,
) -> None:
    browser_errors.allow(r"status of 404")  # the unshared reference's address answers 404
    # the live server's first answer (templates, keys) may take longer than a page load may
    urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=120).close()  # noqa: S310 (the test's own server)
    page.set_viewport_size(viewport)
    case_url = f"/teams/{aw.cw.team.pk}/cases/{aw.case.pk}/"

    # exit counselling records that the client's behaviour moved on
    login(page, live_server, aw.cw.counsellor.email)
    page.goto(f"{live_server.url}{case_url}")
    section = page.get_by_role("region", name="D&R phase and risk")
    check_page(page)
    section.get_by_role("link", name=re.compile("D&R phase and tracks")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("D&R phase and tracks")
    check_page(page)
    behaviour = page.get_by_role("region", name="Disengagement (behaviour)")
    behaviour.get_by_label(re.compile("Left the scene —")).check()
    behaviour.get_by_label(label("Rationale")).fill("No contact with the group for two months.")
    behaviour.get_by_role("button", name="Record the entry").click()
    expect(page.get_by_role("status")).to_contain_text("The entry was recorded.")
    behaviour = page.get_by_role("region", name="Disengagement (behaviour)")
    expect(behaviour.get_by_text("No contact with the group for two months.")).to_be_visible()
    attitudes = page.get_by_role("region", name="Deradicalisation (attitudes)")
    expect(attitudes.get_by_text("No contact with the group")).to_have_count(0)
    check_page(page)
    entry = TrackEntry.objects.get()
    assert (entry.track, entry.stage) == ("disengagement", "left")
    logout(page)

    # the designated police assessor records a reference, with the bias warning in view
    login(page, live_server, aw.cw.officer.email)
    page.goto(f"{live_server.url}{case_url}risk/")
    check_page(page)
    page.get_by_role("link", name="Record a reference to an assessment").click()
    expect(page.get_by_role("heading", name="Beware of bias")).to_be_visible()
    expect(page.get_by_text(re.compile("WODC"))).to_be_visible()
    check_page(page)
    page.get_by_label(label("Instrument")).fill("VERA-2R")
    page.get_by_label(re.compile("Moderate —")).check()
    page.get_by_label(label("Summary meant for sharing")).fill("Meet him in pairs.")
    review = datetime.date.today() + datetime.timedelta(days=90)
    page.get_by_label(label("Next review")).fill(review.isoformat())
    page.get_by_role("button", name="Record the reference").click()
    expect(page.get_by_role("status")).to_contain_text("The reference was recorded.")
    expect(page.get_by_text("Meet him in pairs.")).to_be_visible()
    expect(page.get_by_role("link", name="Share this reference")).to_be_visible()
    check_page(page)
    ref = RiskReference.objects.get()
    assert (ref.level, ref.instrument) == ("moderate", "VERA-2R")
    logout(page)

    # the lead's case manager does not find what police did not share
    login(page, live_server, aw.cw.manager.email)
    page.goto(f"{live_server.url}{case_url}risk/")
    expect(page.get_by_text("None you may read.")).to_be_visible()
    check_page(page)
    response = page.goto(f"{live_server.url}{case_url}risk/{ref.pk}/")
    assert response is not None and response.status == 404
