"""The API of role profiles, protocol rows and the matrix: same rules and errors as the pages."""

from __future__ import annotations

import json

from django.test import Client

from icommit.sharing.models import ProtocolRow
from tests.conftest import World
from tests.stakeholders.conftest import Circle, profile_values


def _json(client: Client, method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def test_a_member_writes_and_confirms_the_profile_and_everyone_reads_it(
    world: World, client_for
) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/organisations/{world.police.pk}/profile"
    client = client_for(world.member)
    assert client.get(url).status_code == 404
    created = _json(client, "post", url, {**profile_values(), "based_on": 0})
    assert created.status_code == 201, created.content
    assert created.json()["number"] == 1
    assert created.json()["needs"] == [{"code": "housing", "text": "Flats"}]
    confirmed = _json(client_for(world.observer), "post", f"{url}/confirm", {"version": 1})
    assert confirmed.status_code == 200
    assert confirmed.json()["version"] == 1
    read = client_for(world.outsider).get(url).json()
    assert read["current"]["mandate"] == "We help people leave violent groups."
    assert read["confirmed_by_name"] == "Olga Observer"
    assert read["status"] == "current"
    versions = client_for(world.outsider).get(f"{url}/versions").json()
    assert [v["number"] for v in versions["items"]] == [1]


def test_other_organisations_and_administrators_get_403(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/organisations/{world.police.pk}/profile"
    for user in (world.coordinator, world.admin):
        response = _json(client_for(user), "post", url, profile_values())
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"


def test_profile_errors_name_the_field(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/organisations/{world.police.pk}/profile"
    response = _json(
        client_for(world.member),
        "post",
        url,
        profile_values(needs=[{"code": "mind_reading", "text": ""}]),
    )
    assert response.status_code == 422
    assert "needs" in response.json()["details"]
    response = _json(client_for(world.member), "post", url, {"mandate": "x"})
    assert response.status_code == 422
    assert "contact" in response.json()["details"]
    response = _json(client_for(world.member), "post", url, {"mandate": "x", "contact": "y"})
    assert response.status_code == 422
    assert "secrecy" in response.json()["details"]  # a version-1 profile says it


def test_protocol_rows_through_the_api(circle: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    base = f"/api/v1/teams/{w.team.pk}/transparency"
    coordinator = client_for(w.coordinator)
    created = _json(
        coordinator,
        "post",
        f"{base}/protocol",
        {
            "from_organisation_id": circle.exit.pk,
            "to_sector": "police",
            "category": "identity",
            "rule": "consent",
        },
    )
    assert created.status_code == 201, created.content
    row = created.json()
    assert (row["from_label"], row["to_label"]) == ("Exit NGO", "Police (sector)")
    listed = client_for(w.observer).get(f"{base}/protocol").json()
    assert [r["id"] for r in listed] == [row["id"]]
    refused = _json(client_for(w.member), "delete", f"{base}/protocol/{row['id']}")
    assert refused.status_code == 403
    changed = _json(
        coordinator,
        "put",
        f"{base}/protocol/{row['id']}",
        {
            "from_organisation_id": circle.exit.pk,
            "to_sector": "police",
            "category": "identity",
            "rule": "legal_basis",
            "legal_source": "Imminent danger",
        },
    )
    assert changed.status_code == 200 and changed.json()["rule"] == "legal_basis"
    invalid = _json(
        coordinator,
        "post",
        f"{base}/protocol",
        {"from_sector": "school", "to_sector": "police", "category": "identity", "rule": "always"},
    )
    assert invalid.status_code == 422
    assert "legal_source" in invalid.json()["details"]
    assert _json(coordinator, "delete", f"{base}/protocol/{row['id']}").status_code == 204
    assert not ProtocolRow.objects.exists()
    assert client_for(w.other_coordinator).get(f"{base}/protocol").status_code == 404


def test_the_matrix_as_json(circle: Circle, client_for) -> None:  # type: ignore[no-untyped-def]
    w = circle.world
    circle.profile("health", secrecy="bound", secrecy_source="Law")
    circle.row(
        from_sector="health", to_sector="police", category="health", rule="always", legal_source="L"
    )
    url = f"/api/v1/teams/{w.team.pk}/transparency/matrix"
    data = client_for(w.member).get(url, {"category": "health"}).json()
    assert data["categories"] == ["health"]
    assert data["protocol_version"] == 1
    flow = next(
        f for f in data["flows"] if (f["from_id"], f["to_id"]) == (circle.health.pk, w.police.pk)
    )
    assert (flow["rule"], flow["agreed"], flow["downgraded"]) == ("consent", True, True)
    assert client_for(w.member).get(url, {"category": "nonsense"}).status_code == 422
    assert client_for(w.admin).get(url).status_code == 403
