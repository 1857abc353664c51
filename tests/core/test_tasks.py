"""Background work: schedules fire once per period, unfinished tasks come back to the queue,
and a job a user started either leaves a file or fails with a message and leaves none."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.exceptions import TimeoutException
from django_q.models import OrmQ, Schedule
from django_q.scheduler import scheduler

from icommit.core import jobs
from icommit.core.exceptions import Conflict, NotFound
from icommit.core.jobs import Report
from icommit.core.models import AuditEvent, Job
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_due_schedule_is_queued_once_however_often_the_scheduler_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(Conf, "SYNC", False)
    # the scheduler closes stale connections between runs; inside a test that is our transaction
    monkeypatch.setattr("django_q.scheduler.close_old_django_connections", lambda: None)
    Schedule.objects.all().delete()
    Schedule.objects.create(
        func="icommit.core.outbox.outbox_flush",
        schedule_type=Schedule.MINUTES,
        minutes=1,
        next_run=timezone.now() - datetime.timedelta(seconds=5),
    )
    broker = get_broker()
    scheduler(broker=broker)
    scheduler(broker=broker)
    assert OrmQ.objects.count() == 1
    assert Schedule.objects.get().next_run > timezone.now()


@pytest.mark.django_db
def test_a_task_a_dead_worker_took_is_handed_out_again() -> None:
    broker = get_broker()
    broker.enqueue("payload")
    first = broker.dequeue()
    assert first
    assert not broker.dequeue()  # taken, not acknowledged: hidden while the worker may run it
    # a dead worker never acknowledges; once the retry time has passed the task is visible again
    OrmQ.objects.update(lock=timezone.now() - datetime.timedelta(seconds=Conf.RETRY + 1))
    again = broker.dequeue()
    assert again and again[0][1] == "payload"


# --- jobs: what a user started, run by a task -------------------------------------------------


def _language_job(job: Job, report: Report) -> tuple[str, str, bytes]:
    return "lang.txt", "text/plain", (translation.get_language() or "").encode()


def _refused_job(job: Job, report: Report) -> tuple[str, str, bytes]:
    raise Conflict("The PDF would have 9 pages, more than the limit of 3.")


def _lost_access_job(job: Job, report: Report) -> tuple[str, str, bytes]:
    raise NotFound()


def _broken_job(job: Job, report: Report) -> tuple[str, str, bytes]:
    raise RuntimeError("secret internal detail /srv/icommit/var")


def _overrunning_job(job: Job, report: Report) -> tuple[str, str, bytes]:
    raise TimeoutException("Task exceeded maximum timeout value (300 seconds)")


@pytest.fixture
def kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("language", "refused", "lost_access", "broken", "overrunning"):
        monkeypatch.setitem(jobs.JOB_KINDS, f"test.{name}", f"tests.core.test_tasks._{name}_job")


def _started(kind: str, **kwargs: Any) -> Job:
    with TestCase.captureOnCommitCallbacks(execute=False):  # run by hand below
        return jobs.job_start(owner=UserFactory(), kind=kind, params={}, **kwargs)


def _folder(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)


@pytest.mark.django_db
def test_a_job_runs_in_the_language_of_the_request_that_started_it(kinds: None) -> None:
    with translation.override("de"):
        job = _started("test.language")
    jobs.job_run(str(job.pk))
    job.refresh_from_db()
    assert job.status == "done"
    assert jobs.result_path(job).read_bytes() == b"de"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("test.refused", "The PDF would have 9 pages, more than the limit of 3."),
        ("test.lost_access", "You no longer have access to what this file is made from."),
        ("test.broken", "Something went wrong; the administrators can find the cause in the log."),
    ],
)
def test_a_failed_job_says_why_in_words_and_writes_no_file(
    kinds: None, kind: str, message: str
) -> None:
    job = _started(kind)
    jobs.job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.message, job.result_path) == ("failed", message, "")
    assert job.finished_at is not None
    assert not _folder(job).exists()


@pytest.mark.django_db
def test_a_job_stopped_by_the_task_timeout_is_marked_failed_and_the_worker_still_stops(
    kinds: None,
) -> None:
    job = _started("test.overrunning")
    with pytest.raises(TimeoutException):
        jobs.job_run(str(job.pk))
    job.refresh_from_db()
    assert (job.status, job.message) == (
        "failed",
        "The background task took too long and was stopped.",
    )
    assert not _folder(job).exists()


@pytest.mark.django_db
def test_the_start_and_the_download_of_a_team_export_are_in_the_team_history(
    kinds: None, client_for: Any
) -> None:
    job = _started("test.language", team_id=42)
    jobs.job_run(str(job.pk))
    job.refresh_from_db()
    client = client_for(job.owner)
    url = reverse("web:job_download", args=[job.pk]) + f"?t={jobs.download_token(job)}"
    assert client.get(url).status_code == 200
    events = AuditEvent.objects.filter(object_id=str(job.pk)).order_by("seq")
    assert [(e.action, e.purpose, e.team_id) for e in events] == [
        ("export.start", "test.language", 42),
        ("export.download", "test.language", 42),
    ]


@pytest.mark.django_db
def test_a_person_has_at_most_three_files_being_prepared(kinds: None, settings: Any) -> None:
    owner = UserFactory()

    def start() -> Job:
        with TestCase.captureOnCommitCallbacks(execute=False):  # queued, never run
            return jobs.job_start(owner=owner, kind="test.language", params={})

    first, _second, _third = start(), start(), start()
    with pytest.raises(Conflict, match="You already have 3 files being prepared") as refused:
        start()
    assert refused.value.code == "too_many_jobs"
    assert Job.objects.filter(owner=owner).count() == 3
    assert jobs.job_start(owner=UserFactory(), kind="test.language", params={})  # others may
    # a finished job no longer counts, nor one whose worker died long ago
    Job.objects.filter(pk=first.pk).update(status=Job.Status.DONE)
    fourth = start()
    Job.objects.filter(pk=fourth.pk).update(created_at=timezone.now() - jobs.STALE_AFTER)
    assert start()
    settings.JOBS_MAX_UNFINISHED = 4
    assert start()
