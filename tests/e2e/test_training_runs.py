# ruff: noqa: F811  (the fixture rw imported from tests.training is a parameter of the tests)
"""A trainer runs a course in a real browser, at 1,280 and 390 px: sets up a run, adds two
sessions, enrols a learner and records attendance; the learner then sees the run on the
training home with what is still missing. axe checks every page visited, and no page scrolls
sideways. A second test walks the runs pages in English and German and keeps screenshots
(/tmp/shots/runs/)."""

from __future__ import annotations

import datetime
import os
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from icommit.training.models import Attendance, Enrolment, Run
from tests.e2e.conftest import check_a11y, label, login, logout
from tests.training.runs_world import RunsWorld, rw  # noqa: F401  (the fixture, used by name)

pytestmark = pytest.mark.e2e

WIDTHS: list[ViewportSize] = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
SHOTS = "/tmp/shots/runs"

NO_SIDEWAYS_SCROLL_JS = """() => {
  const page = document.documentElement;
  return page.scrollWidth <= page.clientWidth + 1;
}"""


def check_page(page: Page) -> None:
    check_a11y(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL_JS), f"{page.url} scrolls sideways"


@pytest.mark.parametrize("viewport", WIDTHS, ids=["1280", "390"])
def test_a_trainer_runs_a_course_and_the_learner_sees_what_is_missing(
    page: Page, live_server: Any, rw: RunsWorld, viewport: ViewportSize
) -> None:
    page.set_viewport_size(viewport)
    # the live server's first answer can take longer than a page load may on a busy machine
    page.goto(f"{live_server.url}/accounts/login/", timeout=120_000)
    login(page, live_server, rw.trainer.email)
    page.goto(f"{live_server.url}/training/")
    check_page(page)
    page.get_by_role("link", name="Set up a run", exact=True).click()
    check_page(page)
    page.get_by_role("link", name=re.compile(r"^Set up a run of Working together")).click()
    page.get_by_label(label("Title")).fill("Spring course Flensburg")
    page.get_by_label(label("City")).fill("Flensburg")
    today = timezone.localdate()
    page.get_by_label(label("First day")).fill((today - datetime.timedelta(days=3)).isoformat())
    page.get_by_label(label("Last day")).fill((today + datetime.timedelta(days=40)).isoformat())
    page.get_by_label(label("Team")).select_option(label="Kiel MSC")
    check_page(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring course Flensburg")
    run = Run.objects.get(title="Spring course Flensburg")
    check_page(page)
    for day, module in ((-1, 0), (6, 1)):
        page.get_by_role("link", name="Add a session").click()
        when = timezone.localdate() + datetime.timedelta(days=day)
        page.get_by_label(label("Date")).fill(when.isoformat())
        page.get_by_label(label("Starts at")).fill("09:30")
        page.get_by_label(label("Module")).select_option(run.modules[module])
        page.get_by_label(label("Place")).fill("Town hall")
        check_page(page)
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Session saved.")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Enrol people").click()
    page.get_by_label(label("Find people by name or e-mail")).fill("lena@example.org")
    page.get_by_role("button", name="Find").click()
    page.get_by_label("Lena Lorenz (lena@example.org)").check()
    check_page(page)
    page.get_by_role("button", name="Enrol", exact=True).click()
    expect(page.get_by_text("Enrolled: Lena Lorenz.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Attendance")).first.click()
    check_page(page)
    page.get_by_label("Lena Lorenz").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="1 / 2")).to_be_visible()
    check_page(page)
    enrolment = Enrolment.objects.get(run=run, learner=rw.learner)
    assert Attendance.objects.get(enrolment=enrolment).present
    logout(page)

    login(page, live_server, rw.learner.email)
    page.goto(f"{live_server.url}/training/")
    card = page.locator("article").filter(has_text="Spring course Flensburg")
    expect(card).to_contain_text("attend 1 more session")
    expect(card).to_contain_text("pass the knowledge check")
    expect(card).to_contain_text("trainer sign-off")
    check_page(page)
    card.get_by_role("link", name=re.compile("My standing in detail")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My standing")
    check_page(page)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text(re.compile("Training session on"))).to_have_count(2)
    check_page(page)


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)
    check_page(page)


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("viewport", WIDTHS, ids=["1280", "390"])
def test_the_runs_pages_in_both_languages(
    page: Page, live_server: Any, rw: RunsWorld, viewport: ViewportSize, language: str
) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/accounts/login/", timeout=120_000)
    rw.run.open_for_requests = True
    rw.run.save()
    tag = f"{language}-{viewport['width']}"

    def sign_in(email: str) -> None:
        page.context.clear_cookies()
        login(page, live_server, email)
        page.context.add_cookies(
            [{"name": "icommit_language", "value": language, "url": live_server.url}]
        )

    sign_in(rw.trainer.email)
    pages = {
        "home": "/training/",
        "courses": "/training/courses/",
        "course": "/training/courses/nonsec-cert/",
        "module": "/training/modules/msc-team.03-information-sharing/",
        "runs": "/training/runs/",
        "run_new": "/training/runs/new/?course=nonsec-cert",
        "run": f"/training/runs/{rw.run.pk}/",
        "vignette": f"/training/runs/{rw.run.pk}/vignettes/pupil-online/",
        "session": f"/training/runs/{rw.run.pk}/sessions/new/",
        "attendance": f"/training/runs/{rw.run.pk}/sessions/{rw.held.pk}/attendance/",
        "enrol": f"/training/runs/{rw.run.pk}/enrol/?q=otto",
        "learner": f"/training/runs/{rw.run.pk}/learners/{rw.enrolment.pk}/",
        "signoff": f"/training/runs/{rw.run.pk}/learners/{rw.enrolment.pk}/signoff/",
        "cancel": f"/training/runs/{rw.run.pk}/cancel/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        _shot(page, f"trainer-{name}-{tag}")
    sign_in(rw.outsider.email)
    page.goto(f"{live_server.url}/training/runs/{rw.run.pk}/join/")
    _shot(page, f"outsider-join-{tag}")
    sign_in(rw.learner.email)
    for name, path in (("home", "/training/"), ("run", f"/training/runs/{rw.run.pk}/")):
        page.goto(live_server.url + path)
        _shot(page, f"learner-{name}-{tag}")
