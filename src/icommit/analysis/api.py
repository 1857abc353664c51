"""API: a case's Social Diagnostics — analyses, perspectives, the grid and the case formulation.

The same services and selectors as the pages. Perspectives and formulations come only through
the sharing kernel's visibility filter, and the grid is computed from the perspectives the
caller's organisation may see: an unshared perspective never appears in a list, an answer, the
grid or its flags.

No ``from __future__ import annotations`` here: ninja must see ``Path[int]`` as an object.
"""

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status

from icommit.access import Action, require
from icommit.access.facts import facts_for
from icommit.analysis import selectors, services
from icommit.analysis.models import Analysis, Formulation, Perspective
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line, LongText, ShortText
from icommit.cases import selectors as case_selectors
from icommit.cases.models import Case
from icommit.cases.services import opened
from icommit.core.exceptions import NotFound, ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.stakeholders.models import Organisation

router = Router(tags=["social diagnostics"])


@contextmanager
def _api_fields() -> Iterator[None]:
    """A service's refusal names the field as the API client sent it."""
    try:
        yield
    except ValidationFailed as exc:
        names = {"organisation": "organisation_id"}
        exc.details = {names.get(k, k): v for k, v in (exc.details or {}).items()}
        raise


def _case(request: AuthedRequest, team_id: int, case_id: Path[uuid.UUID], action: Action) -> Case:
    """The case if the caller may find it (404 otherwise) and do ``action`` (403 otherwise)."""
    case = case_selectors.case_get(user=request.user, pk=case_id, action=Action.CASE_FIND)
    if case.team_id != team_id:
        raise NotFound()
    require(request.user, action, case)
    return case


def _analysis(case: Case, analysis_id: uuid.UUID) -> Analysis:
    return selectors.analysis_get(case=case, pk=analysis_id)


# --- schemas --------------------------------------------------------------------------------------


class AnalysisOut(Schema):
    id: uuid.UUID
    number: int
    instrument_version: int
    opened_at: datetime.datetime
    current: bool


class AnalysisIn(Schema):
    #: why a new analysis starts (required after the first)
    reason: ShortText = ""


class PerspectiveOut(Schema):
    id: uuid.UUID
    analysis_id: uuid.UUID
    organisation_id: int
    organisation: str
    security: bool
    viewpoint: str
    status: str
    category: str
    submitted_at: datetime.datetime | None
    answers: dict[str, Any]
    #: after a submit that changed the answers: the organisations whose shares ended because
    #: the rule book no longer passed for the new answers
    shares_ended: list[str] = []


class PerspectiveIn(Schema):
    #: your organisation (optional when you belong to one organisation taking part)
    organisation_id: int | None = None
    viewpoint: Literal["organisation", "client"] = "organisation"
    #: the kind of secrecy you are bound by as its author ("none" if none)
    secrecy: Line = "none"
    answers: dict[str, Any] = {}
    #: submit at once (the answers must be complete)
    submit: bool = False


class PerspectiveUpdate(Schema):
    answers: dict[str, Any]
    secrecy: Line | None = None


class PerspectiveSubmit(Schema):
    #: the complete answers; the saved draft's when left out
    answers: dict[str, Any] | None = None


class ColumnOut(Schema):
    perspective_id: str
    organisation: str
    security: bool
    viewpoint: str


class CellOut(Schema):
    #: 0-3; or "unknown"; "not_applicable" (a resource that does not apply); "not_rated" (the
    #: perspective did not rate it)
    concern: int | Literal["unknown", "not_applicable", "not_rated"]
    resource: int | Literal["unknown", "not_applicable", "not_rated"]
    rationale: str
    change: dict[str, int | None] | None = None


class RowOut(Schema):
    domain: str
    cells: list[CellOut]
    divergent: list[str]


class GridOut(Schema):
    analysis_id: uuid.UUID
    previous_analysis_id: uuid.UUID | None
    columns: list[ColumnOut]
    rows: list[RowOut]
    missing: list[str]


class FormulationDomainIn(Schema):
    #: 0-3, "unknown", or "not_applicable" where the instrument offers it (the religion
    #: resource); null (or left out): not agreed
    concern: int | Literal["unknown", "not_applicable"] | None = None
    resource: int | Literal["unknown", "not_applicable"] | None = None
    note: ShortText = ""


class FormulationTaskIn(Schema):
    service: Line
    task: ShortText


