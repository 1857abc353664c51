"""Verifications of the whole audit chain: recorded, audited, scheduled daily, run as a job,
and read back as never verified, ok, failed or stale."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from icommit.access.roles import PlatformRole
from icommit.core import audit, checkpoints, jobs
from icommit.core.checkpoints import checkpoint_write
from icommit.core.models import AuditEvent, ChainVerification, Job
from icommit.core.schedules import SCHEDULES
from icommit.core.verification import (
    STALE_AFTER,
    ChainState,
    chain_status,
    chain_verify,
    chain_verify_scheduled,
)
from tests.factories import UserFactory, grant


def _events(n: int) -> None:
    for _ in range(n):
        with transaction.atomic():
            audit.record(actor=None, action="x.y")


@pytest.mark.django_db
def test_no_verification_yet_reads_as_never() -> None:
    status = chain_status()
    assert status.state == ChainState.NEVER and status.last is None and status.warning


@pytest.mark.django_db
def test_a_passing_verification_is_recorded_up_to_the_last_event_and_audited() -> None:
    _events(3)
    checkpoint_write()
    person = UserFactory()
    row, result = chain_verify(actor=person, trigger="person")
    assert result.ok and row.ok
    assert (row.up_to_seq, row.events, row.problem_count, row.problem) == (3, 3, 0, "")
    event = AuditEvent.objects.get(action="audit.chain.verified")
    assert event.actor == person and event.object_type == "core.chainverification"
    assert event.object_id == str(row.pk) and event.purpose == "chain.person"
    assert event.detail.data["up_to"] == 3
    status = chain_status()
    assert status.state == ChainState.OK and status.last == row and not status.warning


@pytest.mark.django_db
def test_a_failing_verification_keeps_the_first_problem_and_the_last_that_passed() -> None:
    _events(2)
    checkpoint_write()
    good, _ = chain_verify(trigger="schedule")
    for path in Path(settings.CHECKPOINT_DIR).glob("*.json"):
        path.unlink()  # the checkpoints are gone: nothing signs the chain any more
    bad, result = chain_verify(trigger="schedule")
    assert not bad.ok and not result.ok
    assert bad.problem_count == len(result.problems) >= 1
    assert "no checkpoint signs the chain" in bad.problem
    assert AuditEvent.objects.filter(action="audit.chain.failed", actor=None).exists()
    status = chain_status()
    assert status.state == ChainState.FAILED and status.last == bad and status.last_ok == good


@pytest.mark.django_db
def test_a_verification_older_than_a_day_reads_as_stale() -> None:
    _events(1)
    checkpoint_write()
    row, _ = chain_verify(trigger="schedule")
    later = row.finished_at + STALE_AFTER + datetime.timedelta(minutes=1)
    assert chain_status(now=later).state == ChainState.STALE
    assert chain_status(now=row.finished_at + datetime.timedelta(hours=23)).state == ChainState.OK


def test_the_verification_runs_daily() -> None:
    task = next(t for t in SCHEDULES if t.name == "audit chain verification")
    assert task.func == "icommit.core.verification.chain_verify_scheduled"
    assert task.minutes == 24 * 60


@pytest.mark.django_db
def test_the_scheduled_task_records_who_ran_it() -> None:
    _events(1)
    checkpoint_write()
    assert "audit chain up to #1" in chain_verify_scheduled()
    row = ChainVerification.objects.get()
    assert row.trigger == "schedule" and row.started_by is None and row.ok


@pytest.mark.django_db
def test_a_person_s_verification_job_hands_back_a_report(
    django_capture_on_commit_callbacks: Any,
) -> None:
    _events(5)
    checkpoint_write()
    dpo = grant(UserFactory(), PlatformRole.DPO)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(owner=dpo, kind="audit.verify", params={})
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    report = jobs.result_path(job).read_text()
    assert (
        "the chain verifies" in report and "events checked: 6 (up to #6)" in report
    )  # and export.start
    assert ChainVerification.objects.get().started_by == dpo


@pytest.mark.django_db
def test_progress_is_told_after_each_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoints, "BATCH_SIZE", 2)
    _events(6)
    checkpoint_write()
    seen: list[int] = []
    chain_verify(trigger="schedule", progress=seen.append)
    assert seen == [33, 66, 99]


@pytest.mark.django_db
def test_a_job_whose_owner_lost_the_right_fails_without_verifying(
    django_capture_on_commit_callbacks: Any,
) -> None:
    person = UserFactory()  # no platform role: may not verify
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(owner=person, kind="audit.verify", params={})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert not ChainVerification.objects.exists()


@pytest.mark.django_db
def test_stale_is_measured_from_when_it_finished() -> None:
    _events(1)
    checkpoint_write()
    row, _ = chain_verify(trigger="schedule")
    ChainVerification.objects.filter(pk=row.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=2)
    )
    assert chain_status().state == ChainState.STALE
