"""Writes on intervention plans, contacts, outcomes and reports of new offences.

Every function checks access (``require``) and records its audit event in the same transaction,
sealed with the client's key (what people wrote goes only there and into encrypted columns).
The plan is created on first use, held by the case's lead organisation, and reaches other
organisations only through ``cases.services.item_share`` (kind ``plan``). Invariant: a
responsible organisation changes the status of its own measures only while the plan is shared
with it; nothing changes on bad input.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from icommit.access import Action, can, require
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.cases import services as case_services
from icommit.cases.models import Case, CaseParticipant
from icommit.cases.process import Stage
from icommit.core import audit
from icommit.core.exceptions import Conflict, Forbidden, ValidationFailed
from icommit.core.text import SHORT, TITLE
from icommit.core.text import clean as clean_text
from icommit.interventions.models import (
    OFFENCE_CATEGORY,
    PLAN_CATEGORY,
    PROCEEDINGS,
    Contact,
    ContactKind,
    EducationStatus,
    Goal,
    HousingStatus,
    Intensity,
    Measure,
    MeasureStatus,
    OffenceReport,
    OffenceStatus,
    Outcome,
    Plan,
    PlanEvent,
    ScaleDecision,
    WorkStatus,
)
from icommit.interventions.policies import JUSTICE_SECTORS
from icommit.interventions.selectors import domain_titles
from icommit.plans.vocab import GoalAchievement, GoalLifecycleStatus
from icommit.sharing.items import may_see
from icommit.stakeholders.models import Organisation

#: The stages in which outcomes are recorded: at closure and at follow-ups after it.
OUTCOME_STAGES = frozenset({Stage.CLOSED.value, Stage.AFTERCARE.value})


# --- small helpers --------------------------------------------------------------------------


def _text(value: str, field: str, *, required: bool = True, max_length: int = SHORT) -> str:
    value = clean_text((value or "").strip(), field=field, max_length=max_length)
    if required and not value:
        raise ValidationFailed.field(field, _("This field is required."))
    return value


def _choice(value: str, choices: Any, field: str) -> str:
    if value not in set(choices):
        raise ValidationFailed.field(field, _("Choose one of the options offered."))
    return value


def _date(value: Any, field: str, *, required: bool = False) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed.field(field, _("This field is required."))
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationFailed.field(field, _("Enter a valid date."))
    return value


def _not_future(value: datetime.date, field: str) -> datetime.date:
    if value > timezone.localdate():
        raise ValidationFailed.field(field, _("The date must not lie in the future."))
    return value


def _participating(case: Case, organisation: Organisation | None, field: str) -> Organisation:
    if (
        organisation is None
        or not CaseParticipant.objects.filter(
            case=case, organisation=organisation, left_at__isnull=True
        ).exists()
    ):
        raise ValidationFailed.field(
            field, _("Choose an organisation that takes part in the case.")
        )
    return organisation


def _own(actor: User, organisation: Organisation | None, field: str = "organisation") -> None:
    if organisation is None or organisation.pk not in facts_for(actor).org_ids:
        raise ValidationFailed.field(field, _("Choose an organisation you belong to."))


def _record(actor: User | None, action: str, case: Case, **changes: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=case,
        team_id=case.team_id,
        changes=changes,
        subject=case.client.subject_key_id,
    )


def _history(plan: Plan, what: str, detail: str = "", organisation_id: int | None = None) -> None:
    # the detail is sealed with the client's key (``PlanEvent.detail``)
    PlanEvent.objects.create(
        plan=plan,
        organisation_id=organisation_id or plan.origin_organisation_id,
        what=what,
        detail=detail,
    )


def _source(kind: str, ident: Any) -> tuple[str, str]:
    kind = _text(kind, "source_kind", required=False, max_length=40)
    ident = _text(str(ident or ""), "source_id", required=False, max_length=64)
    if bool(kind) != bool(ident):
        raise ValidationFailed.field("source_kind", _("Give both the source and its reference."))
    return kind, ident


# --- the plan ---------------------------------------------------------------------------------


def _plan(actor: User, case: Case) -> Plan:
    plan = Plan.objects.filter(case=case).first()
    if plan is not None:
        plan.case = case  # the history seals with the client's key: no second read of the case
        return plan
    if case.lead_organisation_id is None:
        raise Conflict(_("The case has no lead organisation yet."))
    plan = Plan.objects.create(
        team_id=case.team_id,
        origin_organisation_id=case.lead_organisation_id,
        category=PLAN_CATEGORY,
        case=case,
        created_by=actor,
    )
    _record(actor, "intervention.plan_created", case, plan=str(plan.pk))
    _history(plan, "plan_created")
    return plan


@transaction.atomic
def plan_ensure(*, actor: User, case: Case) -> Plan:
    """Return the case's intervention plan, starting it (held by the lead) on first use."""
    require(actor, Action.INTERVENTION_MANAGE, case)
    case_services.ensure_not_restricted(case)
    return _plan(actor, case)


