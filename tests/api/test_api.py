"""The API: same rules as the pages, errors as {code, message, details}, declared status codes."""

from __future__ import annotations

import json

from django.test import Client
from ninja import Schema

import icommit.api.main  # noqa: F401 (loads every router and its schemas)
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
            if "security" not in operation:  # public, no account (training's verification)
                assert {"400", "422", "429"} <= codes, (method, path)
                continue
            assert "401" in codes, (method, path)
            assert "404" in codes, (method, path)
            if method != "get":
                assert {"403", "422"} <= codes, (method, path)


def test_text_with_a_nul_or_control_character_is_a_422_and_changes_nothing(
    world: World,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(world.coordinator)
    url = f"/api/v1/teams/{world.team.pk}/plan/goals"
    before = AuditEvent.objects.count()
    for bad in ("Goal\x00", "Goal\x1b[31m", "Goal\u202eeg", "Two\nlines"):
        response = _json(client, "post", url, {"title": bad})
        assert response.status_code == 422, bad
        assert "title" in response.json()["details"], bad
    response = _json(client, "post", url, {"title": "Goal", "description": "x" * 20_001})
    assert response.status_code == 422
    assert "description" in response.json()["details"]
    assert AuditEvent.objects.count() == before


def test_api_text_arrives_with_lf_line_ends(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = _json(
        client_for(world.coordinator),
        "post",
        f"/api/v1/teams/{world.team.pk}/plan/goals",
        {"title": "Goal", "description": "one\r\ntwo\rthree"},
    )
    assert response.status_code == 201
    assert response.json()["description"] == "one\ntwo\nthree"


def test_an_email_address_with_a_header_injection_is_refused(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = _json(
        client_for(world.coordinator),
        "post",
        f"/api/v1/teams/{world.team.pk}/invitations",
        {"email": "a@example.org\r\nBcc: x@example.net"},
    )
    assert response.status_code == 422
    assert "email" in response.json()["details"]


def test_limit_and_offset_are_bounded_and_declared(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world.admin)
    for query in ("limit=0", "limit=201", "offset=-1", f"offset={2**70}", f"limit={2**70}"):
        response = client.get(f"/api/v1/organisations?{query}")
        assert response.status_code == 422, query
        assert response.json()["code"] == "invalid"
    assert client.get("/api/v1/organisations?limit=200&offset=1000000").status_code == 200
    spec = client.get("/api/v1/openapi.json").json()
    parameters = {
        p["name"]: p["schema"] for p in spec["paths"]["/api/v1/organisations"]["get"]["parameters"]
    }
    assert (parameters["limit"]["minimum"], parameters["limit"]["maximum"]) == (1, 200)
    assert (parameters["offset"]["minimum"], parameters["offset"]["maximum"]) == (0, 1_000_000)


def test_a_wrong_bearer_token_is_a_401_even_on_a_post(db: None, client: Client) -> None:
    response = client.post(
        "/api/v1/organisations",
        data="{}",
        content_type="application/json",
        headers={"Authorization": "Bearer icm_00000000_wrong"},
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_every_schema_in_the_spec_has_a_name_of_its_own() -> None:
    seen: dict[str, str] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("icommit."):
                where = f"{sub.__module__}.{sub.__qualname__}"
                assert seen.setdefault(sub.__name__, where) == where, (sub.__name__, where)
            walk(sub)

    walk(Schema)
    assert "PhaseModelVersionOut" in seen
    assert "InstrumentVersionOut" in seen


def test_a_body_that_is_not_json_is_a_400_in_the_error_format(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world.coordinator).post(
        f"/api/v1/teams/{world.team.pk}/plan/goals",
        data=b"\xff\x00{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unparsable"
