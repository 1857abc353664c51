"""API of privacy operations (``/api/v1/privacy``): retention periods, dry runs and runs, erasure,
the record of processing, and data-subject export requests with each organisation's answer.

The same services and selectors as the pages. Files (exports, the record) are prepared by a
background job; the answer names the job, whose page the owner opens to download the file. The
long work (a dry run, an erasure, recording a request) runs as a job too: bad input is refused at
once (422), and ``GET /jobs/{job_id}`` gives the job's state and, once done, its result.

No ``from __future__ import annotations`` here: ninja must see ``Path[int]`` as an object.
"""

import datetime
import uuid
from typing import Any, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action, can, require
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, LongText
from icommit.cases import selectors as cases
from icommit.cases.models import Case
from icommit.core.exceptions import Forbidden, NotFound, ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.core.jobs import job_start
from icommit.core.models import Job
from icommit.dataprotection import selectors, services
from icommit.dataprotection.models import ErasureReason, ExportAnswer, ExportRequest, RetentionRun

router = Router(tags=["privacy"])


class PeriodOut(Schema):
    category: str
    label: str
    #: months after closure; null: not set (never removed automatically)
    months: int | None


class PeriodIn(Schema):
    months: int | None


class RunOut(Schema):
    id: uuid.UUID
    dry_run: bool
    trigger: str
    started_at: datetime.datetime
    as_of: datetime.date
    unset: list[str]
    #: case number, team, closure day, category, action ("erase", "delete", "kept_restricted")
    listing: list[dict[str, Any]]
    counts: dict[str, int]


class ErasureIn(Schema):
    team_id: int
    case_number: str
    reason: ErasureReason
    #: the case number again, as confirmation
    confirm: str


class AnswerOut(Schema):
    organisation_id: int
    organisation: str
    state: str
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_organisation(obj: ExportAnswer) -> str:
        return obj.organisation.name


class ExportOut(Schema):
    id: uuid.UUID
    case_id: uuid.UUID
    team_id: int
    case_number: str
    asked_on: datetime.date
    recorded_at: datetime.datetime
    #: the answers of the caller's own organisations only; the others are counted, not named
    answers: list[AnswerOut]
    others_waiting: int
    others_answered: int

    @staticmethod
    def resolve_case_number(obj: ExportRequest) -> str:
        return obj.case.number

    @staticmethod
    def resolve_answers(obj: ExportRequest, context: Any) -> list[ExportAnswer]:
        return selectors.own_answers(user=context["request"].user, request=obj)

    @staticmethod
    def resolve_others_waiting(obj: ExportRequest, context: Any) -> int:
        return selectors.others_count(user=context["request"].user, request=obj)["waiting"]

    @staticmethod
    def resolve_others_answered(obj: ExportRequest, context: Any) -> int:
        return selectors.others_count(user=context["request"].user, request=obj)["answered"]


class ExportOverviewOut(Schema):
    """An export request as the data-protection officer oversees it: state and dates, the
    client's pseudonym only, and no organisation named."""

    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    team_id: int
    team: str
    pseudonym: str
    asked_on: datetime.date
    recorded_at: datetime.datetime
    #: one month after the client asked (Art. 12(3) GDPR)
    due_on: datetime.date
    #: answers of the organisations asked, by state
    waiting: int
    released: int
    restricted: int
    #: some organisation has still to answer after the due day
    overdue: bool

    @staticmethod
    def resolve_case_number(obj: ExportRequest) -> str:
        return obj.case.number

    @staticmethod
    def resolve_team(obj: ExportRequest) -> str:
        return obj.team.name

    @staticmethod
    def resolve_pseudonym(obj: ExportRequest) -> str:
        return obj.client.pseudonym

    @staticmethod
    def resolve_due_on(obj: ExportRequest) -> datetime.date:
        return selectors.answer_due(obj.asked_on)

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return selectors.answer_overdue(obj)


class ExportIn(Schema):
    asked_on: datetime.date


class AnswerIn(Schema):
    organisation_id: int
    release: bool
    #: code of the restriction ground (required when release is false)
    ground: str = ""
    note: LongText = ""


class FileIn(Schema):
    #: the reading organisation (the lead, or an organisation answering for its own part)
    organisation_id: int | None = None
    format: Literal["pdf", "json"] = "pdf"


