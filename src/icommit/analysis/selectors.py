"""Reads of Social Diagnostics, each narrowed by the sharing kernel for the viewer.

Invariant: a perspective or formulation reaches a person only through ``visible_items`` (members
of its origin organisation, organisations it is shared with); the grid, its flags and the change
since the previous analysis are computed from those alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from icommit.access.facts import facts_for
from icommit.accounts.models import User
from icommit.analysis import grid as grids
from icommit.analysis.models import Analysis, Formulation, Perspective, PerspectiveStatus
from icommit.analysis.services import answers_of, domain_keys
from icommit.cases.models import Case
from icommit.cases.services import participant_ids
from icommit.core.exceptions import NotFound
from icommit.sharing.items import visible_items
from icommit.stakeholders.models import Organisation


def own_organisations(*, user: User, case: Case) -> list[Organisation]:
    """The user's organisations that take part in the case, by name (those it records for)."""
    mine = set(facts_for(user).org_ids) & participant_ids(case)
    return list(Organisation.objects.filter(pk__in=mine).order_by("name"))


def member_organisation(*, user: User, pk: int) -> Organisation | None:
    """One of the user's organisations, or None (whether it takes part the service decides)."""
    if pk not in facts_for(user).org_ids:
        return None
    return Organisation.objects.filter(pk=pk).first()


def analyses_for(*, case: Case) -> list[Analysis]:
    """The case's analyses, oldest first (the last is the current one)."""
    return list(
        Analysis.objects.filter(case=case).select_related("version", "opened_by").order_by("number")
    )


def analysis_get(*, case: Case, pk: Any) -> Analysis:
    """One analysis of the case, or NotFound."""
    try:
        return Analysis.objects.select_related("version", "case__client").get(case=case, pk=pk)
    except (Analysis.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None


def perspectives_for(*, user: User, analysis: Analysis) -> QuerySet[Perspective]:
    """The analysis's perspectives the user's organisation may see (its own drafts included)."""
    return visible_items(
        user,
        Perspective.objects.filter(analysis=analysis).select_related(
            "origin_organisation", "response", "case__client"
        ),
    ).order_by("created_at", "pk")


def perspective_get(*, user: User, case: Case, pk: Any) -> Perspective:
    """One perspective of the case the user may see; NotFound otherwise."""
    try:
        return (
            visible_items(
                user,
                Perspective.objects.filter(case=case).select_related(
                    "origin_organisation", "response", "analysis__version", "case__client", "author"
                ),
            )
        ).get(pk=pk)
    except (Perspective.DoesNotExist, ValueError, ValidationError):
        raise NotFound() from None


def formulations_for(*, user: User, analysis: Analysis) -> QuerySet[Formulation]:
    """The analysis's formulation versions the user may see, newest first."""
    return visible_items(
        user,
        Formulation.objects.filter(analysis=analysis).select_related(
            "origin_organisation", "agreed_by", "case__client"
        ),
    ).order_by("-number")


def _inputs(perspectives: list[Perspective]) -> list[grids.PerspectiveInput]:
    return [
        grids.PerspectiveInput(
            id=str(p.pk),
            organisation_id=p.origin_organisation_id,
            organisation=p.origin_organisation.name,
            is_security=p.origin_organisation.is_security,
            viewpoint=p.viewpoint,
            answers=answers_of(p),
        )
        for p in perspectives
    ]


@dataclass(frozen=True)
class GridView:
    analysis: Analysis
    previous: Analysis | None
    grid: grids.Grid
    perspectives: list[Perspective]


def grid_for(*, user: User, analysis: Analysis) -> GridView:
    """The perspectives grid of the analysis as the user's organisation may see it: submitted
    perspectives shared with it (or its own), compared with the previous analysis's."""
    shown = [
        p
        for p in perspectives_for(user=user, analysis=analysis)
        if p.status == PerspectiveStatus.SUBMITTED
    ]
    previous = (
        Analysis.objects.filter(case_id=analysis.case_id, number__lt=analysis.number)
        .order_by("-number")
        .first()
    )
    before: list[Perspective] = []
    if previous is not None:
        before = [
            p
            for p in perspectives_for(user=user, analysis=previous)
            if p.status == PerspectiveStatus.SUBMITTED
        ]
    grid = grids.build_grid(domain_keys(analysis.version), _inputs(shown), _inputs(before))
    return GridView(analysis, previous, grid, shown)


def previous_formulation(*, user: User, analysis: Analysis) -> Formulation | None:
    """The last formulation of the previous analysis the user may see, if any."""
    previous = (
        Analysis.objects.filter(case_id=analysis.case_id, number__lt=analysis.number)
        .order_by("-number")
        .first()
    )
    if previous is None:
        return None
    return formulations_for(user=user, analysis=previous).first()