class FormulationIn(Schema):
    domains: dict[str, FormulationDomainIn] = {}
    summary: LongText
    hypotheses: LongText = ""
    needs: LongText = ""
    tasks: list[FormulationTaskIn] = []


class FormulationOut(Schema):
    id: uuid.UUID
    analysis_id: uuid.UUID
    number: int
    previous_id: uuid.UUID | None
    organisation: str
    agreed_at: datetime.datetime
    content: dict[str, Any]


def _analysis_out(analysis: Analysis, current: bool) -> dict[str, Any]:
    return {
        "id": analysis.pk,
        "number": analysis.number,
        "instrument_version": analysis.version.number,
        "opened_at": analysis.opened_at,
        "current": current,
    }


def _perspective_out(p: Perspective) -> dict[str, Any]:
    return {
        "id": p.pk,
        "analysis_id": p.analysis_id,
        "organisation_id": p.origin_organisation_id,
        "organisation": p.origin_organisation.name,
        "security": p.origin_organisation.is_security,
        "viewpoint": p.viewpoint,
        "status": p.status,
        "category": p.category,
        "submitted_at": p.submitted_at,
        "answers": services.answers_of(p),
    }


def _formulation_out(f: Formulation) -> dict[str, Any]:
    return {
        "id": f.pk,
        "analysis_id": f.analysis_id,
        "number": f.number,
        "previous_id": f.previous_id,
        "organisation": f.origin_organisation.name,
        "agreed_at": f.agreed_at,
        "content": dict(f.content or {}),
    }


def _own_organisation(request: AuthedRequest, case: Case, pk: int | None) -> Organisation:
    message = _("Choose an organisation you belong to.")
    if pk is None:
        mine = selectors.own_organisations(user=request.user, case=case)
        if len(mine) != 1:
            raise ValidationFailed.field("organisation_id", message)
        return mine[0]
    found = selectors.member_organisation(user=request.user, pk=pk)
    if found is None:
        raise ValidationFailed.field("organisation_id", message)
    return found


# --- operations -----------------------------------------------------------------------------------


@router.get("", response={200: list[AnalysisOut], **READ_ERRORS})
def list_analyses(request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID]):
    """The case's analyses, oldest first; the last is the current one."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_VIEW)
    analyses = selectors.analyses_for(case=case)
    return [_analysis_out(a, i == len(analyses) - 1) for i, a in enumerate(analyses)]


@router.post("", response={201: AnalysisOut, **WRITE_ERRORS})
def open_analysis(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], payload: AnalysisIn
):
    """Start the case's next analysis (lead's case manager; after the first, give a reason)."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_MANAGE)
    with _api_fields():
        analysis = services.analysis_open(actor=request.user, case=case, reason=payload.reason)
    return Status(201, _analysis_out(analysis, True))


@router.get("/{analysis_id}/perspectives", response={200: list[PerspectiveOut], **READ_ERRORS})
def list_perspectives(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], analysis_id: uuid.UUID
):
    """The analysis's perspectives your organisation may see (its own drafts included)."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_VIEW)
    analysis = _analysis(case, analysis_id)
    return [
        _perspective_out(p)
        for p in selectors.perspectives_for(user=request.user, analysis=analysis)
    ]


@router.post("/{analysis_id}/perspectives", response={201: PerspectiveOut, **WRITE_ERRORS})
def create_perspective(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: Path[uuid.UUID],
    analysis_id: uuid.UUID,
    payload: PerspectiveIn,
):
    """Start your organisation's perspective (or the client's view recorded with the client);
    only your organisation sees it until it shares it."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_RECORD)
    analysis = _analysis(case, analysis_id)
    organisation = _own_organisation(request, case, payload.organisation_id)
    with _api_fields():
        perspective = services.perspective_create(
            actor=request.user,
            analysis=analysis,
            organisation=organisation,
            viewpoint=payload.viewpoint,
            secrecy=payload.secrecy,
            answers=payload.answers,
        )
        if payload.submit:
            perspective = services.perspective_submit(actor=request.user, perspective=perspective)
    found = selectors.perspective_get(user=request.user, case=case, pk=perspective.pk)
    return Status(201, _perspective_out(found))


