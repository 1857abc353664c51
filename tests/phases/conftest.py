"""Fixtures for the phase model: a copy of the shipped content to break, a team in set-up, and
a team that still follows version 1 of the model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from icommit.core.content import CONTENT_DIR
from icommit.methodology.content import default_model, shipped_model
from icommit.methodology.definition import PhaseModel
from icommit.phases import services
from icommit.phases.models import PhaseProgress
from tests.conftest import World


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped content folder, safe to break."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def complete_phase(world: World, key: str) -> None:
    """Mark every gate task of the team's current phase done, with evidence."""
    for task_id in default_model().phase(key).gate.tasks:
        services.phase_task_update(
            actor=world.coordinator,
            team=world.team,
            task_id=task_id,
            state="done",
            evidence=f"Evidence for {task_id}",
        )


@pytest.fixture
def team_in_setup(world: World) -> World:
    """world.team has completed exploration and moved on to set-up."""
    complete_phase(world, "exploration")
    services.phase_move(actor=world.coordinator, team=world.team, direction="forward")
    return world


V1 = ("msc-default", 1)


def shipped_v1() -> PhaseModel:
    """The published version 1 of the default model."""
    model = shipped_model(*V1)
    assert model is not None
    return model


def put_on_v1(world: World) -> None:
    """world.team follows the shipped version 1, in exploration, as a team did before v2."""
    version = services.shipped_version_store(shipped_v1())
    PhaseProgress.objects.create(
        team=world.team, model_version=version, phase_key="exploration", entered_at=timezone.now()
    )


def done(world: World, *task_ids: str) -> None:
    """Mark tasks of the current phase done, with evidence."""
    for task_id in task_ids:
        services.phase_task_update(
            actor=world.coordinator,
            team=world.team,
            task_id=task_id,
            state="done",
            evidence=f"Evidence for {task_id}",
        )


def pass_gate(world: World, key: str) -> None:
    done(world, *shipped_v1().phase(key).gate.tasks)
    services.phase_move(actor=world.coordinator, team=world.team, direction="forward")


@pytest.fixture
def v1_in_operation(world: World) -> World:
    """world.team on v1 passed the gates of exploration and set-up and works in operation."""
    put_on_v1(world)
    pass_gate(world, "exploration")
    done(world, "setup.members", "setup.meeting-rhythm")
    pass_gate(world, "setup")
    done(world, "operation.first-referrals")
    return world
