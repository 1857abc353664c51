"""Pages of a case's intervention plan, contacts and outcomes.

A page first finds the case (404 beyond it) and then checks its own action (403). The plan is
read through the sharing kernel: an organisation the lead has not shared it with sees the same
page whether a plan exists or not. Writes go through ``interventions.services`` only.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from icommit.access import Action, can, require
from icommit.access.facts import facts_for
from icommit.cases import selectors as cases
from icommit.cases import services as case_services
from icommit.cases.models import Case
from icommit.cases.process import Stage
from icommit.cases.views import code_text
from icommit.core.exceptions import NotFound, ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.interventions import selectors, services
from icommit.interventions.forms import (
    ContactForm,
    GoalForm,
    MeasureForm,
    OffenceForm,
    OutcomeForm,
    ReviewForm,
    ScaleForm,
)
from icommit.interventions.models import Goal, Measure, MeasureStatus, Plan
from icommit.interventions.policies import JUSTICE_SECTORS
from icommit.stakeholders.models import Organisation
from icommit.web.submit import submit_button, submit_form


def _case(request: AuthedRequest, team_pk: int, case_pk: Any, action: Action) -> Case:
    """The case, if the person finds it at all (else 404) and may do ``action`` (else 403)."""
    case = cases.case_get(user=request.user, pk=case_pk, action=Action.CASE_FIND)
    if case.team_id != team_pk:
        raise NotFound()
    require(request.user, action, case)
    return case


def _url(case: Case, name: str = "interventions:plan") -> str:
    return reverse(name, args=[case.team_id, case.pk])


def _base(case: Case, **extra: Any) -> dict[str, Any]:
    return {"team": case.team, "case": case, "restricted": case.client.is_restricted, **extra}


def _participants(case: Case) -> list[Organisation]:
    return [p.organisation for p in cases.participants(case)]


def _org(case: Case, pk: int) -> Organisation | None:
    return next((o for o in _participants(case) if o.pk == pk), None)


def _managed_plan(request: AuthedRequest, case: Case) -> Plan:
    """The plan for the lead's case manager (who holds it); 404 before it was started."""
    plan = selectors.plan_for(user=request.user, case=case)
    if plan is None:
        raise NotFound()
    return plan


# --- the plan -----------------------------------------------------------------------------------


@require_GET
@login_required
def plan(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_VIEW)
    user = request.user
    found = selectors.plan_for(user=user, case=case)
    may_manage = can(user, Action.INTERVENTION_MANAGE, case)
    context = _base(case, plan=found, may_manage=may_manage, view=None, markable=set())
    if found is not None:
        view = selectors.plan_view(plan=found)
        context["view"] = view
        orgs = facts_for(user).org_ids
        contribute = can(user, Action.INTERVENTION_CONTRIBUTE, case)
        every = view.measures
        context["markable"] = {
            m.pk for m in every if may_manage or (contribute and m.responsible_id in orgs)
        }
        context["unshared"] = sorted(
            {m.responsible.name for m in every if m.responsible_id not in view.shared_with}
        )
        context["may_share"] = found.origin_organisation_id in orgs and can(
            user, Action.CASE_WORK, case
        )
        if found.origin_organisation_id not in orgs:
            case_services.opened(user=user, case=case, what="plan", item_id=found.pk)
    return render(request, "interventions/plan.html", context)


