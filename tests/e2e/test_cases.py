# ruff: noqa: F811  (the fixture cw imported from tests.cases is a parameter of the tests)
"""Cases in a real browser, at 1,280 and 390 px: a case from referral to consent, a police user
who cannot see a note that was not shared with police, and the referral and move forms used
with the keyboard alone. axe checks every page visited.

The world is the cases tests' ``cw`` (tests/cases/conftest.py): a team with exit counselling
(the lead), youth office, police, housing and school, and the team's protocol rows.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from icommit.cases import services
from icommit.cases.models import Case, CaseNote, Consent, ShareDecision
from tests.cases.conftest import CaseWorld, cw  # noqa: F401  (the fixture, used by name)
from tests.e2e.conftest import BrowserErrors, check_a11y, label, login, logout

pytestmark = pytest.mark.e2e

WIDTHS: list[ViewportSize] = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
WIDTH_IDS = ["1280", "390"]

CONCERN = "Shares right-wing propaganda in class and talks about joining a group."
QUESTIONS = [
    ("Is there acute danger to the person or to others?", "no", "No threats were made."),
    (
        "Is the concern about violence or support for violence, not about views or faith alone?",
        "yes",
        "He praises attacks.",
    ),
    (
        "Are there problems in more than one life domain (for example family, school or work, "
        "housing, health)?",
        "yes",
        "School and family.",
    ),
    ("Are several organisations needed to help?", "yes", "Exit work and the youth office."),
    ("Is a criminal investigation open?", "unclear", ""),
]
NOTE_TITLE = "First conversation with the client"
NOTE_TEXT = "He wants to leave the group but fears the reaction of his friends."
PHASES = ["Information gathering", "Assessment", "Case conference", "Agreement to support"]

NO_SIDEWAYS_SCROLL_JS = """() => {
  const page = document.documentElement;
  return page.scrollWidth <= page.clientWidth + 1;
}"""


def main_heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def status_message(page: Page) -> Any:
    return page.get_by_role("status")


def check_page(page: Page) -> None:
    """axe clean, and nothing scrolls sideways at the page's width."""
    check_a11y(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), f"{page.url} scrolls sideways"


def case_of(cw: CaseWorld) -> Case:
    return Case.objects.get(team=cw.team)


