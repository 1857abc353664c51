"""API: a case's intervention plan, contacts, outcomes and reports of new offences.

The same services and selectors as the pages. The plan is answered only to organisations that
may read it (the lead, and those it shared it with): 404 otherwise, whether a plan exists or
not. Mounted under ``/teams/{team_id}/cases/{case_id}``.

No ``from __future__ import annotations`` here: ninja must see ``Path[...]`` as objects.
"""

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, ShortText
from icommit.cases import selectors as cases
from icommit.cases import services as case_services
from icommit.cases.models import Case
from icommit.core.exceptions import Forbidden, NotFound, ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.interventions import selectors, services
from icommit.interventions.models import (
    ContactKind,
    EducationStatus,
    Goal,
    HousingStatus,
    Intensity,
    Measure,
    MeasureStatus,
    OffenceStatus,
    Plan,
    ScaleDecision,
    WorkStatus,
)
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from icommit.stakeholders.models import Organisation

router = Router(tags=["interventions"])

_FIELD_NAMES = {
    "responsible": "responsible_id",
    "organisation": "organisation_id",
    "goal": "goal_id",
}


@contextmanager
def _api_fields() -> Iterator[None]:
    try:
        yield
    except ValidationFailed as exc:
        exc.details = {_FIELD_NAMES.get(k, k): v for k, v in (exc.details or {}).items()}
        raise


def _case(request: AuthedRequest, team_id: int, case_id: uuid.UUID, action: Action) -> Case:
    case = cases.case_get(user=request.user, pk=case_id, action=Action.CASE_FIND)
    if case.team_id != team_id:
        raise NotFound()
    require(request.user, action, case)
    return case


def _participant(case: Case, pk: int | None, field: str) -> Organisation:
    found = next(
        (p.organisation for p in cases.participants(case) if p.organisation_id == pk), None
    )
    if found is None:
        raise ValidationFailed.field(
            field, _("Choose an organisation that takes part in the case.")
        )
    return found


def _plan(request: AuthedRequest, case: Case) -> Plan:
    plan = selectors.plan_for(user=request.user, case=case)
    if plan is None:
        raise NotFound()
    return plan


# --- schemas ----------------------------------------------------------------------------------


def _sources_checked(request: AuthedRequest, case: Case, rows: list[Any]) -> list[Any]:
    """Mark on each measure or scale decision whether the user may read its source."""
    readable = selectors.readable_sources(user=request.user, case=case, rows=rows)
    for row in rows:
        row.source_readable = (row.source_kind, row.source_id) in readable
    return rows


def _source_id(obj: Any) -> str | None:
    """The source's id where ``_sources_checked`` found it readable; null otherwise."""
    return obj.source_id if getattr(obj, "source_readable", False) else None


class CaseOrganisationRef(Schema):
    id: int
    name: str


class MeasureOut(Schema):
    id: uuid.UUID
    goal_id: uuid.UUID | None
    what: str
    responsible: CaseOrganisationRef
    due_date: datetime.date | None
    review_date: datetime.date | None
    status: str
    overdue: bool
    #: where it was agreed ("conference", or "" when entered on the plan)
    source_kind: str
    #: the source item's id, only when you may read that item (else null)
    source_id: str | None

    @staticmethod
    def resolve_overdue(obj: Measure) -> bool:
        return obj.status == MeasureStatus.OPEN and (
            selectors.is_overdue(obj.due_date) or selectors.is_overdue(obj.review_date)
        )

    @staticmethod
    def resolve_source_id(obj: Measure) -> str | None:
        return _source_id(obj)


class CaseGoalOut(Schema):
    id: uuid.UUID
    domain: str
    statement: str
    lifecycle_status: str
    achievement_status: str
    review_date: datetime.date | None
    #: after adding or changing a goal: the organisations whose share of the plan ended because
    #: the goal's life domain brought a data category their share does not pass
    shares_ended: list[CaseOrganisationRef] = []

    @staticmethod
    def resolve_shares_ended(obj: Goal) -> list[dict[str, Any]]:
        return [{"id": o.pk, "name": o.name} for o in getattr(obj, "shares_ended", [])]


