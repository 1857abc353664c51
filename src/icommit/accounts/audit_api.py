"""API: the audit log, filtered as on its page, and the state of its chain.

The same form (``web.audit_forms``), selectors and verification job as the audit page; the
web kit cannot mount a router (the api and web kits know nothing of each other), so the
accounts app, which the audit log's readers sign in through, mounts it.
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from icommit.access import Action, require
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS
from icommit.core import jobs, verification
from icommit.core.audit import event_label
from icommit.core.exceptions import ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.core.models import AuditEvent, ChainVerification
from icommit.web import audit_jobs, selectors
from icommit.web.audit_forms import AuditFilterForm, object_kind_label

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    at: datetime.datetime
    actor_id: int | None
    actor_email: str
    actor_name: str
    action: str
    action_label: str
    object_type: str
    object_kind: str
    object_id: str
    team_id: int | None
    purpose: str

    @staticmethod
    def resolve_actor_email(obj: AuditEvent) -> str:
        return obj.actor.email if obj.actor else ""

    @staticmethod
    def resolve_actor_name(obj: AuditEvent) -> str:
        return obj.actor.full_name if obj.actor else ""

    @staticmethod
    def resolve_action_label(obj: AuditEvent) -> str:
        return event_label(obj.action)

    @staticmethod
    def resolve_object_kind(obj: AuditEvent) -> str:
        return object_kind_label(obj.object_type)


class VerificationOut(Schema):
    finished_at: datetime.datetime
    up_to_seq: int
    events: int
    ok: bool
    problem_count: int
    problem: str
    trigger: str


class ChainStatusOut(Schema):
    #: never, ok, failed or stale (the newest verification passed but is older than a day)
    state: str
    last: VerificationOut | None
    last_ok: VerificationOut | None


class VerifyStartedOut(Schema):
    job_id: str
    status_url: str


def _verification(row: ChainVerification | None) -> VerificationOut | None:
    if row is None:
        return None
    return VerificationOut(
        finished_at=row.finished_at,
        up_to_seq=row.up_to_seq,
        events=row.events,
        ok=row.ok,
        problem_count=row.problem_count,
        problem=row.problem,
        trigger=row.trigger,
    )


@router.get("/events", response={200: list[AuditEventOut], **READ_ERRORS})
@paginate
def audit_events(
    request: AuthedRequest,
    actor: int | None = None,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: str = "",
    until: str = "",
):
    """Audit events you may read, newest first; filtered by person (id), kind of event (a
    registered name, or its first word and a dot), kind of object, object id and dates
    (YYYY-MM-DD, inclusive). Reading is itself recorded in the audit log."""
    require(request.user, Action.AUDIT_VIEW)
    given = {
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "since": since,
        "until": until,
    }
    data = {key: value for key, value in given.items() if value not in ("", None)}
    form = AuditFilterForm(data, **selectors.audit_filter_choices(user=request.user))
    if not form.is_valid():
        raise ValidationFailed(details={k: [str(m) for m in v] for k, v in form.errors.items()})
    return selectors.audit_read(user=request.user, purpose="audit.api", filters=form.filters())


@router.get("/chain", response={200: ChainStatusOut, **READ_ERRORS})
def audit_chain(request: AuthedRequest) -> ChainStatusOut:
    """Whether the audit chain verified when it was last verified, and when that was."""
    require(request.user, Action.AUDIT_VIEW)
    status = verification.chain_status()
    return ChainStatusOut(
        state=status.state,
        last=_verification(status.last),
        last_ok=_verification(status.last_ok),
    )


@router.post("/chain/verify", response={202: VerifyStartedOut, **WRITE_ERRORS})
def audit_chain_verify(request: AuthedRequest):
    """Start a verification of the whole chain as a background job; follow it at
    ``status_url`` (the job page). The outcome then shows in ``GET /audit/chain``."""
    require(request.user, Action.AUDIT_VERIFY)
    job = jobs.job_start(owner=request.user, kind=audit_jobs.KIND, params={})
    return Status(
        202, VerifyStartedOut(job_id=str(job.pk), status_url=reverse("web:job", args=[job.pk]))
    )
