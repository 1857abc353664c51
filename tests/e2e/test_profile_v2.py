"""Editing a version-2 role profile in a real browser, at desktop and phone width, with axe.

Duties and secrecy per role are repeated fieldsets that work without JavaScript; the page then
shows each duty with whom it informs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from icommit.stakeholders.models import RoleProfileVersion
from tests.conftest import World
from tests.e2e.conftest import check_a11y, label, login
from tests.stakeholders.v2content import v2_content  # noqa: F401 (the fixture content, version 2)

pytestmark = [pytest.mark.usefixtures("v2_content")]

WIDTHS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
    .filter(e => !e.closest('.table-wrap'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className);
}"""


@pytest.mark.parametrize("size", WIDTHS, ids=["1280", "390"])
def test_a_member_edits_duties_and_secrecy_per_role(
    page: Page, live_server: Any, world: World, size: dict[str, int], browser_errors: Any
) -> None:
    browser_errors.allow(r"status of 422")  # the form re-renders with its errors, as 422
    page.set_viewport_size(size)
    login(page, live_server, world.member.email)
    page.goto(f"/organisations/{world.police.pk}/profile/edit/")
    expect(page.get_by_role("group", name="Legal duties")).to_be_visible()
    duty1 = page.get_by_role("group", name="Duty 1", exact=True)
    expect(duty1.get_by_label(label("Duty"))).to_have_value("legality_principle")
    expect(duty1.get_by_label("Applies to us")).to_be_checked()
    expect(duty1.get_by_label(label("Statute"))).to_have_value("§§ 152(2), 160, 163 StPO")
    assert page.evaluate(OVERFLOW_JS) == []
    check_a11y(page)

    duty3 = page.get_by_role("group", name="Duty 3", exact=True)
    duty3.get_by_label("Does not apply to us").check()
    duty4 = page.get_by_role("group", name="Duty 4", exact=True)
    duty4.get_by_label(label("Duty")).select_option(label="May inform youth welfare")
    duty4.get_by_label("Applies to us").check()
    role2 = page.get_by_role("group", name="Profession or office 2", exact=True)
    role2.get_by_label(label("Profession or office")).fill("Police doctors")
    role2.get_by_label(label("Secrecy")).select_option(label="Professional secrecy")
    page.get_by_label(label("Contact")).fill("Paula Prevention, prevention unit")
    page.get_by_role("button", name="Save as a new version").click()

    # Errors name the row and the field; nothing is lost.
    expect(page.get_by_text("Name the statute this duty rests on.")).to_be_visible()
    expect(page.get_by_text("Name the statute this secrecy rests on.")).to_be_visible()
    check_a11y(page)
    duty4 = page.get_by_role("group", name="Duty 4", exact=True)
    duty4.get_by_label(label("Statute")).fill("§ 4 KKG")
    role2 = page.get_by_role("group", name="Profession or office 2", exact=True)
    role2.get_by_label(label("Statute")).fill("§ 203(1) StGB")
    page.get_by_role("button", name="Save as a new version").click()

    expect(page.get_by_role("status")).to_contain_text("Role profile saved as a new version.")
    profile = page.locator("#profile")
    expect(profile).to_contain_text("Investigate offences (legality principle)")
    expect(profile).to_contain_text("Informs: the public prosecutor")
    expect(profile).to_contain_text(
        "Country law (DE) — check with your organisation's legal service"
    )
    expect(profile).to_contain_text("Police doctors: Professional secrecy")
    expect(profile.locator(".profile-duties li", has_text="Duty of care")).to_contain_text(
        re.compile("does not apply")
    )
    assert page.evaluate(OVERFLOW_JS) == []
    check_a11y(page)
    version = RoleProfileVersion.objects.get(profile__organisation=world.police)
    assert [d["code"] for d in version.duties][-1] == "child_protection_notice_permission"
    assert version.secrecy_roles[1]["role"] == "Police doctors"
