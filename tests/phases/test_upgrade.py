"""Moving a team from version 1 of the phase model to version 2: the team keeps its phase, the
gates it passed and its task states; the what-changed page and the API list the differences."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from django.urls import reverse

from icommit.core.exceptions import Conflict, Forbidden, NotFound
from icommit.core.models import AuditEvent
from icommit.methodology.content import default_model
from icommit.phases import engine, selectors, services
from icommit.phases.models import PhaseMove, PhaseProgress, TaskState
from tests.conftest import World
from tests.phases.conftest import done as _done
from tests.phases.conftest import shipped_v1 as _v1


def _progress(world: World) -> PhaseProgress:
    return PhaseProgress.objects.select_related("model_version").get(team=world.team)


# --- what changed (pure) ----------------------------------------------------------------------


def test_compare_lists_added_removed_and_changed_tasks_by_phase() -> None:
    v1, v2 = _v1(), default_model()
    diffs = {d.key: d for d in engine.compare(v1, v2)}
    assert [d.task.id for d in diffs["setup"].added] == [
        "setup.steering-group",
        "setup.scope",
        "setup.data-protection",
        "setup.client-information",
        "setup.incident-procedures",
        "setup.risk-register",
        "setup.baseline-diagnostics",
    ]
    assert not any(d.removed for d in diffs.values())  # v2 keeps every v1 task
    changed = {d.task.id: d for d in diffs["setup"].changed}
    assert (
        changed["setup.legal-basis"].text_changed and not changed["setup.legal-basis"].gate_changed
    )
    assert "setup.chair" not in changed  # the same text in both versions
    assert not diffs["consolidation"].added and not diffs["monitoring"].added
    assert diffs["setup"].new_gate_tasks == []  # the v2 gates require what v1 required


def test_compare_sees_removed_tasks_and_gate_changes() -> None:
    v1 = _v1()
    setup = v1.phase("setup")
    gate = replace(setup.gate, tasks=(*setup.gate.tasks, "setup.members"))
    tasks = tuple(t for t in setup.tasks if t.id != "setup.dissent-rules")
    other = replace(
        v1,
        phases=tuple(
            replace(setup, tasks=tasks, gate=gate) if p.key == "setup" else p for p in v1.phases
        ),
    )
    (diff,) = [d for d in engine.compare(v1, other) if d.key == "setup"]
    assert [d.task.id for d in diff.removed] == ["setup.dissent-rules"]
    (members,) = diff.changed
    assert members.task.id == "setup.members" and members.gate_changed and members.in_gate
    assert [t.id for t in diff.new_gate_tasks] == ["setup.members"]


def test_carrying_adaptations_keeps_ids_and_only_what_the_team_changed() -> None:
    v1, v2 = _v1(), default_model()
    history = [
        (
            v1,
            [
                {
                    "op": "add",
                    "phase": "operation",
                    "task": "operation.local-1",
                    "title": "Invite housing",
                    "evidence": "Minutes",
                    "gate": True,
                },
                {
                    "op": "reword",
                    "task": "setup.legal-basis",
                    "title": v1.phase("setup").task("setup.legal-basis").title["en"],
                    "evidence": "Our own evidence",
                },  # type: ignore[union-attr]
                {"op": "drop", "task": "exploration.existing-networks"},
                {"op": "reword", "task": "setup.gone", "title": "X", "evidence": "Y"},
            ],
        )
    ]
    carried = engine.carry_adaptations(v2, history)
    operation = carried.model.phase("operation")
    added = operation.task("operation.local-1")
    assert (
        added is not None
        and added.origin == "added"
        and "operation.local-1" in operation.gate.tasks
    )
    legal = carried.model.phase("setup").task("setup.legal-basis")
    assert legal is not None and legal.evidence["de"] == "Our own evidence"
    # the title was not reworded by the team: v2's own bilingual title stays
    assert legal.title == v2.phase("setup").task("setup.legal-basis").title  # type: ignore[union-attr]
    assert carried.model.phase("exploration").task("exploration.existing-networks") is None
    assert [c["task"] for c in carried.skipped] == ["setup.gone"]
    assert len(carried.applied) == 3


# --- the service ------------------------------------------------------------------------------


def test_moving_to_v2_keeps_the_phase_the_passed_gates_and_the_task_states(
    v1_in_operation: World,
) -> None:
    world = v1_in_operation
    before_states = dict(TaskState.objects.filter(team=world.team).values_list("task_id", "state"))
    before_moves = list(
        PhaseMove.objects.filter(team=world.team).values_list(
            "pk", "from_key", "to_key", "gate_met"
        )
    )
    entered = _progress(world).entered_at
    version = services.phase_model_upgrade(actor=world.coordinator, team=world.team)
    progress = _progress(world)
    assert (version.key, version.version, version.team_id) == ("msc-default", 2, None)
    assert progress.model_version == version
    # the phase is the same, entered at the same time; no move was recorded or undone
    assert (progress.phase_key, progress.entered_at) == ("operation", entered)
    assert (
        list(
            PhaseMove.objects.filter(team=world.team).values_list(
                "pk", "from_key", "to_key", "gate_met"
            )
        )
        == before_moves
    )
    assert all(gate_met for *_rest, gate_met in before_moves)
    # every state carried over by task id, nothing added or reset
    assert (
        dict(TaskState.objects.filter(team=world.team).values_list("task_id", "state"))
        == before_states
    )
    tp = selectors.team_phase(team=world.team, language="en")
    assert tp.phase.key == "operation" and tp.version.version == 2
    states = {t.id: t.state for t in tp.tasks}
    assert states["operation.first-referrals"] == "done"
    assert states["operation.monitoring-cycle"] == "open"  # new in v2
    event = AuditEvent.objects.filter(action="phases.upgrade").get()
    assert event.team_id == world.team.pk
    assert event.detail.data["phase"] == "operation"
    assert "setup.steering-group" in event.detail.data["added"]
    assert event.detail.data["removed"] == []


def test_moving_never_reopens_a_gate_the_team_passed(
    v1_in_operation: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a newer version that adds gate tasks to passed phases leaves those gates passed."""
    world = v1_in_operation
    v2 = default_model()
    stricter = replace(
        v2,
        version=3,
        phases=tuple(
            replace(p, gate=replace(p.gate, tasks=(*p.gate.tasks, "setup.data-protection")))
            if p.key == "setup"
            else p
            for p in v2.phases
        ),
    )
    monkeypatch.setattr(services, "newest_shipped", lambda key: stricter)
    monkeypatch.setattr(selectors, "newest_shipped", lambda key: stricter)
    preview = selectors.upgrade_preview(team=world.team, language="en")
    assert preview is not None
    setup = next(p for p in preview.phases if p.key == "setup")
    assert setup.position == "past" and setup.new_gate_tasks
    services.phase_model_upgrade(actor=world.coordinator, team=world.team)
    progress = _progress(world)
    assert progress.phase_key == "operation" and progress.model_version.version == 3
    assert PhaseMove.objects.filter(team=world.team).count() == 2
    summary = selectors.phase_summary(world.team, "en")
    assert summary["key"] == "operation"  # readiness is the current gate's, not set-up's
    # the team moves on from operation by its own gate only; set-up's new task stays open
    _done(world, *stricter.phase("operation").gate.tasks)
    services.phase_move(actor=world.coordinator, team=world.team, direction="forward")
    assert _progress(world).phase_key == "monitoring"
    assert PhaseMove.objects.filter(team=world.team).first().gate_met  # type: ignore[union-attr]
    assert not TaskState.objects.filter(team=world.team, task_id="setup.data-protection").exists()


