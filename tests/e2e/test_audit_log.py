"""The audit log in a real browser, as the data-protection officer: filter by person and kind
of event with readable choices, see whether the chain verifies, at 1,280 and 390 px (nothing
scrolls sideways but the table in its own box); axe checks the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from icommit.access.roles import PlatformRole
from icommit.core import audit
from icommit.core.checkpoints import checkpoint_write
from icommit.core.verification import chain_verify
from tests.conftest import World
from tests.e2e.conftest import check_a11y, label, login
from tests.e2e.test_phone_width import WIDEST_JS
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dpo_filters_by_person_and_kind_of_event_and_sees_the_chain_state(
    page: Page, live_server: Any, world: World, width: int
) -> None:
    dpo = grant(UserFactory(email="dpo@test.org", full_name="Dana Protection"), PlatformRole.DPO)
    for actor, action, obj in (
        (world.coordinator, "team.update", world.team),
        (world.member, "team.update", world.team),
        (world.member, "organisation.update", world.police),
    ):
        with transaction.atomic():
            audit.record(actor=actor, action=action, obj=obj)
    checkpoint_write()
    row, _ = chain_verify(trigger="schedule")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, dpo.email)
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_text(f"Chain verified up to event {row.up_to_seq} on ")).to_be_visible()
    expect(page.get_by_role("button", name="Verify now")).to_be_visible()
    page.get_by_label(label("Person")).select_option(label="Max Member (member@test.org)")
    page.get_by_label(label("Kind of event")).select_option(
        label="Changed the team's name, place or scope"
    )
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    expect(page.locator("caption")).to_have_text("1 event matches, newest first")
    rows = page.locator("table.audit-events tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Max Member")
    expect(rows.first).to_contain_text("Changed the team's name, place or scope")
    expect(rows.first).to_contain_text("Team")
    # the choices stay chosen
    expect(page.get_by_label(label("Person"))).to_have_value(str(world.member.pk))
    got = page.evaluate(WIDEST_JS)
    assert got["width"] <= width and not got["wide"], got
    check_a11y(page)
