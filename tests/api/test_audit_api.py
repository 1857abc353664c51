"""The audit log through the API: the page's filters and their messages, the chain's state,
and starting a verification; only administrators and the data-protection officer."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from icommit.access.roles import PlatformRole
from icommit.core import audit
from icommit.core.checkpoints import checkpoint_write
from icommit.core.models import AuditEvent, ChainVerification, Job
from icommit.core.verification import chain_verify
from tests.conftest import World
from tests.factories import UserFactory, grant

EVENTS, CHAIN, VERIFY = "/api/v1/audit/events", "/api/v1/audit/chain", "/api/v1/audit/chain/verify"


@pytest.fixture
def dpo(db: None) -> Any:
    return grant(UserFactory(email="dpo@test.org", full_name="Dana Protection"), PlatformRole.DPO)


def _record(actor: Any, action: str, obj: Any) -> None:
    with transaction.atomic():
        audit.record(actor=actor, action=action, obj=obj)


def test_events_are_filtered_as_on_the_page_with_readable_labels(
    world: World, client_for, dpo
) -> None:  # type: ignore[no-untyped-def]
    _record(world.coordinator, "team.update", world.team)
    _record(world.member, "organisation.update", world.police)
    client = client_for(dpo)
    data = client.get(EVENTS, {"actor": world.member.pk}).json()
    assert data["count"] == 1
    (item,) = data["items"]
    assert item["action"] == "organisation.update"
    assert item["actor_name"] == "Max Member" and item["actor_email"] == "member@test.org"
    assert item["object_kind"] == "Organisation" and item["object_id"] == str(world.police.pk)
    assert item["action_label"] != item["action"]
    by_kind = client.get(EVENTS, {"object_type": "teams.team"}).json()["items"]
    assert [i["action"] for i in by_kind] == ["team.update"]
    assert AuditEvent.objects.filter(action="audit.read", purpose="audit.api").count() == 2


def test_bad_filters_answer_422_naming_the_field(world: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    client = client_for(dpo)
    response = client.get(EVENTS, {"since": "2026-12-04", "until": "2026-12-01"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and "until" in response.json()["details"]
    assert "since" in client.get(EVENTS, {"since": "not a date"}).json()["details"]
    assert "action" in client.get(EVENTS, {"action": "no.such_event"}).json()["details"]


def test_the_chain_state_reads_never_then_ok(world: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    client = client_for(dpo)
    assert client.get(CHAIN).json() == {"state": "never", "last": None, "last_ok": None}
    checkpoint_write()
    row, _ = chain_verify(trigger="schedule")
    data = client.get(CHAIN).json()
    assert data["state"] == "ok" and data["last"]["up_to_seq"] == row.up_to_seq
    assert data["last"]["ok"] is True and data["last_ok"] == data["last"]


def test_a_verification_is_started_as_a_job(
    world: World, client_for, dpo, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(dpo)
    token = client.get("/").cookies.get("csrftoken") or client.cookies.get("csrftoken")
    headers = {"X-CSRFToken": token.value} if token else {}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(VERIFY, headers=headers)
    assert response.status_code == 202, response.content
    job = Job.objects.get(kind="audit.verify")
    assert response.json() == {
        "job_id": str(job.pk),
        "status_url": reverse("web:job", args=[job.pk]),
    }
    assert ChainVerification.objects.get().started_by == dpo


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_others_may_not_read_or_verify(world: World, client_for, who: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(getattr(world, who))
    assert client.get(EVENTS).status_code == 403
    assert client.get(CHAIN).status_code == 403
