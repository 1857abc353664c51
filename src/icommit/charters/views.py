"""Pages for the team charter (current version, versions, draft, PDF) and team meetings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.charters import exports, selectors, services, starting
from icommit.charters.forms import (
    CharterDraftForm,
    CorrectionForm,
    MeetingForms,
)
from icommit.charters.models import SECTIONS, Meeting, MinutesVersion, section_label
from icommit.core.exceptions import IcommitError
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.core.jobs import job_start_response
from icommit.plans.forms import ActionFromSourceForm, GoalFromSourceForm
from icommit.plans.selectors import goal_get, goal_list
from icommit.stakeholders.selectors import organisation_get
from icommit.teams.models import Team
from icommit.teams.selectors import team_organisations

# --- charter -----------------------------------------------------------------------------------


def _charter_context(request: AuthedRequest, team: Team) -> dict[str, Any]:
    return {
        "team": team,
        "can_edit": can(request.user, Action.CHARTER_EDIT, team),
        "can_edit_meetings": can(request.user, Action.MEETING_EDIT, team),
    }


@require_GET
@login_required
def charter(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk)
    version = selectors.charter_current(user=request.user, team=team)
    context = _charter_context(request, team)
    context["version"] = version
    context["has_draft"] = context["can_edit"] and (
        selectors.charter_draft(user=request.user, team=team) is not None
    )
    if version is not None:
        status = selectors.charter_confirmation_status(version=version)
        mine = next((m for m in status.members if m.user_id == request.user.pk), None)
        context.update(
            status=status,
            members=selectors.snapshot_members(version=version),
            my_confirmation=mine.confirmed_at if mine else None,
            can_confirm=bool(
                mine
                and not mine.confirmed_at
                and can(request.user, Action.CHARTER_CONFIRM, version)
            ),
        )
    return render(request, "charters/charter.html", context)


@require_GET
@login_required
def versions(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk)
    context = _charter_context(request, team)
    context["versions"] = selectors.charter_versions(user=request.user, team=team)
    return render(request, "charters/versions.html", context)


@require_GET
@login_required
def version(request: AuthedRequest, team_pk: int, number: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk)
    shown = selectors.charter_version_get(user=request.user, team=team, number=number)
    current = selectors.charter_current(user=request.user, team=team)
    context = _charter_context(request, team)
    context.update(
        version=shown,
        current=current,
        members=selectors.snapshot_members(version=shown),
        confirmations=selectors.charter_confirmations(version=shown),
    )
    return render(request, "charters/version.html", context)


@require_POST
@login_required
def version_pdf(request: AuthedRequest, team_pk: int, number: int) -> HttpResponse:
    """Start the PDF of a version as a background job and show its progress page."""
    team = selectors.charter_team_get(user=request.user, pk=team_pk)
    shown = selectors.charter_version_get(user=request.user, team=team, number=number)
    return job_start_response(
        request,
        kind=exports.PDF_KIND,
        params={"team": team.pk, "number": shown.number},
        team_id=team.pk,
        back=reverse("charters:version", args=[team.pk, shown.number]),
    )


@require_POST
@login_required
def confirm(request: AuthedRequest, team_pk: int, number: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.CHARTER_CONFIRM)
    shown = selectors.charter_version_get(user=request.user, team=team, number=number)
    try:
        services.charter_confirm(actor=request.user, version=shown)
    except IcommitError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You confirmed version %(n)s of the charter.") % {"n": shown.number},
        )
    return redirect("charters:charter", team.pk)


def _starting_context(request: AuthedRequest, team: Team) -> dict[str, Any]:
    """Which country's starting text a first charter gets, and what a newer one changes."""
    language = get_language()
    first = selectors.charter_versions(user=request.user, team=team).order_by("number").first()
    update = starting.starting_update(
        team=team,
        first={name: getattr(first, name) for name in SECTIONS} if first else None,
        language=language,
    )
    labels = dict(zip(SECTIONS, (section_label(name) for name in SECTIONS), strict=True))
    return {
        "starting_country": starting.starting_country(team=team, language=language),
        "starting_update": update,
        "starting_sections": [(labels[c.name], c) for c in update.sections] if update else [],
    }


@require_GET_POST
@login_required
def draft(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.CHARTER_EDIT)
    current = selectors.charter_draft(user=request.user, team=team)
    context = _charter_context(request, team)
    context.update(draft=current, current=selectors.charter_current(user=request.user, team=team))
    context.update(_starting_context(request, team))
    if current is None:
        return render(request, "charters/draft.html", context)
    initial = {name: getattr(current, name) for name in (*SECTIONS, "change_note")}
    form = CharterDraftForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        publish = "publish" in request.POST
        if form.is_valid():
            try:
                services.charter_draft_update(
                    actor=request.user, draft=current, **form.cleaned_data
                )
                if publish:
                    published = services.charter_publish(actor=request.user, draft=current)
            except IcommitError as exc:
                if exc.status in (403, 404):
                    raise
                attach_error(form, exc)
            else:
                if not publish:
                    messages.success(request, _("Draft saved."))
                    return redirect("charters:draft", team.pk)
                messages.success(
                    request,
                    _("Version %(n)s is published. Members can now confirm it.")
                    % {"n": published.number},
                )
                return redirect("charters:charter", team.pk)
        status = 422
    context.update(form=form, preview=selectors.draft_preview(team=team))
    return render(request, "charters/draft.html", context, status=status)


