# ruff: noqa: F811  (the fixture pw imported from people_world is a test parameter)
"""The people API: external learners for trainers (list by state, approve, decline; 409 once
decided; approval leaves the account without a password until its owner chooses one with the
link), no registration or activation in the API, an organisation adding the address of a
registration nobody activated gets a fresh account, a team's coverage and its gate for the team's
coordinators (a security sector refused with 422 naming it, nothing changed)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from icommit.accounts.models import User
from icommit.training import selectors
from icommit.training.models import LearnerAccount
from tests.conftest import verified_client
from tests.factories import UserFactory, member_of
from tests.training.people_world import PeopleWorld, mails_to, pw, register  # noqa: F401

pytestmark = pytest.mark.django_db
API = "/api/v1/training"


def _send(client: Client, method: str, path: str, body: Any = None) -> Any:
    return client.generic(
        method, API + path, json.dumps(body or {}), content_type="application/json"
    )


def test_a_trainer_lists_and_decides_external_learners(pw: PeopleWorld) -> None:
    lea = register()
    max_ = register(email="max@example.org", full_name="Max Mustermann")
    trainer = verified_client(pw.trainer)
    listed = trainer.get(API + "/learners").json()
    assert [item["full_name"] for item in listed["items"]] == ["Lea Learner", "Max Mustermann"]
    assert listed["items"][0]["state"] == "pending" and not listed["items"][0]["active"]
    approved = _send(trainer, "POST", f"/learners/{lea.pk}/approve")
    assert approved.status_code == 200
    assert approved.json()["state"] == "approved"
    assert len(mails_to("lea@example.org")) == 1
    declined = _send(trainer, "POST", f"/learners/{max_.pk}/decline")
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    again = _send(trainer, "POST", f"/learners/{max_.pk}/approve")
    assert again.status_code == 409
    assert trainer.get(API + "/learners").json()["items"] == []
    states = trainer.get(API + "/learners?state=approved").json()["items"]
    assert [item["email"] for item in states] == ["lea@example.org"]


def test_approval_leaves_the_account_shut_and_passwordless_until_the_link(pw: PeopleWorld) -> None:
    lea = register()
    trainer = verified_client(pw.trainer)
    approved = _send(trainer, "POST", f"/learners/{lea.pk}/approve").json()
    assert approved["state"] == "approved" and approved["active"] is False
    user = User.objects.get(pk=lea.user_id)
    assert not user.is_active and not user.has_usable_password()
    assert "Choose your password" in mails_to("lea@example.org")[0].body
    paths = trainer.get("/api/v1/openapi.json").json()["paths"]
    assert not [p for p in paths if "register" in p or "activate" in p]


def test_an_organisation_adding_the_address_gets_a_fresh_account_not_the_registration(
    pw: PeopleWorld,
) -> None:
    account = register(email="victim@police.example", full_name="Mallory")
    boss = UserFactory()
    member_of(boss, pw.police, admin=True)
    added = verified_client(boss).post(
        f"/api/v1/organisations/{pw.police.pk}/members",
        json.dumps({"email": "victim@police.example", "full_name": "Vera Victim"}),
        content_type="application/json",
    )
    assert added.status_code == 201
    user = User.objects.get(pk=account.user_id)
    assert user.is_active and not user.has_usable_password() and user.full_name == "Vera Victim"
    assert not LearnerAccount.objects.filter(pk=account.pk).exists()
    assert "/accounts/set-password/" in mails_to("victim@police.example")[-1].body


@pytest.mark.parametrize("who", ["coordinator", "youth_worker"])
def test_others_may_not_decide(pw: PeopleWorld, who: str) -> None:
    account = register()
    client = verified_client(getattr(pw, who))
    assert client.get(API + "/learners").status_code == 403
    assert _send(client, "POST", f"/learners/{account.pk}/approve").status_code == 403
    account.refresh_from_db()
    assert account.approved_at is None


def test_the_coordinator_reads_coverage_and_sets_the_gate(pw: PeopleWorld) -> None:
    certificate = pw.certify(pw.youth_worker)
    coordinator = verified_client(pw.coordinator)
    coverage = coordinator.get(f"{API}/teams/{pw.team.pk}/coverage")
    assert coverage.status_code == 200
    body = coverage.json()
    assert body["count"] == 4 and body["gate_sectors"] == []
    rows = {m["name"]: m for m in body["members"]}
    assert rows["Yara Youth"]["certified"] is True
    assert rows["Yara Youth"]["certified_until"] == certificate.valid_until.isoformat()
    assert rows["Sami Social"] == {
        "name": "Sami Social",
        "organisation": "Social services Kiel",
        "sector": "social_services",
        "certified": False,
        "certified_until": None,
        "runs_finished": 0,
        "gate_applies": False,
    }
    gate = coordinator.get(f"{API}/teams/{pw.team.pk}/gate").json()
    assert gate["sectors"] == [] and "police" not in gate["offered"]
    saved = _send(coordinator, "PUT", f"/teams/{pw.team.pk}/gate", {"sectors": ["youth_welfare"]})
    assert saved.status_code == 200 and saved.json()["sectors"] == ["youth_welfare"]
    refused = _send(
        coordinator, "PUT", f"/teams/{pw.team.pk}/gate", {"sectors": ["social_services", "police"]}
    )
    assert refused.status_code == 422
    assert "Police" in refused.json()["message"]
    assert "sectors" in refused.json()["details"]
    assert selectors.gate_sectors(pw.team) == ["youth_welfare"]


@pytest.mark.parametrize(("who", "status"), [("youth_worker", 403), ("outsider", 404)])
def test_coverage_and_gate_are_the_coordinators(pw: PeopleWorld, who: str, status: int) -> None:
    client = verified_client(getattr(pw, who))
    assert client.get(f"{API}/teams/{pw.team.pk}/coverage").status_code == status
    assert client.get(f"{API}/teams/{pw.team.pk}/gate").status_code == status
    put = _send(client, "PUT", f"/teams/{pw.team.pk}/gate", {"sectors": ["youth_welfare"]})
    assert put.status_code == status
    assert selectors.gate_sectors(pw.team) == []
