"""Training API: people (mounted by api.py) — external learners for trainers (list, approve,
decline), a team's training coverage and its certification gate for the team's coordinators.
Registration and activation are pages only (registration takes a consent and no password; the
owner of the address chooses the password with the approval mail's link).

No ``from __future__ import annotations`` here: ninja reads the annotations at run time.
"""

import datetime

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from icommit.access import Action
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS
from icommit.core.http import AuthedRequest
from icommit.training import selectors, services
from icommit.training import selectors_people as found
from icommit.training import services_people as people
from icommit.training.models import LearnerAccount

router = Router()


class ExternalLearnerOut(Schema):
    id: int
    full_name: str
    email: str
    organisation: str
    sector: str
    note: str
    registered_at: datetime.datetime
    #: pending, approved or declined
    state: str
    approved_at: datetime.datetime | None
    declined_at: datetime.datetime | None
    #: the owner of the address followed the approval mail's link and chose the password
    active: bool

    @staticmethod
    def resolve_full_name(obj: LearnerAccount) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_email(obj: LearnerAccount) -> str:
        return obj.user.email

    @staticmethod
    def resolve_registered_at(obj: LearnerAccount) -> datetime.datetime:
        return obj.user.date_joined

    @staticmethod
    def resolve_state(obj: LearnerAccount) -> str:
        if obj.approved_at is not None:
            return "approved"
        return "declined" if obj.declined_at is not None else "pending"

    @staticmethod
    def resolve_active(obj: LearnerAccount) -> bool:
        return obj.user.is_active


class ExternalLearnerFilter(Schema):
    #: pending (the default), approved or declined
    state: str = "pending"


class CoverageMemberOut(Schema):
    name: str
    organisation: str
    sector: str
    #: holds a valid certificate of the certification course today
    certified: bool
    #: the last day of the best certificate (an expired one's when none is valid); null: none,
    #: or a certificate without expiry when ``certified``
    certified_until: datetime.date | None
    #: training runs the member finished (signed off)
    runs_finished: int
    #: the team's gate names the member's sector
    gate_applies: bool


class TrainingCoverageOut(Schema):
    team_id: int
    gate_sectors: list[str]
    count: int
    members: list[CoverageMemberOut]


class TrainingGateOut(Schema):
    team_id: int
    #: sectors whose members need a valid certificate before they record perspectives
    sectors: list[str]
    #: the sectors a gate may name (the non-security ones)
    offered: list[str]
    course: str


class TrainingGateIn(Schema):
    sectors: list[str]


@router.get("/learners", response={200: list[ExternalLearnerOut], **READ_ERRORS})
@paginate
def list_training_external_learners(request: AuthedRequest, filters: Query[ExternalLearnerFilter]):
    """External learners (trainers and administrators): pending (oldest first), approved or
    declined (newest decision first)."""
    state = filters.state if filters.state in found.STATES else "pending"
    return found.external_learners(request.user, state)


@router.post("/learners/{learner_id}/approve", response={200: ExternalLearnerOut, **WRITE_ERRORS})
def approve_training_external_learner(request: AuthedRequest, learner_id: int):
    """Approve an external learner: the approval mail carries the link that activates the
    account (409 once decided)."""
    account = found.external_learner_get(request.user, learner_id)
    return people.learner_approve(actor=request.user, account=account)


@router.post("/learners/{learner_id}/decline", response={200: ExternalLearnerOut, **WRITE_ERRORS})
def decline_training_external_learner(request: AuthedRequest, learner_id: int):
    """Decline an external learner: the account stays inactive; they are told by mail (409
    once decided)."""
    account = found.external_learner_get(request.user, learner_id)
    return people.learner_decline(actor=request.user, account=account)


@router.get("/teams/{team_id}/coverage", response={200: TrainingCoverageOut, **READ_ERRORS})
def get_training_coverage(request: AuthedRequest, team_id: int, page: int = 1):
    """The team's training coverage, 50 members a page (the team's coordinators): each
    member's organisation, sector, whether certified and until when, runs finished; nothing
    more about anyone's training."""
    team = found.team_for(request.user, team_id, Action.TRAINING_COVERAGE_VIEW)
    shown, lines = found.coverage_page(team, page)
    return {
        "team_id": team.pk,
        "gate_sectors": selectors.gate_sectors(team),
        "count": shown.paginator.count,
        "members": [
            {
                "name": line.row.name,
                "organisation": line.row.organisation,
                "sector": line.row.sector,
                "certified": line.row.certified,
                "certified_until": line.row.certified_until,
                "runs_finished": line.row.runs,
                "gate_applies": line.gated_sector,
            }
            for line in lines
        ],
    }


def _gate(team_id: int, sectors: list[str]) -> dict[str, object]:
    return {
        "team_id": team_id,
        "sectors": sectors,
        "offered": [value for value, _label in people.learner_sectors()],
        "course": selectors.CERTIFICATION_COURSE,
    }


@router.get("/teams/{team_id}/gate", response={200: TrainingGateOut, **READ_ERRORS})
def get_training_gate(request: AuthedRequest, team_id: int):
    """The team's certification gate (the team's coordinators)."""
    team = found.team_for(request.user, team_id, Action.TRAINING_COVERAGE_VIEW)
    return _gate(team.pk, selectors.gate_sectors(team))


@router.put("/teams/{team_id}/gate", response={200: TrainingGateOut, **WRITE_ERRORS})
def set_training_gate(request: AuthedRequest, team_id: int, payload: TrainingGateIn):
    """Name the sectors whose members need a valid certificate of the certification course
    before they record Social Diagnostics perspectives; an empty list lifts the gate. A
    security sector is refused (422, naming it)."""
    team = found.team_for(request.user, team_id, Action.TRAINING_GATE_EDIT)
    chosen = services.gate_set(actor=request.user, team=team, sectors=payload.sectors)
    return _gate(team.pk, chosen)
