"""Training pages: the learner's and the trainer's dashboard, courses, modules and vignettes,
runs with their sessions and attendance, enrolment, requests to join, a learner's standing and
the sign-off. Reads go through the selectors, writes through ``training.services``."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.core.exceptions import Forbidden, IcommitError
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.training import content, selectors, selectors_runs, services
from icommit.training.forms_runs import (
    AttendanceForm,
    CancelForm,
    EnrolForm,
    JoinForm,
    RunForm,
    SearchForm,
    SessionForm,
    SignoffForm,
)
from icommit.training.models import Enrolment, Run, Session
from icommit.web.submit import submit_button, submit_form

PAGE_SIZE = 25


def _run_url(run: Run) -> str:
    return reverse("training:run", args=[run.pk])


# --- dashboards ------------------------------------------------------------------------------


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The learner's dashboard and, for trainers, the trainer's."""
    require(request.user, Action.TRAINING_VIEW)
    return render(request, "training/runs/home.html", selectors_runs.dashboard(user=request.user))


# --- courses, modules, vignettes -------------------------------------------------------------


@require_GET
@login_required
def course_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.TRAINING_VIEW)
    return render(request, "training/runs/courses.html", {"courses": content.courses()})


@require_GET
@login_required
def course_detail(request: AuthedRequest, course_id: str) -> HttpResponse:
    require(request.user, Action.TRAINING_VIEW)
    course = selectors_runs.course_get(course_id)
    return render(
        request,
        "training/runs/course.html",
        {
            "course": course,
            "can_create": can(request.user, Action.TRAINING_RUN_CREATE),
            "checks": sorted(selectors.checks_of(course)),
        },
    )


@require_GET
@login_required
def module_detail(request: AuthedRequest, module_id: str) -> HttpResponse:
    require(request.user, Action.TRAINING_VIEW)
    course, module = selectors_runs.module_get(module_id)
    task = selectors_runs.phase_task(module.transfer_task.phase_task, request.LANGUAGE_CODE)
    return render(
        request,
        "training/runs/module.html",
        {
            "course": course,
            "module": module,
            "exercises": [(e, selectors_runs.cards_by_country(e)) for e in module.exercises],
            "task": task,
            "teams": selectors_runs.phase_teams(request.user) if task else [],
        },
    )


@require_GET
@login_required
def vignette_detail(request: AuthedRequest, run_pk: int, vignette: str) -> HttpResponse:
    """A vignette of the run's course, for its learners and trainers; teaching notes only for
    the trainers."""
    run = selectors_runs.run_get(request.user, run_pk)
    teaches = can(request.user, Action.TRAINING_RUN_MANAGE, run)
    if not teaches:
        own = selectors_runs.own_enrolment(request.user, run)
        if own is None or not can(request.user, Action.TRAINING_ENROLMENT_WORK, own):
            raise Forbidden()
    found = selectors_runs.vignette_get(run, vignette)
    return render(
        request,
        "training/runs/vignette.html",
        {
            "run": run,
            "vignette": found,
            "documents": sorted(found.documents, key=lambda d: d.day),
            "teaches": teaches,
        },
    )


# --- runs ------------------------------------------------------------------------------------


@require_GET
@login_required
def run_list(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.TRAINING_VIEW)
    page = Paginator(selectors_runs.runs_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "training/runs/runs.html",
        {"page": page, "can_create": can(request.user, Action.TRAINING_RUN_CREATE)},
    )


def _run_form_context(request: AuthedRequest, course: content.Course) -> dict[str, Any]:
    return {
        "course": course,
        "teams": selectors_runs.team_choices(),
        "trainers": [u for u in selectors.trainer_choices() if u.pk != request.user.pk],
    }