@transaction.atomic
def plan_review_set(*, actor: User, case: Case, next_review: datetime.date | None) -> Plan:
    """Set (or clear) the date of the plan's next review."""
    require(actor, Action.INTERVENTION_MANAGE, case)
    case_services.ensure_not_restricted(case)
    next_review = _date(next_review, "next_review")
    plan = _plan(actor, case)
    plan.next_review = next_review
    plan.updated_at = timezone.now()
    plan.save(update_fields=["next_review", "updated_at"])
    value = next_review.isoformat() if next_review else ""
    _record(actor, "intervention.plan_reviewed", case, plan=str(plan.pk), next_review=value)
    _history(plan, "plan_reviewed", value)
    return plan


def _goal_values(
    domain: str, statement: str, lifecycle_status: str, achievement_status: str, review_date: Any
) -> dict[str, Any]:
    return {
        "domain": _choice(domain, domain_titles(), "domain"),
        "statement": _text(statement, "statement"),
        "lifecycle_status": _choice(
            lifecycle_status, GoalLifecycleStatus.values, "lifecycle_status"
        ),
        "achievement_status": _choice(
            achievement_status, GoalAchievement.values, "achievement_status"
        ),
        "review_date": _date(review_date, "review_date"),
    }


@transaction.atomic
def goal_create(
    *,
    actor: User,
    case: Case,
    domain: str,
    statement: str,
    review_date: datetime.date | None = None,
    lifecycle_status: str = GoalLifecycleStatus.ACTIVE,
    achievement_status: str = GoalAchievement.IN_PROGRESS,
) -> Goal:
    """Add a goal in a life domain (or "general") to the case's plan."""
    require(actor, Action.INTERVENTION_MANAGE, case)
    case_services.ensure_not_restricted(case)
    values = _goal_values(domain, statement, lifecycle_status, achievement_status, review_date)
    plan = _plan(actor, case)
    goal = Goal(plan=plan, created_by=actor, **values)
    goal.save()
    _record(
        actor,
        "intervention.goal_added",
        case,
        goal=str(goal.pk),
        domain=goal.domain,
        statement=goal.statement,
        status=goal.lifecycle_status,
        progress=goal.achievement_status,
    )
    _history(plan, "goal_added", goal.domain)
    goal.shares_ended = case_services.shares_recheck(actor=actor, case=case, item=plan)
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: User,
    goal: Goal,
    domain: str,
    statement: str,
    lifecycle_status: str,
    achievement_status: str,
    review_date: datetime.date | None = None,
) -> Goal:
    """Change a goal: its domain, wording, statuses or review date."""
    case = goal.plan.case
    require(actor, Action.INTERVENTION_MANAGE, case)
    case_services.ensure_not_restricted(case)
    values = _goal_values(domain, statement, lifecycle_status, achievement_status, review_date)
    before = {"status": goal.lifecycle_status, "progress": goal.achievement_status}
    domain_before = goal.domain
    for name, value in values.items():
        setattr(goal, name, value)
    goal.save()
    _record(
        actor,
        "intervention.goal_changed",
        case,
        goal=str(goal.pk),
        domain=goal.domain,
        statement=goal.statement,
        status=[before["status"], goal.lifecycle_status],
        progress=[before["progress"], goal.achievement_status],
    )
    _history(goal.plan, "goal_changed", f"{goal.domain}: {goal.lifecycle_status}")
    goal.shares_ended = []
    if goal.domain != domain_before:
        goal.shares_ended = case_services.shares_recheck(actor=actor, case=case, item=goal.plan)
    return goal


@transaction.atomic
def measure_create(
    *,
    actor: User,
    case: Case,
    what: str,
    responsible: Organisation,
    goal: Goal | None = None,
    due_date: datetime.date | None = None,
    review_date: datetime.date | None = None,
    source_kind: str = "",
    source_id: Any = "",
) -> Measure:
    """Add a measure to the case's plan (starting the plan if needed).

    ``responsible`` must take part in the case; ``goal`` (None: not yet tied to a goal) must be
    a goal of this case's plan; ``source_kind``/``source_id`` record where it was agreed (e.g.
    ``"conference"`` and the minutes part's id) as a reference only.
    """
    require(actor, Action.INTERVENTION_MANAGE, case)
    case_services.ensure_not_restricted(case)
    what = _text(what, "what")
    _participating(case, responsible, "responsible")
    due_date = _date(due_date, "due_date")
    review_date = _date(review_date, "review_date")
    kind, ident = _source(source_kind, source_id)
    plan = _plan(actor, case)
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationFailed.field("goal", _("Choose a goal of this case's plan."))
    measure = Measure(
        plan=plan,
        goal=goal,
        what=what,
        responsible=responsible,
        due_date=due_date,
        review_date=review_date,
        source_kind=kind,
        source_id=ident,
        created_by=actor,
    )
    measure.save()
    _record(
        actor,
        "intervention.measure_added",
        case,
        measure=str(measure.pk),
        goal=str(goal.pk) if goal else "",
        what=what,
        responsible=responsible.pk,
        due=due_date.isoformat() if due_date else "",
        source=[kind, ident] if kind else [],
    )
    _history(plan, "measure_added", responsible.name)
    return measure


