"""A questionnaire is submitted once: a double click sends one submission and shows one message.

The submit button disables itself and says it is working; autosave requests stop once the
submission has started. Also: on the login page the login form comes first for the keyboard.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, Request, Route, expect

from icommit.diagnostics.models import RoundResponse
from icommit.stakeholders.sectors import Sector
from tests.conftest import World
from tests.diagnostics.conftest import open_round, vouch
from tests.e2e.conftest import check_a11y, login
from tests.factories import OrganisationFactory, UserFactory, team_member

pytestmark = pytest.mark.e2e


def _enough_members(world: World) -> None:
    """Five counted members, so a round can be opened."""
    people = []
    for n, sector in enumerate([Sector.SOCIAL_SERVICES, Sector.YOUTH_WELFARE, Sector.SCHOOL]):
        org = OrganisationFactory(name=f"Org {n}", sector=sector)
        person = UserFactory(email=f"person{n}@test.org")
        team_member(world.team, person, org)
        people.append(person)
    vouch(world.coordinator, world.member, *people)


def test_a_double_click_on_submit_sends_the_answers_once_and_shows_one_message(
    page: Page, live_server: Any, world: World
) -> None:
    _enough_members(world)
    round = open_round(world.coordinator, world.team, title="Autumn diagnostics")
    login(page, live_server, world.member.email)
    url = f"/teams/{world.team.pk}/diagnostics/{round.pk}/answer/"
    page.goto(url)
    statements = page.locator("fieldset.likert")
    for n in range(statements.count()):
        statements.nth(n).get_by_label("Agree", exact=True).check()
    page.wait_for_load_state("networkidle")  # the autosaves have landed

    posts: list[Request] = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)
    submit = page.get_by_role("button", name="Submit my answers")

    # the answer page holds the submission back a moment, as a slow server would
    def slowly(route: Route) -> None:
        time.sleep(0.3)
        route.continue_()

    page.route(re.compile(r".*/answer/$"), slowly)
    submit.dblclick()
    expect(page.get_by_text("Thank you. Your answers are in.")).to_be_visible()

    submissions = [r for r in posts if "submit=1" in (r.post_data or "")]
    assert len(submissions) == 1, [r.post_data for r in posts]
    assert not [r for r in posts if r.headers.get("hx-request")], "an autosave raced the submit"
    assert RoundResponse.objects.filter(round=round).count() == 1
    expect(page.locator(".messages .message")).to_have_count(1)
    expect(page.locator(".message-error, .message.error, [role=alert]")).to_have_count(0)
    expect(page.get_by_text(re.compile("missing|already", re.I))).to_have_count(0)
    check_a11y(page)


def test_the_submit_button_disables_itself_and_autosave_stops_while_submitting(
    page: Page, live_server: Any, world: World
) -> None:
    _enough_members(world)
    round = open_round(world.coordinator, world.team, title="Autumn diagnostics")
    login(page, live_server, world.member.email)
    page.goto(f"/teams/{world.team.pk}/diagnostics/{round.pk}/answer/")
    page.wait_for_load_state("networkidle")
    hx: list[Request] = []
    page.on("request", lambda r: hx.append(r) if r.headers.get("hx-request") else None)
    # a listener added after the page's own reads the form as the submission leaves, and
    # changes an answer then (which would autosave); the next page reads what it saw
    page.evaluate(WATCH_JS)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Thank you. Your answers are in.")).to_be_visible()
    seen = json.loads(page.evaluate("sessionStorage.getItem('seen')"))
    assert seen == {
        "busy": "true",
        "buttons": [["Save and continue later", True], ["Sending your answers…", True]],
    }, seen
    assert hx == [], "autosave kept sending after the submission started"


WATCH_JS = """() => document.addEventListener('submit', (event) => {
  const form = event.target;
  const radio = form.querySelector('fieldset.likert input[type=radio]');
  radio.checked = true;
  radio.dispatchEvent(new Event('change', {bubbles: true}));
  sessionStorage.setItem('seen', JSON.stringify({
    busy: form.getAttribute('aria-busy'),
    buttons: [...form.querySelectorAll('button')].map(b => [b.textContent.trim(), b.disabled]),
  }));
})"""


def test_the_login_form_comes_first_for_a_keyboard(page: Page, live_server: Any) -> None:
    page.goto("/accounts/login/")
    reached = []
    page.keyboard.press("Tab")
    for _ in range(4):
        reached.append(
            page.evaluate("document.activeElement.name || document.activeElement.className")
        )
        page.keyboard.press("Tab")
    # the e-mail field has the focus (autofocus); then password and the login button, and
    # only then the language switch
    assert page.evaluate("document.querySelector('#id_username') !== null")
    first_language = next(i for i, name in enumerate(reached) if name == "language")
    assert first_language > reached.index("password")
    order = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select')]
             .map(e => e.name || e.className || e.tagName)"""
    )
    assert order.index("username") < order.index("language")
    assert order.index("password") < order.index("language")
    assert order[: order.index("username")] == ["skip-link"], order
    check_a11y(page)
