"""Pages for MSC teams: list, create, the team page with members, invitations and exports."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.core.jobs import job_start_response
from icommit.stakeholders.selectors import organisation_get
from icommit.teams import selectors, services
from icommit.teams.forms import (
    AcceptForm,
    InviteForm,
    MemberAddForm,
    OrganisationChoiceForm,
    RoleForm,
    TeamCreateForm,
    TeamForm,
)
from icommit.teams.models import Team, TeamMembership
from icommit.web import registry
from icommit.web.history import render_history
from icommit.web.selectors import object_history
from icommit.web.submit import submit_button, submit_form

#: The invitation form shares the team page with forms of the same field names.
INVITE_IDS = "invite-%s"


def _detail_url(team: Team) -> str:
    return reverse("teams:detail", args=[team.pk])


@require_GET
@login_required
def team_list(request: AuthedRequest) -> HttpResponse:
    archived = request.GET.get("archived") == "1"
    page = Paginator(
        selectors.team_list(user=request.user, include_archived=archived), 25
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "teams/list.html",
        {
            "page_obj": page,
            "archived": archived,
            "can_create": can(request.user, Action.TEAM_CREATE),
            "querystring_prefix": "archived=1&" if archived else "",
        },
    )


def _coordinator_choices(request: AuthedRequest):
    return selectors.coordinator_choices(user=request.user)


@require_GET_POST
@login_required
def team_create(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.TEAM_CREATE)
    choices = _coordinator_choices(request)
    return submit_form(
        request,
        partial(
            TeamCreateForm,
            coordinators=choices,
            initial={"coordinator": choices.first() if choices.count() == 1 else None},
        ),
        run=lambda form: services.team_create(actor=request.user, **form.cleaned_data),
        success=_("Team created. Add the participating organisations next."),
        redirect_to=_detail_url,
        template="teams/form.html",
        context={"title": _("New MSC team")},
        invalid_status=200,
    )


def _team_page_context(request: AuthedRequest, team: Team) -> dict:
    manage = can(request.user, Action.TEAM_MANAGE_MEMBERS, team)
    organisations = selectors.team_organisations(team=team)
    context = {
        "team": team,
        "members": selectors.team_members(team=team),
        "organisations": organisations,
        "can_edit": can(request.user, Action.TEAM_EDIT, team),
        "can_manage": manage,
        "can_archive": can(request.user, Action.TEAM_ARCHIVE, team),
        "can_export": can(request.user, Action.TEAM_EXPORT, team),
        "history_url": reverse("teams:history", args=[team.pk])
        if can(request.user, Action.TEAM_HISTORY, team)
        else "",
        "role_form": RoleForm(),
    }
    # what other apps show about the team at the top (its phase, for one)
    context["team_panels"] = registry.fill(
        "team.summary", user=request.user, context=context, obj=team
    )
    if manage:
        available = selectors.addable_organisations(user=request.user).exclude(
            pk__in=organisations.values("pk")
        )
        context.update(
            invitations=selectors.team_open_invitations(team=team),
            org_form=OrganisationChoiceForm(organisations=available),
        )
    return context


def _new_member_page(
    request: AuthedRequest,
    team: Team,
    *,
    member_form: MemberAddForm | None = None,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page with "add a member" and "invite someone new" (kept off the team page: the list
    of people who could be added is long)."""
    context = {
        "team": team,
        "member_form": member_form
        or MemberAddForm(candidates=selectors.candidate_members(team=team)),
        "invite_form": invite_form
        or InviteForm(organisations=selectors.team_organisations(team=team), auto_id=INVITE_IDS),
    }
    return render(request, "teams/member_new.html", context, status=status)


@require_GET
@login_required
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk)
    return render(request, "teams/detail.html", _team_page_context(request, team))


@require_GET
@login_required
def team_history(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_HISTORY)
    return render_history(
        request,
        subject=team,
        history=object_history(obj=team, team_id=team.pk),
        back=reverse("teams:detail", args=[team.pk]),
    )


@require_GET_POST
@login_required
def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_EDIT)
    return submit_form(
        request,
        partial(
            TeamForm,
            initial={
                "name": team.name,
                "city": team.city,
                "country": team.country,
                "scope": team.scope,
            },
        ),
        run=lambda form: services.team_update(actor=request.user, team=team, **form.cleaned_data),
        success=_("Team saved."),
        redirect_to=_detail_url(team),
        template="teams/form.html",
        context={"title": _("Edit %(name)s") % {"name": team.name}, "team": team},
        invalid_status=200,
    )


@require_POST
@login_required
def team_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_ARCHIVE)
    return submit_button(
        request,
        run=lambda: services.team_archive(actor=request.user, team=team),
        success=_("Team archived."),
        redirect_to="teams:list",
        back=_detail_url(team),
    )