@require_GET_POST
@login_required
def run_new(request: AuthedRequest) -> HttpResponse:
    """Set up a run: first the course, then the run's dates, modules and people."""
    require(request.user, Action.TRAINING_RUN_CREATE)
    course = content.course(request.GET.get("course", ""))
    if course is None:
        return render(request, "training/runs/run_course.html", {"courses": content.courses()})
    choices = _run_form_context(request, course)
    refresh = course.certificate.refresher
    refresher = request.GET.get("refresher") == "1" and refresh is not None
    initial = {
        "language": request.LANGUAGE_CODE,
        "refresher": refresher,
        "title": content.tr(course.title),
    }
    chosen = list(refresh.modules) if refresher and refresh is not None else None

    def create(form: RunForm) -> Run:
        c = form.cleaned_data
        team = next((t for t in choices["teams"] if t.pk == c.get("team")), None)
        return services.run_create(
            actor=request.user,
            course=course.id,
            title=c["title"],
            city=c["city"],
            language=c["language"],
            starts_on=c["starts_on"],
            ends_on=c["ends_on"],
            team=team,
            modules=form.chosen_modules(),
            local_notes=c["local_notes"],
            refresher=c.get("refresher", False),
            open_for_requests=c["open_for_requests"],
            trainer_ids=c["trainers"],
        )

    return submit_form(
        request,
        partial(
            RunForm,
            course=course,
            teams=choices["teams"],
            trainers=choices["trainers"],
            initial=initial,
            chosen=chosen,
        ),
        run=create,
        success=_("Run set up. Now plan its sessions."),
        redirect_to=_run_url,
        template="training/runs/run_form.html",
        context={"course": course, "run": None},
    )


@require_GET
@login_required
def run_detail(request: AuthedRequest, run_pk: int) -> HttpResponse:
    run = selectors_runs.run_get(request.user, run_pk)
    return render(
        request, "training/runs/run.html", selectors_runs.run_page(user=request.user, run=run)
    )


@require_GET_POST
@login_required
def run_edit(request: AuthedRequest, run_pk: int) -> HttpResponse:
    run = selectors_runs.run_get(request.user, run_pk, Action.TRAINING_RUN_MANAGE)
    course = selectors_runs.run_course(run)
    choices = _run_form_context(request, course)
    trainers = {u.pk for u in selectors.trainers_of(run)}
    initial = {
        "title": run.title,
        "city": run.city,
        "language": run.language,
        "starts_on": run.starts_on,
        "ends_on": run.ends_on,
        "local_notes": run.local_notes,
        "open_for_requests": run.open_for_requests,
        "trainers": [str(pk) for pk in trainers if pk != request.user.pk],
    }
    others = [u for u in choices["trainers"] if u.pk != request.user.pk]

    def update(form: RunForm) -> Run:
        c = form.cleaned_data
        return services.run_update(
            actor=request.user,
            run=run,
            title=c["title"],
            city=c["city"],
            language=c["language"],
            starts_on=c["starts_on"],
            ends_on=c["ends_on"],
            modules=form.chosen_modules(),
            local_notes=c["local_notes"],
            open_for_requests=c["open_for_requests"],
            trainer_ids=c["trainers"],
        )

    return submit_form(
        request,
        partial(
            RunForm,
            course=course,
            trainers=others,
            editing=True,
            teaches=request.user.pk in trainers,
            initial=initial,
            chosen=list(run.modules),
        ),
        run=update,
        success=_("Run saved."),
        redirect_to=_run_url,
        template="training/runs/run_form.html",
        context={"course": course, "run": run},
    )


@require_GET_POST
@login_required
def run_cancel(request: AuthedRequest, run_pk: int) -> HttpResponse:
    run = selectors_runs.run_get(request.user, run_pk, Action.TRAINING_RUN_MANAGE)
    return submit_form(
        request,
        CancelForm,
        run=lambda form: services.run_cancel(
            actor=request.user, run=run, reason=form.cleaned_data["reason"]
        ),
        success=_("The run is cancelled."),
        redirect_to=_run_url,
        template="training/runs/run_cancel.html",
        context={"run": run},
    )


# --- sessions --------------------------------------------------------------------------------


def _session_error(form: SessionForm, exc: IcommitError) -> None:
    details = dict(exc.details) if isinstance(exc.details, dict) else {}
    if "starts_at" in details:
        details["day"] = details.pop("starts_at")
    attach_error(form, type(exc)(exc.message, details=details))


