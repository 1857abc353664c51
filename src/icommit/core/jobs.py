"""Long work a user starts runs as a background task that reports progress to a ``Job`` row.

The result file is written outside the web root (the private storage) and served only by an
access-checked view through a signed link that expires after DOWNLOAD_LINK_SECONDS. A job
function re-checks the owner's access when it runs; a job that fails writes no file. A person
has at most JOBS_MAX_UNFINISHED jobs under way, so no one can fill the task queue that mail and
audit checkpoints share.
"""

from __future__ import annotations

import datetime
import importlib
import logging
import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_q.exceptions import TimeoutException

from icommit.core import audit
from icommit.core.exceptions import Conflict, Forbidden, IcommitError, NotFound
from icommit.core.http import AuthedRequest
from icommit.core.models import Job

log = logging.getLogger(__name__)

#: kind -> "module.function"; the function takes (job, report) and returns (name, type, bytes).
JOB_KINDS: dict[str, str] = {}

Report = Callable[[int, str], None]

#: A job unfinished this long after it was created is taken as lost (its worker died); it no
#: longer counts against its owner's JOBS_MAX_UNFINISHED.
STALE_AFTER = datetime.timedelta(minutes=15)


def register(kind: str, path: str) -> None:
    """Name the function (``"module.function"``) that runs jobs of ``kind``; from ``ready()``."""
    JOB_KINDS[kind] = path


@transaction.atomic
def job_start(*, owner: Any, kind: str, params: dict[str, Any], team_id: int | None = None) -> Job:
    """Create a job and queue its task once the caller's transaction commits.

    The job runs in the language of the request that started it; ``team_id`` puts the start
    (and later the download) into that team's history.
    """
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind}")
    limit: int = settings.JOBS_MAX_UNFINISHED
    under_way = Job.objects.filter(
        owner=owner,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        created_at__gt=timezone.now() - STALE_AFTER,
    ).count()
    if under_way >= limit:
        raise Conflict(
            ngettext(
                "You already have %(n)d file being prepared; wait until it is ready.",
                "You already have %(n)d files being prepared; wait until one is ready.",
                under_way,
            )
            % {"n": under_way},
            code="too_many_jobs",
        )
    params = {**params, "lang": translation.get_language() or settings.LANGUAGE_CODE}
    if team_id is not None:
        params["team_id"] = team_id
    job = Job.objects.create(owner=owner, kind=kind, params=params)
    audit.record(
        actor=owner,
        action="export.start",
        obj=job,
        team_id=team_id,
        purpose=kind,
        changes=params,
    )

    def enqueue() -> None:
        from django_q.tasks import async_task

        async_task("icommit.core.jobs.job_run", str(job.id), task_name=f"job {kind}", group="jobs")

    transaction.on_commit(enqueue)
    return job


#: The params key of the page a job was started from: its progress page links back there.
BACK = "back"


def back_of(job: Job) -> str:
    """The page the job was started from, if it is a path on this site, else ""."""
    back = job.params.get(BACK)
    if isinstance(back, str) and back.startswith("/") and not back.startswith(("//", "/\\")):
        return back
    return ""


def job_start_response(
    request: AuthedRequest,
    *,
    kind: str,
    params: dict[str, Any],
    team_id: int | None = None,
    back: str,
) -> HttpResponse:
    """Start a job for the signed-in person and show its progress page; when they already have
    too many under way, go back to ``back`` (a URL) with the reason."""
    try:
        job = job_start(
            owner=request.user, kind=kind, params={**params, BACK: back}, team_id=team_id
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(back)
    return redirect("web:job", job.pk)


def _language(job: Job) -> str:
    wanted = job.params.get("lang")
    return wanted if wanted in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(id=job.id).update(
        status=Job.Status.FAILED, message=message[:300], finished_at=timezone.now()
    )


def job_run(job_id: str) -> None:
    """Run a job (the task body); safe to run again after a dead worker."""
    job = Job.objects.select_related("owner").get(id=job_id)
    if job.finished:
        return
    Job.objects.filter(id=job.id).update(status=Job.Status.RUNNING, progress=0)

    def report(percent: int, message: str = "") -> None:
        Job.objects.filter(id=job.id).update(progress=max(0, min(100, percent)), message=message)

    module_name, func_name = JOB_KINDS[job.kind].rsplit(".", 1)
    func = getattr(importlib.import_module(module_name), func_name)
    with translation.override(_language(job)):
        try:
            name, content_type, data = func(job, report)
        except (NotFound, Forbidden):
            # the owner lost the right to what the file is made from after starting the job
            _fail(job, _("You no longer have access to what this file is made from."))
            return
        except IcommitError as exc:
            _fail(job, exc.message)
            return
        except TimeoutException:
            # the cluster's own task timeout (a SystemExit): record it, then let the worker go
            _fail(job, _("The background task took too long and was stopped."))
            raise
        except Exception:
            log.exception("job %s failed", job.id)
            # the details go to the log, not to the page
            _fail(job, _("Something went wrong; the administrators can find the cause in the log."))
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


# --- file expiry and download checks (dataprotection review findings S8) -----------------------

#: A job and its file are deleted this long after the job was made (the daily retention run).
KEEP_FILES = datetime.timedelta(days=30)

#: kind -> "module.function"; the function takes the finished job and raises NotFound, Forbidden
#: or another IcommitError when its owner may no longer fetch the file.
DOWNLOAD_CHECKS: dict[str, str] = {}


def download_check(kind: str, path: str) -> None:
    """Name the function (``"module.function"``) that re-checks, at each download of a job of
    ``kind``, that its owner may still have the file; from ``ready()``."""
    DOWNLOAD_CHECKS[kind] = path


def download_allowed(job: Job) -> bool:
    """Whether the job's owner may still fetch its file (access is re-checked, not remembered)."""
    path = DOWNLOAD_CHECKS.get(job.kind)
    if path is None:
        return True
    module_name, func_name = path.rsplit(".", 1)
    try:
        getattr(importlib.import_module(module_name), func_name)(job)
    except IcommitError:
        return False
    return True


def jobs_delete(jobs: Any) -> int:
    """Delete these jobs (a queryset) and, once the transaction commits, their files."""
    ids = [str(pk) for pk in jobs.values_list("pk", flat=True)]
    for job_id in ids:
        folder = Path(settings.MEDIA_ROOT) / "jobs" / job_id
        transaction.on_commit(partial(shutil.rmtree, folder, ignore_errors=True))
    Job.objects.filter(pk__in=ids).delete()
    return len(ids)


def jobs_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete every job made more than KEEP_FILES ago, with its file; how many went."""
    before = (now or timezone.now()) - KEEP_FILES
    return jobs_delete(Job.objects.filter(created_at__lt=before))