class ScaleOut(Schema):
    intensity: str
    previous: str
    on: datetime.date
    reason: str
    source_kind: str
    #: the source item's id, only when you may read that item (else null)
    source_id: str | None

    @staticmethod
    def resolve_source_id(obj: ScaleDecision) -> str | None:
        return _source_id(obj)


class PlanOut(Schema):
    id: uuid.UUID
    origin_organisation: CaseOrganisationRef
    next_review: datetime.date | None
    review_overdue: bool
    intensity: str
    goals: list[CaseGoalOut]
    measures: list[MeasureOut]
    scale: list[ScaleOut]


def _plan_out(request: AuthedRequest, case: Case, plan: Plan) -> dict[str, Any]:
    view = selectors.plan_view(plan=plan)
    goals = [g for d in view.domains for g in d.goals]
    measures = view.measures
    _sources_checked(request, case, [*measures, *view.scale])
    return {
        "id": plan.pk,
        "origin_organisation": plan.origin_organisation,
        "next_review": plan.next_review,
        "review_overdue": selectors.is_overdue(plan.next_review),
        "intensity": plan.intensity,
        "goals": goals,
        "measures": measures,
        "scale": view.scale,
    }


class ReviewIn(Schema):
    next_review: datetime.date | None = None


class CaseGoalIn(Schema):
    domain: str
    statement: ShortText
    lifecycle_status: GoalLifecycleStatus = GoalLifecycleStatus.ACTIVE
    achievement_status: GoalAchievement = GoalAchievement.IN_PROGRESS
    review_date: datetime.date | None = None


class MeasureIn(Schema):
    what: ShortText
    responsible_id: int
    goal_id: uuid.UUID | None = None
    due_date: datetime.date | None = None
    review_date: datetime.date | None = None


class MeasureChangeIn(MeasureIn):
    status: MeasureStatus = MeasureStatus.OPEN


class MeasureStatusIn(Schema):
    status: MeasureStatus


class ScaleIn(Schema):
    intensity: Intensity
    on: datetime.date
    reason: ShortText


class ContactIn(Schema):
    organisation_id: int
    on: datetime.date
    kind: ContactKind


class ContactOut(Schema):
    id: uuid.UUID
    organisation: CaseOrganisationRef
    on: datetime.date
    kind: str


class CaseLastContactOut(Schema):
    #: the day of the latest contact any organisation recorded (None: none yet), nothing more
    on: datetime.date | None


class OutcomeIn(Schema):
    on: datetime.date
    housing: HousingStatus
    work: WorkStatus
    education: EducationStatus
    client_account: ShortText = ""


class OutcomeOut(Schema):
    id: uuid.UUID
    followup: int
    on: datetime.date
    housing: str
    work: str
    education: str
    #: the client's own words: for the lead organisation only, "" for everyone else
    client_account: str
    closure_reason: str

    @staticmethod
    def resolve_closure_reason(obj: Any) -> str:
        return str(obj.case.closed_code)

    @staticmethod
    def resolve_client_account(obj: Any) -> str:
        return str(obj.client_account) if getattr(obj, "account_readable", True) else ""


class OffenceIn(Schema):
    organisation_id: int
    #: whether new proceedings are known and their stage; an investigation or a charge is no
    #: finding of guilt, and a report is a reference for the outcome indicators, not a risk
    #: statement
    status: OffenceStatus
    on: datetime.date
    #: your agency's own reference number (needed unless none are known), no details
    reference: Line = ""


class OffenceOut(Schema):
    id: uuid.UUID
    origin_organisation: CaseOrganisationRef
    status: str
    on: datetime.date
    reference: str


# --- the plan ---------------------------------------------------------------------------------


