"""Mutual transparency in a real browser: the protocol changes the matrix; a profile is kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from icommit.demo import builder
from icommit.sharing import services
from icommit.stakeholders.models import RoleProfileVersion
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import TeamOrganisation
from tests.conftest import World
from tests.e2e.conftest import check_a11y, label, login
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.e2e


def _cell(page: Page, origin: str, target: str) -> Any:
    return page.get_by_role(
        "link", name=re.compile(f"^From {re.escape(origin)} to {re.escape(target)}:")
    )


def test_the_coordinator_adds_a_protocol_row_and_sees_the_matrix_change(
    page: Page, live_server: Any, world: World
) -> None:
    exit_ngo = OrganisationFactory(name="Exit NGO", sector=Sector.EXIT_COUNSELLING)
    TeamOrganisation.objects.create(team=world.team, organisation=exit_ngo)
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/transparency/protocol/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sharing protocol of Alpha MSC")
    expect(page.get_by_text("The protocol has no rows yet.")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="Open the transparency matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transparency matrix of Alpha MSC")
    check_a11y(page)
    page.get_by_label(label("Data category")).select_option(label="Identity")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("region", name=re.compile("^What may flow: Identity"))).to_be_visible()
    expect(_cell(page, "Exit NGO", "Police")).to_have_text(re.compile("not agreed$"))
    check_a11y(page)

    page.get_by_role("link", name="Sharing protocol").click()
    page.get_by_role("link", name="Add a row").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a protocol row")
    check_a11y(page)
    page.get_by_label(label("From")).select_option(label="Exit NGO")
    page.get_by_label(label("To")).select_option(label="Police (sector)")
    page.get_by_label(label("Data category")).select_option(label="Identity")
    page.get_by_label(label("Rule")).select_option(label="with consent")
    page.get_by_label(label("Note")).fill("Only with written consent naming the police.")
    page.get_by_role("button", name="Save the row").click()
    expect(page.get_by_role("status")).to_contain_text("Row added to the sharing protocol.")
    expect(page.get_by_role("table")).to_contain_text("Police (sector)")
    expect(page.get_by_text("Version 1, last changed by Cora Coordinator")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="Open the transparency matrix").click()
    page.get_by_label(label("Data category")).select_option(label="Identity")
    page.get_by_role("button", name="Show").click()
    expect(_cell(page, "Exit NGO", "Police")).to_have_text(re.compile("with consent$"))
    expect(_cell(page, "Police", "Exit NGO")).to_have_text(re.compile("not agreed$"))
    check_a11y(page)

    _cell(page, "Exit NGO", "Police").click()
    pair = page.locator("#pair")
    expect(pair.get_by_role("heading")).to_have_text("From Exit NGO to Police")
    expect(pair).to_contain_text("Only with written consent naming the police.")
    check_a11y(page)


def test_an_organisation_member_writes_and_confirms_its_role_profile(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.member.email)
    page.goto(f"/organisations/{world.police.pk}/")
    expect(page.get_by_text("This organisation has no role profile yet.")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="Start from the sector template").click()
    expect(page.get_by_role("note")).to_contain_text("template for your sector")
    mandate = page.get_by_label(label("Mandate"))
    expect(mandate).to_have_value(re.compile("^Prevent danger to public security"))
    expect(page.get_by_label("Need 1: kind")).to_have_value("exit_counselling")
    check_a11y(page)
    page.get_by_label("Need 4: kind").select_option(label="Contact with school")
    page.get_by_label("Need 4: details").fill("A named teacher for pupils at risk.")
    page.get_by_label(label("Contact")).fill("Paula Prevention, prevention unit")
    page.get_by_role("button", name="Save as a new version").click()

    expect(page.get_by_role("status")).to_contain_text("Role profile saved as a new version.")
    profile = page.locator("#profile")
    expect(profile).to_contain_text("Version 1, saved by Max Member")
    expect(profile).to_contain_text("A named teacher for pupils at risk.")
    check_a11y(page)

    profile.get_by_role("link", name="Edit the role profile").click()
    page.get_by_label(label("Availability")).fill("Weekdays 8–18; the duty officer at night.")
    page.get_by_role("button", name="Save as a new version").click()
    expect(profile).to_contain_text("Version 2, saved by Max Member")

    profile.get_by_role("button", name="Confirm it is up to date").click()
    expect(page.get_by_role("status")).to_contain_text("You confirmed")
    expect(profile).to_contain_text("Last confirmed by Max Member")
    check_a11y(page)

    profile.get_by_role("link", name="All versions").click()
    expect(page.get_by_role("heading", name="Version 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Version 1")).to_be_visible()
    check_a11y(page)
    assert RoleProfileVersion.objects.filter(profile__organisation=world.police).count() == 2


# --- the matrix of a demo-sized team at desktop and phone width -------------------------------

WIDTHS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
PAGE_WIDTH_JS = """() => {
  const page = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > page.clientWidth + 1)
    .filter(e => !e.closest('.table-wrap'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className);
  return {width: page.scrollWidth, wide};
}"""


@pytest.fixture
def big_team(world: World) -> list[str]:
    """Fourteen more organisations with the demo's long names, and a few protocol rows."""
    names = []
    for _key, name, sector in builder.ORGANISATIONS:
        org = OrganisationFactory(name=name, sector=sector)
        TeamOrganisation.objects.create(team=world.team, organisation=org)
        names.append(name)
    for values in (
        {"from_sector": "health", "to_sector": "police", "category": "health", "rule": "always"},
        {"from_sector": "school", "to_sector": "youth_welfare", "category": "situation"},
    ):
        values.setdefault("rule", "consent")
        values.setdefault("legal_source", "Law")
        with transaction.atomic():
            services.protocol_row_create(
                actor=world.coordinator,
                team=world.team,
                values={
                    "from_organisation_id": None,
                    "to_organisation_id": None,
                    "note": "",
                    **values,
                },
            )
    return names


