"""Pages about people in training: an external learner's registration (public), the activation
link of the approval mail (public), the trainers' list of external learners with approval and
decline, and a team's training coverage and certification gate for its coordinators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can
from icommit.core.exceptions import ValidationFailed
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.stakeholders.sectors import Sector
from icommit.training import content, selectors, services
from icommit.training import selectors_people as found
from icommit.training import services_people as people
from icommit.training.forms_people import ActivateForm, GateForm, RegisterForm
from icommit.training.services_certificates import client_address
from icommit.web.submit import submit_button, submit_form

PER_PAGE = 25

# --- registration and activation (public) ------------------------------------------------------


@never_cache
@require_GET_POST
def register(request: HttpRequest) -> HttpResponse:
    """An external learner registers: an inactive account a trainer approves."""
    if request.user.is_authenticated:
        return redirect("training:home")
    form = RegisterForm(data=request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "limit_message": ""}
    if request.method != "POST":
        return render(request, "training/people/register.html", context)
    if form.is_valid():
        try:
            people.registration_count(client_address(request))
        except people.TooManyRegistrations as exc:
            context["limit_message"] = exc.message
            return render(request, "training/people/register.html", context, status=429)
        data = form.cleaned_data
        try:
            people.learner_register(
                full_name=data["full_name"],
                email=data["email"],
                organisation=data["organisation"],
                sector=data["sector"],
                note=data["note"],
                consent=data["consent"],
                language=(get_language() or "")[:2],
            )
        except ValidationFailed as exc:
            attach_error(form, exc)
        else:
            # the same answer whether or not the address had an account
            return redirect("training:registered")
    return render(request, "training/people/register.html", context, status=422)


@require_GET
def registered(request: HttpRequest) -> HttpResponse:
    """What everyone who registered reads: a trainer decides, the answer comes by mail."""
    return render(request, "training/people/registered.html")


@never_cache
@require_GET_POST
def activate(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the approval mail: the learner chooses the password, which activates the
    account (a mail scanner that opens the link changes nothing); a bad password answers 422."""
    form = ActivateForm(data=request.POST if request.method == "POST" else None)
    if request.method != "POST":
        outcome = people.learner_activation_check(token=token)
        return render(
            request, "training/people/activate.html", {"outcome": outcome.value, "form": form}
        )
    valid = form.is_valid()
    try:
        # a field the form refused reaches the service empty, which refuses it too
        outcome = people.learner_activate(
            token=token,
            password=form.cleaned_data.get("password", ""),
            password_again=form.cleaned_data.get("password_again", ""),
        )
    except ValidationFailed as exc:
        if valid:
            attach_error(form, exc)
        context = {"outcome": people.Activation.READY.value, "form": form}
        return render(request, "training/people/activate.html", context, status=422)
    if outcome == people.Activation.ACTIVATED:
        messages.success(
            request, _("Your account is active. Sign in with your e-mail address and password.")
        )
        return redirect("accounts:login")
    context = {"outcome": outcome.value, "form": ActivateForm()}
    return render(request, "training/people/activate.html", context)


# --- external learners (trainers) ----------------------------------------------------------------


@require_GET
@login_required
def learners(request: AuthedRequest) -> HttpResponse:
    """External learners waiting for a decision (or approved, or declined), paginated."""
    state = request.GET.get("state", "pending")
    if state not in found.STATES:
        state = "pending"
    page = Paginator(found.external_learners(request.user, state), PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = dict(Sector.choices)
    return render(
        request,
        "training/people/learners.html",
        {
            "page_obj": page,
            "rows": [(a, labels.get(a.sector, a.sector)) for a in page.object_list],
            "state": state,
            "querystring_prefix": f"state={state}&",
        },
    )


def _back(request: AuthedRequest) -> str:
    state = request.POST.get("state", "")
    query = f"?state={state}" if state in found.STATES and state != "pending" else ""
    return reverse("training:learners") + query


@require_POST
@login_required
def learner_approve(request: AuthedRequest, learner_pk: int) -> HttpResponse:
    account = found.external_learner_get(request.user, learner_pk)
    return submit_button(
        request,
        run=lambda: people.learner_approve(actor=request.user, account=account),
        success=_("%(name)s is approved. The approval mail with the activation link is on its way.")
        % {"name": account.user.full_name},
        redirect_to=_back(request),
    )


@require_POST
@login_required
def learner_decline(request: AuthedRequest, learner_pk: int) -> HttpResponse:
    account = found.external_learner_get(request.user, learner_pk)
    return submit_button(
        request,
        run=lambda: people.learner_decline(actor=request.user, account=account),
        success=_("%(name)s is declined and told so by mail.") % {"name": account.user.full_name},
        redirect_to=_back(request),
    )


# --- a team's coverage and gate (coordinators) ---------------------------------------------------


@require_GET
@login_required
def coverage(request: AuthedRequest, team_pk: int) -> HttpResponse:
    """Each member: organisation, sector, certified until, certified or not, runs finished."""
    team = found.team_for(request.user, team_pk, Action.TRAINING_COVERAGE_VIEW)
    page, lines = found.coverage_page(team, request.GET.get("page"))
    gate = selectors.gate_sectors(team)
    labels = dict(Sector.choices)
    return render(
        request,
        "training/people/coverage.html",
        {
            "team": team,
            "page_obj": page,
            "lines": lines,
            "gate": [str(labels.get(s, s)) for s in gate],
            "may_edit_gate": can(request.user, Action.TRAINING_GATE_EDIT, team),
        },
    )


@require_GET_POST
@login_required
def gate(request: AuthedRequest, team_pk: int) -> HttpResponse:
    """The sectors whose members need a valid certificate of the certification course before
    they record Social Diagnostics perspectives in the team."""
    team = found.team_for(request.user, team_pk, Action.TRAINING_GATE_EDIT)
    current = selectors.gate_sectors(team)
    back = reverse("training:coverage", kwargs={"team_pk": team.pk})

    def form(**kwargs: Any) -> GateForm:
        return GateForm(initial={"sectors": current}, **kwargs)

    def saved(chosen: list[str]) -> str:
        if not chosen:
            return _("No sector needs a certificate in this team now.")
        labels = dict(Sector.choices)
        names = ", ".join(str(labels[s]) for s in chosen)
        return _(
            "From now on, members for these sectors need a valid certificate: %(sectors)s."
        ) % {"sectors": names}

    return submit_form(
        request,
        form,
        run=lambda f: services.gate_set(
            actor=request.user, team=team, sectors=f.cleaned_data["sectors"]
        ),
        success=saved,
        redirect_to=back,
        template="training/people/gate.html",
        context={"team": team, "back": back, "course_title": _course_title()},
    )


def _course_title() -> str:
    course = content.course(selectors.CERTIFICATION_COURSE)
    return content.tr(course.title) if course is not None else ""
