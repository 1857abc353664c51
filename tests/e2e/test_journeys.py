"""User journeys in a real browser: every page visited is also checked with axe."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Locator, Page, expect

from icommit.access.roles import PlatformRole
from icommit.accounts.models import User
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector
from icommit.teams.models import Invitation, Team, TeamMembership
from tests.conftest import World
from tests.e2e.conftest import (
    BrowserErrors,
    check_a11y,
    ensure_authenticator,
    label,
    login,
    logout,
    totp_code,
)
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, grant, member_of

pytestmark = pytest.mark.e2e


def german(text: str) -> str:
    """The German translation of ``text`` as the running server would render it."""
    with translation.override("de"):
        return translation.gettext(text)


def main_heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


# --- 1. logging in ---------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(page: Page, live_server: Any, world: World) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(main_heading(page)).to_have_text("Log in to icommit")
    check_a11y(page)


def test_wrong_password_does_not_reveal_whether_account_exists(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.member.email, "not the right password")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    known_account_error = alert.inner_text().strip()
    assert "not correct" in known_account_error
    check_a11y(page)

    login(page, live_server, "nobody-here@test.org", "not the right password")
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    assert alert.inner_text().strip() == known_account_error
    check_a11y(page)


def test_right_password_lands_on_home(page: Page, live_server: Any, world: World) -> None:
    login(page, live_server, world.member.email)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name=world.team.name)).to_be_visible()
    expect(page.get_by_role("link", name=world.other_team.name)).to_have_count(0)
    check_a11y(page)


def test_static_files_are_served(page: Page, live_server: Any, world: World) -> None:
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(r.url, r.status))
    login(page, live_server, world.member.email)
    css = [u for u in statuses if u.endswith("icommit/icommit.css")]
    htmx = [u for u in statuses if "htmx" in u and u.endswith(".js")]
    assert css and all(statuses[u] == 200 for u in css), statuses
    assert htmx and all(statuses[u] == 200 for u in htmx), statuses
    # The stylesheet applies (brand colour on the header) and htmx runs under the CSP.
    header_bg = page.locator("header.site-header").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert header_bg == "rgb(11, 83, 148)"
    assert page.evaluate("typeof window.htmx") == "object"


def test_first_login_enrols_an_authenticator(page: Page, live_server: Any, world: World) -> None:
    from django_otp.oath import TOTP

    newcomer = UserFactory(email="fresh@test.org", full_name="Fiona Fresh")
    member_of(newcomer, world.police)
    page.goto("/accounts/login/")
    page.get_by_label(label("Email")).fill(newcomer.email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/mfa/"))
    expect(main_heading(page)).to_have_text("Set up two-factor authentication")
    expect(page.locator(".qr svg")).to_be_visible()
    check_a11y(page)

    # Pages other than enrolment stay closed until the second factor is set up.
    page.goto("/teams/")
    expect(page).to_have_url(re.compile(r"/accounts/mfa/\?next=%2Fteams%2F$"))

    secret = page.locator("code.secret").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    page.get_by_label(label("Code from the app")).fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(main_heading(page)).to_have_text("Your recovery codes")
    expect(page.locator("ul.codes li")).to_have_count(10)
    check_a11y(page)

    page.get_by_role("link", name=re.compile("continue")).click()
    expect(page).to_have_url(f"{live_server.url}/teams/")
    check_a11y(page)


def test_second_factor_is_asked_at_login(page: Page, live_server: Any, world: World) -> None:
    ensure_authenticator(world.member.email)
    page.goto("/accounts/login/")
    page.get_by_label(label("Email")).fill(world.member.email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(main_heading(page)).to_have_text("Confirm it is you")
    check_a11y(page)
    page.get_by_label(label("Code")).fill(
        "000000" if totp_code(world.member.email) != "000000" else "111111"
    )
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_label(label("Code"))).to_have_attribute("aria-invalid", "true")
    check_a11y(page)
    # django-otp refuses every code for a second after a wrong one (throttling).
    page.wait_for_timeout(1200)
    page.get_by_label(label("Code")).fill(totp_code(world.member.email))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{live_server.url}/")
    check_a11y(page)


# --- 2. switching language -------------------------------------------------------------------


def switch_language(page: Page, language_name: str) -> None:
    form = page.locator("form.language-form")
    form.get_by_label(re.compile(r"^(Language|Sprache)$")).select_option(label=language_name)
    form.get_by_role("button").click()
    page.wait_for_load_state()


def assert_german(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "de")
    teams = german("Teams")
    home = german("Home")
    nav = page.get_by_role("navigation", name=german("Main"))
    # Asserted on translated text only once the German catalogue translates these strings.
    if home != "Home":
        expect(nav.get_by_role("link", name=home)).to_be_visible()
    if teams != "Teams":
        expect(nav.get_by_role("link", name=teams)).to_be_visible()
    switch = german("Switch")
    expect(page.locator("form.language-form button")).to_have_text(switch)
    if urlsplit(page.url).path == "/" and german("Your teams") != "Your teams":
        expect(page.get_by_role("heading", name=german("Your teams"))).to_be_visible()


def language_cookie(page: Page) -> str | None:
    for cookie in page.context.cookies():
        if cookie["name"] == "icommit_language":
            return cookie["value"]
    return None


def test_switching_language_to_german(page: Page, live_server: Any, world: World) -> None:
    login(page, live_server, world.member.email)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, "Deutsch")
    expect(page).to_have_url(f"{live_server.url}/")
    assert_german(page)
    assert language_cookie(page) == "de"
    world.member.refresh_from_db()
    assert world.member.language == "de"
    check_a11y(page)

    # The choice holds on the next page load.
    page.goto("/teams/")
    assert_german(page)
    check_a11y(page)


def test_language_choice_survives_logging_out_and_in(
    page: Page, live_server: Any, world: World
) -> None:
    login(page, live_server, world.member.email)
    switch_language(page, "Deutsch")
    assert_german(page)
    logout(page)
    login(page, live_server, world.member.email)
    expect(page).to_have_url(f"{live_server.url}/")
    assert_german(page)
    check_a11y(page)


def test_switching_back_to_english(page: Page, live_server: Any, world: World) -> None:
    login(page, live_server, world.member.email)
    switch_language(page, "Deutsch")
    assert_german(page)
    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    assert language_cookie(page) == "en"
    check_a11y(page)


TEAM_FOUNDER = PlatformRole.TEAM_FOUNDER

# --- 3. creating a team ----------------------------------------------------------------------


def test_confirmed_member_creates_a_team(page: Page, live_server: Any, world: World) -> None:
    founder = grant(UserFactory(email="nina@test.org", full_name="Nina Newteam"), TEAM_FOUNDER)
    member_of(founder, world.municipality)
    login(page, live_server, founder.email)
    check_a11y(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams").click()
    expect(main_heading(page)).to_have_text("MSC teams")
    check_a11y(page)

    page.get_by_role("link", name="New team").click()
    expect(main_heading(page)).to_have_text("New MSC team")
    check_a11y(page)

    page.get_by_label(label("Name")).fill("Gamma MSC")
    page.get_by_label(label("City")).fill("Leipzig")
    page.get_by_label(label("Country")).fill("DE")
    scope = page.get_by_label(label("Forms of extremism the team works on"))
    scope.select_option(index=1)
    coordinator = page.get_by_label(label("Coordinator"))
    options = coordinator.locator("option:not([value=''])")
    expect(options).to_have_count(1)
    expect(options).to_have_text("Nina Newteam — Municipality")
    coordinator.select_option(label="Nina Newteam — Municipality")
    page.get_by_role("button", name="Save").click()

    team = Team.objects.get(name="Gamma MSC")
    expect(page).to_have_url(f"{live_server.url}/teams/{team.pk}/")
    expect(main_heading(page)).to_have_text("Gamma MSC")
    expect(page.get_by_role("status")).to_contain_text("Team created.")
    members = page.get_by_role("table", name="Team members")
    expect(members.get_by_role("row", name=re.compile("Nina Newteam"))).to_contain_text(
        "Coordinator"
    )
    check_a11y(page)


def test_team_form_errors_are_accessible(page: Page, live_server: Any, world: World) -> None:
    grant(world.coordinator, TEAM_FOUNDER)
    login(page, live_server, world.coordinator.email)
    page.goto("/teams/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-invalid").first).to_be_visible()
    check_a11y(page)


# --- 4. adding members -----------------------------------------------------------------------


@pytest.fixture
def youth_welfare(world: World) -> Organisation:
    org = OrganisationFactory(name="Youth Welfare", sector=Sector.SOCIAL_SERVICES)
    member_of(UserFactory(email="paula@test.org", full_name="Paula Person"), org)
    member_of(UserFactory(email="pending@test.org", full_name="Pete Pending"), org, confirmed=False)
    return org


def test_coordinator_adds_organisation_and_member(
    page: Page, live_server: Any, world: World, youth_welfare: Organisation
) -> None:
    login(page, live_server, world.coordinator.email)
    page.get_by_role("link", name=world.team.name).click()
    expect(main_heading(page)).to_have_text(world.team.name)
    check_a11y(page)

    add_org = page.get_by_role("form", name="Add an organisation")
    add_org.get_by_label(label("Organisation")).select_option(label="Youth Welfare")
    add_org.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_role("status")).to_contain_text("Youth Welfare now takes part in the team.")
    participating = page.get_by_role("region", name="Participating organisations")
    expect(participating.get_by_role("link", name="Youth Welfare")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="Add a member or invite someone new").click()
    check_a11y(page)
    add_member = page.get_by_role("form", name="Add a member")
    person = add_member.get_by_label(label("Person"))
    # Only confirmed people of participating organisations are offered.
    expect(person.locator("option", has_text="Paula Person")).to_have_count(1)
    expect(person.locator("option", has_text="Pete Pending")).to_have_count(0)
    person.select_option(label="Paula Person — Youth Welfare")
    add_member.get_by_label(label("Team role")).select_option(label="Observer")
    add_member.get_by_role("button", name="Add member").click()

    expect(page.get_by_role("status")).to_contain_text("Paula Person was added to the team.")
    row = page.get_by_role("table", name="Team members").get_by_role(
        "row", name=re.compile("Paula Person")
    )
    expect(row).to_contain_text("Youth Welfare")
    expect(row.get_by_role("combobox")).to_have_value("observer")
    assert TeamMembership.objects.filter(
        team=world.team, user__email="paula@test.org", role="observer", ended_at__isnull=True
    ).exists()
    check_a11y(page)


def test_coordinator_invites_someone_new(page: Page, live_server: Any, world: World) -> None:
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/")
    page.get_by_role("link", name="Add a member or invite someone new").click()
    invite = page.get_by_role("form", name="Invite someone new")
    invite.get_by_label(label("Email")).fill("newcomer@test.org")
    invite.get_by_label(label("Organisation")).select_option(label="Police")
    invite.get_by_label(label("Team role")).select_option(label="Member")
    invite.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("status")).to_contain_text("Invitation sent to newcomer@test.org.")
    open_invitations = page.get_by_role("heading", name="Open invitations")
    expect(open_invitations).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="newcomer@test.org")).to_contain_text(
        "Police"
    )
    assert Invitation.objects.filter(team=world.team, email="newcomer@test.org").exists()
    check_a11y(page)


def test_invalid_invitation_rerenders_accessibly(
    page: Page, live_server: Any, world: World, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(r"status of 422")  # the page re-renders with the errors, as 422
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/members/new/")
    invite = page.get_by_role("form", name="Invite someone new")
    invite.get_by_label(label("Email")).fill("not-an-email")
    invite.get_by_role("button", name="Send invitation").click()

    invite = page.get_by_role("form", name="Invite someone new")
    email = invite.get_by_label(label("Email"))
    expect(email).to_have_value("not-an-email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("valid email"))
    organisation = invite.get_by_label(label("Organisation"))
    expect(organisation).to_have_attribute("aria-invalid", "true")
    expect(organisation).to_have_accessible_description(re.compile("required"))
    # The other forms on the page stay untouched.
    expect(page.get_by_role("form", name="Add a member").locator("[aria-invalid]")).to_have_count(0)
    assert not Invitation.objects.filter(team=world.team).exists()
    check_a11y(page)


# --- 5. other teams stay hidden --------------------------------------------------------------


def test_member_of_team_a_gets_404_for_team_b(
    page: Page, live_server: Any, world: World, browser_errors: BrowserErrors
) -> None:
    browser_errors.allow(r"status of 404")
    login(page, live_server, world.member.email)
    response = page.goto(f"/teams/{world.other_team.pk}/")
    assert response is not None and response.status == 404
    expect(main_heading(page)).to_have_text("Not found")
    expect(page.get_by_text(world.other_team.name)).to_have_count(0)
    check_a11y(page)


# --- 6. keyboard -----------------------------------------------------------------------------


FIRST_FOCUSABLE_JS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]';
  const all = [...document.querySelectorAll(selector)].filter(
    (el) => el.tabIndex >= 0 && !el.disabled
  );
  return all.length ? all[0].outerHTML : null;
}"""


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_skip_link_is_first_and_moves_focus_to_main(
    page: Page, live_server: Any, world: World, signed_in: bool
) -> None:
    if signed_in:
        login(page, live_server, world.member.email)
        page.goto("/teams/")
    else:
        page.goto("/accounts/login/")
    first = page.evaluate(FIRST_FOCUSABLE_JS)
    assert first is not None and 'class="skip-link"' in first, first
    skip = page.get_by_role("link", name="Skip to main content")
    if signed_in:
        # A page without autofocus: the first Tab reaches the skip link, which then shows.
        page.keyboard.press("Tab")
    else:
        # The login page autofocuses the email field; walk back to the top with the keyboard.
        expect(page.get_by_label(label("Email"))).to_be_focused()
        for _ in range(10):
            if page.evaluate("document.activeElement.classList.contains('skip-link')"):
                break
            page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    check_a11y(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # Tabbing on from main reaches content inside main, not the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


# --- other pages -----------------------------------------------------------------------------


def test_organisation_list(page: Page, live_server: Any, world: World) -> None:
    login(page, live_server, world.member.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    expect(main_heading(page)).to_have_text("Organisations")
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Municipality")).to_be_visible()
    expect(table.get_by_role("link", name="Police")).to_be_visible()
    check_a11y(page)
    page.get_by_role("search").get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    check_a11y(page)


def test_organisation_detail_as_org_admin(page: Page, live_server: Any, world: World) -> None:
    member_of(UserFactory(full_name="Una Unconfirmed"), world.municipality, confirmed=False)
    login(page, live_server, world.coordinator.email)
    page.goto(f"/organisations/{world.municipality.pk}/")
    expect(main_heading(page)).to_have_text("Municipality")
    people = page.get_by_role("table", name="People of this organisation")
    expect(people.get_by_role("row", name=re.compile("Cora Coordinator"))).to_be_visible()
    expect(people.get_by_role("button", name="Confirm Una Unconfirmed")).to_be_visible()
    check_a11y(page)


def test_profile(page: Page, live_server: Any, world: World) -> None:
    login(page, live_server, world.coordinator.email)
    page.locator("header").get_by_role("link", name=str(world.coordinator)).click()
    expect(main_heading(page)).to_have_text("Your profile")
    expect(page.get_by_role("link", name="Municipality")).to_be_visible()
    expect(page.get_by_role("link", name=world.team.name)).to_be_visible()
    check_a11y(page)


def test_audit_log_as_platform_admin(page: Page, live_server: Any, world: World) -> None:
    # Produce an event to show: a language change is audited.
    from icommit.accounts.services import user_set_language

    user_set_language(actor=User.objects.get(pk=world.admin.pk), language="de")
    user_set_language(actor=User.objects.get(pk=world.admin.pk), language="en")
    login(page, live_server, world.admin.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    expect(main_heading(page)).to_have_text("Audit log")
    expect(page.get_by_role("cell", name="Changed the language").first).to_be_visible()
    check_a11y(page)
    page.get_by_role("form", name="Find events").get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    check_a11y(page)


def test_check_a11y_reports_violations(browser: Browser) -> None:
    """The check itself works: unlabelled fields and duplicate ids fail it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<!DOCTYPE html><html lang="en"><title>t</title><main><h1>t</h1>'
            '<input type="text"></main></html>'
        )
        with pytest.raises(AssertionError, match="label"):
            check_a11y(page)
        page.set_content(
            '<!DOCTYPE html><html lang="en"><title>t</title><main><h1>t</h1>'
            '<p id="a">one</p><p id="a">two</p></main></html>'
        )
        with pytest.raises(AssertionError, match="duplicate ids"):
            check_a11y(page)
    finally:
        context.close()