@router.get("/plan", response={200: PlanOut, **READ_ERRORS})
def get_intervention_plan(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """The case's intervention plan, if the lead organisation holds it for you or shared it with
    your organisation (404 otherwise)."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_VIEW)
    plan = _plan(request, case)
    if plan.origin_organisation_id not in facts_for(request.user).org_ids:
        case_services.opened(user=request.user, case=case, what="plan", item_id=plan.pk)
    return _plan_out(request, case, plan)


@router.post("/plan", response={201: PlanOut, **WRITE_ERRORS})
def start_intervention_plan(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """Start the plan (the lead's case manager); answers the existing plan if there is one."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_MANAGE)
    plan = services.plan_ensure(actor=request.user, case=case)
    return Status(201, _plan_out(request, case, plan))


@router.put("/plan/review", response={200: PlanOut, **WRITE_ERRORS})
def set_plan_review(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: ReviewIn
):
    """Set or clear the date of the plan's next review."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_MANAGE)
    with _api_fields():
        services.plan_review_set(actor=request.user, case=case, next_review=payload.next_review)
    return _plan_out(request, case, _plan(request, case))


@router.post("/plan/goals", response={201: CaseGoalOut, **WRITE_ERRORS})
def add_plan_goal(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: CaseGoalIn
):
    """Add a goal in a life domain (a Social Diagnostics domain key, or "general")."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_MANAGE)
    with _api_fields():
        goal = services.goal_create(actor=request.user, case=case, **payload.dict())
    return Status(201, goal)


def _goal(request: AuthedRequest, case: Case, goal_id: uuid.UUID) -> Goal:
    goal = selectors.goal_get(plan=_plan(request, case), pk=goal_id)
    if goal is None:
        raise NotFound()
    return goal


@router.put("/plan/goals/{goal_id}", response={200: CaseGoalOut, **WRITE_ERRORS})
def update_plan_goal(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: Path[uuid.UUID],
    goal_id: uuid.UUID,
    payload: CaseGoalIn,
):
    """Change a goal: domain, wording, statuses, review date."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_MANAGE)
    goal = _goal(request, case, goal_id)
    with _api_fields():
        return services.goal_update(actor=request.user, goal=goal, **payload.dict())


def _measure_values(request: AuthedRequest, case: Case, payload: MeasureIn) -> dict[str, Any]:
    values = payload.dict()
    goal_id = values.pop("goal_id")
    values["goal"] = None
    if goal_id is not None:
        plan = selectors.plan_for(user=request.user, case=case)
        values["goal"] = selectors.goal_get(plan=plan, pk=goal_id) if plan else None
        if values["goal"] is None:
            raise ValidationFailed.field("goal_id", _("Choose a goal of this case's plan."))
    values["responsible"] = _participant(case, values.pop("responsible_id"), "responsible_id")
    return values


@router.post("/plan/measures", response={201: MeasureOut, **WRITE_ERRORS})
def add_plan_measure(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: MeasureIn
):
    """Add a measure for an organisation taking part (tied to a goal, or not yet)."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_MANAGE)
    with _api_fields():
        values = _measure_values(request, case, payload)
        measure = services.measure_create(actor=request.user, case=case, **values)
    return Status(201, _sources_checked(request, case, [measure])[0])


def _measure(request: AuthedRequest, case: Case, measure_id: uuid.UUID) -> Measure:
    plan = selectors.plan_for(user=request.user, case=case)
    measure = selectors.measure_get(plan=plan, pk=measure_id) if plan else None
    if measure is None:
        raise NotFound()
    return measure


@router.put("/plan/measures/{measure_id}", response={200: MeasureOut, **WRITE_ERRORS})
def update_plan_measure(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: Path[uuid.UUID],
    measure_id: uuid.UUID,
    payload: MeasureChangeIn,
):
    """Change a measure (the lead's case manager)."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_MANAGE)
    measure = _measure(request, case, measure_id)
    with _api_fields():
        values = _measure_values(request, case, payload)
        measure = services.measure_update(actor=request.user, measure=measure, **values)
    return _sources_checked(request, case, [measure])[0]


@router.post("/plan/measures/{measure_id}/status", response={200: MeasureOut, **WRITE_ERRORS})
def set_plan_measure_status(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: Path[uuid.UUID],
    measure_id: uuid.UUID,
    payload: MeasureStatusIn,
):
    """Mark a measure done, dropped or open again: the lead's case manager, or the responsible
    organisation while the plan is shared with it."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_CONTRIBUTE)
    measure = _measure(request, case, measure_id)
    if not services.may_mark(request.user, measure):
        raise Forbidden()
    with _api_fields():
        measure = services.measure_status_set(
            actor=request.user, measure=measure, status=payload.status
        )
    return _sources_checked(request, case, [measure])[0]


@router.post("/plan/scale", response={201: ScaleOut, **WRITE_ERRORS})
def scale_intervention_plan(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: ScaleIn
):
    """Scale the joint work up or down, from a date, with a reason."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_MANAGE)
    with _api_fields():
        decision = services.scale_set(actor=request.user, case=case, **payload.dict())
    return Status(201, _sources_checked(request, case, [decision])[0])


# --- contacts ---------------------------------------------------------------------------------


@router.get("/contacts", response={200: list[ContactOut], **READ_ERRORS})
def list_case_contacts(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """Your organisation's contacts with the client (the lead's too: each organisation reads
    only its own; ``contacts/last`` gives the day of anyone's last contact)."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_VIEW)
    return list(selectors.contacts_for(user=request.user, case=case)[:500])


@router.get("/contacts/last", response={200: CaseLastContactOut, **READ_ERRORS})
def last_case_contact(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """The day of the last contact any organisation recorded with the client (no kind, no
    organisation, no count): what tells whether the case drifts without contact."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_VIEW)
    return {"on": selectors.last_contact(case=case)}


@router.post("/contacts", response={201: ContactOut, **WRITE_ERRORS})
def record_case_contact(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: ContactIn
):
    """Record that your organisation had contact with the client on a day (no content)."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_CONTRIBUTE)
    with _api_fields():
        organisation = _participant(case, payload.organisation_id, "organisation_id")
        contact = services.contact_record(
            actor=request.user,
            case=case,
            organisation=organisation,
            on=payload.on,
            kind=payload.kind,
        )
    return Status(201, contact)


# --- outcomes ---------------------------------------------------------------------------------


@router.get("/outcomes", response={200: list[OutcomeOut], **READ_ERRORS})
def list_case_outcomes(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """The outcomes at closure (follow-up 0) and at follow-ups after it."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_VIEW)
    found = selectors.outcomes_for(case=case)
    readable = selectors.account_readable(user=request.user, case=case)
    for outcome in found:
        outcome.case = case
        outcome.account_readable = readable  # type: ignore[attr-defined]
    return found


@router.post("/outcomes", response={201: OutcomeOut, **WRITE_ERRORS})
def record_case_outcome(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: OutcomeIn
):
    """Record the outcome at closure, or the next follow-up (the case closed or in aftercare)."""
    case = _case(request, team_id, case_id, Action.OUTCOME_RECORD)
    with _api_fields():
        outcome = services.outcome_record(actor=request.user, case=case, **payload.dict())
    return Status(201, outcome)


@router.get("/outcomes/offences", response={200: list[OffenceOut], **READ_ERRORS})
def list_offence_reports(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """Reports of new proceedings your organisation made or received."""
    case = _case(request, team_id, case_id, Action.INTERVENTION_VIEW)
    found = list(selectors.offence_reports_for(user=request.user, case=case))
    orgs = facts_for(request.user).org_ids
    for report in found:
        if report.origin_organisation_id not in orgs:
            case_services.opened(
                user=request.user, case=case, what="offence_report", item_id=report.pk
            )
    return found


@router.post("/outcomes/offences", response={201: OffenceOut, **WRITE_ERRORS})
def report_offences(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: OffenceIn
):
    """Report, for your justice agency taking part, whether new proceedings against the client
    are known and their stage (your reference number, no details of any offence)."""
    case = _case(request, team_id, case_id, Action.OFFENCE_REPORT)
    with _api_fields():
        organisation = _participant(case, payload.organisation_id, "organisation_id")
        report = services.offence_report_record(
            actor=request.user,
            case=case,
            organisation=organisation,
            status=payload.status,
            on=payload.on,
            reference=payload.reference,
        )
    return Status(201, report)
