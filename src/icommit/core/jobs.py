"""Long work a user starts runs as a background task that reports progress to a ``Job`` row.

The result file is written outside the web root (the private storage) and served only by an
access-checked view through a signed link that expires after DOWNLOAD_LINK_SECONDS.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from icommit.core.models import Job

log = logging.getLogger(__name__)

#: kind -> "module.function"; the function takes (job, report) and returns (name, type, bytes).
JOB_KINDS: dict[str, str] = {}

Report = Callable[[int, str], None]


def register(kind: str, path: str) -> None:
    JOB_KINDS[kind] = path


@transaction.atomic
def job_start(*, owner: Any, kind: str, params: dict[str, Any]) -> Job:
    """Create a job and queue its task once the caller's transaction commits."""
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job.objects.create(owner=owner, kind=kind, params=params)
    from icommit.core import audit

    audit.record(actor=owner, action="export.start", obj=job, purpose=kind, changes=params)

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task("icommit.core.jobs.job_run", str(job.id), task_name=f"job {kind}", group="jobs")

    transaction.on_commit(enqueue)
    return job


def job_run(job_id: str) -> None:
    """Run a job (the task body); safe to run again after a dead worker."""
    job = Job.objects.get(id=job_id)
    if job.finished:
        return
    Job.objects.filter(id=job.id).update(status=Job.Status.RUNNING, progress=0)

    def report(percent: int, message: str = "") -> None:
        Job.objects.filter(id=job.id).update(progress=max(0, min(100, percent)), message=message)

    module_name, func_name = JOB_KINDS[job.kind].rsplit(".", 1)
    func = getattr(importlib.import_module(module_name), func_name)
    try:
        name, content_type, data = func(job, report)
    except Exception as exc:
        log.exception("job %s failed", job.id)
        Job.objects.filter(id=job.id).update(
            status=Job.Status.FAILED, message=str(exc)[:300], finished_at=timezone.now()
        )
        return
    folder = Path(settings.MEDIA_ROOT) / "jobs" / str(job.id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "result"
    path.write_bytes(data)
    path.chmod(0o600)
    Job.objects.filter(id=job.id).update(
        status=Job.Status.DONE,
        progress=100,
        result_name=name,
        result_type=content_type,
        result_path=str(path.relative_to(settings.MEDIA_ROOT)),
        finished_at=timezone.now(),
    )


def download_token(job: Job) -> str:
    return signing.TimestampSigner(salt="icommit.download").sign(f"{job.id}:{job.owner_id}")


def download_token_valid(job: Job, token: str) -> bool:
    try:
        value = signing.TimestampSigner(salt="icommit.download").unsign(
            token, max_age=settings.DOWNLOAD_LINK_SECONDS
        )
    except signing.BadSignature:
        return False
    return value == f"{job.id}:{job.owner_id}"


def result_path(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / job.result_path
