"""The results page and the questionnaire in a real browser at desk and phone width (issue 11):
the results lead with a summary that fits about a screen, the details are folded per
dimension; the answer scale is one row on a desk and a list on a phone; axe on each."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.diagnostics.conftest import answered_round, open_round
from tests.e2e.conftest import check_a11y, login
from tests.e2e.test_diagnostics import _three_more_members

pytestmark = pytest.mark.e2e

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("size", [DESK, PHONE], ids=["desk", "phone"])
def test_the_results_lead_with_a_summary_and_fold_the_dimensions(
    page: Page, live_server: Any, world: World, size: dict[str, int]
) -> None:
    answered = answered_round(world, security=[5, 5, 5, 4, 4], non_security=[2, 2, 2, 3, 3])
    page.set_viewport_size(size)
    login(page, live_server, world.member.email)
    page.goto(f"{live_server.url}/teams/{world.team.pk}/diagnostics/{answered.round.pk}/results/")
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    dimensions = page.locator("details.diag-dimension")
    assert dimensions.count() >= 10
    # folded: a dimension's chart shows only once it is opened
    first = dimensions.first
    expect(first.locator("svg")).to_be_hidden()
    first.locator("summary").click()
    expect(first.locator("svg")).to_be_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    # the opened dimension carries its chart and the team's answers per statement (a table)
    assert height < (5000 if size is DESK else 8000), height
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    check_a11y(page)


def test_the_scale_is_one_row_on_a_desk_and_a_list_on_a_phone(
    page: Page, live_server: Any, world: World
) -> None:
    _three_more_members(world)  # five who count: a round can be opened
    round = open_round(world.coordinator, world.team)
    login(page, live_server, world.member.email)
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/teams/{world.team.pk}/diagnostics/{round.pk}/answer/")
    options = page.locator("fieldset.likert").first.locator("label.q-option")
    assert options.count() >= 5
    tops = {round_(options.nth(i).bounding_box()["y"]) for i in range(options.count())}
    assert len(tops) == 1, tops  # one row
    status = page.locator("#save-status")
    expect(status).to_contain_text("statements answered")
    check_a11y(page)
    page.set_viewport_size(PHONE)
    lefts = {round_(options.nth(i).bounding_box()["x"]) for i in range(options.count())}
    assert len(lefts) == 1, lefts  # one under the other
    # the status stays in view while the person answers further down
    page.locator("fieldset.likert").nth(8).scroll_into_view_if_needed()
    box = status.bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_a11y(page)


def round_(value: float) -> int:
    return int(value + 0.5)