@router.get("/perspectives/{perspective_id}", response={200: PerspectiveOut, **READ_ERRORS})
def get_perspective(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], perspective_id: uuid.UUID
):
    """One perspective your organisation may see."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_VIEW)
    item = selectors.perspective_get(user=request.user, case=case, pk=perspective_id)
    if item.origin_organisation_id not in facts_for(request.user).org_ids:
        opened(user=request.user, case=case, what="perspective", item_id=item.pk)
    return _perspective_out(item)


@router.put("/perspectives/{perspective_id}", response={200: PerspectiveOut, **WRITE_ERRORS})
def update_perspective(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: Path[uuid.UUID],
    perspective_id: uuid.UUID,
    payload: PerspectiveUpdate,
):
    """Save a draft's answers (incomplete is fine); a submitted one changes by submitting."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_RECORD)
    perspective = selectors.perspective_get(user=request.user, case=case, pk=perspective_id)
    with _api_fields():
        services.perspective_save(
            actor=request.user,
            perspective=perspective,
            answers=payload.answers,
            secrecy=payload.secrecy,
        )
    return _perspective_out(
        selectors.perspective_get(user=request.user, case=case, pk=perspective_id)
    )


@router.post(
    "/perspectives/{perspective_id}/submit", response={200: PerspectiveOut, **WRITE_ERRORS}
)
def submit_perspective(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: Path[uuid.UUID],
    perspective_id: uuid.UUID,
    payload: PerspectiveSubmit,
):
    """Submit the complete answers; a submitted perspective's answers are replaced."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_RECORD)
    perspective = selectors.perspective_get(user=request.user, case=case, pk=perspective_id)
    with _api_fields():
        submitted = services.perspective_submit(
            actor=request.user, perspective=perspective, answers=payload.answers
        )
    return {
        **_perspective_out(
            selectors.perspective_get(user=request.user, case=case, pk=perspective_id)
        ),
        "shares_ended": list(submitted.shares_ended),
    }


@router.get("/{analysis_id}/grid", response={200: GridOut, **READ_ERRORS})
def get_analysis_grid(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], analysis_id: uuid.UUID
):
    """The perspectives grid as your organisation may see it: cells, divergence per domain and
    scale, missing-perspective flags and the change since the previous analysis."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_VIEW)
    view = selectors.grid_for(user=request.user, analysis=_analysis(case, analysis_id))
    grid = view.grid

    def value(v: int | None, mark: str) -> int | str:
        return mark if v is None else v

    return {
        "analysis_id": view.analysis.pk,
        "previous_analysis_id": view.previous.pk if view.previous else None,
        "columns": [
            {
                "perspective_id": c.id,
                "organisation": c.organisation,
                "security": c.is_security,
                "viewpoint": c.viewpoint,
            }
            for c in grid.columns
        ],
        "rows": [
            {
                "domain": row.domain,
                "divergent": list(row.divergent),
                "cells": [
                    {
                        "concern": value(cell.concern, cell.concern_mark),
                        "resource": value(cell.resource, cell.resource_mark),
                        "rationale": cell.rationale,
                        "change": (
                            {"concern": cell.change[0], "resource": cell.change[1]}
                            if cell.change is not None
                            else None
                        ),
                    }
                    for cell in row.cells
                ],
            }
            for row in grid.rows
        ],
        "missing": grid.flags.as_list(),
    }


@router.get("/{analysis_id}/formulations", response={200: list[FormulationOut], **READ_ERRORS})
def list_formulations(
    request: AuthedRequest, team_id: Path[int], case_id: Path[uuid.UUID], analysis_id: uuid.UUID
):
    """The analysis's case formulation versions your organisation may see, newest first."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_VIEW)
    analysis = _analysis(case, analysis_id)
    return [
        _formulation_out(f)
        for f in selectors.formulations_for(user=request.user, analysis=analysis)
    ]


@router.post("/{analysis_id}/formulations", response={201: FormulationOut, **WRITE_ERRORS})
def agree_formulation(
    request: AuthedRequest,
    team_id: Path[int],
    case_id: Path[uuid.UUID],
    analysis_id: uuid.UUID,
    payload: FormulationIn,
):
    """Record what was agreed as a new version of the case formulation (lead's case manager)."""
    case = _case(request, team_id, case_id, Action.ANALYSIS_MANAGE)
    analysis = _analysis(case, analysis_id)
    with _api_fields():
        formulation = services.formulation_agree(
            actor=request.user, analysis=analysis, data=payload.dict()
        )
    found = selectors.formulations_for(user=request.user, analysis=analysis).get(pk=formulation.pk)
    return Status(201, _formulation_out(found))
