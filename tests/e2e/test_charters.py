"""The team charter and team meetings in a real browser; axe checks every page visited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from icommit.charters import services
from icommit.charters.models import CharterConfirmation, MinutesStatus, MinutesVersion
from tests.conftest import World
from tests.e2e.conftest import check_a11y, label, login, logout

pytestmark = pytest.mark.e2e


def _publish(world: World) -> None:
    draft = services.charter_draft_start(actor=world.coordinator, team=world.team)
    services.charter_publish(actor=world.coordinator, draft=draft)


def test_a_member_confirms_the_charter_and_the_coordinator_sees_it(
    page: Page, live_server: Any, world: World
) -> None:
    _publish(world)
    charter = f"/teams/{world.team.pk}/charter/"

    login(page, live_server, world.member.email)
    page.goto(charter)
    expect(page.get_by_role("heading", level=1)).to_have_text("Team charter of Alpha MSC")
    expect(page.locator(".charter-count")).to_have_text("0 of 2 members have confirmed version 1.")
    check_a11y(page)
    page.get_by_role("button", name="Confirm version 1").click()
    expect(page.get_by_role("status")).to_contain_text("You confirmed version 1 of the charter.")
    expect(page.get_by_role("button", name="Confirm version 1")).to_have_count(0)
    expect(page.locator(".charter-count")).to_have_text("1 of 2 members have confirmed version 1.")
    check_a11y(page)
    assert CharterConfirmation.objects.filter(user=world.member).exists()
    logout(page)

    login(page, live_server, world.coordinator.email)
    page.goto(charter)
    by_member = page.get_by_role("table", name="By member")
    expect(by_member.get_by_role("row", name=re.compile("Max Member"))).to_contain_text(
        "confirmed on"
    )
    expect(by_member.get_by_role("row", name=re.compile("Cora Coordinator"))).to_contain_text(
        "not yet"
    )
    by_org = page.get_by_role("table", name="By organisation")
    expect(by_org.get_by_role("row", name=re.compile("Police"))).to_contain_text("complete")
    check_a11y(page)

    page.get_by_role("link", name="Charter versions").click()
    expect(page.get_by_role("link", name="Version 1")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_role("heading", name="Confirmed by")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Start a new version").or_(
        page.get_by_role("link", name="Charter draft")
    ).first.click()
    expect(page.get_by_role("button", name="Start the draft")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_label(label("What changed"))).to_be_visible()
    check_a11y(page)


def test_the_coordinator_records_a_meeting_and_the_attendee_confirms_the_minutes(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/charter/meetings/")
    check_a11y(page)
    page.get_by_role("link", name="New team meeting").click()
    check_a11y(page)
    page.get_by_label(label("Date")).fill("2026-04-02")
    page.get_by_label(label("Title")).fill("Referral thresholds")
    page.get_by_label("Cora Coordinator").check()
    page.get_by_label("Max Member").check()
    page.get_by_label(label("Minutes")).fill(
        "We compared how each organisation reads the threshold."
    )
    page.get_by_label(label("Decision 1")).fill("Schools refer through the coordinator.")
    dissent = page.get_by_role("group", name="Dissent 1")
    dissent.get_by_label(label("On decision")).select_option(label="Decision 1")
    dissent.get_by_label(label("Organisation")).select_option(label="Police")
    dissent.get_by_label(label("Why the organisation disagreed")).fill(
        "Police want to hear of school concerns directly."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referral thresholds")
    expect(page.locator(".charter-dissent")).to_contain_text("Dissent by Police:")
    check_a11y(page)
    page.get_by_role("button", name="Send out for confirmation").click()
    expect(page.get_by_role("status")).to_contain_text("went out to the attendees")
    page.get_by_role("button", name="Confirm the minutes").click()
    expect(page.get_by_role("status")).to_contain_text("You confirmed the minutes.")
    check_a11y(page)
    meeting_url = page.url
    logout(page)

    login(page, live_server, world.member.email)
    page.goto(meeting_url)
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Confirm the minutes").click()
    expect(page.locator("#confirmation-heading + p")).to_contain_text("Frozen on")
    check_a11y(page)
    assert MinutesVersion.objects.get().status == MinutesStatus.FROZEN
    logout(page)

    login(page, live_server, world.coordinator.email)
    page.goto(meeting_url)
    page.get_by_role("link", name="Turn into a goal or an action").click()
    check_a11y(page)
    page.get_by_label(label("Goal")).fill("One referral route for schools")
    page.get_by_role("button", name="Create the goal").click()
    expect(page.get_by_role("status")).to_contain_text("Added to the team's plan.")
    expect(page.get_by_role("link", name="Goal: One referral route for schools")).to_be_visible()
    check_a11y(page)
    page.get_by_role("link", name="Record a correction").click()
    check_a11y(page)
    page.get_by_label(label("What needs correcting, and why")).fill("The date was wrong.")
    page.get_by_role("button", name="Start the correction").click()
    expect(page.get_by_text("You are correcting version 1.")).to_be_visible()
    check_a11y(page)