class JobOut(Schema):
    job_id: uuid.UUID
    #: the page where the owner follows the job (and downloads the file, for a file)
    url: str


class PrivacyJobOut(Schema):
    id: uuid.UUID
    kind: str
    #: queued, running, done or failed
    status: str
    progress: int
    #: why it failed, when it did
    message: str
    #: once done: the dry run ({run, as_of, unset, listing, counts}), the erasure's summary
    #: ({case, cases, counts}) or the request recorded ({request, case, team, case_number}); null
    #: before, after a failure, or when you no longer have the right to see it
    result: dict[str, Any] | None


def _started(job: Job) -> Status:
    return Status(202, {"job_id": job.pk, "url": reverse("dataprotection:job", args=[job.pk])})


# --- retention --------


@router.get("/retention/periods", response={200: list[PeriodOut], **READ_ERRORS})
def list_retention_periods(request: AuthedRequest):
    """The retention period of every data category (null: not set)."""
    require(request.user, Action.DATAPROTECTION_RETENTION)
    return [
        {"category": r.code, "label": r.label, "months": r.months} for r in selectors.period_rows()
    ]


@router.put("/retention/periods/{category}", response={200: PeriodOut, **WRITE_ERRORS})
def set_retention_period(request: AuthedRequest, category: str, payload: PeriodIn):
    """Set how many months after closure a category is kept (null: unset)."""
    require(request.user, Action.DATAPROTECTION_RETENTION)
    services.period_set(actor=request.user, category=category, months=payload.months)
    row = next(r for r in selectors.period_rows() if r.code == category)
    return {"category": row.code, "label": row.label, "months": row.months}


@router.post("/retention/dry-runs", response={202: JobOut, **WRITE_ERRORS})
def run_retention_dry(request: AuthedRequest):
    """Start a dry run in the background: it lists what would be removed today and changes
    nothing; follow it at ``/privacy/jobs/{job_id}``."""
    require(request.user, Action.DATAPROTECTION_RETENTION)
    return _started(services.retention_dry_run_start(actor=request.user))


@router.get("/retention/runs", response={200: list[RunOut], **READ_ERRORS})
def list_retention_runs(request: AuthedRequest):
    """The last runs and dry runs, newest first."""
    require(request.user, Action.DATAPROTECTION_RETENTION)
    return selectors.runs()


@router.get("/retention/runs/{run_id}", response={200: RunOut, **READ_ERRORS})
def get_retention_run(request: AuthedRequest, run_id: uuid.UUID):
    """One run with its listing."""
    require(request.user, Action.DATAPROTECTION_RETENTION)
    run: RetentionRun = selectors.run_get(run_id)
    return run


# --- erasure --------


@router.post("/erasures", response={202: JobOut, **WRITE_ERRORS})
def erase_client(request: AuthedRequest, payload: ErasureIn):
    """Erase the client of a case in the background; confirm with the case number. Bad input is
    refused at once; follow the erasure at ``/privacy/jobs/{job_id}`` for its summary."""
    require(request.user, Action.DATAPROTECTION_ERASE)
    case = selectors.case_by_number(team_id=payload.team_id, number=payload.case_number)
    if case is None:
        raise ValidationFailed.field("case_number", _("No case of this team has this number."))
    return _started(
        services.client_erase_start(
            actor=request.user, case=case, reason=payload.reason, confirm=payload.confirm
        )
    )


@router.get("/jobs/{job_id}", response={200: PrivacyJobOut, **READ_ERRORS})
def get_privacy_job(request: AuthedRequest, job_id: uuid.UUID):
    """A dry run, erasure or request recording you started: its state and, once done, its result."""
    job = selectors.job_get(user=request.user, pk=job_id)
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "result": selectors.job_result(user=request.user, job=job),
    }


# --- the record of processing --------


@router.get("/record", response={200: dict[str, Any], **READ_ERRORS})
def get_processing_record(request: AuthedRequest):
    """The record of processing activities (Art. 30 GDPR), generated from the configuration."""
    require(request.user, Action.DATAPROTECTION_RECORD)
    return selectors.processing_record()


@router.post("/record/files", response={202: JobOut, **WRITE_ERRORS})
def start_record_file(request: AuthedRequest, payload: FileIn):
    """Prepare the record as PDF or JSON in the background."""
    require(request.user, Action.DATAPROTECTION_RECORD)
    job = job_start(owner=request.user, kind=services.RECORD_JOB, params={"format": payload.format})
    return Status(202, {"job_id": job.pk, "url": reverse("web:job", args=[job.pk])})