# --- 1. from referral to consent ------------------------------------------------------------------


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_a_case_from_referral_to_consent(
    page: Page, live_server: Any, cw: CaseWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    cases_url = f"/teams/{cw.team.pk}/cases/"

    # the school refers a person, and sees the stage of its referral only
    login(page, live_server, cw.teacher.email)
    page.goto(cases_url)
    expect(main_heading(page)).to_have_text(f"Cases of {cw.team.name}")
    check_page(page)
    page.get_by_role("link", name="Refer a person").click()
    expect(main_heading(page)).to_have_text("Refer a person")
    check_page(page)
    page.get_by_label(label("Your concern")).fill(CONCERN)
    page.get_by_label(label("Gender")).select_option(label="male")
    page.get_by_label(label("Age band")).select_option(label="18–20")
    page.get_by_label(label("Phenomenon")).select_option(label="violent right-wing extremism")
    page.get_by_label(label("Setting")).select_option(label="community")
    page.get_by_role("button", name="Send the referral").click()
    expect(status_message(page)).to_contain_text("The referral was received.")
    case = case_of(cw)
    expect(main_heading(page)).to_have_text(f"Referral {case.number}")
    status = page.get_by_role("region", name="Status")
    expect(status.locator("dd").nth(1)).to_have_text("Referred")
    expect(page.get_by_text(CONCERN)).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("open the case"))).to_have_count(0)
    check_page(page)
    logout(page)

    # the case manager triages it from the list and accepts it
    login(page, live_server, cw.manager.email)
    page.goto(cases_url)
    waiting = page.get_by_role("region", name="Referrals waiting for triage")
    check_page(page)
    waiting.get_by_role("link", name=f"Referral {case.number}").click()
    expect(main_heading(page)).to_have_text(f"Triage of referral {case.number}")
    expect(page.get_by_text(CONCERN)).to_be_visible()
    check_page(page)
    for question, answer, why in QUESTIONS:
        group = page.get_by_role("group", name=question)
        group.get_by_label(answer, exact=True).check()
        if why:
            page.get_by_role("textbox", name=f"Why: {question}").fill(why)
    page.get_by_label("Accept: a case for joint work").check()
    page.get_by_label(label("Lead organisation")).select_option(label="Exit counselling")
    page.get_by_label(label("Case manager")).select_option(label=str(cw.manager))
    page.get_by_label(label("Purpose of the case")).fill("Support leaving the scene")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    expect(status_message(page)).to_contain_text(f"Triage of {case.number} decided: Accepted.")
    expect(main_heading(page)).to_contain_text(f"Case {case.number}")
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_contain_text("Accepted")
    expect(summary).to_contain_text("Exit counselling")
    expect(summary).to_contain_text("Support leaving the scene")
    check_page(page)
    case.refresh_from_db()
    assert case.triage_answers["acute_danger"] == {"answer": "no", "why": "No threats were made."}
    assert case.lead_organisation == cw.exit and case.case_manager == cw.manager

    # the youth office joins the case
    page.get_by_role("link", name="Add or remove organisations").click()
    expect(main_heading(page)).to_have_text(f"Organisations taking part in case {case.number}")
    check_page(page)
    page.get_by_label(label("Organisation")).select_option(label="Youth office")
    page.get_by_label(label("Why it is needed")).fill("Family support")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_load_state()
    expect(status_message(page)).to_contain_text("The organisation takes part in the case now.")
    expect(page.locator("main .case-rows")).to_contain_text("Youth office")
    check_page(page)
    page.get_by_role("link", name="Back to the case").click()

    # through the stages to the agreement to support, with the move form
    for phase in PHASES:
        move = page.locator("form.case-move")
        move.get_by_label(label("Next stage")).select_option(label=phase)
        move.get_by_label(label("Note")).fill(f"Ready for {phase.lower()}.")
        move.get_by_role("button", name="Move").click()
        page.wait_for_load_state()
        expect(status_message(page)).to_contain_text(f"The case is now in “{phase}”.")
        expect(page.get_by_role("region", name="Summary")).to_contain_text(phase)
        expect(page.get_by_role("heading", name=f"What “{phase}” means")).to_be_visible()
        check_page(page)
    case.refresh_from_db()
    assert case.stage == "consent"

    # a note, recorded under professional secrecy: only the exit counselling sees it
    page.get_by_role("link", name="Record a note").click()
    expect(main_heading(page)).to_have_text("Record a note")
    check_page(page)
    page.get_by_label(label("Title")).fill(NOTE_TITLE)
    page.get_by_label(label("Text")).fill(NOTE_TEXT)
    page.get_by_label(label("Data category")).select_option(label="Social situation")
    page.get_by_label("Professional secrecy (§ 203(1) StGB)").check()
    page.get_by_role("button", name="Save the note").click()
    page.wait_for_load_state()
    expect(main_heading(page)).to_have_text(NOTE_TITLE)
    expect(status_message(page)).to_contain_text("Only your organisation (Exit counselling)")
    expect(page.get_by_text(NOTE_TEXT)).to_be_visible()
    check_page(page)
    page.get_by_role("link", name=f"Back to case {case.number}").click()
    notes = page.get_by_role("region", name="Notes and documents")
    expect(notes.get_by_role("link", name=NOTE_TITLE, exact=True)).to_be_visible()
    expect(notes).to_contain_text("Only your organisation sees this.")
    check_page(page)

    # a release from confidentiality towards the youth office, for the social situation
    page.get_by_role("link", name="Consents: record or withdraw").click()
    expect(main_heading(page)).to_have_text("Consents")
    check_page(page)
    form = page.get_by_role("form", name="Record a consent")
    form.get_by_label("Release from confidentiality", exact=True).check()
    form.get_by_label(label("Professional released")).fill("Exit counsellor")
    form.get_by_role("group", name="Recipients (organisations of the team)").get_by_label(
        "Youth office"
    ).check()
    form.get_by_role("group", name="Data categories covered").get_by_label(
        "Social situation"
    ).check()
    form.get_by_label(label("Purpose")).fill("Family support by the youth office")
    form.get_by_label("The client", exact=True).check()
    form.get_by_label("In writing", exact=True).check()
    form.get_by_role("button", name="Record the consent").click()
    page.wait_for_load_state()
    expect(status_message(page)).to_contain_text("Recorded: release from confidentiality.")
    releases = page.get_by_role("region", name="Release from confidentiality")
    expect(releases).to_contain_text("Exit counselling (Exit counsellor) → Youth office")
    expect(releases).to_contain_text("in effect")
    check_page(page)
    consent = Consent.objects.get(case=case, kind="release")
    assert list(consent.recipients.all()) == [cw.youth]
    assert consent.categories == ["situation"]

    # the note, shared with the youth office on that release
    page.get_by_role("link", name=f"Back to case {case.number}").click()
    notes = page.get_by_role("region", name="Notes and documents")
    notes.get_by_role("link", name=f"Share {NOTE_TITLE}").click()
    expect(main_heading(page)).to_have_text(f"Share “{NOTE_TITLE}”")
    check_page(page)
    page.get_by_role("checkbox", name="Youth office").check()
    page.get_by_label(label("Purpose")).fill("Family support")
    page.get_by_label("Consent or release on file", exact=True).check()
    page.get_by_role("combobox", name="Which consent or release").select_option(
        label="release from confidentiality given to Exit counselling: Social situation to "
        "Youth office, for Family support by the youth office"
    )
    page.get_by_role("group", name="Is the client informed of this share?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Share", exact=True).click()
    page.wait_for_load_state()
    expect(status_message(page)).to_contain_text("Shared with Youth office.")
    expect(main_heading(page)).to_have_text(NOTE_TITLE)
    audience = page.get_by_role("region", name="Who sees this")
    expect(audience).to_contain_text(
        "Exit counselling (the organisation this comes from), Youth office."
    )
    check_page(page)
    decision = ShareDecision.objects.get(case=case)
    assert decision.consent == consent and list(decision.organisations.all()) == [cw.youth]

    # the ledger shows the decision
    audience.get_by_role("link", name="Sharing ledger").click()
    expect(main_heading(page)).to_have_text("Sharing ledger")
    entry = page.locator(".case-ledger > li").filter(
        has=page.get_by_role("heading", name=re.compile(NOTE_TITLE))
    )
    expect(entry).to_have_count(1)
    expect(entry.get_by_role("heading")).to_contain_text("active")
    expect(entry).to_contain_text("Youth office")
    expect(entry).to_contain_text("Family support")
    expect(entry).to_contain_text("release from confidentiality")
    check_page(page)

    # the case page says with whom the note is shared now
    page.get_by_role("link", name=f"Back to case {case.number}").click()
    expect(page.get_by_role("region", name="Notes and documents")).to_contain_text(
        "Shared now with: Youth office"
    )
    check_page(page)