@pytest.mark.parametrize("viewport", WIDTHS, ids=["1280", "390"])
def test_the_matrix_of_a_big_team_fits_the_screen_and_reads_per_organisation(
    page: Page, live_server: Any, world: World, big_team: list[str], viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/transparency/")
    got = page.evaluate(PAGE_WIDTH_JS)
    assert got["width"] <= viewport["width"], got
    grid = page.get_by_role("region", name=re.compile("^What may flow, per data category"))
    expect(grid).to_be_visible()
    assert grid.evaluate("e => e.getBoundingClientRect().right") <= viewport["width"]
    # every organisation is a column (named in full for screen readers) and a row
    for name in big_team:
        expect(grid.get_by_role("columnheader", name=name, exact=True)).to_have_count(1)
    columns = grid.get_by_role("columnheader").count()
    assert columns >= len(big_team) + 1
    expect(grid.get_by_role("rowheader")).to_have_count(columns - 1)
    expect(
        _cell(page, "Demo City Clinic for Psychiatry", "Demo City Police – Prevention Unit")
    ).to_have_accessible_name(re.compile("with consent: Health; not agreed: Identity,"))
    # the headers stay in view when the grid scrolls, down (column) and sideways (row)
    for axis, header, scroll in (
        ("top", grid.get_by_role("columnheader").last, "e => e.scrollTo(0, 400)"),
        ("left", grid.get_by_role("rowheader").first, "e => e.scrollTo(600, 0)"),
    ):
        before = header.evaluate(f"e => e.getBoundingClientRect().{axis}")
        grid.evaluate(scroll)
        after = header.evaluate(f"e => e.getBoundingClientRect().{axis}")
        assert after == pytest.approx(before, abs=1), axis
        grid.evaluate("e => e.scrollTo(0, 0)")
    check_a11y(page)

    page.get_by_label(label("Look at one organisation")).select_option(
        label="Riverside Comprehensive School"
    )
    page.get_by_label(label("Flows shown")).select_option(
        label="Only flows with consent or a legal basis"
    )
    page.get_by_role("button", name="Show", exact=True).click()
    focus = page.locator("#focus")
    expect(focus.get_by_role("heading", level=3).first).to_have_text(
        "What Riverside Comprehensive School may share with whom"
    )
    item = focus.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=re.compile("^Demo City Youth Welfare Office"))
    )
    expect(item).to_contain_text("with consent: Social situation")
    got = page.evaluate(PAGE_WIDTH_JS)
    assert got["width"] <= viewport["width"], got
    check_a11y(page)
