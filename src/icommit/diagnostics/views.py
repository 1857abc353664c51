"""Pages of team diagnostics: rounds, opening and running one, answering, and the results."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.core.jobs import job_start_response
from icommit.diagnostics import exports, reports, selectors, services
from icommit.diagnostics.forms import answers_from_post, progress, questionnaire
from icommit.diagnostics.models import Grouping
from icommit.instruments.engine import tr
from icommit.instruments.models import Kind
from icommit.instruments.selectors import latest_versions
from icommit.plans.forms import ActionFromSourceForm, GoalFromSourceForm
from icommit.plans.models import Goal
from icommit.plans.selectors import goal_get, goal_list
from icommit.stakeholders.selectors import organisation_get
from icommit.teams.models import Team
from icommit.teams.selectors import team_organisations
from icommit.web.submit import PAGE_ERRORS, answer_or_back, submit_button, submit_form


def _context(request: AuthedRequest, team: Team, **extra: Any) -> dict[str, Any]:
    return {
        "team": team,
        "can_manage": can(request.user, Action.DIAGNOSTICS_MANAGE, team),
        **extra,
    }


@require_GET
@login_required
def rounds(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.diagnostics_team_get(user=request.user, pk=team_pk)
    shown = list(selectors.round_list(user=request.user, team=team))
    day = services.today()
    return render(
        request,
        "diagnostics/rounds.html",
        _context(
            request,
            team,
            rounds=shown,
            today=day,
            to_answer=selectors.open_round_for(user=request.user, team=team),
        ),
    )


class RoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    version = forms.TypedChoiceField(label=gettext_lazy("Questionnaire"), coerce=int)
    closes_on = forms.DateField(
        label=gettext_lazy("Closes at the end of"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    grouping = forms.ChoiceField(
        label=gettext_lazy("Groups the results compare"),
        choices=Grouping.choices,
        initial=Grouping.SECURITY,
        required=False,  # left out: security / non-security, as before
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Fixed when the round opens. Justice social services are members from probation "
            "and prison organisations. Every group is shown only from the minimum of answers."
        ),
    )

    def __init__(self, *args: Any, versions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [(str(pk), label) for pk, label in versions]  # type: ignore[attr-defined]  # ChoiceField


@require_GET_POST
@login_required
def round_open(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.diagnostics_team_get(
        user=request.user, pk=team_pk, action=Action.DIAGNOSTICS_MANAGE
    )
    lang = get_language() or "en"
    versions = {v.pk: v for v in latest_versions(user=request.user, kind=Kind.DIAGNOSTICS)}
    preview = selectors.invitation_preview(
        user=request.user, team=team, versions=list(versions.values())
    )
    labels = [
        (
            pk,
            _("%(title)s (v%(number)s; results from %(minimum)s answers)")
            % {
                "title": tr(v.parsed.title, lang),
                "number": v.number,
                "minimum": preview.minimums[pk],
            },
        )
        for pk, v in versions.items()
    ]
    day = services.today()
    return submit_form(
        request,
        functools.partial(
            RoundForm,
            versions=labels,
            initial={
                "title": _("Team diagnostics %(date)s") % {"date": day.strftime("%m/%Y")},
                "closes_on": day + datetime.timedelta(days=21),
                "grouping": Grouping.SECURITY,
            },
        ),
        run=lambda form: services.round_open(
            actor=request.user,
            team=team,
            version=versions[form.cleaned_data["version"]],
            title=form.cleaned_data["title"],
            closes_on=form.cleaned_data["closes_on"],
            grouping=form.cleaned_data.get("grouping") or Grouping.SECURITY,
        ),
        success=_("The round is open."),
        redirect_to=_round_url,
        template="diagnostics/round_open.html",
        # a team runs one round at a time: said at the top, before any form is filled in
        context=_context(
            request,
            team,
            preview=preview,
            open_round=selectors.open_round_of(user=request.user, team=team),
        ),
    )


def _round_url(shown: Any) -> str:
    return reverse("diagnostics:round", args=[shown.team_id, shown.pk])


@require_GET
@login_required
def round_detail(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team = selectors.diagnostics_team_get(user=request.user, pk=team_pk)
    shown = selectors.round_get(user=request.user, team=team, pk=pk)
    can_manage = can(request.user, Action.DIAGNOSTICS_MANAGE, shown)
    # by organisation only once closed: while open, the totals alone (decision 0009)
    rates = selectors.response_rates(user=request.user, round=shown) if can_manage else []
    counts = selectors.round_counts(user=request.user, round=shown)
    mine = selectors.participation_of(user=request.user, round=shown)
    day = services.today()
    return render(
        request,
        "diagnostics/round.html",
        _context(
            request,
            team,
            round=shown,
            is_open=shown.is_open(day),
            rates=rates,
            invited=counts["invited"],
            counted=counts["counted"],
            answered=counts["answered"],
            mine=mine,
            can_manage=can_manage,
            title=tr(shown.version.parsed.title, get_language() or "en"),
        ),
    )


def _manage(request: AuthedRequest, team_pk: int, pk: int) -> Any:
    team = selectors.diagnostics_team_get(user=request.user, pk=team_pk)
    return selectors.round_get(
        user=request.user, team=team, pk=pk, action=Action.DIAGNOSTICS_MANAGE
    )


def _round_action(work: Any, success: Any) -> Any:
    """A coordinator's button on the round page: run the service, say how it went, go back."""

    @require_POST
    @login_required
    def view(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
        shown = _manage(request, team_pk, pk)
        return submit_button(
            request,
            run=lambda: work(actor=request.user, round=shown),
            success=success,
            redirect_to=_round_url(shown),
        )

    return view


round_remind = _round_action(
    services.round_remind, gettext_lazy("A reminder went to everyone who has not answered yet.")
)
round_close = _round_action(
    services.round_close, gettext_lazy("The round is closed; the results are ready.")
)


# --- answering --------------------------------------------------------------------------------


@require_GET_POST
@login_required
def respond(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team = selectors.diagnostics_team_get(user=request.user, pk=team_pk)
    shown = selectors.round_get(
        user=request.user, team=team, pk=pk, action=Action.DIAGNOSTICS_RESPOND
    )
    mine = selectors.participation_of(user=request.user, round=shown)
    assert mine is not None  # respond is allowed only to invitees
    audience = services.audience_of(mine)
    definition = shown.version.parsed
    day = services.today()
    errors: dict[str, list[str]] = {}
    status = 200
    saved = False
    if mine.submitted or not shown.is_open(day):
        answers: dict[str, Any] = {}
    else:
        answers = services.draft_answers(actor=request.user, round=shown)
    if request.method == "POST" and mine.submitted:
        return _already_answered(request, shown)
    if request.method == "POST":
        posted = answers_from_post(definition, request.POST, audience=audience)
        try:
            if request.POST.get("submit"):
                services.response_submit(actor=request.user, round=shown, answers=posted)
                messages.success(request, _("Thank you. Your answers are in."))
                return redirect("diagnostics:round", team.pk, shown.pk)
            answers = services.response_save(actor=request.user, round=shown, answers=posted)
            saved = True
        except PAGE_ERRORS as exc:
            # a second request that read the invitation before the first one committed
            again = selectors.participation_of(user=request.user, round=shown)
            if again is not None and again.submitted:
                return _already_answered(request, shown)
            answers = {**answers, **posted}
            errors = exc.details if isinstance(exc.details, dict) else {}
            if not errors:
                errors = {"": [exc.message]}
            status = exc.status
        if request.htmx:
            return render(
                request,
                "diagnostics/respond.html#save-status",
                {
                    "saved": saved,
                    "errors": errors,
                    "progress": progress(definition, answers, audience=audience),
                },
                # htmx swaps only 2xx answers; the fragment itself says what was refused
                status=200,
            )
    # "save and add another entry" of a group: one more empty entry block for that group
    more = {request.POST.get("add_entry", "")} if request.method == "POST" else set()
    sections = questionnaire(
        definition,
        answers,
        audience=audience,
        lang=get_language() or "en",
        errors=errors,
        more_entries=more,
    )
    for section in sections:
        asked = [i for i in section["items"] if i["type"] != "note"]
        section["answered"] = sum(1 for i in asked if i["answered"])
        section["total"] = len(asked)
    answered = sum(s["answered"] for s in sections)
    total = sum(s["total"] for s in sections)
    return render(
        request,
        "diagnostics/respond.html",
        _context(
            request,
            team,
            round=shown,
            mine=mine,
            is_open=shown.is_open(day),
            sections=sections,
            errors=errors,
            general_errors=errors.get("", []) + errors.get("answers", []),
            saved=saved,
            answered=answered,
            total=total,
            title=tr(definition.title, get_language() or "en"),
        ),
        status=status,
    )


def _already_answered(request: AuthedRequest, round: Any) -> HttpResponse:
    """A late autosave or a second submit after the answers are in: answered quietly, with no
    error (a double click, a queued autosave, a second tab)."""
    if request.htmx:
        return render(request, "diagnostics/respond.html#save-status", {"already": True})
    return redirect("diagnostics:round", round.team_id, round.pk)


# --- results ----------------------------------------------------------------------------------


def _closed_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An open round has no results yet: back to the round page with the reason."""

    @functools.wraps(view)
    def wrapped(
        request: AuthedRequest, team_pk: int, pk: int, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        return answer_or_back(
            request,
            lambda: view(request, team_pk, pk, *args, **kwargs),
            back=reverse("diagnostics:round", args=[team_pk, pk]),
        )

    return wrapped


def _report(request: AuthedRequest, team_pk: int, pk: int) -> reports.Report:
    team = selectors.diagnostics_team_get(user=request.user, pk=team_pk)
    shown = selectors.round_get(
        user=request.user, team=team, pk=pk, action=Action.DIAGNOSTICS_RESULTS
    )
    return reports.round_report(user=request.user, round=shown, lang=get_language() or "en")


@require_GET
@login_required
@_closed_only
def results(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    report = _report(request, team_pk, pk)
    team = report.round.team
    return render(
        request,
        "diagnostics/results.html",
        _context(
            request,
            team,
            report=report,
            round=report.round,
            can_plan=can(request.user, Action.PLAN_EDIT, team),
            can_meet=can(request.user, Action.MEETING_EDIT, team),
        ),
    )


@require_POST
@login_required
@_closed_only
def results_pdf(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    """Start the PDF report of a closed round as a background job; show its progress page."""
    report = _report(request, team_pk, pk)  # refuses an open round, as the results page does
    return job_start_response(
        request,
        kind=exports.PDF_KIND,
        params={"team": report.round.team_id, "round": report.round.pk},
        team_id=report.round.team_id,
        back=reverse("diagnostics:results", args=[team_pk, pk]),
    )


@require_GET
@login_required
@_closed_only
def results_csv(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    return exports.results_csv_response(actor=request.user, report=_report(request, team_pk, pk))


@require_GET_POST
@login_required
@_closed_only
def recommendation_plan(
    request: AuthedRequest, team_pk: int, pk: int, domain: str, index: int
) -> HttpResponse:
    team = selectors.diagnostics_team_get(user=request.user, pk=team_pk)
    # the one results check: the round is fetched with it, and the recommendation is looked
    # up directly rather than by building the whole report
    shown = selectors.round_get(
        user=request.user, team=team, pk=pk, action=Action.DIAGNOSTICS_RESULTS
    )
    selectors.require_closed(shown)
    require(request.user, Action.PLAN_EDIT, team)
    advice = reports.recommendation_of(
        round=shown, domain=domain, index=index, lang=get_language() or "en"
    )
    goals = [(g.pk, g.title) for g in goal_list(user=request.user, team=team)]
    organisations = [(o.pk, o.name) for o in team_organisations(team=team)]
    kind = request.POST.get("kind") if request.method == "POST" else None
    goal_form = functools.partial(
        GoalFromSourceForm,
        prefix="goal",
        initial={"title": advice.goal_title[:200], "description": advice.text},
    )
    action_form = functools.partial(
        ActionFromSourceForm,
        prefix="action",
        goals=goals,
        organisations=organisations,
        initial={"title": advice.action_title[:200]},
    )

    def page(bound: Any = None, status: int = 200) -> HttpResponse:
        context = _context(
            request,
            team,
            round=shown,
            advice=advice,
            goal_form=bound if kind == "goal" else goal_form(),
            action_form=bound if kind == "action" else action_form(),
            has_goals=bool(goals),
        )
        return render(request, "diagnostics/recommendation_plan.html", context, status=status)

    def add_goal(form: Any) -> Goal:
        return services.recommendation_goal_create(
            actor=request.user, round=shown, advice=advice, **form.cleaned_data
        )

    def add_action(form: Any) -> Goal:
        data = dict(form.cleaned_data)
        organisation = data.pop("owner_organisation")
        goal = goal_get(user=request.user, team=team, pk=data.pop("goal"))
        services.recommendation_action_create(
            actor=request.user,
            round=shown,
            advice=advice,
            goal=goal,
            owner_organisation=(
                organisation_get(user=request.user, pk=organisation) if organisation else None
            ),
            **data,
        )
        return goal

    if kind not in ("goal", "action"):
        return page()
    return submit_form(
        request,
        goal_form if kind == "goal" else action_form,
        run=add_goal if kind == "goal" else add_action,
        success=_("Added to the team's plan."),
        redirect_to=lambda goal: reverse("plans:goal", args=[team.pk, goal.pk]),
        page=page,
    )