@require_POST
@login_required
def organisation_add(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_MANAGE_MEMBERS)

    def page(form: OrganisationChoiceForm, status: int) -> HttpResponse:
        context = {**_team_page_context(request, team), "org_form": form}
        return render(request, "teams/detail.html", context, status=status)

    return submit_form(
        request,
        partial(
            OrganisationChoiceForm,
            organisations=selectors.addable_organisations(user=request.user),
        ),
        run=lambda form: services.team_organisation_add(
            actor=request.user, team=team, organisation=form.cleaned_data["organisation"]
        ),
        success=lambda taking_part: (
            _("%(org)s now takes part in the team.") % {"org": taking_part.organisation}
        ),
        redirect_to=_detail_url(team),
        page=page,
    )


@require_POST
@login_required
def organisation_remove(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_MANAGE_MEMBERS)
    organisation = organisation_get(user=request.user, pk=org_pk)
    return submit_button(
        request,
        run=lambda: services.team_organisation_remove(
            actor=request.user, team=team, organisation=organisation
        ),
        success=_("%(org)s no longer takes part in the team.") % {"org": organisation},
        redirect_to=_detail_url(team),
    )


@require_GET
@login_required
def member_new(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_MANAGE_MEMBERS)
    return _new_member_page(request, team)


@require_POST
@login_required
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_MANAGE_MEMBERS)

    def add(form: MemberAddForm) -> TeamMembership:
        chosen = form.cleaned_data["membership"]
        return services.team_member_add(
            actor=request.user,
            team=team,
            user=chosen.user,
            organisation=chosen.organisation,
            role=form.cleaned_data["role"],
        )

    return submit_form(
        request,
        partial(MemberAddForm, candidates=selectors.candidate_members(team=team)),
        run=add,
        success=lambda added: _("%(person)s was added to the team.") % {"person": added.user},
        redirect_to=_detail_url(team),
        page=lambda form, status: _new_member_page(request, team, member_form=form, status=status),
    )


@require_POST
@login_required
def member_role(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_MANAGE_MEMBERS)
    membership = selectors.team_member_get(team=team, pk=member_pk)
    # one small form per member on the team page: a bad choice is said there, not re-rendered
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a team role."))
        return redirect(_detail_url(team))
    return submit_button(
        request,
        run=lambda: services.team_member_set_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        ),
        success=_("Role of %(person)s changed.") % {"person": membership.user},
        redirect_to=_detail_url(team),
    )


@require_POST
@login_required
def member_remove(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_MANAGE_MEMBERS)
    membership = selectors.team_member_get(team=team, pk=member_pk)
    return submit_button(
        request,
        run=lambda: services.team_member_remove(actor=request.user, membership=membership),
        success=_("%(person)s left the team.") % {"person": membership.user},
        redirect_to=_detail_url(team),
    )


@require_POST
@login_required
def invite(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_MANAGE_MEMBERS)
    return submit_form(
        request,
        partial(
            InviteForm, organisations=selectors.team_organisations(team=team), auto_id=INVITE_IDS
        ),
        run=lambda form: services.team_invite(actor=request.user, team=team, **form.cleaned_data),
        success=lambda sent: _("Invitation sent to %(email)s.") % {"email": sent[0].email},
        redirect_to=_detail_url(team),
        page=lambda form, status: _new_member_page(request, team, invite_form=form, status=status),
    )


@require_POST
@login_required
def invitation_revoke(request: AuthedRequest, pk: int, invitation_pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_MANAGE_MEMBERS)
    invitation = selectors.invitation_get(team=team, pk=invitation_pk)
    return submit_button(
        request,
        run=lambda: services.invitation_revoke(actor=request.user, invitation=invitation),
        success=_("Invitation withdrawn."),
        redirect_to=_detail_url(team),
    )


@require_POST
@login_required
def export_roster(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(user=request.user, pk=pk, action=Action.TEAM_EXPORT)
    return job_start_response(
        request,
        kind="team.roster",
        params={"team": team.pk},
        team_id=team.pk,
        back=reverse("teams:detail", args=[team.pk]),
    )


@require_GET_POST
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_by_token(token)
    welcome = _(
        "Welcome to %(team)s. Your organisation's administrator will confirm your membership."
    ) % {"team": invitation.team}
    if request.user.is_authenticated:
        # a signed-in person has nothing to fill in: accepting is a button
        if request.method != "POST":
            return render(request, "teams/accept.html", {"invitation": invitation, "form": None})
        user = request.user
        return submit_button(
            request,
            run=lambda: services.invitation_accept(token=token, user=user),
            success=welcome,
            redirect_to="web:home",
            back=request.path,
        )
    return submit_form(
        request,
        AcceptForm,
        run=lambda form: services.invitation_accept(token=token, user=None, **form.cleaned_data),
        success=welcome,
        redirect_to="accounts:login",
        template="teams/accept.html",
        context={"invitation": invitation},
        invalid_status=200,
    )
