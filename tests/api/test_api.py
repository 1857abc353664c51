"""The API: same rules as the pages, errors as {code, message, details}, declared status codes."""

from __future__ import annotations

import json

from django.test import Client

from icommit.core.models import AuditEvent
from icommit.teams.models import TeamMembership
from tests.conftest import World


def _json(client: Client, method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def test_anonymous_requests_get_401_in_the_error_format(db: None, client: Client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "details"}
    assert response["Cache-Control"] == "no-store"


def test_me_reports_roles_and_memberships(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    data = client_for(world.coordinator).get("/api/v1/me").json()
    assert data["email"] == "coordinator@test.org"
    assert data["teams"] == {str(world.team.pk): "coordinator"}
    assert data["organisations"] == [world.municipality.pk]


def test_team_list_shows_only_visible_teams(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    items = client_for(world.member).get("/api/v1/teams").json()["items"]
    assert [t["name"] for t in items] == ["Alpha MSC"]
    assert client_for(world.member).get(f"/api/v1/teams/{world.other_team.pk}").status_code == 404


def test_bad_input_answers_422_with_the_path_of_each_field(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.admin)
    before = AuditEvent.objects.count()
    response = _json(
        client, "post", "/api/v1/organisations", {"name": "X", "country": "DE", "sector": "spies"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["details"]) == {"city", "sector"}
    response = _json(
        client,
        "post",
        "/api/v1/organisations",
        {"name": "X", "country": "D", "city": "K", "sector": "police"},
    )
    assert response.status_code == 422
    assert "country" in response.json()["details"]
    assert AuditEvent.objects.count() == before


def test_organisations_are_created_by_administrators_only(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    body = {"name": "Probation Kiel", "country": "DE", "city": "Kiel", "sector": "probation"}
    assert (
        _json(client_for(world.coordinator), "post", "/api/v1/organisations", body).status_code
        == 403
    )
    response = _json(client_for(world.admin), "post", "/api/v1/organisations", body)
    assert response.status_code == 201
    assert response.json()["is_security"] is True


def test_coordinator_adds_and_removes_members_through_the_api(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.coordinator)
    url = f"/api/v1/teams/{world.team.pk}/members"
    observer = TeamMembership.objects.get(team=world.team, user=world.observer)
    response = _json(client, "put", f"{url}/{observer.pk}", {"role": "member"})
    assert response.status_code == 200 and response.json()["role"] == "member"
    assert _json(client, "delete", f"{url}/{observer.pk}").status_code == 204
    assert _json(client_for(world.member), "delete", f"{url}/{observer.pk}").status_code in {
        403,
        404,
    }
    names = [m["user_name"] for m in client.get(url).json()["items"]]
    assert "Olga Observer" not in names


def test_a_member_cannot_manage_the_team_through_the_api(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = _json(
        client_for(world.member),
        "post",
        f"/api/v1/teams/{world.team.pk}/invitations",
        {"email": "a@example.org", "organisation_id": world.police.pk},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_unsafe_methods_need_the_csrf_token_with_a_session(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    response = _json(
        client,
        "post",
        "/api/v1/organisations",
        {"name": "X", "country": "DE", "city": "K", "sector": "police"},
    )
    assert response.status_code in {401, 403}


def test_every_operation_declares_its_status_codes(db: None, client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "401" in codes, (method, path)
            assert "404" in codes, (method, path)
            if method != "get":
                assert {"403", "422"} <= codes, (method, path)
