"""Journey 1.6 in a browser: the coordinator ticks the remaining set-up tasks with evidence and
moves the team on to operation; members see the result but no forms. Axe on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from icommit.methodology.content import default_model
from icommit.phases import services
from icommit.phases.models import PhaseMove, TaskState
from tests.conftest import World
from tests.e2e.conftest import BrowserErrors, check_a11y, label, login, logout

pytestmark = pytest.mark.e2e


@pytest.fixture
def team_in_setup(world: World) -> World:
    """The team finished exploration and has done two of the six set-up gate tasks."""
    for task_id in default_model().phase("exploration").gate.tasks:
        services.phase_task_update(
            actor=world.coordinator, team=world.team, task_id=task_id, state="done", evidence="E"
        )
    services.phase_move(actor=world.coordinator, team=world.team, direction="forward")
    for task_id in ("setup.chair", "setup.role-profiles"):
        services.phase_task_update(
            actor=world.coordinator,
            team=world.team,
            task_id=task_id,
            state="done",
            evidence="Done in the first meeting",
        )
    return world


def _tick(page: Page, task_id: str, evidence: str) -> None:
    task = page.locator(f"#task-{task_id.replace('.', '-')}")
    if task.locator("details").get_attribute("open") is None:
        task.locator("summary").click()
    task.get_by_label(label("State")).select_option("done")
    task.get_by_label(label("Evidence")).fill(evidence)
    task.get_by_role("button", name="Save task").click()
    page.wait_for_load_state()


def test_the_coordinator_ticks_the_set_up_tasks_and_moves_the_team_on(
    page: Page, live_server: Any, team_in_setup: World, browser_errors: BrowserErrors
) -> None:
    world = team_in_setup
    browser_errors.allow(r"status of 422")  # the refused form answers 422
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/phases/")
    expect(page.get_by_role("heading", level=2, name="Phase 2 of 5: Set-up")).to_be_visible()
    expect(page.locator("#readiness-label")).to_contain_text("Readiness for the gate: 33 %")
    expect(page.locator("progress")).to_have_attribute("value", "33")
    check_a11y(page)

    # done without evidence is refused next to the field
    task = page.locator("#task-setup-legal-basis")
    task.locator("summary").click()
    task.get_by_label(label("State")).select_option("done")
    task.get_by_role("button", name="Save task").click()
    page.wait_for_load_state()
    expect(page.locator("#task-setup-legal-basis")).to_contain_text(
        "Say what shows that the task is done"
    )
    check_a11y(page)

    remaining = ["setup.legal-basis", "setup.sharing-protocol", "setup.referral-criteria"]
    for task_id in remaining:
        _tick(page, task_id, f"Confirmed in the team meeting ({task_id})")
    expect(page.get_by_role("status")).to_contain_text("Task saved.")
    expect(page.locator("#readiness-label")).to_contain_text("83 %")
    check_a11y(page)

    _tick(page, "setup.charter", "Charter version 1 confirmed by all members")
    expect(page.locator("#readiness-label")).to_contain_text("Readiness for the gate: 100 %")
    expect(page.get_by_text("The gate tasks are met.")).to_be_visible()

    page.get_by_role("button", name="Move on to Operation").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("The team is now in phase 3: Operation.")
    expect(page.get_by_role("heading", level=2, name="Phase 3 of 5: Operation")).to_be_visible()
    history = page.get_by_role("table")
    expect(history.get_by_role("row").nth(1)).to_contain_text("Set-up → Operation")
    expect(history.get_by_role("row").nth(1)).to_contain_text("met")
    expect(page.locator("[aria-current=step]")).to_contain_text("Operation")
    check_a11y(page)

    move = PhaseMove.objects.order_by("-moved_at").first()
    assert move is not None and (move.to_key, move.gate_met) == ("operation", True)
    assert TaskState.objects.get(team=world.team, task_id="setup.charter").evidence.startswith(
        "Charter version 1"
    )

    # members see the new phase and the evidence, but no forms
    logout(page)
    login(page, live_server, world.member.email)
    page.goto(f"/teams/{world.team.pk}/phases/")
    expect(page.get_by_role("heading", level=2, name="Phase 3 of 5: Operation")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Save task"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Move on"))).to_have_count(0)
    check_a11y(page)


def test_the_coordinator_adapts_the_model_and_moves_back_with_a_reason(
    page: Page, live_server: Any, team_in_setup: World, browser_errors: BrowserErrors
) -> None:
    world = team_in_setup
    browser_errors.allow(r"status of 422")  # the refused form answers 422
    login(page, live_server, world.coordinator.email)
    page.goto(f"/teams/{world.team.pk}/phases/")
    page.get_by_role("link", name="Adapt the model for this team").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adapt the phase model")
    check_a11y(page)

    form = page.locator("form").filter(has=page.get_by_role("heading", name="Add a task"))
    form.get_by_label(label("Phase")).select_option(label="Set-up")
    form.get_by_label(label("Task")).fill("Introduce the team to the school heads")
    form.get_by_label(label("What counts as evidence")).fill("Minutes of the heads' meeting")
    form.get_by_label(label("Required for the gate")).check()
    form.get_by_label(label("Why the team adds this task")).fill("Schools refer most cases.")
    form.get_by_role("button", name="Add the task").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table")).to_contain_text("Introduce the team to the school heads")
    check_a11y(page)

    page.get_by_role("link", name="Phases").click()
    page.wait_for_load_state()
    expect(page.get_by_text("added by the team")).to_be_visible()
    expect(page.locator("#readiness-label")).to_contain_text("2 of 7 gate tasks done")

    page.locator("summary", has_text="Move the team back to Exploration").click()
    back = page.locator("form.phase-move").filter(has_text="Move back to Exploration")
    back.get_by_role("button", name="Move back to Exploration").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Say why the team moves back.")).to_be_visible()
    check_a11y(page)
    back = page.locator("form.phase-move").filter(has_text="Move back to Exploration")
    back.get_by_label(label("Reason")).fill("The police left; the map must be redone.")
    back.get_by_role("button", name="Move back to Exploration").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=2, name="Phase 1 of 5: Exploration")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("The police left")
    check_a11y(page)
