"""Pages of a team's plan: goals and actions, a goal's page, exports, and the risk register."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.core.jobs import job_start_response
from icommit.plans import exports, selectors, services
from icommit.plans.content import (
    indicator_label,
    phase_label,
    risk_suggestion,
    risk_suggestions,
)
from icommit.plans.forms import (
    ActionForm,
    ActionStatusForm,
    GoalEditForm,
    GoalForm,
    NoteForm,
    PlanFilterForm,
    RiskForm,
)
from icommit.plans.models import Goal, PlanAction, Risk
from icommit.plans.risks import grid
from icommit.plans.timeline import mark_overdue, timeline
from icommit.teams.models import Team
from icommit.teams.selectors import team_organisations
from icommit.web.submit import answer_or_back, submit_form


def _owner_kwargs(team: Team) -> dict[str, Any]:
    return {
        "organisations": team_organisations(team=team),
        "people": selectors.owner_people(team=team),
    }


# --- the plan ---------------------------------------------------------------------------------


@require_GET
@login_required
def plan(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk)
    form = PlanFilterForm(request.GET or None, organisations=team_organisations(team=team))
    owner, status = None, ""
    if form.is_bound and form.is_valid():
        owner, status = form.cleaned_data["owner"], form.cleaned_data["status"]
    goals = list(
        selectors.goal_list(
            user=request.user,
            team=team,
            owner_organisation_id=owner.pk if owner else None,
            status=status,
        )
    )
    today = selectors.today()
    context = {
        "team": team,
        "goals": goals,
        "form": form,
        "filtered": bool(owner or status),
        "counts": mark_overdue(goals, today),
        "timeline": timeline(goals, today),
        "today": today,
        "can_edit": can(request.user, Action.PLAN_EDIT, team),
        "export_query": request.GET.urlencode(),
    }
    template = "plans/plan.html#results" if request.htmx else "plans/plan.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def _export_args(request: AuthedRequest, team_pk: int) -> tuple[Team, list[Goal], dict[str, Any]]:
    team = selectors.plan_team_get(user=request.user, pk=team_pk)
    form = PlanFilterForm(request.GET or None, organisations=team_organisations(team=team))
    owner, status = None, ""
    if form.is_bound and form.is_valid():
        owner, status = form.cleaned_data["owner"], form.cleaned_data["status"]
    goals = list(
        selectors.goal_list(
            user=request.user,
            team=team,
            owner_organisation_id=owner.pk if owner else None,
            status=status,
        )
    )
    return team, goals, {"owner": owner.pk if owner else None, "status": status}


@require_POST
@login_required
def plan_pdf(request: AuthedRequest, team_pk: int) -> HttpResponse:
    """Start the PDF of the plan, as filtered, as a background job; show its progress page."""
    team = selectors.plan_team_get(user=request.user, pk=team_pk)
    back = reverse("plans:plan", args=[team.pk])
    return answer_or_back(
        request,
        lambda: job_start_response(
            request,
            kind=exports.PDF_KIND,
            params={"team": team.pk, **exports.plan_filters(team=team, data=request.POST)},
            team_id=team.pk,
            back=back,
        ),
        back=back,
    )


@require_GET
@login_required
def plan_csv(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team, goals, filters = _export_args(request, team_pk)
    return exports.plan_csv_response(actor=request.user, team=team, goals=goals, filters=filters)


# --- goals ------------------------------------------------------------------------------------


@require_GET_POST
@login_required
def goal_create(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk, action=Action.PLAN_EDIT)
    return submit_form(
        request,
        GoalForm,
        run=lambda form: services.goal_create(actor=request.user, team=team, **form.cleaned_data),
        success=_("Goal saved. Add its actions next."),
        redirect_to=_goal_url,
        template="plans/form.html",
        context={"team": team, "title": _("New goal")},
        invalid_status=200,
    )


def _goal_url(goal: Goal) -> str:
    return reverse("plans:goal", kwargs={"team_pk": goal.team_id, "pk": goal.pk})


def _goal_context(request: AuthedRequest, team: Team, goal: Goal, **forms: Any) -> dict[str, Any]:
    can_edit = can(request.user, Action.PLAN_EDIT, goal)
    updatable = selectors.actions_updatable_ids(user=request.user, team=team)
    today = selectors.today()
    actions = list(goal.actions.all())
    for action in actions:
        action.overdue = action.is_overdue(today)  # type: ignore[attr-defined]  # display flag
        action.can_update = action.pk in updatable  # type: ignore[attr-defined]  # display flag
    context: dict[str, Any] = {
        "team": team,
        "goal": goal,
        "actions": actions,
        "phase_label": phase_label(goal.phase_key) if goal.phase_key else "",
        "indicator_label": indicator_label(goal.indicator_id) if goal.indicator_id else "",
        "can_edit": can_edit,
        "status_form": ActionStatusForm(),
        "note_form": NoteForm(),
        "failed_pk": None,
    }
    if can_edit:
        context["action_form"] = ActionForm(auto_id="new-action-%s", **_owner_kwargs(team))
    context.update(forms)
    return context


@require_GET
@login_required
def goal_detail(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk)
    goal = selectors.goal_get(user=request.user, team=team, pk=pk)
    return render(request, "plans/goal.html", _goal_context(request, team, goal))


@require_GET_POST
@login_required
def goal_edit(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk, action=Action.PLAN_EDIT)
    goal = selectors.goal_get(user=request.user, team=team, pk=pk)
    initial = {
        f: getattr(goal, f)
        for f in [
            "title",
            "description",
            "why",
            "target_date",
            "phase_key",
            "indicator_id",
            "target_value",
            "lifecycle_status",
            "achievement",
        ]
    }
    return submit_form(
        request,
        partial(GoalEditForm, initial=initial),
        run=lambda form: services.goal_update(actor=request.user, goal=goal, **form.cleaned_data),
        success=_("Goal saved."),
        redirect_to=_goal_url(goal),
        template="plans/form.html",
        context={"team": team, "title": _("Edit goal"), "back": goal},
        invalid_status=200,
    )


# --- actions ----------------------------------------------------------------------------------


@require_POST
@login_required
def action_create(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk, action=Action.PLAN_EDIT)
    goal = selectors.goal_get(user=request.user, team=team, pk=pk)
    return submit_form(
        request,
        partial(ActionForm, auto_id="new-action-%s", **_owner_kwargs(team)),
        run=lambda form: services.action_create(
            actor=request.user,
            goal=goal,
            title=form.cleaned_data["title"],
            due_date=form.cleaned_data["due_date"],
            **form.owners(),
        ),
        success=_("Action added."),
        redirect_to=_goal_url(goal),
        page=lambda form, status: render(
            request,
            "plans/goal.html",
            _goal_context(request, team, goal, action_form=form),
            status=status,
        ),
    )


@require_GET_POST
@login_required
def action_edit(request: AuthedRequest, team_pk: int, action_pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk, action=Action.PLAN_EDIT)
    action = selectors.action_get(user=request.user, team=team, pk=action_pk)
    people = selectors.owner_people(team=team)
    person = next((m for m in people if m.user_id == action.owner_user_id), None)
    return submit_form(
        request,
        partial(
            ActionForm,
            initial={
                "title": action.title,
                "owner_organisation": action.owner_organisation_id,
                "owner_person": person.pk if person else None,
                "due_date": action.due_date,
            },
            **_owner_kwargs(team),
        ),
        run=lambda form: services.action_update(
            actor=request.user,
            action=action,
            title=form.cleaned_data["title"],
            due_date=form.cleaned_data["due_date"],
            **form.owners(),
        ),
        success=_("Action saved."),
        redirect_to=_action_goal_url(action),
        template="plans/form.html",
        context={"team": team, "title": _("Edit action"), "back": action.goal},
        invalid_status=200,
    )


def _action_goal_url(action: PlanAction) -> str:
    return reverse("plans:goal", kwargs={"team_pk": action.team_id, "pk": action.goal_id})


def _action_rerender(
    request: AuthedRequest, team: Team, action: PlanAction, status: int, **forms: Any
) -> HttpResponse:
    goal = selectors.goal_get(user=request.user, team=team, pk=action.goal_id)
    context = _goal_context(request, team, goal, failed_pk=action.pk, **forms)
    return render(request, "plans/goal.html", context, status=status)


@require_POST
@login_required
def action_status(request: AuthedRequest, team_pk: int, action_pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk)
    action = selectors.action_get(
        user=request.user, team=team, pk=action_pk, action=Action.PLAN_ACTION_UPDATE
    )
    return submit_form(
        request,
        ActionStatusForm,
        run=lambda form: services.action_set_status(
            actor=request.user, action=action, status=form.cleaned_data["status"]
        ),
        success=_("Status saved."),
        redirect_to=_action_goal_url(action),
        page=lambda form, status: _action_rerender(
            request, team, action, status, failed_status_form=form
        ),
    )


@require_POST
@login_required
def action_note(request: AuthedRequest, team_pk: int, action_pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk)
    action = selectors.action_get(
        user=request.user, team=team, pk=action_pk, action=Action.PLAN_ACTION_UPDATE
    )
    return submit_form(
        request,
        NoteForm,
        run=lambda form: services.action_note_add(
            actor=request.user, action=action, text=form.cleaned_data["text"]
        ),
        success=_("Progress note added."),
        redirect_to=_action_goal_url(action),
        page=lambda form, status: _action_rerender(
            request, team, action, status, failed_note_form=form
        ),
    )


# --- risks ------------------------------------------------------------------------------------


@require_GET
@login_required
def risk_list(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk)
    risks = list(selectors.risk_list(user=request.user, team=team))
    can_edit = can(request.user, Action.PLAN_EDIT, team)
    used = {r.suggestion_key for r in risks}
    return render(
        request,
        "plans/risks.html",
        {
            "team": team,
            "risks": risks,
            "grid": grid(risks),
            "today": selectors.today(),
            "can_edit": can_edit,
            "suggestions": [s for s in risk_suggestions() if s.key not in used] if can_edit else [],
        },
    )


def _risk_form(request: AuthedRequest, team: Team, initial: dict[str, Any]) -> partial[RiskForm]:
    return partial(
        RiskForm,
        initial=initial,
        actions=selectors.action_list(user=request.user, team=team),
        **_owner_kwargs(team),
    )


def _risks_url(team: Team) -> str:
    return reverse("plans:risks", kwargs={"team_pk": team.pk})


def _risk_args(form: RiskForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "likelihood": data["likelihood"],
        "impact": data["impact"],
        "mitigations": list(data["mitigations"]),
        "review_date": data["review_date"],
        **form.owners(),
    }


@require_GET_POST
@login_required
def risk_create(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk, action=Action.PLAN_EDIT)
    initial: dict[str, Any] = {}
    suggestion = risk_suggestion(request.GET.get("suggestion", ""))
    if suggestion is not None:
        initial = {
            "title": suggestion.title_in(),
            "description": suggestion.description_in(),
            "suggestion_key": suggestion.key,
        }
    return submit_form(
        request,
        _risk_form(request, team, initial),
        run=lambda form: services.risk_create(
            actor=request.user,
            team=team,
            suggestion_key=form.cleaned_data["suggestion_key"],
            **_risk_args(form),
        ),
        success=_("Risk saved."),
        redirect_to=_risks_url(team),
        template="plans/form.html",
        context={"team": team, "title": _("New risk"), "back_risks": True},
        invalid_status=200,
    )


@require_GET_POST
@login_required
def risk_edit(request: AuthedRequest, team_pk: int, risk_pk: int) -> HttpResponse:
    team = selectors.plan_team_get(user=request.user, pk=team_pk, action=Action.PLAN_EDIT)
    risk: Risk = selectors.risk_get(user=request.user, team=team, pk=risk_pk)
    people = selectors.owner_people(team=team)
    person = next((m for m in people if m.user_id == risk.owner_user_id), None)
    initial = {
        "title": risk.title,
        "description": risk.description,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "owner_organisation": risk.owner_organisation_id,
        "owner_person": person.pk if person else None,
        "mitigations": [a.pk for a in risk.mitigations.all()],
        "review_date": risk.review_date,
        "suggestion_key": risk.suggestion_key,
    }
    return submit_form(
        request,
        _risk_form(request, team, initial),
        run=lambda form: services.risk_update(actor=request.user, risk=risk, **_risk_args(form)),
        success=_("Risk saved."),
        redirect_to=_risks_url(team),
        template="plans/form.html",
        context={"team": team, "title": _("Edit risk"), "back_risks": True},
        invalid_status=200,
    )