@transaction.atomic
def measure_update(
    *,
    actor: User,
    measure: Measure,
    what: str,
    responsible: Organisation,
    goal: Goal | None,
    due_date: datetime.date | None,
    review_date: datetime.date | None,
    status: str,
) -> Measure:
    """Change a measure (the lead's case manager): wording, goal, organisation, dates, status."""
    case = measure.plan.case
    require(actor, Action.INTERVENTION_MANAGE, case)
    case_services.ensure_not_restricted(case)
    what = _text(what, "what")
    _participating(case, responsible, "responsible")
    if goal is not None and goal.plan_id != measure.plan_id:
        raise ValidationFailed.field("goal", _("Choose a goal of this case's plan."))
    status = _choice(status, MeasureStatus.values, "status")
    before = measure.status
    measure.what = what
    measure.responsible = responsible
    measure.goal = goal
    measure.due_date = _date(due_date, "due_date")
    measure.review_date = _date(review_date, "review_date")
    if status != before:
        measure.status, measure.status_at, measure.status_by = status, timezone.now(), actor
    measure.save()
    _record(
        actor,
        "intervention.measure_changed",
        case,
        measure=str(measure.pk),
        what=what,
        responsible=responsible.pk,
        status=[before, status],
    )
    _history(measure.plan, "measure_changed", status)
    return measure


def may_mark(user: User, measure: Measure) -> bool:
    """Whether the user may set this measure's status: the lead's case manager, or a member of
    the responsible organisation who may contribute and to whom the plan is shared."""
    case = measure.plan.case
    if can(user, Action.INTERVENTION_MANAGE, case):
        return True
    return (
        measure.responsible_id in facts_for(user).org_ids
        and can(user, Action.INTERVENTION_CONTRIBUTE, case)
        and may_see(user, measure.plan)
    )


@transaction.atomic
def measure_status_set(*, actor: User, measure: Measure, status: str) -> Measure:
    """Mark a measure done, dropped or open again."""
    case = measure.plan.case
    require(actor, Action.INTERVENTION_CONTRIBUTE, case)
    if not may_mark(actor, measure):
        raise Forbidden()
    case_services.ensure_not_restricted(case)
    status = _choice(status, MeasureStatus.values, "status")
    before = measure.status
    if status == before:
        return measure
    measure.status, measure.status_at, measure.status_by = status, timezone.now(), actor
    measure.save(update_fields=["status", "status_at", "status_by"])
    _record(
        actor,
        "intervention.measure_changed",
        case,
        measure=str(measure.pk),
        status=[before, status],
    )
    # the responsible organisation marked it, unless the lead's case manager did
    by_lead = measure.plan.origin_organisation_id in facts_for(actor).org_ids
    _history(measure.plan, "measure_changed", status, None if by_lead else measure.responsible_id)
    return measure


@transaction.atomic
def scale_set(
    *,
    actor: User,
    case: Case,
    intensity: str,
    on: datetime.date,
    reason: str,
    source_kind: str = "",
    source_id: Any = "",
) -> ScaleDecision:
    """Scale the joint work up or down to ``intensity`` from the date ``on``, with a reason."""
    require(actor, Action.INTERVENTION_MANAGE, case)
    case_services.ensure_not_restricted(case)
    intensity = _choice(intensity, Intensity.values, "intensity")
    day = _date(on, "on", required=True)
    assert day is not None
    reason = _text(reason, "reason")
    kind, ident = _source(source_kind, source_id)
    plan = _plan(actor, case)
    # the level in effect on that day (decisions may be recorded after the day they apply from)
    before = (
        ScaleDecision.objects.filter(plan=plan, on__lte=day)
        .order_by("-on", "-decided_at")
        .values_list("intensity", flat=True)
        .first()
    ) or ""
    if intensity == before:
        raise ValidationFailed.field("intensity", _("The work is already at this level."))
    decision = ScaleDecision(
        plan=plan,
        intensity=intensity,
        previous=before,
        on=day,
        reason=reason,
        source_kind=kind,
        source_id=ident,
        decided_by=actor,
    )
    decision.save()
    # the level now is that of the latest day
    plan.intensity = (
        ScaleDecision.objects.filter(plan=plan)
        .order_by("-on", "-decided_at")
        .values_list("intensity", flat=True)
        .first()
    ) or intensity
    plan.updated_at = timezone.now()
    plan.save(update_fields=["intensity", "updated_at"])
    _record(
        actor,
        "intervention.scaled",
        case,
        plan=str(plan.pk),
        intensity=[decision.previous, intensity],
        on=day.isoformat(),
        reason=reason,
        source=[kind, ident] if kind else [],
    )
    _history(plan, "scaled", intensity)
    return decision