@require_POST
@login_required
def plan_start(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_MANAGE)
    return submit_button(
        request,
        run=lambda: services.plan_ensure(actor=request.user, case=case),
        success=_(
            "The intervention plan is started. Share it with the organisations that work on it."
        ),
        redirect_to=_url(case),
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_review(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_MANAGE)
    current = selectors.plan_for(user=request.user, case=case)
    return submit_form(
        request,
        functools.partial(
            ReviewForm, initial={"next_review": current.next_review if current else None}
        ),
        run=lambda form: services.plan_review_set(
            actor=request.user, case=case, next_review=form.cleaned_data["next_review"]
        ),
        success=_("The next review of the plan is set."),
        redirect_to=_url(case),
        template="interventions/form.html",
        context=_base(case, heading=_("Next review of the plan")),
    )


def _goal_initial(goal: Goal | None, domain: str) -> dict[str, Any]:
    if goal is None:
        return {"domain": domain or "general"}
    return {
        "domain": goal.domain,
        "statement": goal.statement,
        "lifecycle_status": goal.lifecycle_status,
        "achievement_status": goal.achievement_status,
        "review_date": goal.review_date,
    }


def _goal_saved(message: str, goal: Goal) -> str:
    """The success message, naming the organisations whose share of the plan ended."""
    ended = getattr(goal, "shares_ended", [])
    if not ended:
        return message
    notice = _(
        "The goal's life domain holds data the plan's share with %(organisations)s may not "
        "receive under the rule book, so that share ended. Share the plan again if a basis "
        "allows it."
    ) % {"organisations": ", ".join(o.name for o in ended)}
    return f"{message} {notice}"


@require_http_methods(["GET", "POST"])
@login_required
def goal_add(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_MANAGE)
    return submit_form(
        request,
        functools.partial(
            GoalForm,
            domains=selectors.domain_titles(),
            initial=_goal_initial(None, request.GET.get("domain", "")),
        ),
        run=lambda form: services.goal_create(actor=request.user, case=case, **form.cleaned_data),
        success=lambda goal: _goal_saved(_("The goal is added to the plan."), goal),
        redirect_to=_url(case),
        template="interventions/form.html",
        context=_base(case, heading=_("Add a goal")),
    )


@require_http_methods(["GET", "POST"])
@login_required
def goal_edit(request: AuthedRequest, team_pk: int, case_pk: Any, goal_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_MANAGE)
    goal = selectors.goal_get(plan=_managed_plan(request, case), pk=goal_pk)
    if goal is None:
        raise NotFound()
    domains = selectors.domain_titles()
    return submit_form(
        request,
        functools.partial(GoalForm, domains=domains, initial=_goal_initial(goal, "")),
        run=lambda form: services.goal_update(actor=request.user, goal=goal, **form.cleaned_data),
        success=lambda saved: _goal_saved(_("The goal is saved."), saved),
        redirect_to=_url(case),
        template="interventions/form.html",
        context=_base(
            case,
            heading=_("Change the goal in %(domain)s")
            % {"domain": domains.get(goal.domain, goal.domain)},
        ),
    )


def _measure_form(
    case: Case, plan: Plan | None, measure: Measure | None, goal_pk: str
) -> functools.partial[MeasureForm]:
    titles = selectors.domain_titles() if plan else {}
    goals = (
        [
            (str(g.pk), f"{titles.get(g.domain, g.domain)}: {g.statement[:80]}")
            for g in selectors.goals_of(plan=plan)
        ]
        if plan
        else []
    )
    organisations = [(o.pk, o.name) for o in _participants(case)]
    if measure is None:
        initial: dict[str, Any] = {"goal": goal_pk}
    else:
        initial = {
            "what": measure.what,
            "goal": str(measure.goal_id or ""),
            "responsible": measure.responsible_id,
            "due_date": measure.due_date,
            "review_date": measure.review_date,
            "status": measure.status,
        }
    return functools.partial(
        MeasureForm,
        goals=goals,
        organisations=organisations,
        with_status=measure is not None,
        initial=initial,
    )


def _measure_values(plan: Plan | None, case: Case, form: MeasureForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    goal = None
    if data.pop("goal"):
        goal = selectors.goal_get(plan=plan, pk=form.cleaned_data["goal"]) if plan else None
        if goal is None:
            raise ValidationFailed.field("goal", _("Choose a goal of this case's plan."))
    responsible = _org(case, data["responsible"])
    if responsible is None:
        raise ValidationFailed.field(
            "responsible", _("Choose an organisation that takes part in the case.")
        )
    data.update(goal=goal, responsible=responsible)
    return data


def _sharing_note(case: Case, plan: Plan | None) -> dict[str, Any]:
    """Which organisations taking part cannot see the plan (the form says so)."""
    shared: set[Any] = {case.lead_organisation_id}
    if plan is not None:
        shared = selectors.shared_with(plan)
    return {"not_shared": [o.name for o in _participants(case) if o.pk not in shared]}


@require_http_methods(["GET", "POST"])
@login_required
def measure_add(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_MANAGE)
    current = selectors.plan_for(user=request.user, case=case)
    return submit_form(
        request,
        _measure_form(case, current, None, request.GET.get("goal", "")),
        run=lambda form: services.measure_create(
            actor=request.user, case=case, **_measure_values(current, case, form)
        ),
        success=_("The measure is added to the plan."),
        redirect_to=_url(case),
        template="interventions/measure_form.html",
        context=_base(case, heading=_("Add a measure"), **_sharing_note(case, current)),
    )


@require_http_methods(["GET", "POST"])
@login_required
def measure_edit(
    request: AuthedRequest, team_pk: int, case_pk: Any, measure_pk: Any
) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_MANAGE)
    current = _managed_plan(request, case)
    measure = selectors.measure_get(plan=current, pk=measure_pk)
    if measure is None:
        raise NotFound()
    return submit_form(
        request,
        _measure_form(case, current, measure, ""),
        run=lambda form: services.measure_update(
            actor=request.user, measure=measure, **_measure_values(current, case, form)
        ),
        success=_("The measure is saved."),
        redirect_to=_url(case),
        template="interventions/measure_form.html",
        context=_base(case, heading=_("Change the measure"), **_sharing_note(case, current)),
    )


@require_POST
@login_required
def measure_status(
    request: AuthedRequest, team_pk: int, case_pk: Any, measure_pk: Any
) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_CONTRIBUTE)
    current = selectors.plan_for(user=request.user, case=case)
    measure = selectors.measure_get(plan=current, pk=measure_pk) if current else None
    if measure is None:
        raise NotFound()
    status = request.POST.get("status", "")
    labels = dict(MeasureStatus.choices)
    return submit_button(
        request,
        run=lambda: services.measure_status_set(actor=request.user, measure=measure, status=status),
        success=_("The measure is marked “%(status)s”.") % {"status": labels.get(status, status)},
        redirect_to=_url(case),
    )


