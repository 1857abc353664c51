"""The phase API: the same rules as the pages, in JSON."""

from __future__ import annotations

import json
from typing import Any

from icommit.phases.models import PhaseModelVersion
from tests.conftest import World
from tests.phases.conftest import complete_phase


def _url(world: World, rest: str = "") -> str:
    return f"/api/v1/teams/{world.team.pk}/phases{rest}"


def _send(client: Any, method: str, url: str, body: dict) -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_progress_shows_phase_readiness_tasks_and_history(world: World, client_for) -> None:
    complete_phase(world, "exploration")
    coordinator = client_for(world.coordinator)
    moved = _send(coordinator, "POST", _url(world, "/move"), {"direction": "forward"})
    assert moved.status_code == 201, moved.content
    data = client_for(world.member).get(_url(world)).json()
    assert (data["phase_key"], data["phase_number"], data["phase_total"]) == ("setup", 2, 5)
    assert data["readiness"] == {
        "percent": 0,
        "done": 0,
        "required": 6,
        "not_applicable": 0,
        "missing": [
            "setup.chair",
            "setup.role-profiles",
            "setup.legal-basis",
            "setup.sharing-protocol",
            "setup.referral-criteria",
            "setup.charter",
        ],
        "met": False,
    }
    assert len(data["tasks"]) == 16 and data["tasks"][0]["id"] == "setup.chair"
    assert data["history"][0]["from_key"] == "exploration" and data["history"][0]["gate_met"]
    assert data["model_version"]["shipped"] and data["model_version"]["revision"] == 0
    assert data["next_phase_key"] == "operation"


def test_the_model_version_comes_with_its_definition(world: World, client_for) -> None:
    data = client_for(world.observer).get(_url(world, "/model")).json()
    assert data["key"] == "msc-default" and data["version"] == 2
    assert len(data["content_hash"]) == 64
    phases = data["definition"]["phases"]
    assert [p["key"] for p in phases][:2] == ["exploration", "setup"]
    assert phases[0]["tasks"][0]["title"]["de"].startswith("Schreiben Sie")


def test_updating_a_task_and_the_errors(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    url = _url(world, "/tasks/exploration.mandate")
    response = _send(client, "PUT", url, {"state": "done"})
    assert response.status_code == 422
    assert response.json()["details"] == {
        "evidence": ["Say what shows that the task is done (the evidence)."]
    }
    response = _send(client, "PUT", url, {"state": "done", "evidence": "Council decision"})
    assert response.status_code == 200
    task = next(t for t in response.json()["tasks"] if t["id"] == "exploration.mandate")
    assert (task["state"], task["evidence"]) == ("done", "Council decision")
    assert (
        _send(client, "PUT", _url(world, "/tasks/setup.charter"), {"state": "open"}).status_code
        == 409
    )
    assert _send(client, "PUT", _url(world, "/tasks/no.such"), {"state": "open"}).status_code == 404
    assert _send(client, "PUT", url, {"state": "finished"}).status_code == 422


def test_members_and_observers_read_only(world: World, client_for) -> None:
    for who in ("member", "observer"):
        client = client_for(getattr(world, who))
        assert client.get(_url(world)).status_code == 200
        url = _url(world, "/tasks/exploration.mandate")
        assert _send(client, "PUT", url, {"state": "in_progress"}).status_code == 403
        body = {"direction": "forward", "reason": "x"}
        assert _send(client, "POST", _url(world, "/move"), body).status_code == 403
    outsider = client_for(world.outsider)
    assert outsider.get(_url(world)).status_code == 404


def test_moving_without_the_gate_needs_a_reason(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    response = _send(client, "POST", _url(world, "/move"), {"direction": "forward"})
    assert response.status_code == 422 and "reason" in response.json()["details"]
    response = _send(
        client, "POST", _url(world, "/move"), {"direction": "back", "reason": "Start over"}
    )
    assert response.status_code == 409
    response = _send(
        client,
        "POST",
        _url(world, "/move"),
        {"direction": "forward", "reason": "Mandate promised", "expected_phase": "exploration"},
    )
    assert response.status_code == 201
    assert response.json()["history"][0]["reason"] == "Mandate promised"


def test_deriving_a_version(world: World, client_for) -> None:
    client = client_for(world.coordinator)
    body = {
        "changes": [
            {"op": "add", "phase": "setup", "title": "Meet the schools", "evidence": "Notes"},
            {"op": "drop", "task": "exploration.existing-networks"},
        ],
        "note": "Schools are central here.",
    }
    response = _send(client, "POST", _url(world, "/model/derive"), body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["revision"] == 1 and not data["shipped"] and data["parent_id"]
    assert [c["op"] for c in data["changes"]] == ["add", "drop"]
    assert PhaseModelVersion.objects.get(pk=data["parent_id"]).team_id is None
    followed = client.get(_url(world, "/model")).json()
    assert followed["id"] == data["id"]
    bad = _send(client, "POST", _url(world, "/model/derive"), {"changes": [], "note": "x"})
    assert bad.status_code == 422
