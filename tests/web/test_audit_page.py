"""The audit log page: readable filters that each narrow the list, clear messages for bad
input, filters kept across pages, the chain's state, "Verify now", and a flat query count."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.timezone import now

from icommit.access.roles import PlatformRole
from icommit.core import audit
from icommit.core.checkpoints import checkpoint_write
from icommit.core.models import AuditEvent, ChainVerification, Job
from icommit.core.verification import chain_verify
from tests.conftest import World
from tests.factories import UserFactory, grant

URL = reverse("web:audit")


def _record(actor: Any, action: str, obj: Any = None, at: datetime.datetime | None = None) -> None:
    with transaction.atomic(), mock.patch.object(audit.timezone, "now", return_value=at or now()):
        audit.record(actor=actor, action=action, obj=obj)


@pytest.fixture
def dpo(db: None) -> Any:
    return grant(UserFactory(email="dpo@test.org", full_name="Dana Protection"), PlatformRole.DPO)


@pytest.fixture
def log(world: World) -> World:
    """Events by two people, about two kinds of object, on two days."""
    _record(world.coordinator, "team.update", world.team)
    _record(world.member, "organisation.update", world.police)
    _record(
        world.member,
        "team.update",
        world.other_team,
        at=timezone.now() - datetime.timedelta(days=10),
    )
    return world


def _events(response: Any) -> list[AuditEvent]:
    assert response.status_code == 200
    return list(response.context["page_obj"])


def _read_events(events: list[AuditEvent]) -> list[AuditEvent]:
    return [e for e in events if not e.action.startswith(("audit.", "account."))]


def test_the_filters_offer_readable_choices_and_never_dashes(log: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    page = client_for(dpo).get(URL).content.decode()
    assert "---------" not in page
    assert '<option value="" selected>Anyone</option>' in page
    assert f'<option value="{log.member.pk}">Max Member (member@test.org)</option>' in page
    # people who never appear in the log are not offered
    assert "Otto Outsider" not in page
    assert '<option value="teams.team">Team</option>' in page
    assert '<option value="stakeholders.organisation">Organisation</option>' in page
    assert '<optgroup label="Teams">' in page
    assert (
        '<option value="team.update">Changed the team&#x27;s name, place or scope</option>' in page
    )
    assert 'type="date"' in page


def test_each_filter_narrows_the_list(log: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    client = client_for(dpo)
    everything = _read_events(_events(client.get(URL)))
    assert len(everything) == 3

    by_person = _read_events(_events(client.get(URL, {"actor": log.member.pk})))
    assert {e.actor_id for e in by_person} == {log.member.pk} and len(by_person) == 2

    by_event = _events(client.get(URL, {"action": "organisation.update"}))
    assert [e.action for e in by_event] == ["organisation.update"]

    by_kind = _events(client.get(URL, {"object_type": "teams.team"}))
    assert {e.object_type for e in by_kind} == {"teams.team"} and len(by_kind) == 2

    by_object = _events(
        client.get(URL, {"object_type": "teams.team", "object_id": str(log.other_team.pk)})
    )
    assert [e.object_id for e in by_object] == [str(log.other_team.pk)]

    today = timezone.localdate()
    recent = _read_events(_events(client.get(URL, {"since": today.isoformat()})))
    assert len(recent) == 2
    old = _events(client.get(URL, {"until": (today - datetime.timedelta(days=5)).isoformat()}))
    assert len(old) == 1 and old[0].object_id == str(log.other_team.pk)

    both = _events(client.get(URL, {"actor": log.member.pk, "action": "team.update"}))
    assert len(both) == 1


def test_a_subject_prefix_still_filters_as_older_links_do(log: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    events = _events(client_for(dpo).get(URL, {"action": "team."}))
    assert {e.action for e in events} == {"team.update"} and len(events) == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-13-40"}, "From"),
        ({"until": "yesterday"}, "To"),
        ({"since": "2026-12-04", "until": "2026-12-01"}, "To"),
        ({"actor": "999999"}, "Person"),
        ({"action": "no.such_event"}, "Kind of event"),
    ],
)
def test_bad_input_names_the_field_and_filters_nothing(
    log: World, client_for, dpo, params: dict[str, str], field: str
) -> None:  # type: ignore[no-untyped-def]
    response = client_for(dpo).get(URL, params)
    page = response.content.decode()
    assert "The list below is not filtered: please correct this first." in page
    assert f"<li>{field}: " in page
    assert len(_read_events(_events(response))) == 3


def test_filters_survive_pagination(world: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    for _ in range(55):
        _record(world.member, "team.update", world.team)
    client = client_for(dpo)
    first = client.get(URL, {"actor": world.member.pk})
    assert len(_events(first)) == 50
    assert f'href="?actor={world.member.pk}&amp;page=2"' in first.content.decode()
    second = _events(client.get(URL, {"actor": world.member.pk, "page": 2}))
    assert len(second) == 5 and {e.actor_id for e in second} == {world.member.pk}


def test_reading_the_log_with_a_person_filter_is_audited(log: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    client_for(dpo).get(URL, {"actor": log.member.pk, "since": "2026-01-01"})
    event = AuditEvent.objects.filter(action="audit.read").get()
    assert event.actor == dpo
    assert event.detail.data == {"actor": str(log.member.pk), "since": "2026-01-01"}


# --- the chain's state ---------------------------------------------------------------------


def _chain_section(client: Any) -> str:
    page = client.get(URL).content.decode()
    start = page.index('<section class="card audit-chain')
    return page[start : page.index("</section>", start)]


def test_the_page_says_when_the_chain_was_never_verified(world: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    section = _chain_section(client_for(dpo))
    assert 'data-chain-state="never"' in section
    assert "The log has not been verified yet." in section and 'role="alert"' in section


def test_the_page_says_up_to_which_event_the_chain_verified(world: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    checkpoint_write()
    row, _ = chain_verify(actor=dpo, trigger="person")
    assert row.ok
    section = _chain_section(client_for(dpo))
    assert 'data-chain-state="ok"' in section
    assert f"Chain verified up to event {row.up_to_seq} on " in section
    assert 'role="alert"' not in section


def test_a_failed_verification_is_a_prominent_warning(world: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    _record(world.member, "team.update", world.team)
    row, _ = chain_verify(trigger="schedule")  # no checkpoint signs the chain
    assert not row.ok
    section = _chain_section(client_for(dpo))
    assert 'data-chain-state="failed"' in section and 'role="alert"' in section
    assert "The log does not verify: it may have been altered." in section
    assert "no checkpoint signs the chain" in section


def test_a_verification_older_than_a_day_is_a_warning(world: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    checkpoint_write()
    row, _ = chain_verify(trigger="schedule")
    ChainVerification.objects.filter(pk=row.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=26)
    )
    section = _chain_section(client_for(dpo))
    assert 'data-chain-state="stale"' in section and 'role="alert"' in section
    assert "The log has not been verified for more than a day." in section


# --- who may read and verify ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "dpo"])
def test_administrators_and_the_dpo_read_the_log_and_verify_it(
    world: World, client_for, dpo, who: str, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    user = dpo if who == "dpo" else world.admin
    client = client_for(user)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Verify now" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(URL)
    job = Job.objects.get(kind="audit.verify")
    assert job.owner == user
    assert started.status_code == 302 and started["Location"] == reverse("web:job", args=[job.pk])
    # tasks run inline in tests: the verification is done and recorded
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    verification = ChainVerification.objects.get()
    assert verification.started_by == user and verification.trigger == "person"
    assert AuditEvent.objects.filter(action="audit.chain.failed", actor=user).exists()
    progress = client.get(reverse("web:job", args=[job.pk])).content.decode()
    assert "<h1>Verifying the audit log</h1>" in progress and "Preparing your file" not in progress
    assert f'href="{URL}"' in progress  # back to the log, which shows the outcome


@pytest.mark.parametrize("who", ["member", "coordinator", "outsider"])
def test_nobody_else_reads_the_log_or_starts_a_verification(
    world: World, client_for, who: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403
    assert not Job.objects.exists() and not ChainVerification.objects.exists()


def test_a_verification_under_way_links_to_its_progress(world: World, client_for, dpo) -> None:  # type: ignore[no-untyped-def]
    job = Job.objects.create(owner=dpo, kind="audit.verify", status=Job.Status.RUNNING)
    page = client_for(dpo).get(URL).content.decode()
    assert "A verification you started is under way." in page
    assert reverse("web:job", args=[job.pk]) in page


# --- speed -------------------------------------------------------------------------------


def test_the_page_runs_the_same_queries_for_few_and_for_many_events(
    world: World, client_for, dpo
) -> None:  # type: ignore[no-untyped-def]
    _record(world.member, "team.update", world.team)
    checkpoint_write()
    chain_verify(trigger="schedule")
    client = client_for(dpo)
    filtered = {"action": "team.update", "since": "2020-01-01"}
    client.get(URL)  # the first request warms the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as small_filtered:
        assert client.get(URL, filtered).status_code == 200
    people = [UserFactory() for _ in range(15)]
    for i in range(120):
        _record(people[i % 15], "team.update", world.team if i % 2 else world.other_team)
        _record(people[i % 15], "organisation.update", world.police)
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 50
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    with CaptureQueriesContext(connection) as large_filtered:
        assert client.get(URL, filtered).status_code == 200
    assert len(large_filtered) == len(small_filtered)
