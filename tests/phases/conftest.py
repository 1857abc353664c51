"""Fixtures for the phase model: a copy of the shipped content to break, and a team in set-up."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from icommit.core.content import CONTENT_DIR
from icommit.methodology.content import default_model
from icommit.phases import services
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
