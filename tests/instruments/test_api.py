"""The instruments API: list, one version with its definition, and importing YAML or XLSForm."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.test import Client

from icommit.core.models import AuditEvent
from icommit.instruments.models import InstrumentVersion
from tests.conftest import World
from tests.instruments.test_services import MALFORMED, ClientFor, pulse, pulse_xlsx

BASE = "/api/v1/instruments"


def _post(client: Client, url: str, body: object):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code
    return body


def test_signed_in_users_list_the_published_versions(world: World, client_for: ClientFor) -> None:
    response = client_for(world.outsider).get(BASE)
    assert response.status_code == 200
    listed = [v for v in response.json() if v["key"] == "msc-diagnostics"]
    assert sorted(v["number"] for v in listed) == [1, 2]  # version 1 stays beside version 2
    [shipped] = [v for v in listed if v["number"] == 1]
    version = InstrumentVersion.objects.get(instrument__key="msc-diagnostics", number=1)
    assert shipped == {
        "key": "msc-diagnostics",
        "kind": "diagnostics",
        "number": 1,
        "content_hash": version.content_hash,
        "origin": "shipped",
        "title": {
            "en": "MSC team diagnostics: how we work together",
            "de": "Team-Diagnose: Wie wir im MSC-Team zusammenarbeiten",
        },
        "languages": ["en", "de"],
        "published_at": shipped["published_at"],
    }
    surveys = client_for(world.outsider).get(BASE + "?kind=survey").json()
    assert surveys and {v["kind"] for v in surveys} == {"survey"}  # training ships two surveys
    assert Client().get(BASE).status_code == 401


def test_one_version_comes_with_its_whole_definition(world: World, client_for: ClientFor) -> None:
    response = client_for(world.member).get(BASE + "/msc-diagnostics/versions/1")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == 1 and body["definition"]["key"] == "msc-diagnostics"
    sections = body["definition"]["sections"]
    assert [s["key"] for s in sections][-1] == "non_security"
    assert sum(len(s["items"]) for s in sections) == 82
    _error(client_for(world.member).get(BASE + "/msc-diagnostics/versions/7"), 404, "not_found")
    _error(client_for(world.member).get(BASE + "/nothing/versions/1"), 404, "not_found")


def test_an_administrator_imports_yaml_and_xlsform(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    response = _post(
        client, BASE + "/import", {"format": "yaml", "content": pulse(), "filename": "p.yaml"}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["key"], response.json()["number"]) == ("team-pulse", 1)
    assert response.json()["origin"] == "imported"
    xlsx = base64.b64encode(pulse_xlsx(2, "Second version.")).decode()
    response = _post(client, BASE + "/import", {"format": "xlsform", "content": xlsx})
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    stored = InstrumentVersion.objects.get(instrument__key="team-pulse", number=2)
    assert stored.source_name == "upload.xlsx" and stored.published_by == world.admin


def test_an_import_with_problems_lists_them_all_and_stores_nothing(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.admin)
    client.get(BASE)  # the session's first request logs the login
    before = (InstrumentVersion.objects.count(), AuditEvent.objects.count())
    body = _error(
        _post(client, BASE + "/import", {"format": "yaml", "content": MALFORMED}), 422, "invalid"
    )
    problems = body["details"]["problems"]
    assert len(problems) >= 4 and all(p.startswith("upload.yaml:") for p in problems)
    body = _error(
        _post(client, BASE + "/import", {"format": "xlsform", "content": "not base64!"}),
        422,
        "invalid",
    )
    assert "content" in body["details"]
    not_a_workbook = base64.b64encode(b"plain text").decode()
    body = _error(
        _post(client, BASE + "/import", {"format": "xlsform", "content": not_a_workbook}),
        422,
        "invalid",
    )
    assert body["details"]["problems"]
    _error(_post(client, BASE + "/import", {"format": "pdf", "content": "x"}), 422, "invalid")
    assert (InstrumentVersion.objects.count(), AuditEvent.objects.count()) == before


def test_a_published_version_cannot_be_imported_again(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    _post(client, BASE + "/import", {"format": "yaml", "content": pulse()})
    same = _post(client, BASE + "/import", {"format": "yaml", "content": pulse()})
    assert "exactly this content" in _error(same, 409, "conflict")["message"]
    changed = _post(client, BASE + "/import", {"format": "yaml", "content": pulse(1, "Edit.")})
    _error(changed, 409, "conflict")
    assert InstrumentVersion.objects.filter(instrument__key="team-pulse").count() == 1


def test_only_administrators_import(world: World, client_for: ClientFor) -> None:
    for person in (world.coordinator, world.member):
        response = _post(
            client_for(person), BASE + "/import", {"format": "yaml", "content": pulse()}
        )
        _error(response, 403, "forbidden")
    assert not InstrumentVersion.objects.filter(instrument__key="team-pulse").exists()


def test_text_that_is_not_unicode_is_refused_by_name(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    body = '{"format": "yaml", "content": "key: \\ud800"}'
    response = client.post("/api/v1/instruments/import", body, content_type="application/json")
    assert _error(response, 422, "invalid")["details"] == {
        "content": ["The YAML text holds characters that are not valid Unicode."]
    }


def test_others_are_refused_before_their_file_is_read(world: World, client_for: ClientFor) -> None:
    response = _post(
        client_for(world.member),
        "/api/v1/instruments/import",
        {"format": "xlsform", "content": "not base64 at all"},
    )
    _error(response, 403, "forbidden")
