"""PDFs in a real browser: the button starts a background job, the progress page shows it and
offers the download; axe checks every page. (Tasks run inline in tests, so the job is done by
the time its page loads; the polling itself is covered in tests/teams.)"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from icommit.charters import services as charters
from icommit.core.models import Job
from icommit.plans import services as plans
from tests.conftest import World
from tests.e2e.conftest import check_a11y, label, login

pytestmark = pytest.mark.e2e


def test_a_member_downloads_the_charter_as_a_pdf_through_the_progress_page(
    page: Page, live_server: Any, world: World
) -> None:
    draft = charters.charter_draft_start(actor=world.coordinator, team=world.team)
    charters.charter_publish(actor=world.coordinator, draft=draft)
    login(page, live_server, world.member.email)
    page.goto(f"/teams/{world.team.pk}/charter/")
    check_a11y(page)
    page.get_by_role("button", name="Download as PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your file is ready")
    # and the page leads back to where the download was asked for
    expect(page.get_by_role("link", name="Back to where you started it")).to_be_visible()
    link = page.get_by_role("link", name=f"Download charter-{world.team.pk}-v1.pdf")
    expect(link).to_be_visible()
    check_a11y(page)
    with page.expect_download() as arrived:
        link.click()
    download = arrived.value
    assert download.suggested_filename == f"charter-{world.team.pk}-v1.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_plan_pdf_follows_a_filter_applied_in_place(
    page: Page, live_server: Any, world: World
) -> None:
    goal = plans.goal_create(actor=world.coordinator, team=world.team, title="Share safely")
    for title, owner in (
        ("Brief the police", world.police),
        ("Brief the city", world.municipality),
    ):
        plans.action_create(
            actor=world.coordinator, goal=goal, title=title, owner_organisation=owner
        )
    login(page, live_server, world.member.email)
    page.goto(f"/teams/{world.team.pk}/plan/")
    page.get_by_label(label("Owner organisation")).select_option(label="Police")
    page.get_by_role("button", name="Filter").click()  # htmx: the results change in place
    expect(page.get_by_role("status")).to_contain_text("filtered")
    check_a11y(page)
    page.get_by_role("button", name="Download PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your file is ready")
    expect(page.get_by_role("link", name=f"Download plan-team-{world.team.pk}.pdf")).to_be_visible()
    check_a11y(page)
    job = Job.objects.get(kind="plan.pdf")
    assert job.params["owner"] == world.police.pk
