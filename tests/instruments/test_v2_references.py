"""Publishing refuses a recommendation whose phases, phase tasks or modules do not exist."""

from __future__ import annotations

from pathlib import Path

from icommit.instruments.engine import load_yaml
from icommit.instruments.services import unknown_references

FIXTURE = Path(__file__).resolve().parents[1] / "diagnostics" / "fixtures" / "v2.yaml"


def test_unknown_phases_and_tasks_of_item_recommendations_are_named() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert unknown_references(load_yaml(text, source="v2.yaml")) == []
    text = text.replace("phases: [operation, monitoring]", "phases: [operation, dreaming]")
    text = text.replace("phase_tasks: [setup.charter]", "phase_tasks: [setup.nothing]")
    assert unknown_references(load_yaml(text, source="v2.yaml")) == [
        "recommendations[1].phase_tasks: no phase task 'setup.nothing'",
        "recommendations[2].phases: no phase 'dreaming'",
    ]
