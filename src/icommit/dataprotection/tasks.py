"""Privacy work that can take long, run as background jobs (``core.jobs``, review finding S6): the
retention dry run, the erasure of a client and recording a client's request for a copy.

Each body calls the same service the page used to call inside the request, which checks the
owner's access again when the job runs and writes the same audit events. The job's result is a
small JSON file of ids, case numbers and counts, never a client's value; the job page
(``views.job``) and the API show it, each download re-checks access (``*_download_check``).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from icommit.access import Action
from icommit.cases import selectors as cases
from icommit.core.exceptions import NotFound
from icommit.core.jobs import Report
from icommit.core.models import Job
from icommit.dataprotection import selectors, services
from icommit.dataprotection.models import RunTrigger


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def dry_run(job: Job, report: Report) -> tuple[str, str, bytes]:
    """List what the retention would remove today and change nothing (job body)."""
    report(10, "")
    run = services.retention_run(actor=job.owner, dry_run=True, trigger=RunTrigger.PAGE)
    document = {
        "run": str(run.pk),
        "as_of": run.as_of.isoformat(),
        "unset": run.unset,
        "listing": run.listing,
        "counts": run.counts,
    }
    return f"retention-dry-run-{run.as_of.isoformat()}.json", "application/json", _json(document)


def erase(job: Job, report: Report) -> tuple[str, str, bytes]:
    """Erase the client of ``params["case"]`` (job body); the result is the erasure's summary."""
    case = cases.case_get(user=job.owner, pk=job.params.get("case"), action=Action.CASE_ACCESS_LOG)
    numbers = [case.number, *(c.number for c in selectors.other_cases_of_client(case))]
    report(10, "")
    counts = services.client_erase(
        actor=job.owner,
        client=case.client,
        reason=str(job.params.get("reason", "")),
        confirm=str(job.params.get("confirm", "")),
        case=case,
    )
    document = {"case": case.number, "cases": sorted(numbers), "counts": counts}
    return f"erasure-{case.number}.json", "application/json", _json(document)


def export_request(job: Job, report: Report) -> tuple[str, str, bytes]:
    """Record a client's request for a copy (job body); the result names the request."""
    case = cases.case_get(user=job.owner, pk=job.params.get("case"), action=Action.CASE_FIND)
    report(10, "")
    request = services.export_request_create(
        actor=job.owner,
        case=case,
        asked_on=datetime.date.fromisoformat(str(job.params.get("asked_on", ""))),
    )
    document = {
        "request": str(request.pk),
        "case": str(case.pk),
        "team": case.team_id,
        "case_number": case.number,
    }
    return f"export-request-{case.number}.json", "application/json", _json(document)


# --- download checks: the owner may still have the result file -----------------------------------


def result_download_check(job: Job) -> None:
    """Raise unless the owner of a dry run, an erasure or a request's recording may still see its
    result (the DPO's right; for a request, that it still exists and they may view it)."""
    if selectors.job_result(user=job.owner, job=job) is None:
        raise NotFound()
