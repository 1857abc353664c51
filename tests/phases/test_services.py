"""Task states, moves between phases, derived versions: who may, what is kept, what is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.models import AuditEvent
from icommit.methodology.content import default_model
from icommit.phases import selectors, services
from icommit.phases.models import PhaseModelVersion, PhaseMove, PhaseProgress, TaskState
from icommit.teams.models import Team
from tests.conftest import World
from tests.phases.conftest import complete_phase


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def test_a_new_team_is_in_exploration_without_anything_stored(world: World) -> None:
    tp = selectors.team_phase(team=world.team)
    assert tp.phase.key == "exploration" and tp.phase.number == 1 and tp.total == 5
    assert tp.readiness.percent == 0
    assert tp.version.pk is None and tp.version.revision == 0
    assert not PhaseProgress.objects.exists() and not PhaseModelVersion.objects.exists()


def test_the_first_change_stores_the_shipped_version_once_and_audits(world: World) -> None:
    state = services.phase_task_update(
        actor=world.coordinator,
        team=world.team,
        task_id="exploration.mandate",
        state="in_progress",
    )
    services.phase_task_update(
        actor=world.coordinator,
        team=world.team,
        task_id="exploration.problem-analysis",
        state="done",
        evidence="Analysis of 3 March",
    )
    assert state.state == "in_progress"
    shipped = PhaseModelVersion.objects.get()
    model = default_model()
    assert (shipped.key, shipped.version, shipped.team_id) == ("msc-default", 2, None)
    assert shipped.content_hash == model.content_hash
    assert shipped.definition == model.to_dict()
    assert _actions()[-3:] == ["phases.start", "phases.task_update", "phases.task_update"]
    event = AuditEvent.objects.filter(action="phases.task_update").order_by("seq").last()
    assert event is not None and event.team_id == world.team.pk
    assert event.detail.data["state"] == ["open", "done"]


def test_done_needs_evidence_and_not_applicable_a_reason(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.phase_task_update(
            actor=world.coordinator,
            team=world.team,
            task_id="exploration.mandate",
            state="done",
            evidence="   ",
        )
    assert "evidence" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.phase_task_update(
            actor=world.coordinator,
            team=world.team,
            task_id="exploration.mandate",
            state="not_applicable",
        )
    assert "reason" in caught.value.details
    assert not TaskState.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="phases.").exists()


def test_evidence_is_kept_only_while_done(world: World) -> None:
    kwargs: dict[str, Any] = {
        "actor": world.coordinator,
        "team": world.team,
        "task_id": "exploration.mandate",
    }
    services.phase_task_update(**kwargs, state="done", evidence="Council decision 12/2026")
    state = services.phase_task_update(**kwargs, state="in_progress", evidence="ignored")
    assert (state.state, state.evidence, state.reason) == ("in_progress", "", "")
    state = services.phase_task_update(**kwargs, state="not_applicable", reason="Mandate by law")
    assert (state.evidence, state.reason) == ("", "Mandate by law")


def test_an_unchanged_state_is_not_audited_again(world: World) -> None:
    kwargs: dict[str, Any] = {
        "actor": world.coordinator,
        "team": world.team,
        "task_id": "exploration.mandate",
    }
    services.phase_task_update(**kwargs, state="done", evidence="Decision")
    before = AuditEvent.objects.count()
    services.phase_task_update(**kwargs, state="done", evidence="Decision")
    assert AuditEvent.objects.count() == before


def test_tasks_of_other_phases_and_unknown_tasks_are_refused(world: World) -> None:
    with pytest.raises(Conflict):
        services.phase_task_update(
            actor=world.coordinator, team=world.team, task_id="setup.charter", state="in_progress"
        )
    with pytest.raises(NotFound):
        services.phase_task_update(
            actor=world.coordinator, team=world.team, task_id="setup.nothing", state="in_progress"
        )
    with pytest.raises(ValidationFailed):
        services.phase_task_update(
            actor=world.coordinator, team=world.team, task_id="exploration.mandate", state="half"
        )


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("member", Forbidden),
        ("observer", Forbidden),
        ("admin", Forbidden),
        ("outsider", NotFound),
        ("other_coordinator", NotFound),
    ],
)
def test_only_the_coordinator_changes_anything(world: World, who: str, error: type) -> None:
    user = getattr(world, who)
    with pytest.raises(error):
        services.phase_task_update(
            actor=user, team=world.team, task_id="exploration.mandate", state="in_progress"
        )
    with pytest.raises(error):
        services.phase_move(actor=user, team=world.team, direction="forward", reason="x")
    with pytest.raises(error):
        services.phase_model_derive(
            actor=user,
            team=world.team,
            changes=[{"op": "drop", "task": "exploration.existing-networks"}],
            note="x",
        )
    assert (
        not PhaseProgress.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="phases.").exists()
    )


def test_an_archived_team_changes_no_more(world: World) -> None:
    Team.objects.filter(pk=world.team.pk).update(archived_at=timezone.now())
    world.team.refresh_from_db()
    with pytest.raises(Forbidden):
        services.phase_task_update(
            actor=world.coordinator,
            team=world.team,
            task_id="exploration.mandate",
            state="in_progress",
        )


def test_moving_on_with_the_gate_met_needs_no_reason(world: World) -> None:
    complete_phase(world, "exploration")
    move = services.phase_move(
        actor=world.coordinator, team=world.team, direction="forward", expected_phase="exploration"
    )
    assert (move.from_key, move.to_key, move.gate_met, move.readiness) == (
        "exploration",
        "setup",
        True,
        100,
    )
    assert PhaseProgress.objects.get(team=world.team).phase_key == "setup"
    event = AuditEvent.objects.get(action="phases.move")
    assert event.actor_id == world.coordinator.pk and event.team_id == world.team.pk
    assert event.detail.data["to"] == "setup" and event.detail.data["gate_met"] is True


def test_moving_on_without_the_gate_needs_a_reason_and_records_it(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.phase_move(actor=world.coordinator, team=world.team, direction="forward")
    assert "reason" in caught.value.details
    assert not PhaseMove.objects.exists()
    move = services.phase_move(
        actor=world.coordinator,
        team=world.team,
        direction="forward",
        reason="The mandate is promised for next month.",
    )
    assert move.gate_met is False and move.readiness == 0
    assert move.reason == "The mandate is promised for next month."


def test_moving_back_needs_a_reason_and_states_are_kept(team_in_setup: World) -> None:
    world = team_in_setup
    with pytest.raises(ValidationFailed):
        services.phase_move(actor=world.coordinator, team=world.team, direction="back")
    services.phase_move(
        actor=world.coordinator,
        team=world.team,
        direction="back",
        reason="Two organisations left; the map must be redone.",
    )
    tp = selectors.team_phase(team=world.team)
    assert tp.phase.key == "exploration" and tp.readiness.met
    assert [(e.move.from_key, e.move.to_key) for e in tp.history] == [
        ("setup", "exploration"),
        ("exploration", "setup"),
    ]


def test_no_move_beyond_either_end_and_no_unknown_direction(world: World) -> None:
    with pytest.raises(Conflict):
        services.phase_move(actor=world.coordinator, team=world.team, direction="back", reason="x")
    with pytest.raises(ValidationFailed):
        services.phase_move(
            actor=world.coordinator, team=world.team, direction="sideways", reason="x"
        )
    for _ in range(4):
        services.phase_move(
            actor=world.coordinator, team=world.team, direction="forward", reason="fast"
        )
    with pytest.raises(Conflict):
        services.phase_move(
            actor=world.coordinator, team=world.team, direction="forward", reason="x"
        )


def test_a_stale_form_does_not_move_the_team_twice(world: World) -> None:
    services.phase_move(
        actor=world.coordinator,
        team=world.team,
        direction="forward",
        reason="x",
        expected_phase="exploration",
    )
    with pytest.raises(Conflict):
        services.phase_move(
            actor=world.coordinator,
            team=world.team,
            direction="forward",
            reason="x",
            expected_phase="exploration",
        )
    assert PhaseMove.objects.count() == 1


def test_deriving_a_version_keeps_the_shipped_one_and_the_task_states(team_in_setup: World) -> None:
    world = team_in_setup
    services.phase_task_update(
        actor=world.coordinator,
        team=world.team,
        task_id="setup.chair",
        state="done",
        evidence="Council decision",
    )
    shipped = PhaseModelVersion.objects.get(team=None)
    version = services.phase_model_derive(
        actor=world.coordinator,
        team=world.team,
        changes=[
            {"op": "reword", "task": "setup.chair", "title": "Appoint two co-chairs"},
            {"op": "add", "phase": "setup", "title": "Visit the school", "evidence": "Notes"},
        ],
        note="Our city works with two co-chairs.",
    )
    assert (version.parent_id, version.team_id, version.revision) == (shipped.pk, world.team.pk, 1)
    assert [c["op"] for c in version.changes] == ["reword", "add"]
    shipped.refresh_from_db()
    assert shipped.definition == default_model().to_dict()
    tp = selectors.team_phase(team=world.team)
    assert tp.version.pk == version.pk
    chair = next(t for t in tp.tasks if t.id == "setup.chair")
    assert chair.title == "Appoint two co-chairs" and chair.state == "done"
    assert tp.tasks[-1].id == "setup.local-1" and tp.tasks[-1].origin == "added"
    # a second adaptation derives from the first
    second = services.phase_model_derive(
        actor=world.coordinator,
        team=world.team,
        changes=[{"op": "drop", "task": "setup.local-1"}],
        note="The school joined the team instead.",
    )
    assert second.parent_id == version.pk and second.revision == 2
    event = AuditEvent.objects.filter(action="phases.derive").order_by("seq").last()
    assert event is not None and event.detail.data["note"] == "The school joined the team instead."


def test_deriving_needs_a_note(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.phase_model_derive(
            actor=world.coordinator,
            team=world.team,
            changes=[{"op": "drop", "task": "exploration.existing-networks"}],
            note=" ",
        )
    assert "note" in caught.value.details
    assert not PhaseModelVersion.objects.exists()


def test_a_changed_shipped_file_under_the_same_number_is_refused(world: World) -> None:
    model = default_model()
    services.shipped_version_store(model)
    PhaseModelVersion.objects.filter(team=None).update(content_hash="0" * 64)
    with pytest.raises(Conflict, match="new version"):
        services.phase_task_update(
            actor=world.other_coordinator,
            team=world.other_team,
            task_id="exploration.mandate",
            state="in_progress",
        )


def test_readiness_follows_the_task_states(team_in_setup: World) -> None:
    world = team_in_setup
    gate = default_model().phase("setup").gate.tasks
    services.phase_task_update(
        actor=world.coordinator, team=world.team, task_id=gate[0], state="done", evidence="E"
    )
    services.phase_task_update(
        actor=world.coordinator,
        team=world.team,
        task_id=gate[1],
        state="not_applicable",
        reason="R",
    )
    tp = selectors.team_phase(team=world.team)
    assert (tp.readiness.done, tp.readiness.required) == (1, len(gate) - 1)
    assert tp.readiness.percent == 100 // (len(gate) - 1)


def test_phase_summary_says_where_each_team_stands(team_in_setup: World) -> None:
    world = team_in_setup
    for task_id in ["setup.chair", "setup.members", "setup.role-profiles", "setup.charter"]:
        services.phase_task_update(
            actor=world.coordinator, team=world.team, task_id=task_id, state="done", evidence="E"
        )
    summary = selectors.phase_summary(world.team, "en")
    assert summary == {
        "number": 2,
        "total": 5,
        "key": "setup",
        "title": "Set-up",
        "tasks_done": 4,
        "tasks_total": 16,
        "readiness": 50,
        "gate_met": False,
        "model_version": "MSC phase model, version 2, as shipped",
        "adapted": False,
    }
    assert selectors.phase_summary(world.team, "de")["title"] == "Aufbau"
    both = selectors.phase_summaries([world.team, world.other_team], "en")
    assert both[world.other_team.pk]["key"] == "exploration"
    assert both[world.other_team.pk]["tasks_done"] == 0


def test_phase_summaries_take_the_same_queries_for_two_teams_or_ten(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import TeamFactory

    complete_phase(world, "exploration")
    services.phase_model_derive(
        actor=world.coordinator,
        team=world.team,
        changes=[{"op": "drop", "task": "exploration.existing-networks"}],
        note="n",
    )
    with CaptureQueriesContext(connection) as two:
        selectors.phase_summaries([world.team, world.other_team])
    teams = [world.team, world.other_team, *TeamFactory.create_batch(8)]
    with CaptureQueriesContext(connection) as ten:
        summaries = selectors.phase_summaries(teams, "en")
    assert len(ten) == len(two) <= 3
    assert summaries[world.team.pk]["adapted"] is True
    assert summaries[world.team.pk]["readiness"] == 100
    assert summaries[teams[-1].pk]["title"] == "Exploration"
