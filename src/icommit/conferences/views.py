"""Pages of case conferences: the list, convening, the agenda, the conference page and the
minutes of each case (write, send out, confirm, correct, take into the case)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.accounts.models import User
from icommit.cases.selectors import case_get
from icommit.conferences import selectors, services
from icommit.conferences.forms import (
    AgendaForm,
    ConferenceForm,
    CorrectionForm,
    PartForm,
    part_initial,
)
from icommit.conferences.models import AgendaEntry, Conference, ConferencePart
from icommit.core.exceptions import Forbidden, IcommitError, NotFound
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.teams.models import Team


def _team(request: AuthedRequest, team_pk: int, action: Action = Action.CONFERENCE_VIEW) -> Team:
    return selectors.conference_team_get(user=request.user, pk=team_pk, action=action)


def _conference(
    request: AuthedRequest, team_pk: int, pk: int, action: Action = Action.CONFERENCE_VIEW
) -> tuple[Team, Conference]:
    team = _team(request, team_pk)
    return team, selectors.conference_get(user=request.user, team=team, pk=pk, action=action)


def _detail(conference: Conference, entry: AgendaEntry | None = None) -> str:
    url = reverse("conferences:detail", args=[conference.team_id, conference.pk])
    return url + (f"#case-{entry.pk}" if entry is not None else "")


@require_GET
@login_required
def conference_list(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = _team(request, team_pk)
    page = Paginator(selectors.conferences_for(user=request.user, team=team), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "conferences/list.html",
        {
            "team": team,
            "page": page,
            "can_manage": can(request.user, Action.CONFERENCE_MANAGE, team),
        },
    )


def _save_conference(
    request: AuthedRequest, form: ConferenceForm, team: Team, conference: Conference | None
) -> Conference | None:
    if not form.is_valid():
        return None
    c = form.cleaned_data
    try:
        if conference is None:
            return services.conference_create(
                actor=request.user,
                team=team,
                held_on=c["held_on"],
                title=c["title"],
                attendee_ids=c["attendees"],
            )
        return services.conference_update(
            actor=request.user,
            conference=conference,
            held_on=c["held_on"],
            title=c["title"],
            attendee_ids=c["attendees"],
        )
    except IcommitError as exc:
        if exc.status in (403, 404):
            raise
        attach_error(form, exc)
        return None


@require_GET_POST
@login_required
def conference_create(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = _team(request, team_pk, Action.CONFERENCE_MANAGE)
    members = selectors.attendee_choices(team=team)
    form = ConferenceForm(request.POST or None, members=members)
    if request.method == "POST":
        conference = _save_conference(request, form, team, None)
        if conference is not None:
            messages.success(request, _("Conference convened. Now put cases on its agenda."))
            return redirect("conferences:agenda", team.pk, conference.pk)
    return render(
        request, "conferences/form.html", {"team": team, "form": form, "conference": None}
    )


@require_GET_POST
@login_required
def conference_edit(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team, conference = _conference(request, team_pk, pk, Action.CONFERENCE_MANAGE)
    members = selectors.attendee_choices(team=team)
    initial = {
        "held_on": conference.held_on,
        "title": conference.title,
        "attendees": [str(a.user_id) for a in selectors.attendees(conference=conference)],
    }
    form = ConferenceForm(request.POST or None, initial=initial, members=members)
    if request.method == "POST" and _save_conference(request, form, team, conference):
        messages.success(request, _("Conference saved."))
        return redirect("conferences:detail", team.pk, conference.pk)
    return render(
        request,
        "conferences/form.html",
        {"team": team, "form": form, "conference": conference},
    )


@require_GET
@login_required
def conference_detail(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team, conference = _conference(request, team_pk, pk)
    view = selectors.conference_view(user=request.user, conference=conference)
    return render(
        request,
        "conferences/detail.html",
        {
            "team": team,
            "conference": conference,
            "view": view,
            "can_manage": can(request.user, Action.CONFERENCE_MANAGE, conference),
            "me": request.user.pk,
        },
    )


@require_GET_POST
@login_required
def agenda(request: AuthedRequest, team_pk: int, pk: int) -> HttpResponse:
    team, conference = _conference(request, team_pk, pk, Action.CONFERENCE_MANAGE)
    choices = selectors.agenda_case_choices(user=request.user, conference=conference)
    presenters: dict[int, User] = {}
    for case in choices:
        for m in selectors.presenter_choices(case=case):
            presenters.setdefault(m.user_id, m.user)
    form = AgendaForm(
        request.POST or None, cases=choices, presenters=sorted(presenters.values(), key=str)
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = case_get(user=request.user, pk=form.cleaned_data["case"])
            presenter_pk = form.cleaned_data.get("presenter")
            presenter = presenters.get(int(presenter_pk)) if presenter_pk else None
            services.agenda_add(
                actor=request.user, conference=conference, case=case, presenter=presenter
            )
        except NotFound:
            form.add_error("case", _("Choose a case from the list."))
        except IcommitError as exc:
            if exc.status in (403,):
                raise
            attach_error(form, exc)
        else:
            messages.success(request, _("Case put on the agenda."))
            return redirect("conferences:agenda", team.pk, conference.pk)
    view = selectors.conference_view(user=request.user, conference=conference)
    return render(
        request,
        "conferences/agenda.html",
        {"team": team, "conference": conference, "form": form, "view": view},
    )


def _entry_step(
    request: AuthedRequest,
    team_pk: int,
    pk: int,
    entry_pk: int,
    step: Callable[..., Any],
    done: str,
    back: str = "agenda",
) -> HttpResponse:
    team, conference = _conference(request, team_pk, pk, Action.CONFERENCE_MANAGE)
    entry = selectors.entry_get(conference=conference, pk=entry_pk)
    try:
        step(entry)
    except IcommitError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(f"conferences:{back}", team.pk, conference.pk)


@require_POST
@login_required
def agenda_move(request: AuthedRequest, team_pk: int, pk: int, entry_pk: int) -> HttpResponse:
    direction = request.POST.get("direction", "")
    return _entry_step(
        request,
        team_pk,
        pk,
        entry_pk,
        lambda e: services.agenda_move(actor=request.user, entry=e, direction=direction),
        _("Agenda reordered."),
    )


@require_POST
@login_required
def agenda_remove(request: AuthedRequest, team_pk: int, pk: int, entry_pk: int) -> HttpResponse:
    return _entry_step(
        request,
        team_pk,
        pk,
        entry_pk,
        lambda e: services.agenda_remove(actor=request.user, entry=e),
        _("Case taken off the agenda."),
    )


# --- the minutes of a case -----------------------------------------------------------------------


def _entry(
    request: AuthedRequest, team_pk: int, pk: int, entry_pk: int
) -> tuple[Team, Conference, AgendaEntry]:
    team, conference = _conference(request, team_pk, pk)
    return team, conference, selectors.entry_get(conference=conference, pk=entry_pk)


def _part(request: AuthedRequest, entry: AgendaEntry, action: Action) -> ConferencePart:
    """The part of the entry, if the user may do ``action`` on it (403 otherwise)."""
    part = selectors.part_of(user=request.user, entry=entry)
    if part is None:
        require(request.user, action, entry if action == Action.CONFERENCE_RECORD else None)
        raise NotFound()
    require(request.user, action, part)
    return part


@require_POST
@login_required
def part_open(request: AuthedRequest, team_pk: int, pk: int, entry_pk: int) -> HttpResponse:
    team, conference, entry = _entry(request, team_pk, pk, entry_pk)
    require(request.user, Action.CONFERENCE_RECORD, entry)
    try:
        services.part_open(
            actor=request.user,
            entry=entry,
            client_informed=request.POST.get("client_informed") == "on",
            not_informed_reason=request.POST.get("not_informed_reason", ""),
        )
    except IcommitError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect(_detail(conference, entry))
    messages.success(request, _("The minutes of this case are open. Write them now."))
    return redirect("conferences:part_edit", team.pk, conference.pk, entry.pk)


@require_GET_POST
@login_required
def part_edit(request: AuthedRequest, team_pk: int, pk: int, entry_pk: int) -> HttpResponse:
    team, conference, entry = _entry(request, team_pk, pk, entry_pk)
    part = _part(request, entry, Action.CONFERENCE_RECORD)
    view = next(
        e.part
        for e in selectors.conference_view(user=request.user, conference=conference).entries
        if e.entry.pk == entry.pk
    )
    assert view is not None
    if view.version.is_frozen:
        messages.error(request, _("These minutes are frozen. Record a correction instead."))
        return redirect(_detail(conference, entry))
    present = sorted({a.organisation for a in view.attendees}, key=lambda o: o.name)
    responsible = selectors.responsible_choices(case=entry.case)
    form = PartForm(
        request.POST or None,
        initial=part_initial(view.version, view.dissents, view.actions),
        present=present,
        responsible=responsible,
        action_count=len(view.actions),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.part_update(actor=request.user, part=part, data=form.data_in())
        except IcommitError as exc:
            if exc.status in (403, 404):
                raise
            attach_error(form, exc)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect(_detail(conference, entry))
    return render(
        request,
        "conferences/part_form.html",
        {"team": team, "conference": conference, "entry": entry, "form": form, "view": view},
    )


def _part_step(
    request: AuthedRequest,
    team_pk: int,
    pk: int,
    entry_pk: int,
    action: Action,
    step: Callable[..., Any],
    done: str,
) -> HttpResponse:
    conference, entry = _entry(request, team_pk, pk, entry_pk)[1:]
    part = _part(request, entry, action)
    try:
        step(actor=request.user, part=part)
    except IcommitError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_detail(conference, entry))


@require_POST
@login_required
def part_circulate(request: AuthedRequest, team_pk: int, pk: int, entry_pk: int) -> HttpResponse:
    return _part_step(
        request,
        team_pk,
        pk,
        entry_pk,
        Action.CONFERENCE_RECORD,
        services.part_circulate,
        _("The minutes of this case went out for confirmation."),
    )


@require_POST
@login_required
def part_confirm(request: AuthedRequest, team_pk: int, pk: int, entry_pk: int) -> HttpResponse:
    return _part_step(
        request,
        team_pk,
        pk,
        entry_pk,
        Action.CONFERENCE_CONFIRM,
        services.part_confirm,
        _("You confirmed the minutes of this case."),
    )


@require_POST
@login_required
def part_apply(request: AuthedRequest, team_pk: int, pk: int, entry_pk: int) -> HttpResponse:
    conference, entry = _entry(request, team_pk, pk, entry_pk)[1:]
    if not can(request.user, Action.CASE_MANAGE, entry.case):
        raise Forbidden()
    part = selectors.part_of(user=request.user, entry=entry)
    if part is None:
        raise NotFound()
    try:
        services.part_apply(actor=request.user, part=part)
    except IcommitError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The review date, scale and actions are in the case now."))
    return redirect(_detail(conference, entry))


@require_GET_POST
@login_required
def part_correct(request: AuthedRequest, team_pk: int, pk: int, entry_pk: int) -> HttpResponse:
    team, conference, entry = _entry(request, team_pk, pk, entry_pk)
    part = _part(request, entry, Action.CONFERENCE_RECORD)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.part_correct(actor=request.user, part=part, reason=form.cleaned_data["reason"])
        except IcommitError as exc:
            if exc.status in (403, 404):
                raise
            attach_error(form, exc)
        else:
            messages.success(request, _("Correction started as a new version. Edit it now."))
            return redirect("conferences:part_edit", team.pk, conference.pk, entry.pk)
    return render(
        request,
        "conferences/part_correct.html",
        {"team": team, "conference": conference, "entry": entry, "form": form},
    )