# --- data-subject exports --------


@router.get("/exports", response={200: list[ExportOut], **READ_ERRORS})
def list_exports(request: AuthedRequest):
    """Export requests of cases the caller's organisation leads or holds a part of."""
    return list(selectors.exports_for(user=request.user)[:100])


@router.get("/exports/overview", response={200: list[ExportOverviewOut], **READ_ERRORS})
@paginate
def list_exports_overview(request: AuthedRequest):
    """Every export request of every team, newest first, with its state and dates (the
    data-protection officer); the client's pseudonym only."""
    require(request.user, Action.DATAPROTECTION_EXPORT_OVERSEE)
    return selectors.exports_overseen(user=request.user)


def _case(request: AuthedRequest, team_id: int, case_id: uuid.UUID) -> Case:
    case = cases.case_get(user=request.user, pk=case_id, action=Action.CASE_FIND)
    if case.team_id != team_id:
        raise NotFound()
    return case


def _export(
    request: AuthedRequest, team_id: int, case_id: uuid.UUID, export_id: uuid.UUID, action: Action
) -> ExportRequest:
    case = _case(request, team_id, case_id)
    found = selectors.export_of_case(user=request.user, case=case, pk=export_id)
    if not can(request.user, action, found):  # the case is found: refused, not hidden
        raise Forbidden()
    return found


@router.post("/teams/{team_id}/cases/{case_id}/exports", response={202: JobOut, **WRITE_ERRORS})
def create_export_request(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, payload: ExportIn
):
    """Record that the client asked for a copy of their data (the lead organisation), in the
    background; the job's result at ``/privacy/jobs/{job_id}`` names the request."""
    case = _case(request, team_id, case_id)
    require(request.user, Action.DATAPROTECTION_EXPORT_REQUEST, case)
    return _started(
        services.export_request_start(actor=request.user, case=case, asked_on=payload.asked_on)
    )


@router.get(
    "/teams/{team_id}/cases/{case_id}/exports/{export_id}", response={200: ExportOut, **READ_ERRORS}
)
def get_export_request(
    request: AuthedRequest, team_id: Path[int], case_id: uuid.UUID, export_id: uuid.UUID
):
    """One export request with each organisation's answer."""
    return _export(request, team_id, case_id, export_id, Action.DATAPROTECTION_EXPORT_VIEW)


@router.post(
    "/teams/{team_id}/cases/{case_id}/exports/{export_id}/answers",
    response={200: ExportOut, **WRITE_ERRORS},
)
def answer_export_request(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: uuid.UUID,
    export_id: uuid.UUID,
    payload: AnswerIn,
):
    """Release your organisation's part, or restrict it with its legal ground."""
    found = _export(request, team_id, case_id, export_id, Action.DATAPROTECTION_EXPORT_RELEASE)
    organisation = selectors.answering_organisation(
        user=request.user, request=found, pk=payload.organisation_id
    )
    if organisation is None:
        raise ValidationFailed.field("organisation_id", _("Choose one of your organisations."))
    services.export_answer(
        actor=request.user,
        request=found,
        organisation=organisation,
        release=payload.release,
        ground=payload.ground,
        note=payload.note,
    )
    return found


@router.post(
    "/teams/{team_id}/cases/{case_id}/exports/{export_id}/files",
    response={202: JobOut, **WRITE_ERRORS},
)
def start_export_file(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: uuid.UUID,
    export_id: uuid.UUID,
    payload: FileIn,
):
    """Prepare the export as PDF or JSON for one of your organisations, in the background."""
    found = _export(request, team_id, case_id, export_id, Action.DATAPROTECTION_EXPORT_VIEW)
    readers = {o.pk for o in selectors.reader_organisations(user=request.user, request=found)}
    if payload.organisation_id not in readers:
        raise ValidationFailed.field(
            "organisation_id", _("Choose your lead organisation or one that holds a part.")
        )
    job = job_start(
        owner=request.user,
        kind=services.EXPORT_JOB,
        params={
            "request": str(found.pk),
            "organisation": payload.organisation_id,
            "format": payload.format,
        },
        team_id=found.team_id,
    )
    return Status(202, {"job_id": job.pk, "url": reverse("web:job", args=[job.pk])})