@require_http_methods(["GET", "POST"])
@login_required
def scale(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_MANAGE)
    return submit_form(
        request,
        functools.partial(ScaleForm, initial={"on": timezone.localdate()}),
        run=lambda form: services.scale_set(actor=request.user, case=case, **form.cleaned_data),
        success=_("The level of intensity is changed."),
        redirect_to=_url(case),
        template="interventions/form.html",
        context=_base(case, heading=_("Scale the joint work up or down")),
    )


# --- contacts -----------------------------------------------------------------------------------


def _own_participating(request: AuthedRequest, case: Case) -> list[tuple[int, str]]:
    orgs = facts_for(request.user).org_ids
    return [(o.pk, o.name) for o in _participants(case) if o.pk in orgs]


@require_http_methods(["GET", "POST"])
@login_required
def contacts(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    action = (
        Action.INTERVENTION_CONTRIBUTE if request.method == "POST" else Action.INTERVENTION_VIEW
    )
    case = _case(request, team_pk, case_pk, action)
    user = request.user
    may_record = can(user, Action.INTERVENTION_CONTRIBUTE, case) and not case.client.is_restricted
    rows = list(selectors.contacts_for(user=user, case=case)[:200])
    context = _base(
        case,
        contacts=rows,
        may_record=may_record,
        drift_days=selectors.drift_days(),
        last=selectors.last_contact(case=case),
    )
    return submit_form(
        request,
        functools.partial(
            ContactForm,
            organisations=_own_participating(request, case),
            initial={"on": timezone.localdate(), "kind": "meeting"},
        ),
        run=lambda form: services.contact_record(
            actor=user,
            case=case,
            organisation=_org(case, form.cleaned_data["organisation"]),
            on=form.cleaned_data["on"],
            kind=form.cleaned_data["kind"],
        ),
        success=_("The contact is recorded."),
        redirect_to=_url(case, "interventions:contacts"),
        template="interventions/contacts.html",
        context=context,
    )


# --- outcomes -----------------------------------------------------------------------------------


def _closure(case: Case) -> str:
    return code_text(Stage.CLOSED.value, case.closed_code) if case.closed_code else ""


@require_GET
@login_required
def outcomes(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.INTERVENTION_VIEW)
    user = request.user
    reports = list(selectors.offence_reports_for(user=user, case=case))
    orgs = facts_for(user).org_ids
    for report in reports:
        if report.origin_organisation_id not in orgs:
            case_services.opened(user=user, case=case, what="offence_report", item_id=report.pk)
    context = _base(
        case,
        outcomes=selectors.outcomes_for(case=case),
        show_account=selectors.account_readable(user=user, case=case),
        reports=reports,
        closure=_closure(case),
        in_closure=case.stage in services.OUTCOME_STAGES,
        may_record=can(user, Action.OUTCOME_RECORD, case),
        may_report=can(user, Action.OFFENCE_REPORT, case),
        may_share_report={r.pk for r in reports if r.origin_organisation_id in orgs},
    )
    return render(request, "interventions/outcomes.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def outcome_add(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.OUTCOME_RECORD)
    recorded = selectors.outcomes_for(case=case)
    followup = len(recorded)
    heading = (
        _("Record the outcome at closure")
        if followup == 0
        else _("Record follow-up %(number)s") % {"number": followup}
    )
    return submit_form(
        request,
        functools.partial(OutcomeForm, initial={"on": timezone.localdate()}),
        run=lambda form: services.outcome_record(
            actor=request.user, case=case, **form.cleaned_data
        ),
        success=_("The outcome is recorded."),
        redirect_to=_url(case, "interventions:outcomes"),
        template="interventions/outcome_form.html",
        context=_base(
            case,
            heading=heading,
            closure=_closure(case),
            in_closure=case.stage in services.OUTCOME_STAGES,
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def offence_add(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.OFFENCE_REPORT)
    orgs = facts_for(request.user).org_ids
    agencies = [
        (o.pk, o.name) for o in _participants(case) if o.pk in orgs and o.sector in JUSTICE_SECTORS
    ]
    return submit_form(
        request,
        functools.partial(
            OffenceForm, organisations=agencies, initial={"on": timezone.localdate()}
        ),
        run=lambda form: services.offence_report_record(
            actor=request.user,
            case=case,
            organisation=_org(case, form.cleaned_data["organisation"]),
            status=form.cleaned_data["status"],
            on=form.cleaned_data["on"],
            reference=form.cleaned_data["reference"],
        ),
        success=_("Your report is recorded. Only your agency reads it until you share it."),
        redirect_to=_url(case, "interventions:outcomes"),
        template="interventions/form.html",
        context=_base(case, heading=_("Report whether new proceedings are known")),
    )