def test_an_adapted_team_keeps_its_adaptations_and_their_states(v1_in_operation: World) -> None:
    world = v1_in_operation
    derived = services.phase_model_derive(
        actor=world.coordinator,
        team=world.team,
        changes=[
            {"op": "add", "phase": "operation", "title": "Invite housing", "evidence": "Minutes"},
            {"op": "reword", "task": "operation.plans", "title": "Agree a plan within two weeks"},
        ],
        note="Housing matters here.",
    )
    _done(world, "operation.local-1")
    version = services.phase_model_upgrade(
        actor=world.coordinator, team=world.team, note="Agreed on 3 May"
    )
    assert (version.version, version.revision, version.team_id) == (2, 2, world.team.pk)
    assert version.parent == services.shipped_version_store(default_model())
    assert version.note == "Agreed on 3 May"
    model = version.model()
    operation = model.phase("operation")
    assert operation.task("operation.local-1") is not None
    assert operation.task("operation.plans").title["de"] == "Agree a plan within two weeks"  # type: ignore[union-attr]
    assert operation.task("operation.monitoring-cycle") is not None
    tp = selectors.team_phase(team=world.team, language="en")
    assert {t.id: t.state for t in tp.tasks}["operation.local-1"] == "done"
    assert derived.revision == 1


def test_only_coordinators_move_and_only_to_a_newer_version(v1_in_operation: World) -> None:
    world = v1_in_operation
    for who in (world.member, world.observer, world.admin):
        with pytest.raises(Forbidden):
            services.phase_model_upgrade(actor=who, team=world.team)
    with pytest.raises(NotFound):  # another team's coordinator does not see the team
        services.phase_model_upgrade(actor=world.other_coordinator, team=world.team)
    with pytest.raises(Conflict):
        services.phase_model_upgrade(
            actor=world.coordinator, team=world.team, expected_hash="0" * 64
        )
    services.phase_model_upgrade(actor=world.coordinator, team=world.team)
    with pytest.raises(Conflict):
        services.phase_model_upgrade(actor=world.coordinator, team=world.team)
    assert AuditEvent.objects.filter(action="phases.upgrade").count() == 1


