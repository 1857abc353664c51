"""Pages of a team's sharing protocol and transparency matrix, under the team."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can
from icommit.core import audit
from icommit.core.csvsafe import csv_bytes
from icommit.core.exceptions import IcommitError
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.core.jobs import job_start_response
from icommit.sharing import selectors, services
from icommit.sharing.exports import PDF_KIND, matrix_category, matrix_context, organisation_view
from icommit.sharing.forms import MatrixFilterForm, ProtocolRowForm
from icommit.teams.selectors import team_get, team_organisations
from icommit.web.submit import submit_button, submit_form

# --- a team's sharing protocol and transparency matrix ----------------------------------------


@require_GET
@login_required
def protocol(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.TEAM_TRANSPARENCY_VIEW)
    return render(
        request,
        "sharing/protocol.html",
        {
            "team": team,
            "rows": [
                (row, selectors.row_labels(row)) for row in selectors.protocol_rows(team=team)
            ],
            "protocol": selectors.sharing_protocol(team=team),
            "can_edit": can(request.user, Action.TEAM_PROTOCOL_EDIT, team),
            "history_url": reverse("teams:history", args=[team.pk])
            if can(request.user, Action.TEAM_HISTORY, team)
            else "",
        },
    )


def _row_form(
    request: AuthedRequest, team: Any, title: str, run: Any, success: str, initial: Any = None
) -> HttpResponse:
    """A protocol row's form page: adding and changing differ only in the service and words."""
    return submit_form(
        request,
        partial(ProtocolRowForm, organisations=team_organisations(team=team), initial=initial),
        run=run,
        success=success,
        redirect_to=reverse("transparency:protocol", args=[team.pk]),
        template="sharing/protocol_row_form.html",
        context={"team": team, "title": title},
    )


@require_GET_POST
@login_required
def protocol_row_add(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.TEAM_PROTOCOL_EDIT)
    return _row_form(
        request,
        team,
        _("Add a protocol row"),
        lambda form: services.protocol_row_create(
            actor=request.user, team=team, values=form.values()
        ),
        _("Row added to the sharing protocol."),
    )


@require_GET_POST
@login_required
def protocol_row_edit(request: AuthedRequest, team_pk: int, row_pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.TEAM_PROTOCOL_EDIT)
    row = selectors.protocol_row_get(team=team, pk=row_pk)
    return _row_form(
        request,
        team,
        _("Change a protocol row"),
        lambda form: services.protocol_row_update(
            actor=request.user, row=row, values=form.values()
        ),
        _("Protocol row saved."),
        initial=ProtocolRowForm.initial_for(row),
    )


@require_POST
@login_required
def protocol_row_delete(request: AuthedRequest, team_pk: int, row_pk: int) -> HttpResponse:
    team = team_get(user=request.user, pk=team_pk, action=Action.TEAM_PROTOCOL_EDIT)
    row = selectors.protocol_row_get(team=team, pk=row_pk)
    return submit_button(
        request,
        run=lambda: services.protocol_row_delete(actor=request.user, row=row),
        success=_("Row removed from the sharing protocol."),
        redirect_to=reverse("transparency:protocol", args=[team.pk]),
    )


def _matrix_for(request: AuthedRequest, team_pk: int) -> tuple[Any, MatrixFilterForm, Any, str]:
    """The team, the filter form, the computed matrix and the one category shown (or "")."""
    team = team_get(user=request.user, pk=team_pk, action=Action.TEAM_TRANSPARENCY_VIEW)
    form = MatrixFilterForm(request.GET or None)
    category = form.category_asked()
    result = selectors.transparency_matrix(team=team, categories=[category] if category else None)
    form.set_organisations(p.organisation for p in result.participants)
    return team, form, result, category


def _selected_pair(request: AuthedRequest, matrix: Any) -> dict[str, Any] | None:
    """The pair of organisations picked for a closer look (``?from=<id>&to=<id>``)."""
    by_id = {p.organisation.pk: p for p in matrix.participants}
    origin = by_id.get(int(request.GET["from"])) if request.GET.get("from", "").isdigit() else None
    target = by_id.get(int(request.GET["to"])) if request.GET.get("to", "").isdigit() else None
    if origin is None or target is None or origin is target:
        return None
    decisions = matrix.matrix.cell(origin.member, target.member)
    return {
        "origin": origin,
        "target": target,
        "decisions": [
            (selectors.category_label(code), decision, matrix.describe(decision))
            for code, decision in decisions.items()
        ],
    }


@require_GET
@login_required
def matrix(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team, form, result, category = _matrix_for(request, team_pk)
    valid = form.is_valid()
    show = form.cleaned_data.get("show", "") if valid else ""
    organisation = form.cleaned_data.get("organisation") if valid else None
    query = request.GET.copy()
    for key in ("from", "to"):
        query.pop(key, None)
    return render(
        request,
        "sharing/matrix.html",
        {
            **matrix_context(team, result, category, show),
            "filter_form": form,
            "focus": organisation_view(result, organisation, show) if organisation else None,
            "pair": _selected_pair(request, result),
            "filter_query": query.urlencode(),
            "category_query": urlencode({"category": category}) if category else "",
        },
    )


def _export_audit(request: AuthedRequest, team: Any, kind: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="export.download",
            obj=team,
            team_id=team.pk,
            purpose=f"transparency.matrix.{kind}",
        )


@require_POST
@login_required
def matrix_pdf(request: AuthedRequest, team_pk: int) -> HttpResponse:
    """Start the PDF of the matrix (the category chosen) as a background job; show its progress."""
    team = team_get(user=request.user, pk=team_pk, action=Action.TEAM_TRANSPARENCY_VIEW)
    try:
        category = matrix_category(request.POST)
    except IcommitError as exc:
        messages.error(request, exc.message)
        return redirect("transparency:matrix", team.pk)
    return job_start_response(
        request,
        kind=PDF_KIND,
        params={"team": team.pk, "category": category},
        team_id=team.pk,
        back=reverse("transparency:matrix", args=[team.pk]),
    )


@require_GET
@login_required
def matrix_csv(request: AuthedRequest, team_pk: int) -> HttpResponse:
    team, _form, result, _category = _matrix_for(request, team_pk)
    data = csv_bytes(*selectors.matrix_table(result))
    _export_audit(request, team, "csv")
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transparency-{team.pk}.csv"'
    return response
