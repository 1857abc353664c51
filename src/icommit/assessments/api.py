"""API of assessments: a case's D&R phase and tracks, its risk-assessment references, and the
designation of risk assessors.

The same services and selectors as the pages: track entries and risk references come only
through the sharing kernel, so an answer never holds an entry the caller's organisation neither
recorded nor received. Sharing an entry goes through the cases API (``POST .../shares`` with
``item_kind`` "track" or "risk").

No ``from __future__ import annotations`` here: ninja must see ``Path[...]`` as an object for the
ids that come from the router's prefix.
"""

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, ShortText
from icommit.assessments import selectors, services
from icommit.assessments.models import PhaseEntry, RiskAssessor, RiskReference, TrackEntry
from icommit.assessments.policies import assessor_org_ids
from icommit.cases import selectors as case_selectors
from icommit.cases.models import Case
from icommit.cases.services import participant_ids
from icommit.core.exceptions import NotFound, ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.stakeholders.models import Organisation

router = Router(tags=["assessments"])
assessors_router = Router(tags=["assessments"])

_FIELD_NAMES = {"organisation": "organisation_id", "user": "user_id"}


@contextmanager
def _api_fields() -> Iterator[None]:
    """A service's refusal names the field as the API client sent it."""
    try:
        yield
    except ValidationFailed as exc:
        exc.details = {_FIELD_NAMES.get(k, k): v for k, v in (exc.details or {}).items()}
        raise


def _case(request: AuthedRequest, team_id: int, case_id: uuid.UUID, action: Action) -> Case:
    """The case if the caller may find it (404 otherwise) and do ``action`` (403 otherwise)."""
    case = case_selectors.case_get(user=request.user, pk=case_id, action=Action.CASE_FIND)
    if case.team_id != team_id:
        raise NotFound()
    require(request.user, action, case)
    return case


def _organisation(request: AuthedRequest, pk: int | None, among: set[int]) -> Organisation | None:
    """The organisation named (if the caller belongs to it), or the caller's one organisation
    among ``among``; the service refuses None with the field named."""
    mine = set(facts_for(request.user).org_ids) & among
    if pk is None:
        if len(mine) != 1:
            raise ValidationFailed.field(
                "organisation_id", _("Choose an organisation you belong to.")
            )
        pk = next(iter(mine))
    return selectors.member_organisation(user=request.user, pk=pk)


# --- schemas ---


class AssessmentOrganisationOut(Schema):
    id: int
    name: str


class PhaseOut(Schema):
    id: uuid.UUID
    #: contact, stabilisation, reintegration or aftercare (content/assessments)
    phase: str
    since: datetime.date
    #: the free-text note, for the organisation that wrote it only (empty for everyone else)
    note: str
    #: the organisation that recorded it (the lead at the time)
    origin_organisation: AssessmentOrganisationOut
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_note(obj: PhaseEntry) -> str:
        return getattr(obj, "shown_note", "")


class TrackEntryOut(Schema):
    id: uuid.UUID
    track: Literal["disengagement", "deradicalisation"]
    stage: str
    on: datetime.date
    rationale: str
    origin_organisation: AssessmentOrganisationOut
    recorded_at: datetime.datetime


class TrackOut(Schema):
    """One track apart from the other: never combined into one scale."""

    track: str
    title: str
    #: the latest entry of each organisation you may see
    current: list[TrackEntryOut]
    #: every entry you may see, newest first
    entries: list[TrackEntryOut]


class OverviewOut(Schema):
    phase: PhaseOut | None
    phase_history: list[PhaseOut]
    tracks: list[TrackOut]


class PhaseIn(Schema):
    phase: Line
    since: datetime.date
    note: ShortText = ""


class TrackEntryIn(Schema):
    track: Literal["disengagement", "deradicalisation"]
    stage: Line
    on: datetime.date
    rationale: ShortText
    #: the organisation you record for (optional when you belong to one taking part)
    organisation_id: int | None = None


class RiskReferenceOut(Schema):
    id: uuid.UUID
    origin_organisation: AssessmentOrganisationOut
    instrument: str
    assessed_on: datetime.date
    level: Literal["low", "moderate", "high"]
    summary: str
    next_review: datetime.date
    review_overdue: bool
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_review_overdue(obj: RiskReference) -> bool:
        return obj.next_review < selectors.today()


class RiskReferenceIn(Schema):
    instrument: Line
    assessed_on: datetime.date
    level: Literal["low", "moderate", "high"]
    summary: ShortText
    next_review: datetime.date
    #: the organisation that designated you (optional when there is one taking part)
    organisation_id: int | None = None


# --- phase and tracks ---


