"""The plan API: the same services and rules as the pages, errors in the common format."""

from __future__ import annotations

import json

from django.test import Client

from icommit.plans.models import Goal, PlanAction, ProgressNote, Risk
from tests.plans.conftest import Plan


def _call(client: Client, method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def _base(plan: Plan) -> str:
    return f"/api/v1/teams/{plan.world.team.pk}/plan"


def test_members_list_goals_with_their_actions(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(plan.world.observer).get(_base(plan) + "/goals")
    assert response.status_code == 200
    [goal] = response.json()
    assert goal["title"] == "Legal basis for every protocol row"
    assert goal["lifecycle_status"] == "active" and goal["achievement"] == "in-progress"
    assert [a["title"] for a in goal["actions"]] == [
        "Draft the overview",
        "Add legal sources",
        "Review consent forms",
    ]
    assert client_for(plan.world.outsider).get(_base(plan) + "/goals").status_code == 404
    assert client_for(plan.world.admin).get(_base(plan) + "/goals").status_code == 403


def test_a_coordinator_creates_and_updates_a_goal(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.coordinator)
    response = _call(
        client,
        "post",
        _base(plan) + "/goals",
        {
            "title": "Train all members",
            "phase_key": "operation",
            "indicator_id": "process.members-certified",
            "target_value": "80",
            "target_date": "2030-12-31",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["target_value"] in ("80", "80.00", 80) and body["actions"] == []
    response = _call(
        client,
        "put",
        f"{_base(plan)}/goals/{body['id']}",
        {"title": "Train all members", "lifecycle_status": "completed", "achievement": "achieved"},
    )
    assert response.status_code == 200
    goal = Goal.objects.get(pk=body["id"])
    assert (goal.lifecycle_status, goal.achievement) == ("completed", "achieved")
    assert goal.phase_key == ""  # PUT replaces the goal as sent


def test_bad_goal_input_is_answered_with_422_and_the_field(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.coordinator)
    response = _call(client, "post", _base(plan) + "/goals", {"title": "X", "phase_key": "later"})
    assert response.status_code == 422
    assert response.json()["details"] == {"phase_key": ["Choose a phase of the phase model."]}
    response = _call(
        client,
        "put",
        f"{_base(plan)}/goals/{plan.goal.pk}",
        {"title": "X", "lifecycle_status": "abandoned"},
    )
    assert response.status_code == 422 and "lifecycle_status" in response.json()["details"]


def test_members_may_not_create_goals(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    response = _call(client_for(plan.world.member), "post", _base(plan) + "/goals", {"title": "G"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Goal.objects.count() == 1


def test_the_goal_detail_carries_progress_notes(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.member)
    url = f"{_base(plan)}/actions/{plan.police_action.pk}/notes"
    response = _call(client, "post", url, {"text": "Rows 1-3 done"})
    assert response.status_code == 201 and response.json()["text"] == "Rows 1-3 done"
    detail = client.get(f"{_base(plan)}/goals/{plan.goal.pk}").json()
    notes = {a["title"]: [n["text"] for n in a["notes"]] for a in detail["actions"]}
    assert notes["Add legal sources"] == ["Rows 1-3 done"]


def test_actions_are_created_by_coordinators_and_updated_by_owners(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    coordinator = client_for(plan.world.coordinator)
    response = _call(
        coordinator,
        "post",
        f"{_base(plan)}/goals/{plan.goal.pk}/actions",
        {"title": "Ask the DPO", "owner_user_id": plan.social_worker.pk, "due_date": "2030-07-01"},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["owner_organisation_id"] == plan.social.pk
    assert created["status"] == "open"
    owner = client_for(plan.social_worker)
    status_url = f"{_base(plan)}/actions/{created['id']}/status"
    assert _call(owner, "post", status_url, {"status": "done"}).json()["status"] == "done"
    # the owner may not re-plan the action itself
    response = _call(owner, "put", f"{_base(plan)}/actions/{created['id']}", {"title": "Mine"})
    assert response.status_code == 403
    response = _call(
        coordinator,
        "put",
        f"{_base(plan)}/actions/{created['id']}",
        {"title": "Ask the DPOs", "owner_organisation_id": plan.world.police.pk},
    )
    assert response.status_code == 200
    action = PlanAction.objects.get(pk=created["id"])
    assert (action.title, action.owner_organisation, action.owner_user) == (
        "Ask the DPOs",
        plan.world.police,
        None,
    )
    response = _call(client_for(plan.world.observer), "post", status_url, {"status": "open"})
    assert response.status_code == 403


def test_owner_ids_outside_the_team_are_refused(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(plan.world.coordinator)
    url = f"{_base(plan)}/goals/{plan.goal.pk}/actions"
    response = _call(client, "post", url, {"title": "A", "owner_organisation_id": 999999})
    assert response.status_code == 422 and "owner_organisation_id" in response.json()["details"]
    response = _call(client, "post", url, {"title": "A", "owner_user_id": plan.world.outsider.pk})
    assert response.status_code == 422 and "owner_user_id" in response.json()["details"]
    assert PlanAction.objects.count() == 3


def test_a_note_on_an_action_of_another_team_is_not_found(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/teams/{plan.world.other_team.pk}/plan/actions/{plan.police_action.pk}/notes"
    response = _call(client_for(plan.world.other_coordinator), "post", url, {"text": "x"})
    assert response.status_code == 404
    assert not ProgressNote.objects.exists()


def test_risks_are_listed_created_and_updated(plan: Plan, client_for) -> None:  # type: ignore[no-untyped-def]
    coordinator = client_for(plan.world.coordinator)
    url = _base(plan) + "/risks"
    response = _call(
        coordinator,
        "post",
        url,
        {
            "title": "Funding ends",
            "likelihood": 4,
            "impact": 4,
            "owner_organisation_id": plan.world.municipality.pk,
            "mitigation_ids": [plan.social_action.pk],
            "review_date": "2030-08-01",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["mitigation_ids"] == [plan.social_action.pk]
    listed = client_for(plan.world.observer).get(url).json()
    assert [r["title"] for r in listed] == ["Funding ends", "Information leak"]
    response = _call(
        coordinator,
        "put",
        f"{url}/{created['id']}",
        {"title": "Funding ends", "likelihood": 2, "impact": 4, "mitigation_ids": []},
    )
    assert response.status_code == 200 and response.json()["mitigation_ids"] == []
    assert Risk.objects.get(pk=created["id"]).likelihood == 2
    response = _call(
        coordinator, "post", url, {"title": "X", "likelihood": 6, "impact": 1, "mitigation_ids": []}
    )
    assert response.status_code == 422 and "likelihood" in response.json()["details"]
    response = _call(
        coordinator,
        "post",
        url,
        {"title": "X", "likelihood": 1, "impact": 1, "mitigation_ids": [0]},
    )
    assert response.status_code == 422 and "mitigation_ids" in response.json()["details"]
    response = _call(
        client_for(plan.world.member), "post", url, {"title": "X", "likelihood": 1, "impact": 1}
    )
    assert response.status_code == 403
