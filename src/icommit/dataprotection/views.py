"""Privacy pages (``privacy/``, namespace ``dataprotection``): retention periods and runs, erasure,
the record of processing for the data-protection officer; data-subject export requests for the
lead organisation and each organisation that holds a part.

Thin: parse, check access, call a service or selector, render. A page that cannot find its object
answers 404, one that finds it but refuses the action 403.
"""

from __future__ import annotations

from functools import partial
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
from icommit.cases import selectors as cases
from icommit.cases.models import Case
from icommit.core.exceptions import Forbidden, NotFound, ValidationFailed
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.core.jobs import job_start_response
from icommit.core.models import Job
from icommit.dataprotection import forms, selectors, services
from icommit.dataprotection.content import retention
from icommit.dataprotection.models import AnswerState, ExportRequest
from icommit.web.submit import submit_button, submit_form


def _ctx(request: AuthedRequest, **values: Any) -> dict[str, Any]:
    return {"dpo": can(request.user, Action.DATAPROTECTION_RETENTION), **values}


# --- retention ----------------------------------------------------------------------------------


@require_GET_POST
@login_required
def retention_page(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.DATAPROTECTION_RETENTION)

    def page(form: forms.PeriodForm, status: int) -> HttpResponse:
        rows = selectors.period_rows()
        return render(
            request,
            "dataprotection/retention.html",
            _ctx(
                request,
                rows=rows,
                unset=[r for r in rows if r.months is None],
                runs=selectors.runs(),
                form=form,
                nav="retention",
            ),
            status=status,
        )

    def run(form: forms.PeriodForm) -> Any:
        return services.period_set(
            actor=request.user,
            category=form.cleaned_data["category"],
            months=form.cleaned_data["months"],
        )

    return submit_form(
        request,
        forms.PeriodForm,
        run=run,
        success=_("Retention period saved."),
        redirect_to=reverse("dataprotection:retention"),
        page=page,
    )


@require_POST
@login_required
def retention_dry_run(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.DATAPROTECTION_RETENTION)
    return submit_button(
        request,
        run=lambda: services.retention_dry_run_start(actor=request.user),
        success=None,
        redirect_to=_job_page,
        back=reverse("dataprotection:retention"),
    )


@require_GET
@login_required
def retention_run(request: AuthedRequest, run_pk: Any) -> HttpResponse:
    require(request.user, Action.DATAPROTECTION_RETENTION)
    run = selectors.run_get(run_pk)
    return render(
        request,
        "dataprotection/run.html",
        _ctx(request, run=run, categories=retention().categories, nav="retention"),
    )


# --- the jobs of the pages: dry run, erasure, recording a request ---------------------------------


def _job_page(job: Job) -> str:
    return reverse("dataprotection:job", args=[job.pk])


@require_GET
@login_required
def job(request: AuthedRequest, job_pk: Any) -> HttpResponse:
    """A dry run, an erasure or a request's recording under way (queued, running) and, once done,
    what it found; the status part is polled until the job has finished."""
    found = selectors.job_get(user=request.user, pk=job_pk)
    result = selectors.job_result(user=request.user, job=found)
    data = result or {}
    context = _ctx(
        request,
        job=found,
        result=result,
        run=selectors.run_get(data["run"]) if "run" in data else None,
        summary=selectors.erasure_summary(data.get("counts") or {}),
        kinds={"dry_run": services.DRY_RUN_JOB, "erase": services.ERASE_JOB},
        nav={services.ERASE_JOB: "erasure", services.EXPORT_REQUEST_JOB: "exports"}.get(
            found.kind, "retention"
        ),
    )
    template = "dataprotection/job.html#status" if request.htmx else "dataprotection/job.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


# --- erasure -------------------------------------------------------------------------------------


@require_GET_POST
@login_required
def erasure_find(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.DATAPROTECTION_ERASE)
    teams = selectors.teams_for_erasure()

    def find(form: forms.EraseFindForm) -> Case:
        found = selectors.case_by_number(
            team_id=form.cleaned_data["team"].pk, number=form.cleaned_data["number"]
        )
        if found is None:
            raise ValidationFailed.field("number", _("No case of this team has this number."))
        return found

    return submit_form(
        request,
        partial(forms.EraseFindForm, teams=teams),
        run=find,
        success=None,
        redirect_to=lambda case: reverse("dataprotection:erase", args=[case.pk]),
        template="dataprotection/erasure_find.html",
        context=_ctx(request, nav="erasure"),
    )