@router.get("", response={200: OverviewOut, **READ_ERRORS})
def get_dr_overview(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """The case-work phase with its history, and each track apart: the entries you may see and
    the current stage per organisation."""
    case = _case(request, team_id, case_id, Action.ASSESSMENT_VIEW)
    history = selectors.phase_history(user=request.user, case=case)
    return {
        "phase": history[-1] if history else None,
        "phase_history": history,
        "tracks": [
            {
                "track": t.code,
                "title": t.title,
                "current": [entry for _org, entry in t.current],
                "entries": t.entries,
            }
            for t in selectors.tracks_for(user=request.user, case=case)
        ],
    }


@router.post("/phases", response={201: PhaseOut, **WRITE_ERRORS})
def record_dr_phase(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: PhaseIn
):
    """Record the case-work phase the case is in now (the case's manager in the lead)."""
    case = _case(request, team_id, case_id, Action.ASSESSMENT_PHASE)
    entry = services.phase_record(
        actor=request.user,
        case=case,
        phase=payload.phase,
        since=payload.since,
        note=payload.note,
    )
    return Status(201, entry)


@router.post("/tracks", response={201: TrackEntryOut, **WRITE_ERRORS})
def record_track_entry(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: TrackEntryIn
):
    """Record your organisation's reading of one track: only it reads the entry until it shares
    it."""
    case = _case(request, team_id, case_id, Action.ASSESSMENT_RECORD_TRACK)
    organisation = _organisation(request, payload.organisation_id, participant_ids(case))
    with _api_fields():
        entry: TrackEntry = services.track_record(
            actor=request.user,
            case=case,
            organisation=organisation,
            track=payload.track,
            stage=payload.stage,
            on=payload.on,
            rationale=payload.rationale,
        )
    return Status(201, entry)


# --- risk-assessment references ---


@router.get("/risks", response={200: list[RiskReferenceOut], **READ_ERRORS})
def list_risk_references(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """The risk references your organisation recorded or received, newest first."""
    case = _case(request, team_id, case_id, Action.ASSESSMENT_VIEW)
    return list(selectors.risk_references(user=request.user, case=case))


@router.post("/risks", response={201: RiskReferenceOut, **WRITE_ERRORS})
def record_risk_reference(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: RiskReferenceIn
):
    """Record a reference to an assessment your organisation made (designated assessors)."""
    case = _case(request, team_id, case_id, Action.ASSESSMENT_RECORD_RISK)
    organisation = _organisation(
        request, payload.organisation_id, assessor_org_ids(facts_for(request.user))
    )
    with _api_fields():
        reference = services.risk_record(
            actor=request.user,
            case=case,
            organisation=organisation,
            instrument=payload.instrument,
            assessed_on=payload.assessed_on,
            level=payload.level,
            summary=payload.summary,
            next_review=payload.next_review,
        )
    return Status(201, reference)


@router.get("/risks/{reference_id}", response={200: RiskReferenceOut, **READ_ERRORS})
def get_risk_reference(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], reference_id: uuid.UUID
):
    """One risk reference you may read (opening it is written to the access log)."""
    case = _case(request, team_id, case_id, Action.ASSESSMENT_VIEW)
    reference = selectors.risk_get(user=request.user, case=case, pk=reference_id)
    services.risk_opened(user=request.user, case=case, reference=reference)
    return reference


# --- risk assessors ---


class AssessorOut(Schema):
    id: int
    organisation: AssessmentOrganisationOut
    user: AssessmentOrganisationOut
    designated_at: datetime.datetime
    ended_at: datetime.datetime | None

    @staticmethod
    def resolve_user(obj: RiskAssessor) -> dict[str, object]:
        return {"id": obj.user_id, "name": str(obj.user)}


class AssessorIn(Schema):
    organisation_id: int
    user_id: int


@assessors_router.get("", response={200: list[AssessorOut], **READ_ERRORS})
def list_risk_assessors(request: AuthedRequest):
    """The risk assessors in effect of the organisations you administer."""
    require(request.user, Action.ASSESSMENT_DESIGNATE)
    return [a for g in selectors.assessors_for(user=request.user) for a in g.assessors]


@assessors_router.post("", response={201: AssessorOut, **WRITE_ERRORS})
def designate_risk_assessor(request: AuthedRequest, payload: AssessorIn):
    """Designate a confirmed member of an organisation you administer as its risk assessor."""
    require(request.user, Action.ASSESSMENT_DESIGNATE)
    organisation = selectors.administered_organisation(
        user=request.user, pk=payload.organisation_id
    )
    with _api_fields():
        assessor = services.assessor_designate(
            actor=request.user,
            organisation=organisation,
            user=selectors.confirmed_member(organisation=organisation, pk=payload.user_id),
        )
    return Status(201, assessor)


@assessors_router.post("/{assessor_id}/end", response={200: AssessorOut, **WRITE_ERRORS})
def end_risk_assessor(request: AuthedRequest, assessor_id: int):
    """End a designation: the person records no further risk reference for the organisation."""
    require(request.user, Action.ASSESSMENT_DESIGNATE)
    assessor = selectors.assessor_get(user=request.user, pk=assessor_id)
    return services.assessor_end(actor=request.user, assessor=assessor)
