"""What interventions plugs in: its policy, the plan and offence reports as case item kinds, the
API router, the section on the case page, the case timeline, the case manager's home page and
the erasure and export of a client's plans, contacts and outcomes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from icommit.access import Action, can, registry
from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.analysis.content import category_of
from icommit.api import registry as api
from icommit.cases import kinds
from icommit.cases.models import AccessEntry, Case, Client, ShareDecision
from icommit.cases.selectors import TimelineEntry
from icommit.dataprotection.registry import Access, ClientData, ExportPart
from icommit.dataprotection.registry import register as register_client_data
from icommit.interventions import selectors
from icommit.interventions.models import (
    GENERAL_DOMAIN,
    Contact,
    Goal,
    Measure,
    OffenceAudience,
    OffenceReport,
    Outcome,
    Plan,
    PlanAudience,
    PlanEvent,
    ScaleDecision,
)
from icommit.interventions.policies import InterventionPolicy
from icommit.sharing import items
from icommit.sharing.models import live_q
from icommit.stakeholders.models import OrganisationMembership
from icommit.web import registry as web

registry.register(InterventionPolicy)


def plan_categories(plan: Plan) -> tuple[str, ...]:
    """The plan's data categories: "plan" and the category of each life domain it has a goal in
    (``content/analysis/domains.yaml``); a "general" goal adds none. A share of the plan passes
    the rule book for each, and is checked again when a goal brings a new one."""
    domains = plan.goals.order_by().values_list("domain", flat=True).distinct()
    return (plan.category, *sorted({category_of(d) for d in domains if d != GENERAL_DOMAIN}))


items.register(Plan, PlanAudience)
items.register(OffenceReport, OffenceAudience)
kinds.register(
    kinds.ItemKind(
        key="plan",
        model=Plan,
        audience=PlanAudience,
        of_case=lambda case: Q(case=case),
        label=_("intervention plan"),
        title=lambda plan: str(_("intervention plan")),
        categories=plan_categories,
        url=lambda case, plan: reverse("interventions:plan", args=[case.team_id, case.pk]),
    )
)
kinds.register(
    kinds.ItemKind(
        key="offence_report",
        model=OffenceReport,
        audience=OffenceAudience,
        of_case=lambda case: Q(case=case),
        label=_("report of new offences"),
        title=lambda report: (
            _g("Report of new offences of %(date)s") % {"date": report.on.isoformat()}
        ),
        url=lambda case, report: reverse("interventions:outcomes", args=[case.team_id, case.pk]),
    )
)
api.router("/teams/{team_id}/cases/{case_id}", "icommit.interventions.api.router")


# --- the case page, the timeline, the home page --------------------------------------------------


def case_panel(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """The plan section of the case page: whether the plan is readable, its next review, the
    counts of open and overdue measures, the last contact (lead only) and the outcomes."""
    case = obj
    plan = selectors.plan_for(user=user, case=case)
    today = timezone.localdate()
    panel: dict[str, Any] = {"plan": plan, "today": today}
    if plan is not None:
        counts = selectors.measure_counts(plan=plan, today=today)
        panel["open_measures"], panel["overdue_measures"] = counts
        panel["review_overdue"] = selectors.is_overdue(plan.next_review, today)
    panel["may_manage"] = can(user, Action.INTERVENTION_MANAGE, case)
    panel["outcome_count"] = len(selectors.outcomes_for(case=case))
    if case.lead_organisation_id and case.lead_organisation_id in _orgs(user):
        panel["last_contact"] = selectors.last_contact(case=case)
        panel["show_contacts"] = True
    context["interventions"] = panel


def _orgs(user: User) -> frozenset[int]:
    return facts_for(user).org_ids


web.panel("case.page", "interventions/_case_panel.html", case_panel, order=30)


def timeline(*, user: User, case: Case) -> list[TimelineEntry]:
    """Plan history (when the plan is readable), outcomes and readable offence reports."""
    entries: list[TimelineEntry] = []
    plan = selectors.plan_for(user=user, case=case)
    label = str(_("Intervention plan"))
    if plan is not None:
        url = reverse("interventions:plan", args=[case.team_id, case.pk])
        titles = selectors.domain_titles()
        for event in selectors.history_of(plan=plan):
            entries.append(
                TimelineEntry(
                    event.at,
                    "plan",
                    label,
                    summary=_history_line(event, titles),
                    url=url,
                    organisation=event.organisation.name,
                )
            )
    outcomes_url = reverse("interventions:outcomes", args=[case.team_id, case.pk])
    for outcome in selectors.outcomes_for(case=case):
        entries.append(
            TimelineEntry(
                outcome.recorded_at,
                "outcome",
                str(_("Outcome")),
                summary=_outcome_line(outcome.followup),
                url=outcomes_url,
            )
        )
    for report in selectors.offence_reports_for(user=user, case=case):
        entries.append(
            TimelineEntry(
                report.recorded_at,
                "offence_report",
                str(_("New offences")),
                summary=_g("Reported: %(status)s") % {"status": report.get_status_display()},
                url=outcomes_url,
                organisation=report.origin_organisation.name,
            )
        )
    return entries


def _outcome_line(followup: int) -> str:
    if followup == 0:
        return _g("Outcome at closure recorded")
    return _g("Follow-up %(number)s recorded") % {"number": followup}


HISTORY = {
    "plan_created": _("Plan started"),
    "plan_reviewed": _("Next review set"),
    "goal_added": _("Goal added"),
    "goal_changed": _("Goal changed"),
    "measure_added": _("Measure added"),
    "measure_changed": _("Measure changed"),
    "scaled": _("Level of intensity changed"),
}


def _history_line(event: PlanEvent, titles: dict[str, str]) -> str:
    text = str(HISTORY.get(event.what, event.what))
    detail = event.detail or ""
    if event.what in ("goal_added",):
        detail = titles.get(detail, detail)
    return f"{text}: {detail}" if detail else text


kinds.timeline_source(timeline)

_ATTENTION = "interventions/_home_attention.html"


def home_attention(*, user: User, context: dict[str, Any], obj: Any = None) -> None:
    """Overdue plan reviews, overdue measures and cases drifting without contact of the cases
    the user manages (three queries whatever the number of cases)."""
    if not context.get("confirmed_teams"):
        return
    found = selectors.attention(user=user)
    items_ = context.setdefault("attention_items", [])

    def add(kind: str, rank: int, since: Any, **values: Any) -> None:
        items_.append({"template": _ATTENTION, "urgency": (rank, since), "kind": kind, **values})
        context["attention_count"] = context.get("attention_count", 0) + 1

    for plan in found.review_overdue:
        add("plan_review", 0, plan.next_review, case=plan.case, date=plan.next_review)
    for measure in found.measures_overdue:
        due = min(d for d in (measure.due_date, measure.review_date) if d is not None)
        add("measure", 0, due, case=measure.plan.case, measure=measure, date=due)
    for case, last in found.drifting:
        since = last or timezone.localdate(case.stage_since)
        add("drifting", 1, since, case=case, date=last, days=selectors.drift_days())


web.panel("home.attention", "", home_attention, order=30)


# --- a client's data: erasure and export ---------------------------------------------------------


def _cases_of(client: Client) -> Any:
    return Case.objects.filter(client=client)


def erase(client: Client, actor: User | None) -> dict[str, int]:
    """Delete every plan, goal, measure, scale decision, contact, outcome and offence report of
    the client's cases (the statuses are plain columns, so they must go, not only the key)."""
    cases = _cases_of(client)
    counts: dict[str, int] = {}
    plans = Plan.objects.filter(case__in=cases)
    counts["measures"] = Measure.objects.filter(plan__in=plans).delete()[0]
    counts["goals"] = Goal.objects.filter(plan__in=plans).delete()[0]
    counts["scale_decisions"] = ScaleDecision.objects.filter(plan__in=plans).delete()[0]
    PlanEvent.objects.filter(plan__in=plans).delete()
    PlanAudience.objects.filter(item__in=plans).delete()
    counts["plans"] = plans.delete()[0]
    counts["contacts"] = Contact.objects.filter(case__in=cases).delete()[0]
    counts["outcomes"] = Outcome.objects.filter(case__in=cases).delete()[0]
    reports = OffenceReport.objects.filter(case__in=cases)
    OffenceAudience.objects.filter(item__in=reports).delete()
    counts["offence_reports"] = reports.delete()[0]
    return counts


