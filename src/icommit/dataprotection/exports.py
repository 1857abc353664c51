"""Files prepared by background jobs (``core.jobs``): a data-subject export as PDF or JSON, for
one reading organisation, and the record of processing activities as PDF or JSON.

Each job re-checks its owner's access when it runs, and again at each download of its file (the
``*_download_check`` functions, registered with ``core.jobs``); the export holds only what
``services.parts_for`` gives the reading organisation, and names organisations, never staff.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.cases.services import ensure_not_restricted
from icommit.core import audit
from icommit.core.exceptions import NotFound
from icommit.core.jobs import Report
from icommit.core.models import Job
from icommit.core.pdf import render_pdf
from icommit.dataprotection import selectors
from icommit.dataprotection.models import ExportRequest

FORMATS = ("pdf", "json")


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def _export_checked(job: Job) -> tuple[ExportRequest, int]:
    """The export request of an export job and the reading organisation, if the owner may still
    have the file: the request exists (an erasure deletes it), the owner may view it and reads for
    one of their organisations that may open it, and the client's processing is not restricted."""
    request = selectors.export_request_by_pk(job.params.get("request"))
    if request is None:
        raise NotFound()
    require(job.owner, Action.DATAPROTECTION_EXPORT_VIEW, request)
    organisation_id = int(job.params.get("organisation", 0))
    readers = selectors.reader_organisations(user=job.owner, request=request)
    if organisation_id not in {org.pk for org in readers}:
        raise NotFound()
    if organisation_id not in facts_for(job.owner).org_ids:  # pragma: no cover (readers checks it)
        raise NotFound()
    if request.client.subject_key.destroyed_at is not None:  # pragma: no cover (erasure deletes it)
        raise NotFound()
    ensure_not_restricted(request.case)
    return request, organisation_id


def export_download_check(job: Job) -> None:
    """Raise unless the owner of an export job may still download its file (at each download)."""
    _export_checked(job)


def record_download_check(job: Job) -> None:
    """Raise unless the owner of a record job is still the data-protection officer."""
    require(job.owner, Action.DATAPROTECTION_RECORD)


def export_file(job: Job, report: Report) -> tuple[str, str, bytes]:
    """Assemble a data-subject export for ``params["organisation"]`` (job body)."""
    params = job.params
    request, organisation_id = _export_checked(job)
    report(20, "")
    document = selectors.export_document(request, organisation_id)
    report(60, "")
    kind = params.get("format", "pdf")
    with transaction.atomic():
        audit.record(
            actor=job.owner,
            action="dataprotection.export.opened",
            obj=request,
            team_id=request.team_id,
            purpose=f"export.{kind}",
            changes={
                "organisation": organisation_id,
                "parts": sum(len(o["items"]) for o in document["organisations"]),
            },
        )
    name = f"data-export-{request.case.number}"
    if kind == "json":
        return f"{name}.json", "application/json", _json(document)
    pdf = render_pdf("dataprotection/export_pdf.html", {"document": document})
    return f"{name}.pdf", "application/pdf", pdf


def record_file(job: Job, report: Report) -> tuple[str, str, bytes]:
    """The record of processing activities as PDF or JSON (job body)."""
    require(job.owner, Action.DATAPROTECTION_RECORD)
    record = selectors.processing_record()
    report(50, "")
    with transaction.atomic():
        audit.record(
            actor=job.owner,
            action="dataprotection.record.opened",
            object_type="dataprotection.record",
            purpose=f"record.{job.params.get('format', 'pdf')}",
        )
    if job.params.get("format") == "json":
        return "record-of-processing.json", "application/json", _json(record)
    pdf = render_pdf("dataprotection/record_pdf.html", {"record": record})
    return "record-of-processing.pdf", "application/pdf", pdf