# --- contacts -----------------------------------------------------------------------------------


@transaction.atomic
def contact_record(
    *, actor: User, case: Case, organisation: Organisation | None, on: datetime.date, kind: str
) -> Contact:
    """Record that the actor's organisation had contact with the client on a day (no content)."""
    require(actor, Action.INTERVENTION_CONTRIBUTE, case)
    case_services.ensure_not_restricted(case)
    _own(actor, organisation)
    organisation = _participating(case, organisation, "organisation")
    day = _date(on, "on", required=True)
    assert day is not None
    _not_future(day, "on")
    kind = _choice(kind, ContactKind.values, "kind")
    contact = Contact.objects.create(
        case=case, organisation=organisation, on=day, kind=kind, recorded_by=actor
    )
    _record(
        actor,
        "intervention.contact_recorded",
        case,
        contact=str(contact.pk),
        organisation=organisation.pk,
        on=day.isoformat(),
        kind=kind,
    )
    return contact


# --- outcomes and new offences ------------------------------------------------------------------


@transaction.atomic
def outcome_record(
    *,
    actor: User,
    case: Case,
    on: datetime.date,
    housing: str,
    work: str,
    education: str,
    client_account: str = "",
) -> Outcome:
    """Record the outcome at closure (follow-up 0) or at the next follow-up after it."""
    require(actor, Action.OUTCOME_RECORD, case)
    case_services.ensure_not_restricted(case)
    if case.stage not in OUTCOME_STAGES:
        raise Conflict(_("Outcomes are recorded when the case is closed or in aftercare."))
    day = _date(on, "on", required=True)
    assert day is not None
    _not_future(day, "on")
    values = {
        "housing": _choice(housing, HousingStatus.values, "housing"),
        "work": _choice(work, WorkStatus.values, "work"),
        "education": _choice(education, EducationStatus.values, "education"),
    }
    account = _text(client_account, "client_account", required=False)
    last = Outcome.objects.filter(case=case).aggregate(n=Max("followup"), on=Max("on"))
    if last["on"] is not None and day < last["on"]:
        raise ValidationFailed.field(
            "on", _("A follow-up cannot lie before the outcome recorded before it.")
        )
    followup = 0 if last["n"] is None else last["n"] + 1
    outcome = Outcome(
        case=case,
        followup=followup,
        on=day,
        client_account=account,
        organisation=case.lead_organisation,
        recorded_by=actor,
        **values,
    )
    outcome.save()
    _record(
        actor,
        "intervention.outcome_recorded",
        case,
        outcome=str(outcome.pk),
        followup=followup,
        on=day.isoformat(),
        client_account=account,
        **values,
    )
    return outcome


@transaction.atomic
def offence_report_record(
    *,
    actor: User,
    case: Case,
    organisation: Organisation | None,
    status: str,
    on: datetime.date,
    reference: str = "",
) -> OffenceReport:
    """Record, for a justice agency taking part, whether new proceedings are known and their
    stage (``OffenceStatus``), with a reference to its own records and no details of any
    offence; only that agency reads it until it shares it."""
    require(actor, Action.OFFENCE_REPORT, case)
    case_services.ensure_not_restricted(case)
    _own(actor, organisation)
    organisation = _participating(case, organisation, "organisation")
    if organisation.sector not in JUSTICE_SECTORS:
        raise ValidationFailed.field(
            "organisation", _("Only police, prosecution, probation or prison report offences.")
        )
    status = _choice(status, OffenceStatus.values, "status")
    day = _date(on, "on", required=True)
    assert day is not None
    _not_future(day, "on")
    reference = _text(reference, "reference", required=False, max_length=TITLE)
    if status in PROCEEDINGS and not reference:
        raise ValidationFailed.field(
            "reference", _("Give your reference number, so that others can ask you.")
        )
    report = OffenceReport(
        team_id=case.team_id,
        origin_organisation=organisation,
        category=OFFENCE_CATEGORY,
        case=case,
        status=status,
        on=day,
        reference=reference,
        recorded_by=actor,
    )
    report.save()
    _record(
        actor,
        "intervention.offence_reported",
        case,
        report=str(report.pk),
        organisation=organisation.pk,
        status=status,
        on=day.isoformat(),
        reference=reference,
    )
    return report
