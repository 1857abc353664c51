"""The phase pages: what each role sees and may do, errors next to fields, flat query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icommit.phases import services
from icommit.phases.models import PhaseModelVersion, PhaseMove, TaskState
from tests.conftest import World
from tests.phases.conftest import complete_phase


def _url(world: World, name: str = "detail", **kwargs: str) -> str:
    return reverse(f"phases:{name}", kwargs={"team_pk": world.team.pk, **kwargs})


def test_the_phase_page_shows_phase_tasks_readiness_help_and_version(
    world: World, client_for
) -> None:
    response = client_for(world.member).get(_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Phase 1 of 5: Exploration" in page
    assert "Ask the city&#x27;s leadership, or the body responsible, for a mandate" in page
    assert "What counts as evidence: The written mandate" in page
    assert '<progress class="progress" max="100" value="0"' in page
    assert "Readiness for the gate: 0 %" in page
    assert "Why a city works in an MSC team" in page  # a training module by title
    assert "Organisations and their sectors" in page  # a tool by title
    assert "MSC phase model, version 2, as shipped" in page
    # a member sees no forms
    assert "Update this task" not in page and "Move the team on" not in page
    assert "Create a goal from this task" not in page


def test_the_coordinator_sees_the_forms(world: World, client_for) -> None:
    page = client_for(world.coordinator).get(_url(world)).content.decode()
    assert "Update this task" in page
    assert "Move the team on to Set-up" in page
    assert "Adapt the model for this team" in page
    assert "Create a goal from this task" in page
    assert "Move the team back" not in page  # nothing before the first phase


@pytest.mark.parametrize(("who", "status"), [("observer", 200), ("admin", 200), ("outsider", 404)])
def test_who_may_see_the_page(world: World, client_for, who: str, status: int) -> None:
    response = client_for(getattr(world, who)).get(_url(world))
    assert response.status_code == status
    if status == 200:
        assert "Update this task" not in response.content.decode()


def test_a_coordinator_of_another_team_gets_404(world: World, client_for) -> None:
    assert client_for(world.other_coordinator).get(_url(world)).status_code == 404


@pytest.mark.parametrize("who", ["member", "observer", "admin"])
def test_non_coordinators_cannot_change_anything(world: World, client_for, who: str) -> None:
    client = client_for(getattr(world, who))
    task = {"task_id": "exploration.mandate"}
    assert (
        client.post(_url(world, "task_update", **task), {"state": "done", "evidence": "E"})
    ).status_code == 403
    assert client.post(_url(world, "move"), {"direction": "forward"}).status_code == 403
    assert client.get(_url(world, "adapt")).status_code == 403
    assert client.post(_url(world, "goal_from_task", **task)).status_code == 403
    assert not TaskState.objects.exists() and not PhaseMove.objects.exists()


def test_done_without_evidence_is_shown_next_to_the_field(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    url = _url(world, "task_update", task_id="exploration.mandate")
    response = client.post(url, {"state": "done", "evidence": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Say what shows that the task is done" in page
    assert 'id="t-exploration-mandate-evidence"' in page
    assert not TaskState.objects.exists()
    response = client.post(url, {"state": "done", "evidence": "Council decision of 4 May"})
    assert response.status_code == 302
    assert response["Location"].endswith("#task-exploration-mandate")
    page = client.get(_url(world)).content.decode()
    assert "Council decision of 4 May" in page
    assert "Readiness for the gate: 25 %" in page


def test_a_task_of_another_phase_is_refused_with_a_message(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    response = client.post(
        _url(world, "task_update", task_id="setup.charter"), {"state": "in_progress"}
    )
    assert response.status_code == 302
    assert not TaskState.objects.exists()
    assert "not one of the current phase" in client.get(_url(world)).content.decode()


def test_moving_on_before_the_gate_needs_a_reason(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    data = {"direction": "forward", "expected_phase": "exploration", "reason": ""}
    response = client.post(_url(world, "move"), data)
    assert response.status_code == 422
    assert "Say why the team moves on anyway" in response.content.decode()
    assert not PhaseMove.objects.exists()
    response = client.post(_url(world, "move"), {**data, "reason": "Mandate promised"})
    assert response.status_code == 302
    page = client.get(_url(world)).content.decode()
    assert "Phase 2 of 5: Set-up" in page
    assert "Mandate promised" in page and "not met (0 %)" in page


def test_moving_on_with_the_gate_met_and_back(world: World, client_for) -> None:
    complete_phase(world, "exploration")
    client = client_for(world.coordinator)
    response = client.post(
        _url(world, "move"), {"direction": "forward", "expected_phase": "exploration"}
    )
    assert response.status_code == 302
    page = client.get(_url(world)).content.decode()
    assert "Phase 2 of 5: Set-up" in page
    assert "Move the team back to Exploration" in page
    response = client.post(
        _url(world, "move"), {"direction": "back", "expected_phase": "setup", "reason": ""}
    )
    assert response.status_code == 422
    response = client.post(
        _url(world, "move"),
        {"direction": "back", "expected_phase": "setup", "reason": "Police left the team"},
    )
    assert response.status_code == 302
    assert PhaseMove.objects.count() == 2


def test_a_stale_move_form_is_refused_with_a_message(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    data = {"direction": "forward", "expected_phase": "exploration", "reason": "Go"}
    assert client.post(_url(world, "move"), data).status_code == 302
    assert client.post(_url(world, "move"), data).status_code == 302
    assert PhaseMove.objects.count() == 1
    assert "has changed in the meantime" in client.get(_url(world)).content.decode()


def test_adapting_the_model_from_the_page(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    page = client.get(_url(world, "adapt")).content.decode()
    assert "Add a task" in page and "has not adapted the model yet" in page
    response = client.post(
        _url(world, "adapt"),
        {"op": "add", "phase": "exploration", "title": "Visit the youth centre", "evidence": ""},
    )
    assert response.status_code == 422
    assert not PhaseModelVersion.objects.exists()
    response = client.post(
        _url(world, "adapt"),
        {
            "op": "add",
            "phase": "exploration",
            "title": "Visit the youth centre",
            "evidence": "Notes of the visit",
            "gate": "on",
            "note": "Young people meet there.",
        },
    )
    assert response.status_code == 302
    adapt_page = client.get(_url(world, "adapt")).content.decode()
    assert "Added the task “Visit the youth centre”, required for the gate." in adapt_page
    assert "adapted by the team (adaptation 1)" in adapt_page
    detail = client.get(_url(world)).content.decode()
    assert "Visit the youth centre" in detail and "added by the team" in detail
    assert "0 of 5 gate tasks done" in detail
    response = client.post(
        _url(world, "adapt"),
        {"op": "reword", "task": "exploration.mandate", "title": "Ask the mayor", "note": "Local"},
    )
    assert response.status_code == 302
    response = client.post(
        _url(world, "adapt"),
        {"op": "drop", "task": "exploration.existing-networks", "note": "No networks yet"},
    )
    assert response.status_code == 302
    assert PhaseModelVersion.objects.filter(team=world.team).count() == 3
    detail = client.get(_url(world)).content.decode()
    assert "Ask the mayor" in detail and "adaptation 3" in detail


def test_a_goal_is_created_from_a_phase_task(world: World, client_for) -> None:
    from icommit.plans.models import Goal

    client = client_for(world.coordinator)
    response = client.post(_url(world, "goal_from_task", task_id="exploration.mandate"))
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "plans:goal", kwargs={"team_pk": world.team.pk, "pk": goal.pk}
    )
    assert (goal.source_kind, goal.source_ref, goal.phase_key) == (
        "phase_task",
        "exploration.mandate",
        "exploration",
    )
    assert goal.title.startswith("Ask the city's leadership")
    assert goal.source_label == goal.title
    assert client.post(_url(world, "goal_from_task", task_id="nothing.here")).status_code == 404


def test_a_goal_from_a_phase_task_is_linked_and_the_plan_shows_where_it_came_from(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    from django.utils.html import escape

    from icommit.plans.models import Goal, PlanLink

    client = client_for(world.coordinator)
    client.post(_url(world, "goal_from_task", task_id="exploration.mandate"))
    goal = Goal.objects.get()
    link = PlanLink.objects.get()
    assert (link.source_kind, link.source_id, link.goal, link.action) == (
        "phase_task",
        "exploration.mandate",
        goal,
        None,
    )
    page = client.get(reverse("plans:goal", kwargs={"team_pk": world.team.pk, "pk": goal.pk}))
    assert f"{escape(goal.source_label)} (Phase task)" in page.content.decode()


def _grow(world: World, tasks: int, moves: int) -> None:
    services.phase_model_derive(
        actor=world.coordinator,
        team=world.team,
        changes=[
            {"op": "add", "phase": "exploration", "title": f"Task {i}", "evidence": "E"}
            for i in range(tasks)
        ],
        note="grow",
    )
    phase = "exploration"
    for i in range(moves):
        direction = "forward" if phase == "exploration" else "back"
        services.phase_move(
            actor=world.coordinator, team=world.team, direction=direction, reason=f"move {i}"
        )
        phase = "setup" if phase == "exploration" else "exploration"
    for task_id in [f"exploration.local-{n}" for n in (1,)]:
        services.phase_task_update(
            actor=world.coordinator, team=world.team, task_id=task_id, state="done", evidence="E"
        )


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_page_query_count_does_not_grow_with_tasks_or_history(
    world: World, client_for, who: str
) -> None:
    client = client_for(getattr(world, who))
    _grow(world, tasks=1, moves=2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(world)).status_code == 200
    _grow(world, tasks=40, moves=30)
    for i in range(2, 20):
        services.phase_task_update(
            actor=world.coordinator,
            team=world.team,
            task_id=f"exploration.local-2-{i}",
            state="in_progress",
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(_url(world))
    assert response.status_code == 200
    assert response.content.decode().count('class="card phase-task') > 45
    assert PhaseMove.objects.count() == 32
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_adapt_page_query_count_does_not_grow_with_versions(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    _grow(world, tasks=1, moves=0)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url(world, "adapt")).status_code == 200
    for i in range(10):
        services.phase_model_derive(
            actor=world.coordinator,
            team=world.team,
            changes=[{"op": "add", "phase": "setup", "title": f"T{i}", "evidence": "E"}],
            note="more",
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(_url(world, "adapt")).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
