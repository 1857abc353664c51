"""Training API: certificates (mounted by api.py) and public verification.

No ``from __future__ import annotations`` here: ninja reads the annotations at run time.
"""

import datetime
import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Error, Line, ShortText
from icommit.core.exceptions import ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.core.models import Job
from icommit.training import exports_certificates
from icommit.training import selectors_certificates as found
from icommit.training import services_certificates as files
from icommit.training.forms_certificates import MAX_CREDENTIAL_BYTES
from icommit.training.models import Certificate
from icommit.training.services import certificate_revoke

router = Router()


class CertificateOut(Schema):
    id: uuid.UUID
    number: str
    course: str
    course_title: str
    run_id: int
    run_title: str
    city: str
    holder_name: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    #: valid, expired, revoked or not_yet_valid
    status: str
    revoked_at: datetime.datetime | None
    #: shown to the holder and the run's trainers only, never on verification
    revoke_reason: str
    verification_url: str

    @staticmethod
    def resolve_course_title(obj: Certificate) -> str:
        return found.course_title(obj.course)

    @staticmethod
    def resolve_run_title(obj: Certificate) -> str:
        return obj.run.title

    @staticmethod
    def resolve_city(obj: Certificate) -> str:
        return obj.run.city

    @staticmethod
    def resolve_status(obj: Certificate) -> str:
        return found.status_of(obj)

    @staticmethod
    def resolve_verification_url(obj: Certificate) -> str:
        return exports_certificates.verification_url(obj.number)


class CertificateRevokeIn(Schema):
    reason: ShortText


class CertificateJobOut(Schema):
    job_id: uuid.UUID
    #: the progress page; its download link appears there when the file is ready
    url: str


class VerifyIn(Schema):
    """Either the certificate number with the holder's family name, or the credential."""

    number: Line | None = None
    family_name: Line | None = None
    credential: dict[str, Any] | None = Field(
        default=None, description="The credential file's JSON (Open Badges 3.0), at most 64 KB."
    )


class VerifyOut(Schema):
    #: valid, expired, revoked, not_yet_valid, altered, not_issued_here, unreadable or not_found
    outcome: str
    label: str
    explanation: str
    #: the course and the dates, only for a certificate issued here
    course: str | None
    valid_from: datetime.date | None
    valid_until: datetime.date | None


def _started(job: Job) -> Status:
    return Status(202, {"job_id": job.pk, "url": reverse("web:job", args=[job.pk])})


@router.get("/certificates", response={200: list[CertificateOut], **READ_ERRORS})
@paginate
def list_certificates(request: AuthedRequest):
    """Your certificates, and those of the runs you teach, newest first."""
    return found.certificates_for(request.user)


@router.get("/certificates/{certificate_id}", response={200: CertificateOut, **READ_ERRORS})
def get_certificate(request: AuthedRequest, certificate_id: uuid.UUID):
    """One certificate: for its holder and the trainers of its run."""
    return found.certificate_get(request.user, certificate_id)


@router.get(
    "/certificates/{certificate_id}/credential",
    response={200: dict[str, Any], **READ_ERRORS},
    openapi_extra={"responses": {200: {"content": {"application/ld+json": {}}}}},
)
def get_certificate_credential(request: AuthedRequest, certificate_id: uuid.UUID):
    """The signed Open Badges 3.0 credential (JSON-LD with its Data Integrity proof)."""
    certificate = found.certificate_get(request.user, certificate_id)
    return HttpResponse(
        exports_certificates.credential_bytes(certificate), content_type="application/ld+json"
    )


@router.post(
    "/certificates/{certificate_id}/pdf", response={202: CertificateJobOut, **WRITE_ERRORS}
)
def start_certificate_pdf(request: AuthedRequest, certificate_id: uuid.UUID):
    """Prepare the certificate's PDF in the background; follow it at ``url``."""
    certificate = found.certificate_get(request.user, certificate_id)
    return _started(files.certificate_pdf_start(actor=request.user, certificate=certificate))


@router.post(
    "/certificates/{certificate_id}/revoke", response={200: CertificateOut, **WRITE_ERRORS}
)
def revoke_certificate(
    request: AuthedRequest, certificate_id: uuid.UUID, payload: CertificateRevokeIn
):
    """Revoke a certificate with a reason (the run's trainers, administrators)."""
    certificate = found.certificate_get(request.user, certificate_id)
    certificate_revoke(actor=request.user, certificate=certificate, reason=payload.reason)
    return found.certificate_get(request.user, certificate_id)


@router.post("/runs/{run_id}/certificates/zip", response={202: CertificateJobOut, **WRITE_ERRORS})
def start_certificates_zip(request: AuthedRequest, run_id: int):
    """Prepare a ZIP of every certificate of the run (PDF and credential) for its trainers."""
    run = found.run_for_certificates(request.user, run_id)
    return _started(files.certificates_zip_start(actor=request.user, run=run))


@router.post("/verify", auth=None, response={200: VerifyOut, 400: Error, 422: Error, 429: Error})
def verify_certificate(request: HttpRequest, payload: VerifyIn):
    """Verify a certificate, without an account: by its number and the holder's family name,
    or by its credential. Answers the outcome, the course and the dates, nothing else; a wrong
    number and a wrong name give the same ``not_found``. At most 20 requests per address in
    ten minutes (429 beyond)."""
    files.verification_count(files.client_address(request))
    if payload.credential is not None:
        if payload.number or payload.family_name:
            raise ValidationFailed.field(
                "credential", _("Send either the credential or a number and a family name.")
            )
        size = len(json.dumps(payload.credential, ensure_ascii=False).encode())
        if size > MAX_CREDENTIAL_BYTES:
            raise ValidationFailed.field(
                "credential",
                _("The credential is larger than 64 KB; a certificate's credential is smaller."),
            )
        answer = found.verify_document(payload.credential)
    else:
        answer = found.verify_number(payload.number or "", payload.family_name or "")
    return {
        "outcome": answer.outcome,
        "label": answer.label,
        "explanation": answer.explanation,
        "course": answer.course if answer.issued_here else None,
        "valid_from": answer.valid_from if answer.issued_here else None,
        "valid_until": answer.valid_until if answer.issued_here else None,
    }