def _session_page(request: AuthedRequest, run: Run, session: Session | None) -> HttpResponse:
    course = selectors_runs.run_course(run)
    modules = [m for m in (course.module(i) for i in run.modules) if m is not None]
    initial: dict[str, Any] = {}
    if session is not None:
        local = timezone.localtime(session.starts_at)
        initial = {
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "minutes": session.minutes,
            "module": session.module,
            "place": session.place,
            "online_link": session.online_link,
        }

    def save(form: SessionForm) -> Session:
        c = form.cleaned_data
        return services.session_save(
            actor=request.user,
            run=run,
            session=session,
            starts_at=form.starts_at(),
            minutes=c["minutes"],
            module=c["module"],
            place=c["place"],
            online_link=c["online_link"],
        )

    return submit_form(
        request,
        partial(SessionForm, modules=modules, initial=initial),
        run=save,
        success=_("Session saved."),
        redirect_to=_run_url(run) + "#sessions",
        template="training/runs/session_form.html",
        context={"run": run, "session": session},
        place_error=_session_error,
    )


@require_GET_POST
@login_required
def session_new(request: AuthedRequest, run_pk: int) -> HttpResponse:
    run = selectors_runs.run_get(request.user, run_pk, Action.TRAINING_RUN_MANAGE)
    return _session_page(request, run, None)


@require_GET_POST
@login_required
def session_edit(request: AuthedRequest, run_pk: int, session_pk: int) -> HttpResponse:
    run = selectors_runs.run_get(request.user, run_pk, Action.TRAINING_RUN_MANAGE)
    return _session_page(request, run, selectors_runs.session_get(run, session_pk))


@require_POST
@login_required
def session_delete(request: AuthedRequest, run_pk: int, session_pk: int) -> HttpResponse:
    run = selectors_runs.run_get(request.user, run_pk, Action.TRAINING_RUN_MANAGE)
    session = selectors_runs.session_get(run, session_pk)
    return submit_button(
        request,
        run=lambda: services.session_delete(actor=request.user, session=session),
        success=_("Session removed."),
        redirect_to=_run_url(run) + "#sessions",
    )


@require_GET_POST
@login_required
def attendance(request: AuthedRequest, run_pk: int, session_pk: int) -> HttpResponse:
    """One box per enrolled learner; saving records everyone at once."""
    run = selectors_runs.run_get(request.user, run_pk, Action.TRAINING_RUN_MANAGE)
    session = selectors_runs.session_get(run, session_pk)
    learners = selectors_runs.enrolled(run)
    marks = selectors_runs.attendance_marks(session)
    return submit_form(
        request,
        partial(AttendanceForm, enrolments=learners, marks=marks),
        run=lambda form: services.attendance_record(
            actor=request.user, session=session, present=form.present()
        ),
        success=_("Attendance saved."),
        redirect_to=_run_url(run) + "#sessions",
        template="training/runs/attendance.html",
        context={
            "run": run,
            "session": session,
            "module": content.module(session.module),
            "started": session.starts_at <= timezone.now(),
        },
    )


# --- enrolment -------------------------------------------------------------------------------


@require_GET_POST
@login_required
def enrol(request: AuthedRequest, run_pk: int) -> HttpResponse:
    """A run's trainer finds the people linked to the run by name and anyone else by their
    exact e-mail address; a coordinator of the run's team picks from the team's members."""
    run = selectors_runs.run_get(request.user, run_pk, Action.TRAINING_RUN_ENROL)
    query = (request.POST if request.method == "POST" else request.GET).get("q", "")
    search = SearchForm({"q": query})
    offer = selectors_runs.people_to_enrol(
        actor=request.user, run=run, query=query if search.is_valid() else ""
    )
    return submit_form(
        request,
        partial(
            EnrolForm,
            people=offer.people,
            emails=offer.emails,
            initial={"q": query},
            auto_id="enrol_%s",
        ),
        run=lambda form: services.enrol(
            actor=request.user, run=run, learner_ids=form.cleaned_data["learners"]
        ),
        success=lambda done: (
            _("Enrolled: %(names)s.") % {"names": ", ".join(e.learner.full_name for e in done)}
        ),
        redirect_to=_run_url(run) + "#learners",
        template="training/runs/enrol.html",
        context={"run": run, "offer": offer, "search": search, "query": query},
    )


