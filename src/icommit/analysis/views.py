"""Pages of a case's Social Diagnostics: the overview, the perspective form and page, the
perspectives grid, and the case formulation with its history.

Every page finds its case through ``case_get`` with ``case.find`` (404 beyond it), then checks its
own action (403); perspectives and formulations come through the sharing kernel only.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from icommit.access import Action, can, require
from icommit.access.facts import facts_for
from icommit.analysis import grid as grids
from icommit.analysis import selectors, services
from icommit.analysis.forms import AnalysisOpenForm, FormulationForm, PerspectiveForm
from icommit.analysis.models import Analysis, Perspective, Viewpoint
from icommit.cases import selectors as case_selectors
from icommit.cases.models import Case
from icommit.cases.services import opened
from icommit.core.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.sharing.selectors import category_label
from icommit.stakeholders.models import Organisation
from icommit.web.submit import submit_form


def _lang() -> str:
    return (get_language() or "en")[:2]


def _case(request: AuthedRequest, team_pk: int, case_pk: Any, action: Action) -> Case:
    """The case, if the person finds it at all (else 404) and may do ``action`` (else 403)."""
    case = case_selectors.case_get(user=request.user, pk=case_pk, action=Action.CASE_FIND)
    if case.team_id != team_pk:
        raise NotFound()
    require(request.user, action, case)
    return case


def _overview_url(case: Case) -> str:
    return reverse("analysis:overview", args=[case.team_id, case.pk])


def _current(case: Case) -> Analysis:
    analyses = selectors.analyses_for(case=case)
    if not analyses:
        raise NotFound()
    return analyses[-1]


def _own_orgs(request: AuthedRequest, case: Case) -> list[Organisation]:
    return selectors.own_organisations(user=request.user, case=case)


@require_GET
@login_required
def overview(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ANALYSIS_VIEW)
    analyses = selectors.analyses_for(case=case)
    current = analyses[-1] if analyses else None
    perspectives = (
        list(selectors.perspectives_for(user=request.user, analysis=current)) if current else []
    )
    own = set(facts_for(request.user).org_ids)
    recorded = {(p.origin_organisation_id, p.viewpoint): p for p in perspectives}
    orgs = _own_orgs(request, case)
    may_record = bool(current) and can(request.user, Action.ANALYSIS_RECORD, case) and bool(orgs)
    own_views = {
        viewpoint: next(
            (recorded[(o.pk, viewpoint)] for o in orgs if (o.pk, viewpoint) in recorded), None
        )
        for viewpoint in (Viewpoint.ORGANISATION, Viewpoint.CLIENT)
    }
    return render(
        request,
        "analysis/overview.html",
        {
            "case": case,
            "team": case.team,
            "analyses": analyses,
            "current": current,
            "perspectives": perspectives,
            "own_ids": own,
            # why a new analysis started may name the client's circumstances: the lead's only
            "show_reason": case.lead_organisation_id in own,
            "may_record": may_record,
            "own_views": own_views,
            "may_manage": can(request.user, Action.ANALYSIS_MANAGE, case),
            # --- training gate (edited by the training people work only) ---
            # why the record links are missing: the team asks for a valid certificate first
            "gated": bool(current)
            and bool(orgs)
            and case.team_id in facts_for(request.user).gated_team_ids
            and can(request.user, Action.CASE_WORK, case),
            # --- end training gate ---
            "formulation": selectors.formulations_for(user=request.user, analysis=current).first()
            if current
            else None,
        },
    )


@require_GET_POST
@login_required
def analysis_open(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ANALYSIS_MANAGE)
    analyses = selectors.analyses_for(case=case)
    return submit_form(
        request,
        AnalysisOpenForm,
        run=lambda form: services.analysis_open(
            actor=request.user, case=case, reason=form.cleaned_data["reason"]
        ),
        success=lambda a: _("Analysis %(n)s has started.") % {"n": a.number},
        redirect_to=_overview_url(case),
        template="analysis/open.html",
        context={"case": case, "team": case.team, "analyses": analyses},
    )


def _perspective_page(
    request: AuthedRequest,
    case: Case,
    analysis: Analysis,
    form: PerspectiveForm,
    *,
    viewpoint: str,
    perspective: Perspective | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "analysis/perspective_form.html",
        {
            "case": case,
            "team": case.team,
            "analysis": analysis,
            "form": form,
            "viewpoint": viewpoint,
            "perspective": perspective,
            "sections": form.sections(),
        },
        status=status,
    )


def _save(
    request: AuthedRequest,
    case: Case,
    analysis: Analysis,
    *,
    viewpoint: str,
    perspective: Perspective | None,
    orgs: list[Organisation],
) -> HttpResponse:
    """Show the perspective form; on POST save it as a draft or submit it."""
    answers = services.answers_of(perspective) if perspective is not None else {}
    make = functools.partial(
        PerspectiveForm,
        version=analysis.version,
        answers=answers,
        organisations=orgs if perspective is None else (),
        language=_lang(),
    )
    if request.method != "POST":
        form = make(initial={"secrecy": perspective.secrecy} if perspective else None)
        return _perspective_page(
            request, case, analysis, form, viewpoint=viewpoint, perspective=perspective
        )
    form = make(data=request.POST)
    submit = request.POST.get("action") == "submit" or (
        perspective is not None and perspective.is_submitted
    )
    if form.is_valid():
        try:
            saved = _run_save(request, form, analysis, viewpoint, perspective, orgs, submit)
        except (ValidationFailed, Conflict) as exc:
            details = exc.details if isinstance(exc.details, dict) else {}
            form.place(details)
            if not details:
                form.add_error(None, exc.message)
            else:
                form.add_error(None, _("Some answers are missing or not valid; see below."))
        else:
            messages.success(
                request,
                _("Your perspective is submitted.") if submit else _("Your draft is saved."),
            )
            if saved.shares_ended:
                messages.warning(
                    request,
                    _(
                        "The changed answers no longer pass the sharing rules for: "
                        "%(organisations)s. Those shares have ended; share again if a basis "
                        "covers the new answers."
                    )
                    % {"organisations": ", ".join(saved.shares_ended)},
                )
            return redirect(reverse("analysis:perspective", args=[case.team_id, case.pk, saved.pk]))
    return _perspective_page(
        request, case, analysis, form, viewpoint=viewpoint, perspective=perspective, status=422
    )


def _run_save(
    request: AuthedRequest,
    form: PerspectiveForm,
    analysis: Analysis,
    viewpoint: str,
    perspective: Perspective | None,
    orgs: list[Organisation],
    submit: bool,
) -> Perspective:
    answers = form.answers()
    secrecy = form.cleaned_data["secrecy"]
    with transaction.atomic():
        if perspective is None:
            chosen = form.cleaned_data.get("organisation")
            organisation = next((o for o in orgs if str(o.pk) == str(chosen)), orgs[0])
            perspective = services.perspective_create(
                actor=request.user,
                analysis=analysis,
                organisation=organisation,
                viewpoint=viewpoint,
                secrecy=secrecy,
                answers=answers if not submit else {},
            )
        elif not submit:
            return services.perspective_save(
                actor=request.user, perspective=perspective, answers=answers, secrecy=secrecy
            )
        if submit:
            perspective = services.perspective_submit(
                actor=request.user, perspective=perspective, answers=answers, secrecy=secrecy
            )
    return perspective


@require_GET_POST
@login_required
def perspective_new(
    request: AuthedRequest, team_pk: int, case_pk: Any, viewpoint: str
) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ANALYSIS_RECORD)
    if viewpoint not in Viewpoint.values:
        raise NotFound()
    analysis = _current(case)
    orgs = _own_orgs(request, case)
    if not orgs:
        raise NotFound()
    for p in selectors.perspectives_for(user=request.user, analysis=analysis):
        if p.viewpoint == viewpoint and p.origin_organisation_id in {o.pk for o in orgs}:
            return redirect(
                reverse("analysis:perspective_edit", args=[case.team_id, case.pk, p.pk])
            )
    return _save(request, case, analysis, viewpoint=viewpoint, perspective=None, orgs=orgs)


@require_GET_POST
@login_required
def perspective_edit(request: AuthedRequest, team_pk: int, case_pk: Any, pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ANALYSIS_RECORD)
    perspective = selectors.perspective_get(user=request.user, case=case, pk=pk)
    if perspective.origin_organisation_id not in facts_for(request.user).org_ids:
        raise Forbidden()
    analysis = perspective.analysis
    return _save(
        request,
        case,
        analysis,
        viewpoint=perspective.viewpoint,
        perspective=perspective,
        orgs=[perspective.origin_organisation],
    )


@require_GET
@login_required
def perspective(request: AuthedRequest, team_pk: int, case_pk: Any, pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ANALYSIS_VIEW)
    item = selectors.perspective_get(user=request.user, case=case, pk=pk)
    mine = item.origin_organisation_id in facts_for(request.user).org_ids
    if not mine:
        opened(user=request.user, case=case, what="perspective", item_id=item.pk)
    answers = services.answers_of(item)
    version = item.analysis.version
    form = PerspectiveForm(version=version, answers=answers, language=_lang())
    titles = services.domain_titles(version, _lang())
    ratings = [(titles[d], answers.get(d) or {}) for d in services.domain_keys(version)]
    return render(
        request,
        "analysis/perspective.html",
        {
            "case": case,
            "team": case.team,
            "perspective": item,
            "answers": answers,
            "ratings": ratings,
            "sections": form.sections(),
            "mine": mine,
            "may_share": mine and can(request.user, Action.CASE_WORK, case),
            "may_edit": mine
            and can(request.user, Action.ANALYSIS_RECORD, case)
            and item.analysis_id == _current(case).pk,
            "category": category_label(item.category),
            "categories": [category_label(c) for c in services.categories_for(version, answers)],
        },
    )


@require_GET
@login_required
def grid(request: AuthedRequest, team_pk: int, case_pk: Any, analysis_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ANALYSIS_VIEW)
    analysis = selectors.analysis_get(case=case, pk=analysis_pk)
    view = selectors.grid_for(user=request.user, analysis=analysis)
    titles = services.domain_titles(analysis.version, _lang())
    rows = [
        (
            titles.get(row.domain, row.domain),
            row,
            list(zip(view.grid.columns, row.cells, strict=True)),
        )
        for row in view.grid.rows
    ]
    return render(
        request,
        "analysis/grid.html",
        {
            "case": case,
            "team": case.team,
            "analysis": analysis,
            "view": view,
            "grid": view.grid,
            "rows": rows,
            "flags": view.grid.flags,
            "divergence": grids.DIVERGENCE,
        },
    )


def _formulation_page(
    request: AuthedRequest, case: Case, analysis: Analysis, form: FormulationForm, status: int
) -> HttpResponse:
    return render(
        request,
        "analysis/formulation_form.html",
        {"case": case, "team": case.team, "analysis": analysis, "form": form},
        status=status,
    )


@require_GET_POST
@login_required
def formulation_new(request: AuthedRequest, team_pk: int, case_pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ANALYSIS_MANAGE)
    analysis = _current(case)
    latest = selectors.formulations_for(user=request.user, analysis=analysis).first()
    titles = services.domain_titles(analysis.version, _lang())
    make = functools.partial(
        FormulationForm,
        domains=titles,
        options=services.rating_options(analysis.version),
        language=_lang(),
        initial_content=latest.content if latest else None,
    )
    return submit_form(
        request,
        make,
        run=lambda form: services.formulation_agree(
            actor=request.user, analysis=analysis, data=form.data_for_service()
        ),
        success=lambda f: _("Version %(n)s of the case formulation is recorded.") % {"n": f.number},
        redirect_to=lambda f: reverse("analysis:formulation", args=[case.team_id, case.pk, f.pk]),
        page=lambda form, status: _formulation_page(request, case, analysis, form, status),
    )


@require_GET
@login_required
def formulation(request: AuthedRequest, team_pk: int, case_pk: Any, pk: Any) -> HttpResponse:
    case = _case(request, team_pk, case_pk, Action.ANALYSIS_VIEW)
    item = case_selectors.case_item_get(user=request.user, case=case, kind="formulation", pk=pk)
    analysis = selectors.analysis_get(case=case, pk=item.analysis_id)
    titles = services.domain_titles(analysis.version, _lang())
    earlier = selectors.previous_formulation(user=request.user, analysis=analysis)
    change = grids.formulation_change(
        list(titles), item.content or {}, earlier.content if earlier else None
    )
    agreed = (item.content or {}).get("domains") or {}
    rows = [(key, title, agreed.get(key) or {}, change.get(key)) for key, title in titles.items()]
    mine = item.origin_organisation_id in facts_for(request.user).org_ids
    if not mine and request.method == "GET":
        opened(user=request.user, case=case, what="formulation", item_id=item.pk)
    return render(
        request,
        "analysis/formulation.html",
        {
            "case": case,
            "team": case.team,
            "analysis": analysis,
            "formulation": item,
            "content": item.content or {},
            "rows": rows,
            "earlier": earlier,
            "history": list(selectors.formulations_for(user=request.user, analysis=analysis)),
            "may_share": mine and can(request.user, Action.CASE_WORK, case),
            "may_manage": can(request.user, Action.ANALYSIS_MANAGE, case)
            and analysis.pk == _current(case).pk,
        },
    )