# --- 2. police does not see what was not shared with police ---------------------------------------


@pytest.fixture
def police_case(cw: CaseWorld) -> tuple[Case, CaseNote, CaseNote]:
    """A case police takes part in; one note shared with the youth office only, and one note
    not shared yet that the lead will share with police."""
    case = cw.working()
    for_youth = services.note_create(
        actor=cw.counsellor,
        case=case,
        organisation=cw.exit,
        title="Conflict with the father",
        text="The father hits him when he is drunk.",
        category="situation",
        secrecy="none",
    )
    services.item_share(
        actor=cw.counsellor,
        case=case,
        item=for_youth,
        organisations=[cw.youth],
        purpose="Family support",
        basis="protocol",
        client_informed=True,
    )
    for_police = services.note_create(
        actor=cw.counsellor,
        case=case,
        organisation=cw.exit,
        title="Wants to leave the group",
        text="He asks for protection when he leaves.",
        category="situation",
        secrecy="professional",
    )
    return case, for_youth, for_police


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_police_does_not_see_a_note_not_shared_with_police(
    page: Page,
    live_server: Any,
    cw: CaseWorld,
    police_case: tuple[Case, CaseNote, CaseNote],
    browser_errors: BrowserErrors,
    viewport: ViewportSize,
) -> None:
    browser_errors.allow(r"status of 404")  # the unshared note's address answers 404
    case, for_youth, for_police = police_case
    case_url = f"/teams/{cw.team.pk}/cases/{case.pk}/"
    page.set_viewport_size(viewport)

    login(page, live_server, cw.officer.email)
    page.goto(f"/teams/{cw.team.pk}/cases/")
    page.get_by_role("link", name=case.number).click()
    expect(main_heading(page)).to_contain_text(f"Case {case.number}")
    notes = page.get_by_role("region", name="Notes and documents")
    expect(notes).to_contain_text("No notes you may read yet.")
    for note in (for_youth, for_police):
        expect(page.get_by_text(note.title)).to_have_count(0)
        expect(page.get_by_text(note.text)).to_have_count(0)
    check_page(page)

    response = page.goto(f"{case_url}notes/{for_youth.pk}/")
    assert response is not None and response.status == 404
    expect(main_heading(page)).to_have_text("Not found")
    expect(page.get_by_text(for_youth.title)).to_have_count(0)
    expect(page.get_by_text(for_youth.text)).to_have_count(0)
    check_page(page)
    logout(page)

    # the lead records a release covering police and shares the other note with police
    login(page, live_server, cw.manager.email)
    page.goto(f"{case_url}consents/")
    form = page.get_by_role("form", name="Record a consent")
    form.get_by_label("Release from confidentiality", exact=True).check()
    form.get_by_role("group", name="Recipients (organisations of the team)").get_by_label(
        "Police"
    ).check()
    form.get_by_label(label("Professional released")).fill("Exit counsellor")
    form.get_by_role("group", name="Data categories covered").get_by_label(
        "Social situation"
    ).check()
    form.get_by_label(label("Purpose")).fill("Protection when leaving the group")
    form.get_by_label("The client", exact=True).check()
    form.get_by_label("In writing", exact=True).check()
    form.get_by_role("button", name="Record the consent").click()
    page.wait_for_load_state()
    expect(status_message(page)).to_contain_text("Recorded: release from confidentiality.")
    check_page(page)
    page.goto(case_url)
    page.get_by_role("region", name="Notes and documents").get_by_role(
        "link", name=f"Share {for_police.title}"
    ).click()
    expect(main_heading(page)).to_have_text(f"Share “{for_police.title}”")
    page.get_by_role("checkbox", name="Police").check()
    page.get_by_label(label("Purpose")).fill("Protection when leaving the group")
    page.get_by_label("Consent or release on file", exact=True).check()
    page.get_by_role("combobox", name="Which consent or release").select_option(
        label="release from confidentiality given to Exit counselling: Social situation to "
        "Police, for Protection when leaving the group"
    )
    page.get_by_role("group", name="Is the client informed of this share?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Share", exact=True).click()
    page.wait_for_load_state()
    expect(status_message(page)).to_contain_text("Shared with Police.")
    check_page(page)
    logout(page)

    # police sees that note, and still not the other one
    login(page, live_server, cw.officer.email)
    page.goto(case_url)
    notes = page.get_by_role("region", name="Notes and documents")
    expect(notes.get_by_role("link", name=for_police.title, exact=True)).to_be_visible()
    expect(page.get_by_text(for_youth.title)).to_have_count(0)
    check_page(page)
    notes.get_by_role("link", name=for_police.title, exact=True).click()
    expect(main_heading(page)).to_have_text(for_police.title)
    expect(page.get_by_text(for_police.text)).to_be_visible()
    expect(page.get_by_role("region", name="Received from another organisation")).to_contain_text(
        "Exit counselling shared this with your organisation."
    )
    check_page(page)
    response = page.goto(f"{case_url}notes/{for_youth.pk}/")
    assert response is not None and response.status == 404
    expect(main_heading(page)).to_have_text("Not found")