@require_GET_POST
@login_required
def join(request: AuthedRequest, run_pk: int) -> HttpResponse:
    run = selectors_runs.run_get(request.user, run_pk, Action.TRAINING_RUN_JOIN)
    return submit_form(
        request,
        JoinForm,
        run=lambda form: services.join_request(
            actor=request.user, run=run, note=form.cleaned_data["note"]
        ),
        success=_("You asked to join. A trainer of the run decides; you see the answer here."),
        redirect_to=reverse("training:home"),
        template="training/runs/join.html",
        context={"run": run, "course": selectors_runs.run_course(run)},
    )


def _enrolment(request: AuthedRequest, run_pk: int, enrolment_pk: int) -> Enrolment:
    run = selectors_runs.run_get(request.user, run_pk)
    return selectors_runs.enrolment_get(request.user, run, enrolment_pk)


@require_POST
@login_required
def request_decide(request: AuthedRequest, run_pk: int, enrolment_pk: int) -> HttpResponse:
    enrolment = _enrolment(request, run_pk, enrolment_pk)
    require(request.user, Action.TRAINING_RUN_MANAGE, enrolment.run)
    accept = request.POST.get("decision") == "accept"
    name = enrolment.learner.full_name
    return submit_button(
        request,
        run=lambda: services.join_decide(actor=request.user, enrolment=enrolment, accept=accept),
        success=(
            _("%(name)s is enrolled.") % {"name": name}
            if accept
            else _("The request of %(name)s is declined.") % {"name": name}
        ),
        redirect_to=_run_url(enrolment.run) + "#learners",
    )


@require_POST
@login_required
def withdraw(request: AuthedRequest, run_pk: int, enrolment_pk: int) -> HttpResponse:
    enrolment = _enrolment(request, run_pk, enrolment_pk)
    own = enrolment.learner_id == request.user.pk
    return submit_button(
        request,
        run=lambda: services.withdraw(actor=request.user, enrolment=enrolment),
        success=_("You left the run.") if own else _("The learner is taken off the run."),
        redirect_to=reverse("training:home") if own else _run_url(enrolment.run) + "#learners",
        back=reverse("training:learner", args=[enrolment.run_id, enrolment.pk]),
    )


@require_GET
@login_required
def learner(request: AuthedRequest, run_pk: int, enrolment_pk: int) -> HttpResponse:
    """One learner's standing: for the learner and the run's trainers."""
    enrolment = _enrolment(request, run_pk, enrolment_pk)
    return render(
        request,
        "training/runs/learner.html",
        selectors_runs.learner_page(user=request.user, enrolment=enrolment),
    )


@require_GET_POST
@login_required
def signoff(request: AuthedRequest, run_pk: int, enrolment_pk: int) -> HttpResponse:
    """Show what is met and sign the learner off; the certificate follows where the course
    issues one."""
    enrolment = _enrolment(request, run_pk, enrolment_pk)
    require(request.user, Action.TRAINING_RUN_MANAGE, enrolment.run)
    page = selectors_runs.learner_page(user=request.user, enrolment=enrolment)
    if page["standing"] is None or enrolment.signed_off_at is not None:
        messages.error(request, _("This learner cannot be signed off."))
        return redirect("training:learner", enrolment.run_id, enrolment.pk)
    guess = services.family_name_guess(enrolment.learner.full_name)
    return submit_form(
        request,
        partial(SignoffForm, initial={"family_name": guess}),
        run=lambda form: services.sign_off(
            actor=request.user,
            enrolment=enrolment,
            family_name=form.cleaned_data["family_name"],
        ),
        success=_("%(name)s is signed off.") % {"name": enrolment.learner.full_name},
        redirect_to=reverse("training:learner", args=[enrolment.run_id, enrolment.pk]),
        template="training/runs/signoff.html",
        context=page,
    )