@require_GET_POST
@login_required
def erase(request: AuthedRequest, case_pk: Any) -> HttpResponse:
    require(request.user, Action.DATAPROTECTION_ERASE)
    case = cases.case_get(user=request.user, pk=case_pk, action=Action.CASE_ACCESS_LOG)
    if case.client.subject_key.destroyed_at is not None:
        raise NotFound()
    others = selectors.other_cases_of_client(case)
    return submit_form(
        request,
        forms.EraseForm,
        run=lambda form: services.client_erase_start(
            actor=request.user,
            case=case,
            reason=form.cleaned_data["reason"],
            confirm=form.cleaned_data["confirm"],
        ),
        success=None,
        redirect_to=_job_page,
        template="dataprotection/erase.html",
        context=_ctx(request, case=case, others=others, nav="erasure"),
    )


# --- the record of processing --------------------------------------------------------------------


@require_GET
@login_required
def record(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.DATAPROTECTION_RECORD)
    return render(
        request,
        "dataprotection/record.html",
        _ctx(
            request,
            record=selectors.processing_record(),
            file_form=forms.RecordFileForm(initial={"format": "pdf"}),
            nav="record",
        ),
    )


@require_POST
@login_required
def record_file(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.DATAPROTECTION_RECORD)
    form = forms.RecordFileForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose PDF or JSON."))
        return redirect("dataprotection:record")
    return job_start_response(
        request,
        kind=services.RECORD_JOB,
        params={"format": form.cleaned_data["format"]},
        back=reverse("dataprotection:record"),
    )


# --- data-subject exports -------------------------------------------------------------------------


@require_GET
@login_required
def exports(request: AuthedRequest) -> HttpResponse:
    found = list(selectors.exports_for(user=request.user)[:100])
    for export in found:
        export.own_answers = selectors.own_answers(user=request.user, request=export)  # type: ignore[attr-defined]  # display only
        export.others = selectors.others_count(user=request.user, request=export)  # type: ignore[attr-defined]  # display only
    return render(
        request,
        "dataprotection/exports.html",
        _ctx(
            request,
            exports=found,
            cases=selectors.cases_to_request(user=request.user),
            nav="exports",
        ),
    )


#: Export requests per page of the DPO's overview.
OVERVIEW_PAGE = 50


@require_GET
@login_required
def exports_overview(request: AuthedRequest) -> HttpResponse:
    """Every export request of every team for the data-protection officer: its state and dates,
    the client's pseudonym only."""
    require(request.user, Action.DATAPROTECTION_EXPORT_OVERSEE)
    page = Paginator(selectors.exports_overseen(user=request.user), OVERVIEW_PAGE).get_page(
        request.GET.get("page")
    )
    for export in page:
        export.due_on = selectors.answer_due(export.asked_on)  # type: ignore[attr-defined]  # display only
        export.overdue = selectors.answer_overdue(export)  # type: ignore[attr-defined]  # display only
    return render(
        request,
        "dataprotection/exports_overview.html",
        _ctx(request, page_obj=page, nav="overview"),
    )


def _case(request: AuthedRequest, team_pk: int, case_pk: Any) -> Case:
    case = cases.case_get(user=request.user, pk=case_pk, action=Action.CASE_FIND)
    if case.team_id != team_pk:
        raise NotFound()
    return case


def _export(request: AuthedRequest, team_pk: int, case_pk: Any, export_pk: Any, action: Action):
    case = _case(request, team_pk, case_pk)
    found = selectors.export_of_case(user=request.user, case=case, pk=export_pk)
    if not can(request.user, action, found):  # the case is found: refused, not hidden
        raise Forbidden()
    return case, found


