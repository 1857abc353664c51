"""Team diagnostics in a real browser: open a round, answer it on a phone, read the results.

axe checks every page visited. The team has five members who count towards the minimum (their
organisation memberships were confirmed a month ago by someone else), so a round can be opened
and, once all five have answered, closed with results.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from icommit.accounts.models import User
from icommit.diagnostics import services
from icommit.diagnostics.models import Draft, Participation, Round, RoundResponse
from icommit.plans.models import Goal
from icommit.stakeholders.sectors import Sector
from tests.conftest import World
from tests.diagnostics.conftest import vouch
from tests.e2e.conftest import check_a11y, label, login, logout
from tests.factories import OrganisationFactory, UserFactory, team_member

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _three_more_members(world: World) -> list[User]:
    """Three non-security members who, with the coordinator and the police member, count."""
    people = []
    for n, sector in enumerate([Sector.SOCIAL_SERVICES, Sector.YOUTH_WELFARE, Sector.SCHOOL]):
        org = OrganisationFactory(name=f"Org {n}", sector=sector)
        person = UserFactory(email=f"person{n}@test.org")
        team_member(world.team, person, org)
        people.append(person)
    vouch(world.coordinator, world.member, *people)
    return people


def _others_answer(round: Round, people: list[User]) -> None:
    """The other invitees answer through the services, so results can be shown."""
    for person in people:
        participation = Participation.objects.select_related("organisation").get(
            round=round, user=person
        )
        side = "security" if participation.organisation.is_security else "non_security"
        answers = {
            i.key: 2
            for s in round.version.parsed.sections
            if s.audience in ("all", side)
            for i in s.items
            if i.type == "likert"
        }
        with transaction.atomic():
            services.response_submit(actor=person, round=round, answers=answers)


def test_a_member_answers_on_a_phone_and_the_coordinator_reads_the_results(
    page: Page, live_server: Any, world: World
) -> None:
    base = f"/teams/{world.team.pk}/diagnostics/"
    others = _three_more_members(world)
    login(page, live_server, world.coordinator.email)
    page.goto(base)
    expect(page.get_by_role("heading", level=1)).to_have_text("Team diagnostics of Alpha MSC")
    check_a11y(page)
    page.get_by_role("link", name="Open a round").click()
    expect(page.get_by_text(re.compile("Opening the round now invites 5 members"))).to_be_visible()
    check_a11y(page)
    page.get_by_label(label("Title")).fill("Spring diagnostics")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_text("The round is open.")).to_be_visible()
    # while open, only how many have answered: no table of who or which organisation
    expect(page.get_by_text("0 of 5 invited members have answered.")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    check_a11y(page)
    round = Round.objects.get(title="Spring diagnostics")
    invited = set(Participation.objects.filter(round=round).values_list("user_id", flat=True))
    # the observer is not invited
    assert invited == {world.coordinator.pk, world.member.pk, *(p.pk for p in others)}
    logout(page)

    # the police member answers on a phone: saved as they go, then submitted
    page.set_viewport_size(PHONE)
    login(page, live_server, world.member.email)
    page.goto(f"{base}{round.pk}/answer/")
    check_a11y(page)
    statements = page.locator("fieldset.likert")
    count = statements.count()
    # everyone's statements and the security part (the police member is a security member)
    assert count == len(
        [
            i
            for s in round.version.parsed.sections
            if s.audience in ("all", "security")
            for i in s.items
        ]
    )
    expect(
        page.get_by_role("heading", name="For members from non-security organisations")
    ).to_have_count(0)
    statements.nth(0).get_by_label("Somewhat agree", exact=True).check()
    expect(page.locator("#save-status")).to_have_text(f"Saved. 1 of {count} statements answered.")
    page.wait_for_load_state("networkidle")
    assert Draft.objects.filter(round=round).count() == 1
    page.reload()
    expect(statements.nth(0).get_by_label("Somewhat agree", exact=True)).to_be_checked()
    for n in range(1, count):
        statement = statements.nth(n)
        if statement.get_by_label("Somewhat agree", exact=True).count():
            choice = "Don't know" if n % 7 == 0 else "Somewhat agree"
            statement.get_by_label(choice, exact=True).check()
        else:  # an event or a fact, counted: its first option
            statement.get_by_role("radio").first.check()
    page.wait_for_load_state("networkidle")  # the last autosave has landed
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("Thank you. Your answers are in.")).to_be_visible()
    check_a11y(page)
    assert RoundResponse.objects.filter(round=round, is_security=True).count() == 1
    assert not Draft.objects.filter(round=round).exists()
    logout(page)

    _others_answer(round, [world.coordinator, *others])

    # the coordinator closes the round and reads the results
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, world.coordinator.email)
    page.goto(f"{base}{round.pk}/")
    page.get_by_role("button", name="Close the round now").click()
    closing = page.get_by_role("dialog", name="Close the round now")
    expect(closing).to_contain_text("answers that were saved but not submitted are discarded")
    closing.get_by_role("button", name="Close the round now").click()
    expect(page.get_by_text("The round is closed; the results are ready.")).to_be_visible()
    page.get_by_role("link", name="See the results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results of Spring diagnostics")
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    page.get_by_text("How answers are kept confidential").click()
    expect(
        page.get_by_text(re.compile("Confidentiality rule: no value resting on fewer than 5"))
    ).to_be_visible()
    scores = page.get_by_role("table", name=re.compile("Score from 0 to 100"))
    # 5 respondents: 1 security, 4 non-security -> only the team value may be shown
    expect(scores.get_by_role("row", name=re.compile("Purpose and shared goals"))).to_contain_text(
        "hidden"
    )
    # one section per dimension, folded; a chart in each whose team value may be shown
    assert page.locator("details.diag-dimension").count() >= 10
    charts = page.locator("details.diag-dimension svg[role=img]")
    assert charts.count() >= 1
    assert page.locator("svg[role=img]").count() == charts.count()  # no chart outside them
    expect(page.locator("svg[role=img]")).to_have_count(charts.count())
    check_a11y(page)

    page.get_by_role("link", name="Discuss them in a team meeting").click()
    expect(page.get_by_label(label("Title"))).to_have_value(
        "Discussing the diagnostics: Spring diagnostics"
    )
    check_a11y(page)
    page.go_back()

    page.get_by_role("link", name=re.compile("Put it into the plan")).first.click()
    check_a11y(page)
    page.get_by_role("button", name="Create the goal").click()
    expect(page.get_by_text("Added to the team's plan.")).to_be_visible()
    goal = Goal.objects.get(team=world.team, source_kind="recommendation")
    assert goal.source_ref.startswith(f"{round.pk}:")
    page.goto(f"{base}{round.pk}/results/")
    expect(page.get_by_text("Already in the plan:").first).to_be_visible()