@require_POST
@login_required
def draft_start(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.CHARTER_EDIT)
    try:
        services.charter_draft_start(actor=request.user, team=team, language=get_language())
    except IcommitError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Draft started. Adapt it to your team, then publish it."))
    return redirect("charters:draft", team.pk)


@require_POST
@login_required
def draft_discard(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.CHARTER_EDIT)
    current = selectors.charter_draft(user=request.user, team=team)
    if current is not None:
        services.charter_draft_discard(actor=request.user, draft=current)
        messages.success(request, _("Draft discarded."))
    return redirect("charters:charter", team.pk)


# --- meetings ----------------------------------------------------------------------------------


@require_GET
@login_required
def meetings(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.MEETING_VIEW)
    page = Paginator(selectors.meeting_list(user=request.user, team=team), 25).get_page(
        request.GET.get("page")
    )
    context = _charter_context(request, team)
    context["page_obj"] = page
    return render(request, "charters/meetings.html", context)


def _organisation_choices(team: Team) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in team_organisations(team=team)]


def _meeting_forms(
    request: AuthedRequest, team: Team, version: MinutesVersion | None = None
) -> MeetingForms:
    data = request.POST if request.method == "POST" else None
    kwargs: dict[str, Any] = {
        "attendee_choices": selectors.attendee_choices(team=team, version=version),
        "organisations": _organisation_choices(team),
    }
    if version is None and data is None:
        # a new meeting may come with a title and agenda from elsewhere (e.g. the results of a
        # diagnostics round to discuss); they are only suggestions in the form
        kwargs["initial"] = {
            "title": request.GET.get("title", "")[:200],
            "agenda": request.GET.get("agenda", "")[:4000],
        }
    if version is not None and data is None:
        view = selectors.minutes_detail(meeting=version.meeting, number=version.number)
        kwargs["initial"] = {
            "held_on": version.held_on,
            "title": version.title,
            "agenda": version.agenda,
            "minutes": version.minutes,
            "attendees": [
                str(a.user_id) for _org, group in view.attendees_by_organisation for a in group
            ],
        }
        kwargs["decisions"] = [
            {"ref": d.decision.pk, "text": d.decision.text} for d in view.decisions
        ]
        kwargs["dissents"] = [
            {"decision": n, "organisation": s.organisation_id, "reason": s.reason}
            for n, d in enumerate(view.decisions, start=1)
            for s in d.decision.dissents.all()
        ]
    return MeetingForms(data, **kwargs)


def _save_meeting(
    request: AuthedRequest, forms: MeetingForms, team: Team, meeting: Meeting | None
) -> Meeting | None:
    from django import forms as django_forms

    if not forms.is_valid():
        return None
    try:
        data = forms.cleaned()
    except django_forms.ValidationError as exc:
        forms.add_error(exc.messages[0])
        return None
    try:
        if meeting is None:
            return services.meeting_create(actor=request.user, team=team, data=data)
        services.meeting_update(actor=request.user, meeting=meeting, data=data)
        return meeting
    except IcommitError as exc:
        if exc.status in (403, 404):
            raise
        attach_error(forms.meeting, exc)
        return None


@require_GET_POST
@login_required
def meeting_create(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.MEETING_EDIT)
    forms = _meeting_forms(request, team)
    if request.method == "POST":
        meeting = _save_meeting(request, forms, team, None)
        if meeting is not None:
            messages.success(request, _("Meeting recorded."))
            return redirect("charters:meeting", team.pk, meeting.pk)
    context = _charter_context(request, team)
    context.update(forms=forms, title=_("New team meeting"))
    status = 422 if request.method == "POST" else 200
    return render(request, "charters/meeting_form.html", context, status=status)


@require_GET
@login_required
def meeting(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.MEETING_VIEW)
    shown = selectors.meeting_get(user=request.user, team=team, pk=pk)
    view = selectors.minutes_detail(meeting=shown, number=request.GET.get("version") or None)
    is_current = view.version.pk == shown.current_id
    context = _charter_context(request, team)
    context.update(
        meeting=shown,
        view=view,
        is_current=is_current,
        can_confirm=is_current
        and view.awaits(request.user.pk)
        and can(request.user, Action.MEETING_CONFIRM, shown),
        can_plan=can(request.user, Action.MEETING_EDIT, shown)
        and can(request.user, Action.PLAN_EDIT, team),
    )
    return render(request, "charters/meeting.html", context)


