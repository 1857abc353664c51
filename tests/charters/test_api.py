"""The charter and meeting API: the same rules and services as the pages."""

from __future__ import annotations

import json

from django.test import Client

from icommit.accounts.models import User
from icommit.charters.models import CharterVersion, Meeting
from tests.charters.conftest import confirm_all
from tests.conftest import World


def _call(client: Client, method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def _base(world: World) -> str:
    return f"/api/v1/teams/{world.team.pk}/charter"


def test_the_coordinator_drafts_and_publishes_and_a_member_confirms(
    world: World, client_for, social_worker: User
) -> None:  # type: ignore[no-untyped-def]
    coordinator = client_for(world.coordinator)
    base = _base(world)
    assert _call(coordinator, "get", f"{base}/draft").status_code == 404
    response = _call(coordinator, "post", f"{base}/draft", {"language": "de"})
    assert response.status_code == 201
    assert response.json()["purpose_scope"].startswith("Wir sind Alpha MSC")
    sections = {k: v for k, v in response.json().items() if k not in ("based_on", "updated_at")}
    sections["purpose_scope"] = "Unser Zweck."
    response = _call(coordinator, "put", f"{base}/draft", sections)
    assert response.status_code == 200 and response.json()["purpose_scope"] == "Unser Zweck."
    response = _call(coordinator, "post", f"{base}/draft/publish")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == 1 and body["status"] == "published"
    assert {m["name"] for m in body["members"]} >= {"Max Member", "Sara Social"}
    assert isinstance(body["sharing_protocol"], list)
    # a published version cannot be changed through the API either
    assert _call(coordinator, "put", f"{base}/draft", sections).status_code == 404

    member = client_for(world.member)
    assert _call(member, "post", f"{base}/draft/publish").status_code == 403
    response = _call(member, "post", f"{base}/versions/1/confirm")
    assert response.status_code == 201
    assert response.json()["organisation_id"] == world.police.pk
    assert _call(member, "post", f"{base}/versions/1/confirm").status_code == 409
    assert (
        _call(client_for(world.observer), "post", f"{base}/versions/1/confirm").status_code == 403
    )

    status = _call(member, "get", f"{base}/versions/1/confirmations").json()
    assert status["confirmed"] == 1 and status["expected"] == 3
    listing = _call(member, "get", f"{base}/versions").json()
    assert [v["number"] for v in listing["items"]] == [1]
    assert listing["items"][0]["confirmation_count"] == 1
    assert _call(member, "get", f"{base}/versions/1").json()["purpose_scope"] == "Unser Zweck."


def test_publishing_with_an_empty_section_answers_422_with_the_field(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.coordinator)
    base = _base(world)
    _call(client, "post", f"{base}/draft", {"language": "en"})
    _call(client, "put", f"{base}/draft", {"confidentiality": ""})
    response = _call(client, "post", f"{base}/draft/publish")
    assert response.status_code == 422
    assert "confidentiality" in response.json()["details"]
    assert _call(client, "delete", f"{base}/draft").status_code == 204
    assert not CharterVersion.objects.exists()


def test_outsiders_get_404_and_the_platform_administrator_403(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    base = _base(world)
    assert _call(client_for(world.other_coordinator), "get", f"{base}/versions").status_code == 404
    assert _call(client_for(world.outsider), "get", f"{base}/meetings").status_code == 404
    assert _call(client_for(world.admin), "get", f"{base}/meetings").status_code == 403


def test_meetings_through_the_api(world: World, client_for, social_worker: User) -> None:  # type: ignore[no-untyped-def]
    base = _base(world)
    coordinator = client_for(world.coordinator)
    payload = {
        "held_on": "2026-05-05",
        "title": "Sharing defaults",
        "agenda": "Defaults",
        "minutes": "We discussed sharing defaults.",
        "attendee_ids": [world.coordinator.pk, world.member.pk, social_worker.pk],
        "decisions": [
            {
                "text": "Nothing is shared by default.",
                "dissents": [{"organisation_id": world.police.pk, "reason": "Too slow."}],
            }
        ],
    }
    assert _call(client_for(world.member), "post", f"{base}/meetings", payload).status_code == 403
    response = _call(coordinator, "post", f"{base}/meetings", payload)
    assert response.status_code == 201
    body = response.json()
    meeting_id = body["id"]
    assert body["status"] == "draft" and body["version"] == 1
    [decision] = body["decisions"]
    assert decision["dissents"][0]["organisation"] == "Police"
    payload["decisions"][0]["id"] = decision["id"]  # type: ignore[index]
    payload["title"] = "Sharing defaults (agreed)"
    response = _call(coordinator, "put", f"{base}/meetings/{meeting_id}", payload)
    assert response.status_code == 200 and response.json()["title"] == "Sharing defaults (agreed)"
    url = f"{base}/meetings/{meeting_id}"
    assert _call(client_for(world.member), "post", f"{url}/confirm").status_code == 409
    assert _call(coordinator, "post", f"{url}/circulate").json()["status"] == "circulated"
    meeting = Meeting.objects.get(pk=meeting_id)
    confirm_all(meeting, [world.coordinator, social_worker])
    response = _call(client_for(world.member), "post", f"{url}/confirm")
    assert response.status_code == 200 and response.json()["status"] == "frozen"
    assert _call(coordinator, "put", url, payload).status_code == 409
    response = _call(coordinator, "post", f"{url}/correct", {"reason": "Wrong date."})
    assert response.status_code == 201
    assert response.json()["version"] == 2 and response.json()["corrects"] == 1
    old = _call(client_for(world.observer), "get", f"{url}?version=1").json()
    assert old["status"] == "frozen" and old["versions"] == [1, 2]
    listing = _call(client_for(world.observer), "get", f"{base}/meetings").json()
    assert listing["items"][0]["version"] == 2 and listing["items"][0]["status"] == "draft"


def test_a_decision_becomes_a_goal_through_the_api(
    world: World, client_for, circulated_meeting: Meeting, social_worker: User
) -> None:  # type: ignore[no-untyped-def]
    confirm_all(circulated_meeting, [world.coordinator, world.member, social_worker])
    url = f"{_base(world)}/meetings/{circulated_meeting.pk}"
    decision_id = _call(client_for(world.member), "get", url).json()["decisions"][0]["id"]
    goal_url = f"{url}/decisions/{decision_id}/goal"
    assert _call(client_for(world.member), "post", goal_url, {"title": "G"}).status_code == 403
    response = _call(client_for(world.coordinator), "post", goal_url, {"title": "Route"})
    assert response.status_code == 201
    goal_id = response.json()["goal_id"]
    response = _call(
        client_for(world.coordinator),
        "post",
        f"{url}/decisions/{decision_id}/action",
        {"goal_id": goal_id, "title": "Brief schools", "owner_organisation_id": world.police.pk},
    )
    assert response.status_code == 201 and response.json()["kind"] == "action"
    links = _call(client_for(world.observer), "get", url).json()["decisions"][0]["plan_links"]
    assert [link["title"] for link in links] == ["Route", "Brief schools"]