# --- 3. the keyboard alone ------------------------------------------------------------------------

FOCUSED_JS = "(selector) => document.activeElement && document.activeElement.matches(selector)"


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_JS, selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


@pytest.mark.parametrize("viewport", WIDTHS, ids=WIDTH_IDS)
def test_the_referral_and_move_forms_work_with_the_keyboard_alone(
    page: Page, live_server: Any, cw: CaseWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    login(page, live_server, cw.teacher.email)
    page.goto(f"/teams/{cw.team.pk}/cases/refer/")
    check_page(page)
    tab_to(page, "textarea[name=concern]")
    page.keyboard.type(CONCERN)
    tab_to(page, "select[name=gender]")
    page.keyboard.type("female")  # typing selects the option that starts so
    tab_to(page, "select[name=age_band]")
    page.keyboard.press("ArrowDown")
    tab_to(page, "input[name=family_only]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=family_only]")).to_be_checked()
    page.keyboard.press("Space")
    expect(page.locator("input[name=family_only]")).not_to_be_checked()
    tab_to(page, "form.case-referral button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(status_message(page)).to_contain_text("The referral was received.")
    case = case_of(cw)
    expect(main_heading(page)).to_have_text(f"Referral {case.number}")
    check_page(page)
    assert case.client.gender == "female"
    assert case.referral_text == CONCERN
    assert not case.family_only
    logout(page)

    services.triage_decide(
        actor=cw.manager,
        case=case,
        outcome="accepted",
        lead_organisation=cw.exit,
        case_manager=cw.manager,
        purpose="Support leaving the scene",
    )
    login(page, live_server, cw.manager.email)
    page.goto(f"/teams/{cw.team.pk}/cases/{case.pk}/")
    tab_to(page, "form.case-move select[name=target]")
    expect(page.locator("form.case-move select[name=target]")).to_have_value(
        "information_gathering"
    )
    tab_to(page, "form.case-move textarea[name=note]")
    page.keyboard.type("Consent to gather information is given.")
    tab_to(page, "form.case-move button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(status_message(page)).to_contain_text("The case is now in “Information gathering”.")
    check_page(page)
    # the next move, submitted with Space on the button
    tab_to(page, "form.case-move select[name=target]")
    tab_to(page, "form.case-move button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(status_message(page)).to_contain_text("The case is now in “Assessment”.")
    case.refresh_from_db()
    assert case.stage == "assessment"