@require_GET_POST
@login_required
def meeting_edit(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.MEETING_EDIT)
    shown = selectors.meeting_get(user=request.user, team=team, pk=pk, action=Action.MEETING_EDIT)
    version = selectors.minutes_detail(meeting=shown).version
    if version.is_frozen:
        messages.error(request, _("These minutes are frozen. Record a correction instead."))
        return redirect("charters:meeting", team.pk, shown.pk)
    forms = _meeting_forms(request, team, version)
    if request.method == "POST" and _save_meeting(request, forms, team, shown) is not None:
        messages.success(request, _("Minutes saved."))
        return redirect("charters:meeting", team.pk, shown.pk)
    context = _charter_context(request, team)
    context.update(forms=forms, meeting=shown, version=version, title=_("Edit the meeting"))
    status = 422 if request.method == "POST" else 200
    return render(request, "charters/meeting_form.html", context, status=status)


def _meeting_step(
    request: AuthedRequest, team_pk: int, pk: int, action: Action, step: Any, done: str
) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.MEETING_VIEW)
    shown = selectors.meeting_get(user=request.user, team=team, pk=pk, action=action)
    try:
        step(actor=request.user, meeting=shown)
    except IcommitError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        if exc.status == 403:
            return redirect("charters:meeting", team.pk, shown.pk)
    else:
        messages.success(request, done)
    return redirect("charters:meeting", team.pk, shown.pk)


@require_POST
@login_required
def meeting_circulate(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    return _meeting_step(
        request,
        team_pk,
        pk,
        Action.MEETING_EDIT,
        services.meeting_circulate,
        _("The minutes went out to the attendees for confirmation."),
    )


@require_POST
@login_required
def meeting_confirm(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    return _meeting_step(
        request,
        team_pk,
        pk,
        Action.MEETING_CONFIRM,
        services.meeting_confirm,
        _("You confirmed the minutes."),
    )


@require_POST
@login_required
def meeting_freeze(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    return _meeting_step(
        request,
        team_pk,
        pk,
        Action.MEETING_EDIT,
        services.meeting_freeze,
        _("The minutes are frozen."),
    )


@require_GET_POST
@login_required
def meeting_correct(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.MEETING_EDIT)
    shown = selectors.meeting_get(user=request.user, team=team, pk=pk, action=Action.MEETING_EDIT)
    form = CorrectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_correct(
                    actor=request.user, meeting=shown, reason=form.cleaned_data["reason"]
                )
            except IcommitError as exc:
                if exc.status in (403, 404):
                    raise
                attach_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Correction started. Change what was wrong, then send it out again."),
                )
                return redirect("charters:meeting_edit", team.pk, shown.pk)
        status = 422
    context = _charter_context(request, team)
    context.update(meeting=shown, form=form)
    return render(request, "charters/meeting_correct.html", context, status=status)


# --- decisions into the plan -------------------------------------------------------------------


@require_GET_POST
@login_required
def decision_plan(request: AuthedRequest, team_pk: int, pk: int, decision_pk: int) -> HttpResponse:
    team = selectors.charter_team_get(user=request.user, pk=team_pk, action=Action.MEETING_EDIT)
    require(request.user, Action.PLAN_EDIT, team)
    shown = selectors.meeting_get(user=request.user, team=team, pk=pk, action=Action.MEETING_EDIT)
    decision = selectors.decision_get(meeting=shown, pk=decision_pk)
    goals = [(g.pk, g.title) for g in goal_list(user=request.user, team=team)]
    kind = request.POST.get("kind") if request.method == "POST" else None
    goal_form = GoalFromSourceForm(
        request.POST if kind == "goal" else None,
        prefix="goal",
        initial={"title": services.decision_label(decision)[:200], "description": decision.text},
    )
    action_form = ActionFromSourceForm(
        request.POST if kind == "action" else None,
        prefix="action",
        goals=goals,
        organisations=_organisation_choices(team),
        initial={"title": services.decision_label(decision)[:200]},
    )
    form = goal_form if kind == "goal" else action_form if kind == "action" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "goal":
                services.decision_goal_create(actor=request.user, decision=decision, **data)
            else:
                organisation = data.pop("owner_organisation")
                services.decision_action_create(
                    actor=request.user,
                    decision=decision,
                    goal=goal_get(user=request.user, team=team, pk=data.pop("goal")),
                    owner_organisation=(
                        organisation_get(user=request.user, pk=organisation)
                        if organisation
                        else None
                    ),
                    **data,
                )
        except IcommitError as exc:
            if exc.status in (403, 404):
                raise
            attach_error(form, exc)
        else:
            messages.success(request, _("Added to the team's plan."))
            return redirect("charters:meeting", team.pk, shown.pk)
    context = _charter_context(request, team)
    context.update(
        meeting=shown,
        decision=decision,
        links=selectors.decision_links(decision=decision),
        goal_form=goal_form,
        action_form=action_form,
        has_goals=bool(goals),
    )
    return render(
        request, "charters/decision_plan.html", context, status=422 if form is not None else 200
    )
