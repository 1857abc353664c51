"""A team's transparency matrix as a PDF, prepared by a background job (``core.jobs``).

The job re-checks, when it runs, that its owner may still read the matrix (the same selector as
the page) and validates the one category it shows. The matrix grid is built here for the page
and the PDF alike.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from icommit.access import Action
from icommit.core.exceptions import ValidationFailed
from icommit.core.jobs import Report
from icommit.core.models import Job
from icommit.core.pdf import render_pdf
from icommit.sharing import selectors
from icommit.sharing.forms import MatrixFilterForm
from icommit.teams.selectors import team_get

PDF_KIND = "transparency.matrix.pdf"


def _grid(result: Any, *, single: bool) -> list[tuple[Any, list[tuple[Any, list[Any], bool]]]]:
    """Rows of the matrix table: the sender, then per receiver the (category, decision) pairs
    shown and whether categories with nothing agreed were left out (all-categories view)."""
    rows = []
    for sender in result.participants:
        cells = []
        for receiver in result.participants:
            decisions = [
                (selectors.category_label(code), decision)
                for code, decision in result.matrix.cell(sender.member, receiver.member).items()
            ]
            shown = decisions if single else [(c, d) for c, d in decisions if d.agreed]
            cells.append((receiver, shown, len(shown) < len(decisions)))
        rows.append((sender, cells))
    return rows


def matrix_context(team: Any, result: Any, category: str) -> dict[str, Any]:
    """What the matrix page and its PDF show of a computed matrix."""
    return {
        "team": team,
        "t": result,
        "grid": _grid(result, single=bool(category)),
        "supplies": result.supplies,
        "single": selectors.category_label(category) if category else "",
    }


def matrix_category(data: Any) -> str:
    """The one data category asked for ("" for all); ValidationFailed for an unknown one."""
    form = MatrixFilterForm(data)
    if not form.is_valid():
        raise ValidationFailed(
            _("Choose a data category from the list."),
            details={k: [str(m) for m in v] for k, v in form.errors.items()},
        )
    category: str = form.cleaned_data.get("category") or ""
    return category


def matrix_pdf(job: Job, report: Report) -> tuple[str, str, bytes]:
    """The matrix (all categories or one) with the sharing protocol, as PDF."""
    team = team_get(user=job.owner, pk=job.params["team"], action=Action.TEAM_TRANSPARENCY_VIEW)
    category = matrix_category({"category": job.params.get("category") or ""})
    result = selectors.transparency_matrix(team=team, categories=[category] if category else None)
    report(10, "")
    data = render_pdf(
        "sharing/matrix_pdf.html",
        {
            **matrix_context(team, result, category),
            "rows": selectors.sharing_protocol_rows(team=team),
        },
    )
    return f"transparency-{team.pk}.pdf", "application/pdf", data