@require_GET_POST
@login_required
def export_new(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk)
    require(request.user, Action.DATAPROTECTION_EXPORT_REQUEST, case)
    return submit_form(
        request,
        forms.ExportRequestForm,
        run=lambda form: services.export_request_start(
            actor=request.user, case=case, asked_on=form.cleaned_data["asked_on"]
        ),
        success=None,
        redirect_to=_job_page,
        template="dataprotection/export_new.html",
        context=_ctx(
            request,
            case=case,
            earlier=selectors.exports_of_case(user=request.user, case=case),
            nav="exports",
        ),
    )


def _export_page(
    request: AuthedRequest, case: Case, found: ExportRequest, **extra: Any
) -> dict[str, Any]:
    readers = selectors.reader_organisations(user=request.user, request=found)
    own = selectors.own_answers(user=request.user, request=found)
    own_ids = {a.pk for a in own}
    # only the viewer's own organisations' answers are named; the others are counted
    answers = own
    language = get_language() or "en"
    for answer in answers:
        # the ground is shown to the organisation that gave it, not to the others
        ground = retention().ground(answer.ground) if answer.pk in own_ids else None
        answer.ground_label = ground.label_in(language) if ground else ""  # type: ignore[attr-defined]  # display only
    return _ctx(
        request,
        case=case,
        export=found,
        answers=answers,
        others=selectors.others_count(user=request.user, request=found),
        own=own,
        may_answer=can(request.user, Action.DATAPROTECTION_EXPORT_RELEASE, found),
        file_form=extra.pop("file_form", None)
        or (forms.FileForm(organisations=readers) if readers else None),
        waiting=AnswerState.WAITING,
        nav="exports",
        **extra,
    )


@require_GET
@login_required
def export_detail(
    request: AuthedRequest, team_pk: int, case_pk: Any, export_pk: Any
) -> HttpResponse:
    case, found = _export(request, team_pk, case_pk, export_pk, Action.DATAPROTECTION_EXPORT_VIEW)
    return render(request, "dataprotection/export.html", _export_page(request, case, found))


@require_GET_POST
@login_required
def export_answer(
    request: AuthedRequest, team_pk: int, case_pk: Any, export_pk: Any
) -> HttpResponse:
    case, found = _export(
        request, team_pk, case_pk, export_pk, Action.DATAPROTECTION_EXPORT_RELEASE
    )
    waiting = [
        a.organisation
        for a in selectors.own_answers(user=request.user, request=found)
        if a.state == AnswerState.WAITING
    ]

    def run(form: forms.AnswerForm) -> Any:
        data = form.cleaned_data
        organisation = selectors.answering_organisation(
            user=request.user, request=found, pk=data["organisation"]
        )
        if organisation is None:  # pragma: no cover (the form offers the user's own only)
            raise ValidationFailed.field("organisation", _("Choose one of your organisations."))
        return services.export_answer(
            actor=request.user,
            request=found,
            organisation=organisation,
            release=data["answer"] == "release",
            ground=data["ground"],
            note=data["note"],
        )

    return submit_form(
        request,
        partial(forms.AnswerForm, organisations=waiting),
        run=run,
        success=_("Your answer is recorded."),
        redirect_to=reverse("dataprotection:export", args=[case.team_id, case.pk, found.pk]),
        template="dataprotection/export_answer.html",
        context=_ctx(request, case=case, export=found, waiting=waiting, nav="exports"),
    )


@require_POST
@login_required
def export_file(request: AuthedRequest, team_pk: int, case_pk: Any, export_pk: Any) -> HttpResponse:
    case, found = _export(request, team_pk, case_pk, export_pk, Action.DATAPROTECTION_EXPORT_VIEW)
    readers = selectors.reader_organisations(user=request.user, request=found)
    form = forms.FileForm(request.POST, organisations=readers)
    if not form.is_valid():
        return render(
            request,
            "dataprotection/export.html",
            _export_page(request, case, found, file_form=form),
            status=422,
        )
    return job_start_response(
        request,
        kind=services.EXPORT_JOB,
        params={
            "request": str(found.pk),
            "organisation": form.cleaned_data["organisation"],
            "format": form.cleaned_data["format"],
        },
        team_id=case.team_id,
        back=reverse("dataprotection:export", args=[case.team_id, case.pk, found.pk]),
    )
