"""The diagnostics API: the same services and rules as the pages, errors in the common format."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.test import Client

from icommit.diagnostics.models import Round, RoundResponse
from icommit.instruments.models import InstrumentVersion
from tests.diagnostics.conftest import (
    ClientFor,
    Clock,
    Crew,
    answers_at,
    close,
    close_by_date,
    join,
    submit,
)


def _call(client: Client, method: str, url: str, body: object = None):
    kwargs: dict[str, Any] = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def _base(crew: Crew) -> str:
    return f"/api/v1/teams/{crew.team.pk}/diagnostics"


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code
    assert body["message"]
    return body


def test_a_coordinator_opens_a_round_and_members_list_it(
    crew: Crew, clock: Clock, client_for: ClientFor
) -> None:
    closes = (clock.day + datetime.timedelta(days=20)).isoformat()
    response = _call(
        client_for(crew.coordinator),
        "post",
        _base(crew) + "/rounds",
        {"title": "API round", "closes_on": closes},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    round = Round.objects.get()
    assert body["id"] == round.pk and body["instrument"] == "msc-diagnostics"
    # without a version the newest published one is used
    newest = InstrumentVersion.objects.filter(instrument__key="msc-diagnostics")
    number = newest.order_by("-number").values_list("number", flat=True).first()
    assert number is not None and number >= 2
    assert (body["version"], body["closes_on"], body["is_open"]) == (number, closes, True)
    assert (body["invited"], body["counted"], body["answered"]) == (6, 6, 0)
    assert (body["min_respondents"], body["has_results"]) == (5, False)
    assert body["rates"] == []  # nobody sees who answers while the round is open
    listed = client_for(crew.observer).get(_base(crew) + "/rounds")
    assert listed.status_code == 200
    [row] = listed.json()
    assert (row["id"], row["title"], row["invited"], row["counted"], row["answered"]) == (
        round.pk,
        "API round",
        6,
        6,
        0,
    )
    _error(client_for(crew.world.outsider).get(_base(crew) + "/rounds"), 404, "not_found")


def test_opening_a_round_is_checked(crew: Crew, clock: Clock, client_for: ClientFor) -> None:
    client = client_for(crew.coordinator)
    url = _base(crew) + "/rounds"
    past = (clock.day - datetime.timedelta(days=1)).isoformat()
    body = _error(_call(client, "post", url, {"title": "R", "closes_on": past}), 422, "invalid")
    assert "closes_on" in body["details"]
    soon = (clock.day + datetime.timedelta(days=5)).isoformat()
    body = _error(
        _call(client, "post", url, {"title": "R", "closes_on": soon, "instrument": "nope"}),
        422,
        "invalid",
    )
    assert "instrument" in body["details"]
    missing = _call(client, "post", url, {"title": "R", "closes_on": soon, "version": 9})
    _error(missing, 404, "not_found")
    _error(_call(client, "post", url, {"title": "R"}), 422, "invalid")
    member = _call(client_for(crew.police_officer), "post", url, {"title": "R", "closes_on": soon})
    _error(member, 403, "forbidden")
    assert not Round.objects.exists()
    assert _call(client, "post", url, {"title": "R", "closes_on": soon}).status_code == 201
    _error(_call(client, "post", url, {"title": "S", "closes_on": soon}), 409, "conflict")


def test_an_open_round_shows_only_the_total_of_answers(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    """While open, not even the coordinator learns who or which organisation has answered."""
    submit(running_round, [crew.teacher], 3)
    url = f"{_base(crew)}/rounds/{running_round.pk}"
    coordinator = client_for(crew.coordinator).get(url).json()
    assert coordinator["rates"] == []
    assert (coordinator["invited"], coordinator["answered"]) == (6, 1)
    assert "Comprehensive School" not in json.dumps(coordinator)
    teacher = client_for(crew.teacher).get(url).json()
    assert teacher["rates"] == []
    assert (teacher["invited_me"], teacher["answered_me"]) == (True, True)
    observer = client_for(crew.observer).get(url).json()
    assert (observer["invited_me"], observer["answered_me"], observer["rates"]) == (
        False,
        False,
        [],
    )


def test_a_closed_round_shows_the_coordinator_the_rates_by_organisation(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    submit(running_round, [p for p in crew.respondents if p != crew.coordinator], 3)
    close(running_round, crew.coordinator)
    url = f"{_base(crew)}/rounds/{running_round.pk}"
    coordinator = client_for(crew.coordinator).get(url).json()
    rates = {r["organisation"]: r for r in coordinator["rates"]}
    assert rates["Comprehensive School"] == {
        "organisation": "Comprehensive School",
        "is_security": False,
        "invited": 1,
        "answered": 1,
    }
    assert rates["Police"]["is_security"] is True
    assert (coordinator["invited"], coordinator["answered"], coordinator["has_results"]) == (
        6,
        5,
        True,
    )
    assert client_for(crew.teacher).get(url).json()["rates"] == []


def test_the_coordinator_sees_how_many_would_be_invited_and_counted_before_opening(
    crew: Crew, client_for: ClientFor
) -> None:
    join(crew.team, crew.social, 2, counted=False)
    url = _base(crew) + "/invitees"
    body = client_for(crew.coordinator).get(url).json()
    assert body == {
        "invited": 8,
        "counted": 6,
        "vouched_days": 14,
        "minimums": {"msc-diagnostics": 5},
    }
    _error(client_for(crew.teacher).get(url), 403, "forbidden")
    _error(client_for(crew.world.outsider).get(url), 404, "not_found")


def test_close_through_the_api_and_newcomers_are_not_invited(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.coordinator)
    url = f"{_base(crew)}/rounds/{running_round.pk}"
    join(crew.team, crew.social, 2)
    assert client.post(url + "/invite", content_type="application/json").status_code == 404
    assert client.get(url).json()["invited"] == 6
    _error(_call(client_for(crew.teacher), "post", url + "/close"), 403, "forbidden")
    body = _error(_call(client, "post", url + "/close"), 409, "conflict")
    assert "at least 5 answers" in body["message"]
    submit(running_round, crew.respondents[:5], 3)
    closed = _call(client, "post", url + "/close")
    assert closed.status_code == 200
    assert closed.json()["is_open"] is False and closed.json()["closed_at"]
    assert closed.json()["has_results"] is True
    _error(_call(client, "post", url + "/close"), 409, "conflict")


def test_a_member_saves_reads_and_submits_their_own_answers(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.teacher)
    url = f"{_base(crew)}/rounds/{running_round.pk}/response"
    assert client.get(url).json() == {"answers": {}, "submitted": False, "audience": "non_security"}
    saved = _call(client, "put", url, {"answers": {"purpose_1": 4, "ns_heard_1": "dont_know"}})
    assert saved.status_code == 200
    assert saved.json()["answers"] == {"purpose_1": 4, "ns_heard_1": "dont_know"}
    assert client.get(url).json()["answers"] == {"purpose_1": 4, "ns_heard_1": "dont_know"}
    # another member sees only their own (empty) draft
    assert client_for(crew.police_officer).get(url).json() == {
        "answers": {},
        "submitted": False,
        "audience": "security",
    }
    rest = answers_at(running_round.version.parsed, audience="non_security", level=3, part_level=3)
    del rest["purpose_1"]
    rest.pop("ns_heard_1")
    submitted = _call(client, "post", url + "/submit", {"answers": rest})
    assert submitted.status_code == 201, submitted.content
    assert submitted.json() == {"answers": {}, "submitted": True, "audience": "non_security"}
    stored = RoundResponse.objects.get().response.answers
    assert stored["purpose_1"] == 4 and stored["ns_heard_1"] == "dont_know"
    assert client.get(url).json() == {"answers": {}, "submitted": True, "audience": "non_security"}
    _error(_call(client, "post", url + "/submit", {"answers": {}}), 409, "conflict")
    _error(_call(client, "put", url, {"answers": {"purpose_1": 2}}), 409, "conflict")


def test_invalid_answers_are_refused_with_the_item_named(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    client = client_for(crew.police_officer)
    url = f"{_base(crew)}/rounds/{running_round.pk}/response"
    body = _error(_call(client, "put", url, {"answers": {"trust_2": 11}}), 422, "invalid")
    assert list(body["details"]) == ["trust_2"]
    body = _error(_call(client, "put", url, {"answers": {"ns_training_1": 3}}), 422, "invalid")
    assert "ns_training_1" in body["details"]
    assert client.get(url).json()["answers"] == {}
    _error(_call(client, "put", url, {"answers": "all fine"}), 422, "invalid")


def test_only_invitees_have_a_response(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    url = f"{_base(crew)}/rounds/{running_round.pk}/response"
    _error(client_for(crew.observer).get(url), 403, "forbidden")
    _error(client_for(crew.world.outsider).get(url), 404, "not_found")


def test_a_closed_round_takes_no_more_answers(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    close_by_date(running_round)
    url = f"{_base(crew)}/rounds/{running_round.pk}/response"
    client = client_for(crew.teacher)
    _error(_call(client, "put", url, {"answers": {"purpose_1": 3}}), 409, "conflict")
    _error(_call(client, "post", url + "/submit", {"answers": {}}), 409, "conflict")
    assert not RoundResponse.objects.exists()


def test_results_come_only_from_a_closed_round(
    crew: Crew, running_round: Round, client_for: ClientFor
) -> None:
    submit(running_round, crew.respondents, 4)
    url = f"{_base(crew)}/rounds/{running_round.pk}/results"
    _error(client_for(crew.coordinator).get(url), 409, "conflict")
    close(running_round, crew.coordinator)
    body = client_for(crew.observer).get(url).json()
    assert body["round_id"] == running_round.pk and body["respondents"] == 6
    assert (body["has_results"], body["withheld_reason"], body["min_group"]) == (True, None, 5)
    purpose = next(d for d in body["dimensions"] if d["key"] == "purpose")
    assert purpose["team"] == 75.0 and purpose["band"] == "high"
    # security: police 1 + probation 1 = 2, so neither side is shown beside the team
    assert set(purpose["groups"]) == {"all"}
    _error(client_for(crew.world.outsider).get(url), 404, "not_found")