def test_a_new_team_follows_v2_and_is_offered_nothing(world: World) -> None:
    assert selectors.upgrade_preview(team=world.team) is None
    with pytest.raises(Conflict):
        services.phase_model_upgrade(actor=world.coordinator, team=world.team)
    assert not PhaseProgress.objects.filter(team=world.team).exists()  # a refusal stores nothing
    assert selectors.team_phase(team=world.team).version.version == 2


# --- the page ---------------------------------------------------------------------------------


def _url(world: World, name: str = "upgrade") -> str:
    return reverse(f"phases:{name}", kwargs={"team_pk": world.team.pk})


def test_the_what_changed_page_lists_the_differences_by_phase(
    v1_in_operation: World, client_for
) -> None:
    world = v1_in_operation
    detail = client_for(world.member).get(_url(world, "detail")).content.decode()
    assert "Version 2 of the model is available." in detail and "See what changes<" in detail
    page = client_for(world.coordinator).get(_url(world)).content.decode()
    assert "What version 2 of the phase model changes" in page
    assert "The team follows: MSC phase model, version 1, as shipped." in page
    assert "13 tasks added, 0 removed," in page
    assert "Phase 2: Set-up" in page and "passed" in page
    assert "Set up a strategic steering group" in page
    assert "Phase 3: Operation" in page and "current phase" in page
    assert "Look at the team&#x27;s process figures every quarter" in page
    # a changed task shows its former wording and the team's state
    assert "Before: Define the referral route" not in page  # same English text in both
    assert "Before: Write a short local problem analysis covering the phenomena, the age" in page
    assert "Your state carries over: Done" in page
    assert "Move the team to version 2</button>" in page
    assert 'name="expected_hash"' in page
    # a member reads it, without the form
    member = client_for(world.member).get(_url(world)).content.decode()
    assert "13 tasks added" in member and "Move the team to version 2</button>" not in member


def test_confirming_moves_the_team_and_says_it_stays_in_its_phase(
    v1_in_operation: World, client_for
) -> None:
    world = v1_in_operation
    client = client_for(world.coordinator)
    expected = _progress(world).model_version.content_hash
    response = client.post(_url(world), {"expected_hash": expected, "note": ""}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "The team now follows MSC phase model, version 2, as shipped. It stays in phase Operation."
        in page
    )
    assert "Phase 3 of 5: Operation" in page
    assert _progress(world).model_version.version == 2
    # nothing newer now: the page says so, and a second post too
    assert "This is the newest version" in client.get(_url(world)).content.decode()
    again = client.post(_url(world), {"expected_hash": expected}, follow=True)
    assert "already follows the newest version" in again.content.decode()


def test_a_stale_page_does_not_move_the_team(v1_in_operation: World, client_for) -> None:
    world = v1_in_operation
    response = client_for(world.coordinator).post(_url(world), {"expected_hash": "f" * 64})
    assert response.status_code == 302 and response["Location"] == _url(world)
    assert _progress(world).model_version.version == 1


@pytest.mark.parametrize("who", ["member", "observer", "admin"])
def test_non_coordinators_cannot_move_the_team(
    v1_in_operation: World, client_for, who: str
) -> None:
    world = v1_in_operation
    response = client_for(getattr(world, who)).post(_url(world), {"expected_hash": ""})
    assert response.status_code == 403
    assert _progress(world).model_version.version == 1


def test_outsiders_do_not_see_the_page(v1_in_operation: World, client_for) -> None:
    world = v1_in_operation
    assert client_for(world.outsider).get(_url(world)).status_code == 404
    assert client_for(world.other_coordinator).post(_url(world), {}).status_code == 404


# --- the API ----------------------------------------------------------------------------------


def _api(world: World) -> str:
    return f"/api/v1/teams/{world.team.pk}/phases/model/upgrade"


def _post(client: Any, url: str, body: dict) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_shows_the_differences_and_moves_the_team(
    v1_in_operation: World, client_for
) -> None:
    world = v1_in_operation
    data = client_for(world.observer).get(_api(world)).json()
    assert data["available"] and data["target_version"] == 2 and data["phase_key"] == "operation"
    assert data["counts"] == {"added": 13, "removed": 0, "changed": data["counts"]["changed"]}
    setup = next(p for p in data["phases"] if p["key"] == "setup")
    assert setup["position"] == "past"
    assert "setup.data-protection" in [t["id"] for t in setup["added"]]
    assert _post(client_for(world.member), _api(world), {}).status_code == 403
    moved = _post(
        client_for(world.coordinator), _api(world), {"expected_hash": data["expected_hash"]}
    )
    assert moved.status_code == 201, moved.content
    body = moved.json()
    assert body["phase_key"] == "operation" and body["model_version"]["version"] == 2
    assert len(body["history"]) == 2
    assert _post(client_for(world.coordinator), _api(world), {}).status_code == 409
    after = client_for(world.observer).get(_api(world))
    assert after.status_code == 200 and after.json()["available"] is False
    assert after.json()["current_label"] == "MSC phase model, version 2, as shipped"
