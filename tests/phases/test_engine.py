"""The pure rules: readiness for a gate, task counts, neighbouring phases, local adaptations."""

from __future__ import annotations

import pytest

from icommit.core.exceptions import ValidationFailed
from icommit.methodology.content import default_model
from icommit.phases import engine

GATE = ["a", "b", "c", "d"]


def test_readiness_with_nothing_done_is_zero() -> None:
    r = engine.readiness(GATE, {})
    assert (r.percent, r.done, r.required, r.met) == (0, 0, 4, False)
    assert r.missing == ("a", "b", "c", "d")


def test_readiness_counts_only_done_tasks() -> None:
    r = engine.readiness(GATE, {"a": "done", "b": "in_progress", "c": "open"})
    assert (r.percent, r.done, r.required) == (25, 1, 4)
    assert r.missing == ("b", "c", "d")
    assert not r.met


def test_not_applicable_tasks_leave_the_denominator() -> None:
    r = engine.readiness(GATE, {"a": "done", "b": "not_applicable"})
    assert (r.percent, r.done, r.required, r.not_applicable) == (33, 1, 3, 1)


def test_the_gate_is_met_only_when_every_gate_task_is_done_or_not_applicable() -> None:
    almost = engine.readiness(GATE, {"a": "done", "b": "done", "c": "done"})
    assert almost.percent == 75 and not almost.met
    met = engine.readiness(GATE, {"a": "done", "b": "done", "c": "done", "d": "not_applicable"})
    assert met.percent == 100 and met.met and met.missing == ()


def test_percent_rounds_down_so_100_means_done() -> None:
    gate = [str(i) for i in range(6)]
    r = engine.readiness(gate, {str(i): "done" for i in range(5)})
    assert r.percent == 83 and not r.met


def test_a_gate_of_only_not_applicable_tasks_is_met() -> None:
    r = engine.readiness(["a"], {"a": "not_applicable"})
    assert (r.percent, r.required, r.met) == (100, 0, True)


def test_states_of_tasks_outside_the_gate_do_not_count() -> None:
    r = engine.readiness(["a"], {"a": "open", "x": "done", "y": "done"})
    assert (r.percent, r.done) == (0, 0)


def test_task_counts_leave_out_not_applicable_tasks() -> None:
    counts = engine.task_counts(
        ["a", "b", "c", "d", "e"],
        {"a": "done", "b": "done", "c": "in_progress", "d": "not_applicable"},
    )
    assert counts == engine.TaskCounts(done=2, in_progress=1, not_applicable=1, total=4)


def test_neighbours_stop_at_the_ends() -> None:
    keys = ["x", "y", "z"]
    assert engine.neighbour(keys, "x", -1) is None
    assert engine.neighbour(keys, "x", +1) == "y"
    assert engine.neighbour(keys, "z", +1) is None
    assert engine.neighbour(keys, "z", -1) == "y"


# --- adaptations ----------------------------------------------------------------------------


def test_adding_a_task_gives_it_a_local_id_and_optionally_a_place_in_the_gate() -> None:
    model = default_model()
    new, applied = engine.apply_changes(
        model,
        [
            {"op": "add", "phase": "setup", "title": "Visit  the school", "evidence": "Notes"},
            {"op": "add", "phase": "setup", "title": "Meet", "evidence": "Minutes", "gate": True},
        ],
        revision=4,
    )
    setup = new.phase("setup")
    assert [t.id for t in setup.tasks][-2:] == ["setup.local-4", "setup.local-4-2"]
    added = setup.task("setup.local-4")
    assert added is not None and added.origin == "added"
    assert added.title == {"en": "Visit the school", "de": "Visit the school"}
    assert "setup.local-4-2" in setup.gate.tasks and "setup.local-4" not in setup.gate.tasks
    assert applied[1] == {
        "op": "add",
        "phase": "setup",
        "task": "setup.local-4-2",
        "title": "Meet",
        "evidence": "Minutes",
        "gate": True,
    }
    # the shipped model is untouched
    assert model.phase("setup").task("setup.local-4") is None
    assert new.content_hash != model.content_hash


def test_dropping_a_task_removes_it_from_the_gate() -> None:
    new, _ = engine.apply_changes(
        default_model(), [{"op": "drop", "task": "setup.legal-basis"}], revision=1
    )
    setup = new.phase("setup")
    assert setup.task("setup.legal-basis") is None
    assert "setup.legal-basis" not in setup.gate.tasks
    assert len(setup.tasks) == len(default_model().phase("setup").tasks) - 1


def test_rewording_keeps_the_id_and_unchanged_parts() -> None:
    model = default_model()
    new, _ = engine.apply_changes(
        model,
        [{"op": "reword", "task": "setup.chair", "title": "Appoint two co-chairs"}],
        revision=1,
    )
    task = new.phase("setup").task("setup.chair")
    assert task is not None and task.origin == "reworded"
    assert task.title["de"] == "Appoint two co-chairs"
    assert task.evidence == model.phase("setup").task("setup.chair").evidence  # type: ignore[union-attr]


def test_a_task_can_join_or_leave_the_gate() -> None:
    new, _ = engine.apply_changes(
        default_model(),
        [
            {"op": "gate", "task": "setup.members", "required": True},
            {"op": "gate", "task": "setup.chair", "required": False},
        ],
        revision=1,
    )
    gate = new.phase("setup").gate.tasks
    assert "setup.members" in gate and "setup.chair" not in gate
    # gate order follows the task order
    assert gate.index("setup.members") < gate.index("setup.role-profiles")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"op": "add", "phase": "nowhere", "title": "T", "evidence": "E"}, "phase"),
        ({"op": "add", "phase": "setup", "title": " ", "evidence": "E"}, "title"),
        ({"op": "add", "phase": "setup", "title": "T", "evidence": ""}, "evidence"),
        ({"op": "add", "phase": "setup", "title": "T" * 201, "evidence": "E"}, "title"),
        ({"op": "drop", "task": "setup.nothing"}, "task"),
        ({"op": "reword", "task": "setup.chair"}, "title"),
        ({"op": "gate", "task": "setup.chair", "required": True}, "task"),
        ({"op": "rename"}, "op"),
    ],
)
def test_bad_changes_are_refused_with_the_field(change: dict, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        engine.apply_changes(default_model(), [change], revision=1)
    assert field in caught.value.details


def test_a_phase_keeps_at_least_one_gate_task() -> None:
    gate = default_model().phase("exploration").gate.tasks
    drops = [{"op": "drop", "task": t} for t in gate]
    with pytest.raises(ValidationFailed, match="only task of the gate"):
        engine.apply_changes(default_model(), drops, revision=1)


def test_no_changes_or_too_many_are_refused() -> None:
    with pytest.raises(ValidationFailed):
        engine.apply_changes(default_model(), [], revision=1)
    many = [{"op": "add", "phase": "setup", "title": "T", "evidence": "E"}] * 51
    with pytest.raises(ValidationFailed):
        engine.apply_changes(default_model(), many, revision=1)
