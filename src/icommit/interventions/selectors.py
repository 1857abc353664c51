"""Reads of intervention plans, contacts, outcomes and reports of new offences.

The plan and the offence reports are shared items: they come only through the kernel's
``visible_items``, so an organisation the lead has not shared the plan with gets None. Each
organisation reads its own contacts, and of the others' only the day of the last one; outcomes
by every organisation taking part. The case manager's attention list is a fixed number of queries
whatever the number of cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from icommit.access import Action, visible
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.analysis import services as analysis
from icommit.cases import kinds
from icommit.cases.models import Case
from icommit.cases.process import Stage
from icommit.core.exceptions import Conflict
from icommit.interventions.models import (
    GENERAL_DOMAIN,
    Contact,
    Goal,
    Measure,
    MeasureStatus,
    OffenceReport,
    Outcome,
    Plan,
    PlanAudience,
    PlanEvent,
    ScaleDecision,
)
from icommit.plans.vocab import CLOSED_LIFECYCLE
from icommit.sharing.items import visible_items

#: Stages in which a case is worked on with the client (drifting is looked for only there).
ACTIVE_STAGES = frozenset(
    {
        Stage.ACCEPTED.value,
        Stage.INFORMATION_GATHERING.value,
        Stage.ASSESSMENT.value,
        Stage.CASE_CONFERENCE.value,
        Stage.CONSENT.value,
        Stage.PLAN_ACTIVE.value,
        Stage.REVIEW.value,
    }
)


def drift_days() -> int:
    """After how many days without a recorded contact a case counts as drifting (default 30,
    ``ICOMMIT_DRIFT_DAYS``)."""
    return int(getattr(settings, "ICOMMIT_DRIFT_DAYS", 30))


#: (instrument version id, language) → domain key → title; a published version never changes
_INSTRUMENT_TITLES: dict[tuple[Any, str], dict[str, str]] = {}


def domain_titles() -> dict[str, str]:
    """The life domains a goal may belong to, key → title in the active language, in order:
    "general", then the domains of the newest Social Diagnostics instrument with its own titles
    (one query). Without a published instrument only "general" is offered."""
    general = {GENERAL_DOMAIN: str(_("General"))}
    try:
        version = analysis.instrument_version()
    except Conflict:
        return general
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    key = (version.pk, language)
    if key not in _INSTRUMENT_TITLES:
        _INSTRUMENT_TITLES[key] = analysis.domain_titles(version, language)
    return general | _INSTRUMENT_TITLES[key]


def plan_for(*, user: User, case: Case) -> Plan | None:
    """The case's plan if it exists and the user's organisation may read it."""
    return (
        visible_items(user, Plan.objects.filter(case=case))
        .select_related("origin_organisation")
        .first()
    )


def plan_exists(*, case: Case) -> bool:
    """Whether the case has a plan (told only to the lead's case manager, who holds it)."""
    return Plan.objects.filter(case=case).exists()


@dataclass
class DomainGoals:
    key: str
    label: str
    goals: list[Goal] = field(default_factory=list)


@dataclass
class PlanView:
    plan: Plan
    domains: list[DomainGoals]
    loose: list[Measure]
    #: every measure: those of each goal in the order above, then the loose ones
    measures: list[Measure]
    scale: list[ScaleDecision]
    history: list[PlanEvent]
    #: organisations that read the plan now (origin and live audience)
    shared_with: set[int]
    today: datetime.date


def plan_view(*, plan: Plan) -> PlanView:
    """The plan's goals grouped by domain with their measures, scale decisions and history
    (six queries)."""
    measures = Measure.objects.select_related("responsible").order_by("created_at", "pk")
    goals = list(plan.goals.all().prefetch_related(Prefetch("measures", queryset=measures)))
    titles = domain_titles()
    order = list(titles)
    grouped: dict[str, DomainGoals] = {}
    for goal in sorted(
        goals, key=lambda g: (order.index(g.domain) if g.domain in order else 99, g.created_at)
    ):
        label = titles.get(goal.domain, goal.domain)
        grouped.setdefault(goal.domain, DomainGoals(goal.domain, label))
        grouped[goal.domain].goals.append(goal)
    loose = list(measures.filter(plan=plan, goal__isnull=True))
    every = [m for d in grouped.values() for g in d.goals for m in g.measures.all()] + loose
    scale = list(plan.scale_decisions.all())
    # each decision's direction is read against the one before it in time (one may have been
    # recorded after a later one)
    for before, decision in zip([None, *scale], scale, strict=False):
        decision.previous = before.intensity if before is not None else ""
    return PlanView(
        plan=plan,
        domains=list(grouped.values()),
        loose=loose,
        measures=every,
        scale=scale,
        history=list(plan.events.select_related("organisation")[:50]),
        shared_with=shared_with(plan),
        today=timezone.localdate(),
    )


def shared_with(plan: Plan) -> set[int]:
    """The organisations that read the plan now: the lead and those it is shared with."""
    rows = PlanAudience.objects.of(plan).live().values_list("organisation_id", flat=True)
    return {plan.origin_organisation_id, *rows}


def goals_of(*, plan: Plan) -> list[Goal]:
    """The plan's goals, in the order they were added."""
    return list(plan.goals.all())


def measure_counts(*, plan: Plan, today: datetime.date | None = None) -> tuple[int, int]:
    """How many of the plan's measures are open, and how many of those are overdue (past their
    due or review date; one query)."""
    today = today or timezone.localdate()
    open_ = Q(status=MeasureStatus.OPEN)
    overdue = open_ & (Q(due_date__lt=today) | Q(review_date__lt=today))
    counts = plan.measures.aggregate(
        open=Count("pk", filter=open_), overdue=Count("pk", filter=overdue)
    )
    return counts["open"], counts["overdue"]


def history_of(*, plan: Plan) -> list[PlanEvent]:
    """Every line of the plan's history, newest first, with the organisation of each."""
    return list(plan.events.select_related("organisation"))


def goal_get(*, plan: Plan, pk: Any) -> Goal | None:
    try:
        return plan.goals.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        return None


def measure_get(*, plan: Plan, pk: Any) -> Measure | None:
    try:
        return (
            plan.measures.select_related("responsible", "plan__case__client").filter(pk=pk).first()
        )
    except (ValueError, TypeError, ValidationError):
        return None


#: A measure's or scale decision's ``source_kind`` → the case item kind its ``source_id`` names
#: (conferences records "conference" and the id of the minutes part); any other source kind is
#: taken as a case item kind of that name.
SOURCE_ITEM_KINDS = {"conference": "conference_part"}


def readable_sources(
    *, user: User, case: Case, rows: Iterable[Measure | ScaleDecision]
) -> set[tuple[str, str]]:
    """The (source kind, source id) pairs of ``rows`` whose source the user may read: an item
    of this case that the sharing kernel shows the user's organisation (security review S10:
    a source id the reader may not follow must not tell that the item exists). One query per
    source kind."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        if row.source_kind and row.source_id:
            wanted.setdefault(row.source_kind, set()).add(row.source_id)
    found: set[tuple[str, str]] = set()
    for source_kind, ids in wanted.items():
        try:
            kind = kinds.get(SOURCE_ITEM_KINDS.get(source_kind, source_kind))
            shown = visible_items(user, kinds.items_of(kind, case).filter(pk__in=ids))
            found |= {(source_kind, str(pk)) for pk in shown.values_list("pk", flat=True)}
        except (LookupError, ValueError, TypeError, ValidationError):
            continue  # an unknown kind or a malformed id: nothing the reader may follow
    return found


def is_overdue(value: datetime.date | None, today: datetime.date | None = None) -> bool:
    """A date is overdue from the day after it (a review due today is not overdue yet)."""
    return value is not None and value < (today or timezone.localdate())


# --- contacts ---------------------------------------------------------------------------------


def contacts_for(*, user: User, case: Case) -> QuerySet[Contact]:
    """The contacts the user's own organisations recorded, the lead's included: a contact's kind
    and how many there were stay with the organisation that had them (security review S5);
    of the others' contacts a reader learns only the day of the last one (``last_contact``)."""
    orgs = facts_for(user).org_ids
    return Contact.objects.filter(case=case, organisation_id__in=orgs).select_related(
        "organisation"
    )


def last_contact(*, case: Case) -> datetime.date | None:
    """The day of the latest contact any organisation recorded (the date alone: what drifting
    needs, told to every organisation taking part)."""
    return Contact.objects.filter(case=case).aggregate(last=Max("on"))["last"]


def is_drifting(
    last: datetime.date | None, since: datetime.date, today: datetime.date | None = None
) -> bool:
    """No contact for more than the drift days (counted from ``since`` when there was none)."""
    today = today or timezone.localdate()
    reference = last or since
    return (today - reference).days > drift_days()


# --- outcomes and offence reports -------------------------------------------------------------


def account_readable(*, user: User, case: Case) -> bool:
    """Whether the user reads the client's own account in the outcomes: the lead organisation
    records it and keeps it; the other organisations taking part see the coded statuses only
    (security review S5: the client's words reach no one by role)."""
    return case.lead_organisation_id in facts_for(user).org_ids


def outcomes_for(*, case: Case) -> list[Outcome]:
    """The case's outcomes, at closure first (read by every organisation taking part)."""
    return list(Outcome.objects.filter(case=case).order_by("followup"))


def offence_reports_for(*, user: User, case: Case) -> QuerySet[OffenceReport]:
    """The reports of new offences the user's organisation may read (its own, or shared)."""
    return visible_items(
        user, OffenceReport.objects.filter(case=case).select_related("origin_organisation")
    )


def offence_report_get(*, user: User, case: Case, pk: Any) -> OffenceReport | None:
    try:
        return offence_reports_for(user=user, case=case).filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        return None


# --- the case manager's attention -------------------------------------------------------------


@dataclass
class Attention:
    review_overdue: list[Plan]
    measures_overdue: list[Measure]
    drifting: list[tuple[Any, datetime.date | None]]


def attention(*, user: User, today: datetime.date | None = None) -> Attention:
    """What waits for a case manager on the cases they manage: plans whose review is overdue,
    open measures past their due or review date, and cases without contact for the drift days.
    Three queries whatever the number of cases."""
    today = today or timezone.localdate()
    managed = visible(user, Action.INTERVENTION_MANAGE, Case.objects.all()).filter(
        case_manager=user
    )
    plans = list(
        Plan.objects.filter(case__in=managed, next_review__lt=today)
        .select_related("case", "case__team")
        .order_by("next_review")
    )
    measures = list(
        Measure.objects.filter(plan__case__in=managed, status=MeasureStatus.OPEN)
        .filter(Q(due_date__lt=today) | Q(review_date__lt=today))
        .exclude(goal__lifecycle_status__in=CLOSED_LIFECYCLE)
        .select_related("plan__case__team", "plan__case__client", "responsible")
        .order_by("due_date", "review_date")
    )
    last = Contact.objects.filter(case=OuterRef("pk")).order_by("-on").values("on")[:1]
    threshold = today - datetime.timedelta(days=drift_days())
    drifting_qs = (
        managed.filter(stage__in=ACTIVE_STAGES)
        .annotate(last_contact=Subquery(last))
        .filter(
            Q(last_contact__lt=threshold)
            | Q(last_contact__isnull=True, stage_since__date__lt=threshold)
        )
        .select_related("team")
        .order_by("last_contact", "stage_since")
    )
    drifting = [(c, c.last_contact) for c in drifting_qs]
    return Attention(plans, measures, drifting)