def _accesses(kind: str, item: Any) -> tuple[Access, ...]:
    found: list[Access] = []
    for decision in ShareDecision.objects.filter(item_kind=kind, item_id=item.pk).prefetch_related(
        "organisations"
    ):
        for org in decision.organisations.all():
            found.append(
                Access(
                    organisation=org.name,
                    at=decision.decided_at,
                    what="shared",
                    purpose=decision.purpose,
                    basis=decision.basis_kind,
                )
            )
    opened = AccessEntry.objects.filter(item_id=item.pk, what=kind).select_related("user")
    for entry in opened:
        orgs = OrganisationMembership.objects.filter(
            user=entry.user, confirmed_at__isnull=False
        ).select_related("organisation")
        for membership in orgs:
            found.append(
                Access(organisation=membership.organisation.name, at=entry.at, what="opened")
            )
    return tuple(found)


def _shared_with(audience: Any, item_ids: list[Any]) -> dict[str, tuple[int, ...]]:
    """Item id → the organisations it is shared with now (its live audience rows)."""
    out: dict[str, set[int]] = {}
    rows = audience.objects.filter(live_q(), item_id__in=item_ids).values_list(
        "item_id", "organisation_id"
    )
    for item_id, org_id in rows:
        out.setdefault(str(item_id), set()).add(org_id)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def export(client: Client) -> list[ExportPart]:
    """One part per plan, outcome, offence report and per organisation's contact list; the plan
    and each report name the organisations they are shared with now (security review S11).
    Contacts and outcomes are no shared items: a contact list stays with its organisation, an
    outcome is the lead's."""
    parts: list[ExportPart] = []
    plans_now = _shared_with(
        PlanAudience, list(Plan.objects.filter(case__client=client).values_list("pk", flat=True))
    )
    reports_now = _shared_with(
        OffenceAudience,
        list(OffenceReport.objects.filter(case__client=client).values_list("pk", flat=True)),
    )
    for case in _cases_of(client).order_by("referred_at"):
        plan = Plan.objects.filter(case=case).first()
        if plan is not None:
            goals = [
                {
                    "domain": g.domain,
                    "goal": g.statement,
                    "status": g.lifecycle_status,
                    "progress": g.achievement_status,
                    "review_date": g.review_date.isoformat() if g.review_date else None,
                }
                for g in plan.goals.all()
            ]
            measures = [
                {
                    "measure": m.what,
                    "responsible": m.responsible.name,
                    "due_date": m.due_date.isoformat() if m.due_date else None,
                    "status": m.status,
                }
                for m in plan.measures.select_related("responsible")
            ]
            scale = [
                {"level": s.intensity, "from": s.on.isoformat(), "reason": s.reason}
                for s in plan.scale_decisions.all()
            ]
            parts.append(
                ExportPart(
                    kind="interventions.plan",
                    title=_g("Intervention plan of case %(number)s") % {"number": case.number},
                    origin_organisation_id=plan.origin_organisation_id,
                    created_at=plan.created_at,
                    data={
                        "case": case.number,
                        "next_review": plan.next_review.isoformat() if plan.next_review else None,
                        "goals": goals,
                        "measures": measures,
                        "scale": scale,
                    },
                    accesses=_accesses("plan", plan),
                    category=plan.category,
                    shared_with=plans_now.get(str(plan.pk), ()),
                )
            )
        for outcome in Outcome.objects.filter(case=case):
            parts.append(
                ExportPart(
                    kind="interventions.outcome",
                    title=_g("Outcome of case %(number)s, follow-up %(followup)s")
                    % {"number": case.number, "followup": outcome.followup},
                    origin_organisation_id=outcome.organisation_id,
                    created_at=outcome.recorded_at,
                    data={
                        "case": case.number,
                        "followup": outcome.followup,
                        "date": outcome.on.isoformat(),
                        "housing": outcome.housing,
                        "work": outcome.work,
                        "education": outcome.education,
                        "client_account": outcome.client_account,
                        "closure_reason": case.closed_code,
                    },
                    category="situation",
                )
            )
        for report in OffenceReport.objects.filter(case=case):
            parts.append(
                ExportPart(
                    kind="interventions.offence_report",
                    title=_g("Report of new offences, case %(number)s") % {"number": case.number},
                    origin_organisation_id=report.origin_organisation_id,
                    created_at=report.recorded_at,
                    data={
                        "case": case.number,
                        "date": report.on.isoformat(),
                        "status": report.status,
                        "reference": report.reference,
                    },
                    accesses=_accesses("offence_report", report),
                    category=report.category,
                    shared_with=reports_now.get(str(report.pk), ()),
                )
            )
        by_org: dict[int, list[Contact]] = {}
        for contact in Contact.objects.filter(case=case).order_by("on"):
            by_org.setdefault(contact.organisation_id, []).append(contact)
        for org_id, contacts in by_org.items():
            parts.append(
                ExportPart(
                    kind="interventions.contacts",
                    title=_g("Contacts, case %(number)s") % {"number": case.number},
                    origin_organisation_id=org_id,
                    created_at=contacts[0].recorded_at,
                    data={
                        "case": case.number,
                        "contacts": [{"date": c.on.isoformat(), "kind": c.kind} for c in contacts],
                    },
                    category="situation",
                )
            )
    return parts


register_client_data(
    ClientData(
        key="interventions",
        label=_("Intervention plans, contacts and outcomes"),
        erase=erase,
        export=export,
        processing=(
            {
                "purpose": _("Planning and reviewing the joint support of a client"),
                "categories": ("plan", "situation", "offence"),
                "recipients": _("organisations taking part in the case, as the lead shares"),
                "legal_bases": _("as for the case (consent or a statutory provision)"),
            },
        ),
    )
)
